"""The selection when a call's limit bites, through the services and the pages that publish it."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from calls import services
from calls.enums import CallStatus, CandidacyState, TeamMemberState
from calls.models import Candidacy, RankingEntry, Score
from notifications.models import OutboxEmail
from tests.factories import (
    CallReviewerFactory,
    CandidacyFactory,
    CriterionFactory,
    FundingCallFactory,
    StaffFactory,
    TeamMemberFactory,
    VerifiedMemberFactory,
)

pytestmark = pytest.mark.django_db


def _call_in_review(limit=2, eligible=3, **fields):
    """A call past its internal deadline, with two criteria and `eligible` eligible candidacies."""
    call = FundingCallFactory(max_candidacies=limit, **fields)
    criteria = [CriterionFactory(call=call, weight=2), CriterionFactory(call=call, weight=1)]
    candidacies = [CandidacyFactory(call=call, state=CandidacyState.ELIGIBLE) for _ in range(eligible)]
    _deadline_passed(call)
    return call, criteria, candidacies


def _deadline_passed(call):
    call.internal_deadline = timezone.now() - timedelta(hours=1)
    call.funder_deadline = call.internal_deadline + timedelta(days=14)
    call.save(update_fields=["internal_deadline", "funder_deadline"])


def _reviewer(call):
    return CallReviewerFactory(call=call).member


def _score(candidacy, reviewer, criteria, values):
    services.submit_scores(
        candidacy, reviewer, {c.pk: (v, f"Commento su {c.name}") for c, v in zip(criteria, values, strict=True)}
    )


def test_open_scoring_publishes_the_hash_of_a_secret_seed():
    call, _criteria, _candidacies = _call_in_review()

    services.open_scoring(call, actor=StaffFactory())

    call.refresh_from_db()
    assert call.status == CallStatus.SCORING
    assert len(call.draw_seed) == 64
    assert call.draw_seed_hash == hashlib.sha256(call.draw_seed.encode()).hexdigest()


def test_call_page_shows_the_hash_while_scoring_and_the_seed_only_with_the_ranking(client):
    call, criteria, candidacies = _call_in_review(limit=1, eligible=2)
    staff = StaffFactory()
    services.open_scoring(call, actor=staff)
    call.refresh_from_db()

    during = client.get(f"/bandi/{call.slug}/").content.decode()

    assert (call.draw_seed_hash in during, call.draw_seed in during) == (True, False)
    reviewer = _reviewer(call)
    for candidacy, value in zip(candidacies, (4, 2), strict=True):
        _score(candidacy, reviewer, criteria, [value, value])
    services.publish_ranking(call, actor=staff)
    after = client.get(f"/bandi/{call.slug}/").content.decode()
    assert (call.draw_seed_hash in after, call.draw_seed in after) == (True, True)


def test_open_scoring_refused_before_the_internal_deadline():
    call = FundingCallFactory(max_candidacies=1)
    CriterionFactory(call=call)
    CandidacyFactory.create_batch(2, call=call, state=CandidacyState.ELIGIBLE)

    with pytest.raises(ValidationError) as refused:
        services.open_scoring(call, actor=StaffFactory())

    assert refused.value.code == "too_early"


def test_open_scoring_refused_when_the_limit_does_not_bite():
    call, _criteria, _candidacies = _call_in_review(limit=3, eligible=3)

    with pytest.raises(ValidationError) as refused:
        services.open_scoring(call, actor=StaffFactory())

    assert refused.value.code == "no_need"
    call.refresh_from_db()
    assert (call.status, call.draw_seed_hash) == (CallStatus.OPEN, "")


def test_scores_outside_0_to_5_are_refused():
    call, criteria, candidacies = _call_in_review()
    services.open_scoring(call, actor=StaffFactory())
    reviewer = _reviewer(call)

    for value in (-1, 6):
        with pytest.raises(ValidationError) as refused:
            _score(candidacies[0], reviewer, criteria, [value, 3])
        assert refused.value.messages == [f"“{criteria[0].name}”: il punteggio va da 0 a 5."]
    assert Score.objects.count() == 0


def test_scores_must_cover_every_criterion():
    call, criteria, candidacies = _call_in_review()
    services.open_scoring(call, actor=StaffFactory())

    with pytest.raises(ValidationError) as refused:
        services.submit_scores(candidacies[0], _reviewer(call), {criteria[0].pk: (3, "")})

    assert refused.value.code == "incomplete"


@pytest.mark.parametrize("how", ["declared", "applicant", "team", "invited"])
def test_conflicted_reviewer_cannot_score(how):
    call, criteria, candidacies = _call_in_review()
    services.open_scoring(call, actor=StaffFactory())
    reviewer = _reviewer(call)
    target = candidacies[0]
    if how == "declared":
        services.declare_conflict(target, reviewer, note="Conosco la squadra.")
    elif how == "applicant":
        Candidacy.objects.filter(pk=target.pk).update(applicant=reviewer)
    else:
        state = TeamMemberState.ACCEPTED if how == "team" else TeamMemberState.INVITED
        TeamMemberFactory(candidacy=target, member=reviewer, state=state)

    with pytest.raises(ValidationError) as refused:
        _score(target, reviewer, criteria, [3, 3])

    assert refused.value.messages == ["Hai un conflitto di interesse con questa candidatura: non puoi valutarla."]
    assert Score.objects.count() == 0


def test_only_appointed_reviewers_score_and_only_while_scoring():
    call, criteria, candidacies = _call_in_review()
    reviewer = _reviewer(call)

    with pytest.raises(ValidationError) as not_yet:
        _score(candidacies[0], reviewer, criteria, [3, 3])
    services.open_scoring(call, actor=StaffFactory())
    with pytest.raises(ValidationError) as stranger:
        _score(candidacies[0], VerifiedMemberFactory(), criteria, [3, 3])

    assert (not_yet.value.code, stranger.value.code) == ("not_scoring", "not_reviewer")


def test_publish_ranking_refused_while_a_candidacy_waits_for_eligibility():
    call, _criteria, _candidacies = _call_in_review()
    services.open_scoring(call, actor=StaffFactory())
    CandidacyFactory(call=call, state=CandidacyState.SUBMITTED)

    with pytest.raises(ValidationError) as refused:
        services.publish_ranking(call, actor=StaffFactory())

    assert refused.value.messages == ["1 candidature inviate aspettano ancora la verifica di ammissibilità."]


def test_published_ranking_selects_the_limit_and_waitlists_the_rest_in_order():
    call, criteria, (low, high, middle) = _call_in_review(limit=2, eligible=3)
    staff = StaffFactory()
    services.open_scoring(call, actor=staff)
    reviewer = _reviewer(call)
    for candidacy, values in ((low, [1, 1]), (high, [5, 5]), (middle, [3, 4])):
        _score(candidacy, reviewer, criteria, values)
    OutboxEmail.objects.all().delete()

    services.publish_ranking(call, actor=staff)

    entries = RankingEntry.objects.filter(call=call).order_by("position")
    assert [(e.candidacy_id, e.score, e.selected) for e in entries] == [
        (high.pk, "5/1", True),
        (middle.pk, "10/3", True),
        (low.pk, "1/1", False),
    ]
    assert dict(Candidacy.objects.values_list("pk", "state")) == {
        high.pk: CandidacyState.SELECTED,
        middle.pk: CandidacyState.SELECTED,
        low.pk: CandidacyState.WAITLISTED,
    }
    waiting = OutboxEmail.objects.get(recipient=low.applicant)
    assert "in lista d'attesa, al numero 3 della graduatoria" in waiting.body_text
    call.refresh_from_db()
    assert (call.status, call.ranking_is_published) == (CallStatus.DECIDED, True)


def test_ranking_ignores_a_conflicted_score_stored_in_the_database():
    """A reviewer declared a conflict after scoring: their score stays in the table, and does not count."""
    call, criteria, (first, second) = _call_in_review(limit=1, eligible=2)
    staff = StaffFactory()
    services.open_scoring(call, actor=staff)
    fair, partial = _reviewer(call), _reviewer(call)
    _score(first, fair, criteria, [2, 2])
    _score(second, fair, criteria, [3, 3])
    _score(first, partial, criteria, [5, 5])
    services.declare_conflict(first, partial)

    services.publish_ranking(call, actor=staff)

    assert Score.objects.filter(reviewer=partial).count() == 2
    assert list(RankingEntry.objects.order_by("position").values_list("candidacy_id", "score")) == [
        (second.pk, "3/1"),
        (first.pk, "2/1"),
    ]


def test_ranking_ignores_the_score_of_a_reviewer_who_joined_the_team():
    call, criteria, (first, second) = _call_in_review(limit=1, eligible=2)
    staff = StaffFactory()
    services.open_scoring(call, actor=staff)
    fair, joined = _reviewer(call), _reviewer(call)
    _score(first, fair, criteria, [2, 2])
    _score(second, fair, criteria, [3, 3])
    _score(first, joined, criteria, [5, 5])
    TeamMemberFactory(candidacy=first, member=joined)

    services.publish_ranking(call, actor=staff)

    assert list(RankingEntry.objects.order_by("position").values_list("candidacy_id", flat=True)) == [
        second.pk,
        first.pk,
    ]


@pytest.mark.parametrize(
    ("days_ago", "state", "recent"),
    [
        (364, CandidacyState.SELECTED, True),
        (100, CandidacyState.NOT_FUNDED, True),
        (100, CandidacyState.CLOSED, True),
        (366, CandidacyState.FUNDED, False),
        (100, CandidacyState.WAITLISTED, False),
        (100, CandidacyState.WITHDRAWN, False),
    ],
)
def test_twelve_month_rule_reads_selections_of_any_team_member_elsewhere(days_ago, state, recent):
    call, criteria, (first, second) = _call_in_review(limit=1, eligible=2)
    teammate = TeamMemberFactory(candidacy=first).member
    elsewhere = CandidacyFactory(state=state, selected_at=timezone.now() - timedelta(days=days_ago))
    TeamMemberFactory(candidacy=elsewhere, member=teammate)
    staff = StaffFactory()
    services.open_scoring(call, actor=staff)
    reviewer = _reviewer(call)
    for candidacy in (first, second):
        _score(candidacy, reviewer, criteria, [4, 4])

    services.publish_ranking(call, actor=staff)

    flags = dict(RankingEntry.objects.values_list("candidacy_id", "recently_selected"))
    assert flags == {first.pk: recent, second.pk: False}
    if recent:
        assert RankingEntry.objects.get(position=1).candidacy_id == second.pk


def test_select_all_eligible_when_the_limit_does_not_bite():
    call, _criteria, candidacies = _call_in_review(limit=5, eligible=2)
    CandidacyFactory(call=call, state=CandidacyState.INELIGIBLE)

    services.select_all_eligible(call, actor=StaffFactory())

    assert set(Candidacy.objects.filter(state=CandidacyState.SELECTED)) == set(candidacies)
    assert RankingEntry.objects.count() == 0


def test_select_all_eligible_refused_when_the_limit_bites():
    call, _criteria, _candidacies = _call_in_review(limit=1, eligible=2)

    with pytest.raises(ValidationError) as refused:
        services.select_all_eligible(call, actor=StaffFactory())

    assert refused.value.code == "limit_bites"


def test_closing_the_waiting_list_tells_who_waited():
    call = FundingCallFactory(status=CallStatus.DECIDED)
    waiting = CandidacyFactory.create_batch(2, call=call, state=CandidacyState.WAITLISTED)

    assert services.close_waiting_list(call, actor=StaffFactory()) == 2

    assert set(Candidacy.objects.values_list("state", flat=True)) == {CandidacyState.NOT_SELECTED}
    assert set(OutboxEmail.objects.values_list("recipient", flat=True)) == {c.applicant_id for c in waiting}
