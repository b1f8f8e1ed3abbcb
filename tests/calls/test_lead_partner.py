"""Smart as lead partner of a project outside any call, and the rules for calls."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from calls import services
from calls.enums import LeadRequestState, MilestoneKind, RulesStatus, TaskOwner
from calls.models import LeadAssessment, LeadPartnerRequest, ResponsibilityTask, RulesComment
from notifications.models import OutboxEmail
from tests.factories import (
    LeadCriterionFactory,
    LeadPartnerRequestFactory,
    MemberFactory,
    ResponsibilityFactory,
    RulesVersionFactory,
    StaffFactory,
    VerifiedMemberFactory,
)

pytestmark = pytest.mark.django_db


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_only_verified_members_ask_smart_to_lead():
    with pytest.raises(ValidationError) as refused:
        services.request_lead_partner(
            MemberFactory(), title="X", summary="Y", budget=Decimal(1), deadline=timezone.now()
        )

    assert refused.value.code == "not_verified"


def test_decision_needs_every_criterion_assessed_and_reasons():
    criteria = [LeadCriterionFactory(), LeadCriterionFactory(is_ethical=True)]
    LeadCriterionFactory(is_active=False)
    lead = LeadPartnerRequestFactory()
    staff = StaffFactory()
    services.assess_lead_request(lead, actor=staff, assessments={criteria[0].pk: (True, "Sì")})

    with pytest.raises(ValidationError) as unassessed:
        services.set_lead_request_state(lead, LeadRequestState.ACCEPTED, actor=staff, reason="Bene")
    services.assess_lead_request(lead, actor=staff, assessments={criteria[1].pk: (False, "Compensi bassi")})
    with pytest.raises(ValidationError) as no_reason:
        services.set_lead_request_state(lead, LeadRequestState.DECLINED, actor=staff, reason=" ")

    assert (unassessed.value.code, no_reason.value.code) == ("unassessed", "reason")
    lead.refresh_from_db()
    assert lead.state == LeadRequestState.SUBMITTED


def test_accepted_request_gets_the_checklist_and_the_member_reads_the_reasons():
    criterion = LeadCriterionFactory()
    ResponsibilityFactory(call=None, title="Budget dettagliato", owner=TaskOwner.TEAM, days_before=20)
    ResponsibilityFactory(title="Compito di un bando")  # another call's template
    lead = LeadPartnerRequestFactory()
    staff = StaffFactory()
    services.assess_lead_request(lead, actor=staff, assessments={criterion.pk: (True, "Rispettato")})

    services.set_lead_request_state(lead, LeadRequestState.ACCEPTED, actor=staff, reason="Coerente con la missione.")

    assert list(ResponsibilityTask.objects.values_list("lead_request", "title", "due_at")) == [
        (lead.pk, "Budget dettagliato", lead.deadline - timedelta(days=20))
    ]
    email = OutboxEmail.objects.get(recipient=lead.requester)
    assert "Motivazioni: Coerente con la missione." in email.body_text


def test_requester_withdraws_before_the_decision_only():
    lead = LeadPartnerRequestFactory()
    services.set_lead_request_state(lead, LeadRequestState.WITHDRAWN, actor=lead.requester)

    with pytest.raises(ValidationError) as refused:
        services.set_lead_request_state(lead, LeadRequestState.ACCEPTED, actor=StaffFactory(), reason="Tardi")

    assert refused.value.code == "transition"


def test_accepted_project_closes_once_its_reporting_is_signed_off(settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    lead = LeadPartnerRequestFactory(state=LeadRequestState.ACCEPTED)
    staff = StaffFactory()
    milestone = services.add_milestone(
        lead, actor=staff, kind=MilestoneKind.DELIVERABLE, title="Relazione", due_at=timezone.now() + timedelta(days=5)
    )
    with pytest.raises(ValidationError):
        services.set_lead_request_state(lead, LeadRequestState.CLOSED, actor=staff)
    services.deliver_milestone(milestone, SimpleUploadedFile("r.pdf", b"%PDF-1.4 r"), actor=lead.requester)
    services.sign_off_milestone(milestone, actor=staff)

    services.set_lead_request_state(lead, LeadRequestState.CLOSED, actor=staff)

    lead.refresh_from_db()
    assert lead.state == LeadRequestState.CLOSED


def test_lead_request_form_with_a_budget_that_is_not_an_amount_keeps_what_was_typed(client, verified_member):
    client.force_login(verified_member)

    response = client.post(
        "/bandi/capofila/nuova/",
        {
            "title": "Festival",
            "summary": "Tre giorni di musica.",
            "budget": "tanti",
            "deadline": _local(timezone.now() + timedelta(days=30)),
        },
    )

    html = response.content.decode()
    assert "Scrivi un importo in euro" in html and "Tre giorni di musica." in html
    assert LeadPartnerRequest.objects.count() == 0


def test_staff_decide_on_the_page_and_a_missing_reason_keeps_the_assessment(client):
    criterion = LeadCriterionFactory()
    lead = LeadPartnerRequestFactory()
    client.force_login(StaffFactory())
    data = {f"met_{criterion.pk}": "no", f"note_{criterion.pk}": "Budget troppo basso", "decision": "declined"}

    response = client.post(f"/bandi/capofila/{lead.pk}/", {**data, "reason": ""})
    decided = client.post(f"/bandi/capofila/{lead.pk}/", {**data, "reason": "Non sostenibile."}, follow=True)

    assert "Scrivi le motivazioni della decisione" in response.content.decode()
    assert 'value="Budget troppo basso"' in response.content.decode()
    lead.refresh_from_db()
    assert (lead.state, lead.decision_reason) == (LeadRequestState.DECLINED, "Non sostenibile.")
    assert LeadAssessment.objects.get().note == "Budget troppo basso"
    assert "Non sostenibile." in decided.content.decode()


# Rules


def test_members_comment_on_a_draft_not_on_a_published_version():
    draft = RulesVersionFactory(number=2)
    published = RulesVersionFactory(number=1, status=RulesStatus.PUBLISHED, published_at=timezone.now())
    member = VerifiedMemberFactory()

    services.comment_on_rules(draft, member, "Proporrei dieci giorni.")
    with pytest.raises(ValidationError) as refused:
        services.comment_on_rules(published, member, "Troppo tardi.")

    assert refused.value.code == "published"
    assert list(RulesComment.objects.values_list("text", flat=True)) == ["Proporrei dieci giorni."]


def test_publishing_an_older_draft_after_a_newer_version_is_refused():
    old_draft = RulesVersionFactory(number=1)
    newer = RulesVersionFactory(number=2)
    services.publish_rules(newer, actor=StaffFactory())

    with pytest.raises(ValidationError) as refused:
        services.publish_rules(old_draft, actor=StaffFactory())

    assert refused.value.code == "newer"


def test_rules_page_shows_the_version_in_force_and_its_date(client):
    RulesVersionFactory(number=1, status=RulesStatus.PUBLISHED, published_at=timezone.now(), body="Regola uno.")
    RulesVersionFactory(number=2, body="Regola in bozza.")

    html = client.get("/bandi/regolamento/").content.decode()

    assert "Regola uno." in html and "Versione 1, in vigore dal" in html
    assert "Regola in bozza." not in html
