"""Candidacies through their services: what each guard refuses, with which message, and
that nothing already saved is lost."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from calls import services
from calls.enums import CandidacyState, MilestoneKind, TaskOwner, TeamMemberState
from calls.models import Candidacy, CandidacyDocument, RankingEntry, ResponsibilityTask, TeamMember
from members.enums import MemberStatus
from notifications.models import OutboxEmail
from tests.factories import (
    CandidacyFactory,
    FundingCallFactory,
    MemberFactory,
    RequiredDocumentFactory,
    ResponsibilityFactory,
    StaffFactory,
    TeamMemberFactory,
    VerifiedMemberFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 progetto"


def _pdf(name="progetto.pdf"):
    return SimpleUploadedFile(name, PDF)


def test_start_candidacy_by_a_verified_member_is_a_draft():
    call = FundingCallFactory()
    member = VerifiedMemberFactory()

    candidacy = services.start_candidacy(call, member, title="Suoni di quartiere", budget=Decimal("900.00"))

    assert (candidacy.state, candidacy.applicant, candidacy.budget) == (
        CandidacyState.DRAFT,
        member,
        Decimal("900.00"),
    )


def test_start_candidacy_refuses_who_is_not_verified():
    with pytest.raises(ValidationError) as refused:
        services.start_candidacy(FundingCallFactory(), MemberFactory(), title="Progetto")

    assert refused.value.messages == ["Solo i soci e le socie verificati possono candidarsi a un bando."]


def test_start_candidacy_after_the_internal_deadline_is_refused():
    call = FundingCallFactory(internal_deadline=timezone.now() - timedelta(hours=1))

    with pytest.raises(ValidationError) as refused:
        services.start_candidacy(call, VerifiedMemberFactory(), title="Progetto")

    assert refused.value.code == "deadline"
    assert Candidacy.objects.count() == 0


def test_second_candidacy_of_a_member_refused_where_the_call_allows_one():
    first = CandidacyFactory()

    with pytest.raises(ValidationError) as refused:
        services.start_candidacy(first.call, first.applicant, title="Un altro progetto")

    assert refused.value.messages == [
        f"{first.applicant} fa già parte della squadra di una candidatura per questo bando, "
        "che ne ammette una per socio/a."
    ]
    assert Candidacy.objects.count() == 1


def test_second_candidacy_of_a_team_member_refused_where_the_call_allows_one():
    teammate = TeamMemberFactory().member
    candidacy = Candidacy.objects.get()

    with pytest.raises(ValidationError) as refused:
        services.start_candidacy(candidacy.call, teammate, title="Il mio progetto")

    assert refused.value.code == "one_per_member"


def test_second_candidacy_allowed_where_the_call_allows_many():
    first = CandidacyFactory(call__one_per_member=False)

    second = services.start_candidacy(first.call, first.applicant, title="Un altro progetto")

    assert second.pk != first.pk


def test_withdrawn_candidacy_no_longer_counts_against_one_per_member():
    first = CandidacyFactory(state=CandidacyState.WITHDRAWN)

    second = services.start_candidacy(first.call, first.applicant, title="Ci riprovo")

    assert second.state == CandidacyState.DRAFT


def test_accepting_an_invitation_refused_when_on_another_team_of_the_call():
    elsewhere = TeamMemberFactory()
    other = CandidacyFactory(call=elsewhere.candidacy.call)
    invitation = services.invite_team_member(other, elsewhere.member, actor=other.applicant)

    with pytest.raises(ValidationError) as refused:
        services.answer_invitation(invitation, accept=True)

    assert refused.value.code == "one_per_member"
    invitation.refresh_from_db()
    assert invitation.state == TeamMemberState.INVITED


def test_invitation_accepted_puts_the_member_on_the_team_and_tells_the_applicant():
    candidacy = CandidacyFactory()
    member = VerifiedMemberFactory()
    invitation = services.invite_team_member(candidacy, member, actor=candidacy.applicant, role="Fonica")

    services.answer_invitation(invitation, accept=True)

    invitation.refresh_from_db()
    assert (invitation.state, invitation.role) == (TeamMemberState.ACCEPTED, "Fonica")
    assert list(OutboxEmail.objects.order_by("pk").values_list("to", "kind")) == [
        (member.email, "calls/email/team_invitation"),
        (candidacy.applicant.email, "calls/email/invitation_answered"),
    ]


def test_submit_lists_everything_missing_and_keeps_the_draft():
    requirement = RequiredDocumentFactory(name="Piano economico")
    candidacy = CandidacyFactory(
        call=requirement.call, budget=None, summary="", declares_no_conflict=False, accepts_ethics=False
    )

    with pytest.raises(ValidationError) as refused:
        services.submit_candidacy(candidacy, actor=candidacy.applicant)

    assert refused.value.messages == [
        "Indica il budget del progetto.",
        "Descrivi il progetto nella sintesi.",
        "Dichiara di non avere conflitti di interesse.",
        "Accetta i criteri etici del bando.",
        "Carica il documento richiesto “Piano economico”.",
    ]
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.title) == (CandidacyState.DRAFT, candidacy.title)


def test_submit_with_every_document_creates_the_checklist_with_due_dates(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call = FundingCallFactory()
    requirement = RequiredDocumentFactory(call=call)
    ResponsibilityFactory(call=call, title="Lettere dei partner", owner=TaskOwner.TEAM, days_before=3)
    ResponsibilityFactory(call=call, title="Firma della domanda", owner=TaskOwner.STAFF, days_before=-2)
    candidacy = CandidacyFactory(call=call)
    services.upload_document(candidacy, requirement, _pdf(), actor=candidacy.applicant)

    services.submit_candidacy(candidacy, actor=candidacy.applicant)

    candidacy.refresh_from_db()
    assert candidacy.state == CandidacyState.SUBMITTED
    tasks = ResponsibilityTask.objects.filter(candidacy=candidacy).order_by("due_at")
    assert [(t.title, t.owner, t.due_at) for t in tasks] == [
        ("Lettere dei partner", TaskOwner.TEAM, call.internal_deadline - timedelta(days=3)),
        ("Firma della domanda", TaskOwner.STAFF, call.internal_deadline + timedelta(days=2)),
    ]


def test_upload_refuses_a_file_that_is_not_a_document(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    requirement = RequiredDocumentFactory()
    candidacy = CandidacyFactory(call=requirement.call)

    with pytest.raises(ValidationError) as refused:
        services.upload_document(
            candidacy, requirement, SimpleUploadedFile("virus.pdf", b"MZ\x90\x00"), actor=candidacy.applicant
        )

    assert refused.value.message_dict == {
        "file": ["Questo tipo di file non si può condividere: usa PDF, ODT/ODS, DOCX/XLSX o un'immagine."]
    }
    assert CandidacyDocument.objects.count() == 0


def test_upload_again_replaces_the_document(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    requirement = RequiredDocumentFactory()
    candidacy = CandidacyFactory(call=requirement.call)
    services.upload_document(candidacy, requirement, _pdf("prima.pdf"), actor=candidacy.applicant)

    services.upload_document(candidacy, requirement, _pdf("seconda.pdf"), actor=candidacy.applicant)

    [document] = CandidacyDocument.objects.all()
    assert document.file.name.endswith("/seconda.pdf")


def test_upload_against_another_calls_document_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    candidacy = CandidacyFactory()

    with pytest.raises(ValidationError) as refused:
        services.upload_document(candidacy, RequiredDocumentFactory(), _pdf(), actor=candidacy.applicant)

    assert refused.value.code == "bad_requirement"


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (CandidacyState.WITHDRAWN, "Questa candidatura è stata ritirata: non si può più modificare."),
        (
            CandidacyState.SUBMITTED,
            "Questa candidatura è stata inviata: non si può più modificare. Se qualcosa non va, scrivi allo staff.",
        ),
    ],
)
def test_candidacy_no_longer_a_draft_is_not_edited(state, message):
    candidacy = CandidacyFactory(state=state, title="Titolo originale")

    with pytest.raises(ValidationError) as refused:
        services.update_candidacy(candidacy, actor=candidacy.applicant, title="Titolo nuovo")

    assert refused.value.messages == [message]
    candidacy.refresh_from_db()
    assert candidacy.title == "Titolo originale"


def test_update_refuses_a_negative_budget():
    candidacy = CandidacyFactory()

    with pytest.raises(ValidationError) as refused:
        services.update_candidacy(candidacy, actor=candidacy.applicant, budget=Decimal("-1"))

    assert list(refused.value.message_dict) == ["budget"]


def test_ineligible_needs_a_reason_the_team_reads():
    candidacy = CandidacyFactory(state=CandidacyState.SUBMITTED)

    with pytest.raises(ValidationError) as refused:
        services.set_candidacy_state(candidacy, CandidacyState.INELIGIBLE, actor=StaffFactory(), reason="  ")

    assert refused.value.code == "reason"
    services.set_candidacy_state(
        candidacy, CandidacyState.INELIGIBLE, actor=StaffFactory(), reason="Manca la sede in Lombardia."
    )
    email = OutboxEmail.objects.get(recipient=candidacy.applicant)
    assert "Motivo: Manca la sede in Lombardia." in email.body_text


def test_selection_never_exceeds_the_limit():
    call = FundingCallFactory(max_candidacies=1)
    CandidacyFactory(call=call, state=CandidacyState.SELECTED)
    other = CandidacyFactory(call=call, state=CandidacyState.ELIGIBLE)

    with pytest.raises(ValidationError) as refused:
        services.set_candidacy_state(other, CandidacyState.SELECTED, actor=StaffFactory())

    assert refused.value.messages == ["Questo bando ammette 1 candidature e 1 sono già selezionate."]
    other.refresh_from_db()
    assert other.state == CandidacyState.ELIGIBLE


def test_closing_waits_for_every_milestone_to_be_signed_off():
    candidacy = CandidacyFactory(state=CandidacyState.REPORTING)
    services.add_milestone(
        candidacy,
        actor=StaffFactory(),
        kind=MilestoneKind.DELIVERABLE,
        title="Video finale",
        due_at=timezone.now() + timedelta(days=10),
    )

    with pytest.raises(ValidationError) as refused:
        services.set_candidacy_state(candidacy, CandidacyState.CLOSED, actor=StaffFactory())

    assert refused.value.code == "reporting_open"


def test_withdrawing_a_selected_candidacy_promotes_the_first_waitlisted():
    call = FundingCallFactory(max_candidacies=1, ranking_published_at=timezone.now())
    selected = CandidacyFactory(call=call, state=CandidacyState.ELIGIBLE)
    first, second = (CandidacyFactory(call=call, state=CandidacyState.ELIGIBLE) for _ in range(2))
    staff = StaffFactory()
    # A published ranking: "second" is ahead of "first" on the waiting list.
    for position, candidacy in enumerate([selected, second, first], start=1):
        RankingEntry.objects.create(call=call, candidacy=candidacy, position=position, draw_key="0" * 64)
    services.set_candidacy_state(selected, CandidacyState.SELECTED, actor=staff)
    services.set_candidacy_state(first, CandidacyState.WAITLISTED, actor=staff)
    services.set_candidacy_state(second, CandidacyState.WAITLISTED, actor=staff)
    OutboxEmail.objects.all().delete()

    services.withdraw_candidacy(selected, actor=selected.applicant, reason="Non riusciamo a partire.")

    states = dict(Candidacy.objects.values_list("pk", "state"))
    assert states == {
        selected.pk: CandidacyState.WITHDRAWN,
        second.pk: CandidacyState.SELECTED,
        first.pk: CandidacyState.WAITLISTED,
    }
    promoted = OutboxEmail.objects.get(recipient=second.applicant)
    assert promoted.subject == f"Dalla lista d'attesa: “{second.title}” è selezionata"
    assert list(OutboxEmail.objects.values_list("recipient", flat=True)) == [second.applicant_id]


def test_state_emails_go_only_to_who_may_see_the_candidacy():
    candidacy = CandidacyFactory(state=CandidacyState.SUBMITTED)
    accepted = TeamMemberFactory(candidacy=candidacy).member
    TeamMemberFactory(candidacy=candidacy, state=TeamMemberState.INVITED)
    TeamMemberFactory(candidacy=candidacy, state=TeamMemberState.DECLINED)
    no_longer_member = TeamMemberFactory(candidacy=candidacy).member
    no_longer_member.status = MemberStatus.FORMER
    no_longer_member.save(update_fields=["status"])

    services.set_candidacy_state(candidacy, CandidacyState.ELIGIBLE, actor=StaffFactory())

    told = set(OutboxEmail.objects.values_list("recipient", flat=True))
    assert told == {candidacy.applicant_id, accepted.pk}


def test_team_of_is_the_applicant_and_who_accepted():
    candidacy = CandidacyFactory()
    accepted = TeamMemberFactory(candidacy=candidacy).member
    TeamMemberFactory(candidacy=candidacy, state=TeamMemberState.INVITED)

    assert {m.pk for m in services.team_of(candidacy)} == {candidacy.applicant_id, accepted.pk}
    assert TeamMember.objects.count() == 2


def test_staff_cannot_pick_by_hand_while_the_ranking_must_decide():
    call = FundingCallFactory(max_candidacies=1)
    first, _second = (CandidacyFactory(call=call, state=CandidacyState.ELIGIBLE) for _ in range(2))

    with pytest.raises(ValidationError) as refused:
        services.set_candidacy_state(first, CandidacyState.SELECTED, actor=StaffFactory())

    assert refused.value.code == "ranking_decides"
    first.refresh_from_db()
    assert first.state == CandidacyState.ELIGIBLE


def test_offer_to_a_withdrawn_candidacy_cannot_be_taken():
    candidacy = CandidacyFactory()
    role = services.open_role(candidacy, actor=candidacy.applicant, title="Fonica")
    offer = services.offer_to_join(role, VerifiedMemberFactory())
    services.withdraw_candidacy(candidacy, actor=candidacy.applicant)

    with pytest.raises(ValidationError) as refused:
        services.answer_offer(offer, actor=candidacy.applicant, accept=True)

    assert refused.value.code == "closed"
    assert TeamMember.objects.count() == 0
