"""The call for trainers: a verified member proposes, staff and the training group's
facilitators review and decide; an accepted proposal becomes a draft course."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from groups.enums import GroupTheme
from members.models import ActionLog
from notifications.models import OutboxEmail
from tests.factories import (
    FacilitatorFactory,
    MemberFactory,
    SectorFactory,
    SkillFactory,
    StaffFactory,
    TrainerProposalFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)
from training import services
from training.models import Course, TrainerProposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def training_facilitator(db):
    return FacilitatorFactory(group=WorkingGroupFactory(theme=GroupTheme.TRAINING)).member


def _form(area, **extra):
    return {
        "topic": "Fotografia di scena",
        "area": str(area.pk),
        "outline": "Tre incontri: luce, movimento, racconto.",
        "format": "in_person",
        "bio": "Fotografa di teatro da dieci anni.",
        **extra,
    }


def test_member_proposes_a_course_with_an_italian_fee(client, training_facilitator):
    member = VerifiedMemberFactory()
    area, skill = SectorFactory(), SkillFactory()
    client.force_login(member)

    response = client.post(
        "/formazione/proponi/", _form(area, skills=[skill.pk], expected_fee="€ 1.200,50"), follow=True
    )

    assert "la tua proposta è stata inviata" in response.content.decode()
    proposal = TrainerProposal.objects.get()
    assert (proposal.proposer, proposal.expected_fee, list(proposal.skills.all())) == (
        member,
        Decimal("1200.50"),
        [skill],
    )
    assert sorted(OutboxEmail.objects.values_list("kind", "to")) == [
        ("training/email/proposal_received", member.email),
        ("training/email/proposal_to_review", training_facilitator.email),
    ]


@pytest.mark.parametrize(
    ("fee", "message"),
    [
        ("centoventi", "Scrivi un importo in euro, per esempio 120 o 120,50."),
        ("-5", "L&#x27;importo non può essere negativo."),
        ("12,345", "Usa al massimo due decimali"),
        ("10000000", "L&#x27;importo è troppo alto"),
    ],
)
def test_a_bad_fee_is_explained_and_the_text_kept(client, fee, message):
    client.force_login(VerifiedMemberFactory())

    response = client.post("/formazione/proponi/", _form(SectorFactory(), expected_fee=fee))

    html = response.content.decode()
    assert message in html
    assert "Tre incontri: luce, movimento, racconto." in html
    assert TrainerProposal.objects.count() == 0


def test_a_registered_person_is_told_proposals_are_for_members(client):
    client.force_login(MemberFactory())

    html = client.get("/formazione/proponi/").content.decode()

    assert "riservato ai soci e alle socie verificati" in html
    assert client.post("/formazione/proponi/", _form(SectorFactory())).status_code == 403
    assert TrainerProposal.objects.count() == 0


def test_reviews_one_per_reviewer_and_never_by_the_proposer(training_facilitator):
    proposal = TrainerProposalFactory()
    staff = StaffFactory()

    services.review_proposal(proposal, training_facilitator, score=4, comment="Bene")
    services.review_proposal(proposal, training_facilitator, score=5)
    services.review_proposal(proposal, staff, score=3)

    assert sorted(proposal.reviews.values_list("reviewer_id", "score")) == sorted(
        [(training_facilitator.pk, 5), (staff.pk, 3)]
    )
    with pytest.raises(ValidationError, match="La tua proposta la valutano e la decidono gli altri"):
        services.review_proposal(proposal, proposal.proposer, score=5)
    with pytest.raises(ValidationError, match="La tua proposta la valutano e la decidono gli altri"):
        services.accept_proposal(proposal, actor=proposal.proposer)


def test_accepting_makes_a_draft_course_with_the_fields_filled_in_and_tells_the_proposer(training_facilitator):
    skill = SkillFactory()
    proposal = TrainerProposalFactory(topic="Fotografia di scena", expected_fee=Decimal("900"), format="blended")
    proposal.skills.add(skill)
    Course.objects.create(title="Omonimo", slug="fotografia-di-scena", area=proposal.area, summary="x", description="x")

    course = services.accept_proposal(proposal, actor=training_facilitator, note="Partiamo a settembre.")

    assert (course.state, course.title, course.slug, course.area, course.format) == (
        "draft",
        "Fotografia di scena",
        "fotografia-di-scena-2",
        proposal.area,
        "blended",
    )
    assert (course.description, list(course.skills.all()), course.proposal) == (proposal.outline, [skill], proposal)
    assert [(t.member, t.bio) for t in course.trainers.all()] == [(proposal.proposer, proposal.bio)]
    assert "900" in course.internal_notes
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == ("accepted", training_facilitator)
    email = OutboxEmail.objects.get(kind="training/email/proposal_accepted")
    assert (email.to, "Partiamo a settembre." in email.body_text) == (proposal.proposer.email, True)
    assert set(ActionLog.objects.values_list("action", flat=True)) == {"proposal.accepted", "course.created"}


def test_declining_needs_a_reason_and_a_decided_proposal_stays_decided(training_facilitator):
    proposal = TrainerProposalFactory()

    with pytest.raises(ValidationError):
        services.decline_proposal(proposal, actor=training_facilitator, note="  ")
    services.decline_proposal(proposal, actor=training_facilitator, note="Non ora.")
    with pytest.raises(ValidationError, match="già deciso"):
        services.accept_proposal(proposal, actor=training_facilitator)

    assert Course.objects.count() == 0
    assert OutboxEmail.objects.get(kind="training/email/proposal_declined").to == proposal.proposer.email


def test_decision_through_the_page(client, training_facilitator):
    proposal = TrainerProposalFactory()
    client.force_login(training_facilitator)

    refused = client.post(f"/formazione/proposte/{proposal.pk}/decidi/", {"decision": "decline", "note": ""})
    assert "Spiega il perché" in refused.content.decode()
    response = client.post(f"/formazione/proposte/{proposal.pk}/decidi/", {"decision": "accept"}, follow=True)

    course = Course.objects.get()
    assert response.redirect_chain[-1][0] == f"/formazione/{course.slug}/"
    assert "Questo corso è una bozza" in response.content.decode()


def test_review_through_the_page_reports_a_bad_score(client, training_facilitator):
    proposal = TrainerProposalFactory()
    client.force_login(training_facilitator)

    bad = client.post(f"/formazione/proposte/{proposal.pk}/valuta/", {"score": "9"})
    good = client.post(f"/formazione/proposte/{proposal.pk}/valuta/", {"score": "4", "comment": "Sì"}, follow=True)

    assert (bad.status_code, 'role="alert"' in bad.content.decode()) == (200, True)
    assert "La tua valutazione è salvata." in good.content.decode()
    assert list(proposal.reviews.values_list("score", flat=True)) == [4]


def test_proposal_list_keeps_constant_queries(client, training_facilitator, django_assert_num_queries):
    TrainerProposalFactory()
    client.force_login(training_facilitator)
    with django_assert_num_queries(5):
        client.get("/formazione/proposte/")
    for _ in range(4):
        proposal = TrainerProposalFactory()
        services.review_proposal(proposal, training_facilitator, score=3)
    services.decline_proposal(proposal, actor=training_facilitator, note="No")

    with django_assert_num_queries(5):
        html = client.get("/formazione/proposte/").content.decode()

    assert html.count('href="/formazione/proposte/') == 5
