"""The ranking is a pure function: tried on examples that name each rule, and on any input
hypothesis can think of for the properties that must always hold."""

import hashlib
import random
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from calls.ranking import Applicant, ReviewerScore, draw_key, rank, rounded, seed_hash

NOW = datetime(2021, 3, 1, 12, 0, tzinfo=UTC)
SEED = "5f1c2a9e8b7d"
WEIGHTS = {10: 1}


def _applicant(pk, *team):
    return Applicant(id=pk, public_id=f"id-{pk}", team=frozenset(team or (100 + pk,)))


def _scores(reviewer, values, criterion=10):
    """One reviewer's scores on criterion `criterion`: {candidacy: value}."""
    return [ReviewerScore(reviewer, candidacy, criterion, value) for candidacy, value in values.items()]


def _order(result):
    return [entry.candidacy for entry in result]


# The rules, one example each.


def test_rank_orders_by_weighted_mean_of_criterion_means():
    applicants = [_applicant(1), _applicant(2)]
    weights = {10: 3, 11: 1}
    scores = [
        # Candidacy 1: criterion 10 mean 2, criterion 11 mean 5 -> (3*2 + 5) / 4 = 11/4.
        *_scores(900, {1: 1, 2: 4}, criterion=10),
        *_scores(901, {1: 3, 2: 4}, criterion=10),
        *_scores(900, {1: 5, 2: 0}, criterion=11),
        # Candidacy 2: criterion 10 mean 4, criterion 11 mean 0 -> 12/4 = 3.
    ]

    result = rank(applicants, scores, weights=weights, seed=SEED, ranked_at=NOW)

    assert [(e.candidacy, e.score) for e in result] == [(2, Fraction(3)), (1, Fraction(11, 4))]
    assert result[1].criterion_means == {10: Fraction(2), 11: Fraction(5)}
    assert [e.reason for e in result] == ["score", ""]


def test_rank_selects_the_first_limit_and_waitlists_the_rest_in_order():
    applicants = [_applicant(pk) for pk in (1, 2, 3, 4)]
    scores = _scores(900, {1: 2, 2: 5, 3: 4, 4: 3})

    result = rank(applicants, scores, weights=WEIGHTS, limit=2, seed=SEED, ranked_at=NOW)

    assert [(e.candidacy, e.position, e.selected) for e in result] == [
        (2, 1, True),
        (3, 2, True),
        (4, 3, False),
        (1, 4, False),
    ]


def test_rank_without_limit_selects_everyone():
    result = rank([_applicant(1), _applicant(2)], [], weights=WEIGHTS, seed=SEED, ranked_at=NOW)

    assert [e.selected for e in result] == [True, True]


def test_rank_ignores_the_scores_of_a_reviewer_on_the_team():
    # Reviewer 900 is on candidacy 1's team and gave it 5; only reviewer 901's 1 counts.
    applicants = [_applicant(1, 900), _applicant(2)]
    scores = [*_scores(900, {1: 5, 2: 2}), *_scores(901, {1: 1, 2: 2})]

    result = rank(applicants, scores, weights=WEIGHTS, seed=SEED, ranked_at=NOW)

    assert [(e.candidacy, e.score) for e in result] == [(2, Fraction(2)), (1, Fraction(1))]


def test_rank_ignores_the_scores_of_a_declared_conflict():
    applicants = [_applicant(1), _applicant(2)]
    scores = [*_scores(900, {1: 5, 2: 2}), *_scores(901, {1: 1, 2: 2})]

    result = rank(applicants, scores, weights=WEIGHTS, conflicts={(900, 1)}, seed=SEED, ranked_at=NOW)

    assert [(e.candidacy, e.score) for e in result] == [(2, Fraction(2)), (1, Fraction(1))]


def test_rank_puts_a_candidacy_without_counted_scores_last():
    applicants = [_applicant(1, 900), _applicant(2)]
    scores = [*_scores(900, {1: 5}), *_scores(901, {2: 0})]

    result = rank(applicants, scores, weights=WEIGHTS, seed=SEED, ranked_at=NOW)

    assert [(e.candidacy, e.score) for e in result] == [(2, Fraction(0)), (1, None)]
    assert result[0].reason == "score"


def test_rank_tie_goes_to_who_was_not_selected_in_the_previous_12_months():
    applicants = [_applicant(1, 501, 502), _applicant(2, 503)]
    scores = _scores(900, {1: 4, 2: 4})
    # Member 502 (on candidacy 1's team) was selected 364 days ago.
    previous = [(502, NOW - timedelta(days=364))]

    result = rank(applicants, scores, weights=WEIGHTS, previous_selections=previous, seed=SEED, ranked_at=NOW)

    assert _order(result) == [2, 1]
    assert [e.recently_selected for e in result] == [False, True]
    assert result[0].reason == "not_recent"


def test_rank_selection_older_than_365_days_does_not_count():
    applicants = [_applicant(1, 501), _applicant(2, 503)]
    previous = [(501, NOW - timedelta(days=365, seconds=1)), (503, NOW - timedelta(days=365))]

    result = rank(applicants, [], weights=WEIGHTS, previous_selections=previous, seed=SEED, ranked_at=NOW)

    assert {e.candidacy: e.recently_selected for e in result} == {1: False, 2: True}


def test_rank_remaining_tie_goes_to_the_draw_anyone_can_recompute():
    applicants = [_applicant(pk) for pk in (1, 2, 3)]
    scores = _scores(900, {1: 3, 2: 3, 3: 3})

    result = rank(applicants, scores, weights=WEIGHTS, seed=SEED, ranked_at=NOW)

    # What the ranking page tells anyone to run.
    by_hand = sorted(applicants, key=lambda a: hashlib.sha256((SEED + a.public_id).encode()).hexdigest())
    assert _order(result) == [a.id for a in by_hand]
    assert [e.draw_key for e in result] == [draw_key(SEED, a.public_id) for a in by_hand]
    assert [e.reason for e in result] == ["draw", "draw", ""]


def test_rank_draw_changes_with_the_seed_only_among_ties():
    applicants = [_applicant(pk) for pk in range(1, 9)]
    scores = _scores(900, {1: 5, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 3, 8: 1})

    orders = {tuple(_order(rank(applicants, scores, weights=WEIGHTS, seed=s, ranked_at=NOW))) for s in "abcdefgh"}

    assert len(orders) > 1
    assert {(order[0], order[-1]) for order in orders} == {(1, 8)}


def test_seed_hash_is_the_sha256_of_the_seed():
    assert seed_hash(SEED) == hashlib.sha256(SEED.encode()).hexdigest()


def test_rounded_shows_two_decimals_with_halves_up():
    assert [str(rounded(Fraction(n, d))) for n, d in ((11, 4), (1, 3), (2, 3), (5, 1))] == [
        "2.75",
        "0.33",
        "0.67",
        "5.00",
    ]
    assert rounded(Fraction(1, 8)) == rounded(Fraction(13, 100))


def test_rank_refuses_a_score_outside_0_to_5():
    for value in (-1, 6):
        try:
            rank([_applicant(1)], _scores(900, {1: value}), weights=WEIGHTS, seed=SEED, ranked_at=NOW)
        except ValueError as error:
            assert "outside 0-5" in str(error)
        else:
            raise AssertionError(f"{value} accepted")


# Properties, on any input.

REVIEWERS = list(range(900, 905))
CRITERIA = [10, 11, 12]


@st.composite
def selections(draw):
    count = draw(st.integers(min_value=0, max_value=8))
    applicants = [
        Applicant(
            id=pk,
            public_id=f"{pk:04d}-{draw(st.text('abcdef0123456789', min_size=4, max_size=8))}",
            # Teams of members 500-509, sometimes with a reviewer in them.
            team=frozenset(draw(st.sets(st.sampled_from([*range(500, 510), *REVIEWERS]), min_size=1, max_size=3))),
        )
        for pk in range(1, count + 1)
    ]
    weights = {c: draw(st.integers(min_value=1, max_value=5)) for c in CRITERIA}
    scores = [
        ReviewerScore(reviewer, applicant.id, criterion, draw(st.integers(min_value=0, max_value=5)))
        for applicant in applicants
        for reviewer in REVIEWERS
        for criterion in CRITERIA
        if draw(st.booleans())
    ]
    pairs = [(r, a.id) for r in REVIEWERS for a in applicants]
    conflicts = set(draw(st.lists(st.sampled_from(pairs), max_size=5))) if pairs else set()
    previous = draw(
        st.lists(
            st.tuples(st.integers(min_value=500, max_value=509), st.integers(min_value=0, max_value=800)), max_size=6
        )
    )
    return {
        "applicants": applicants,
        "scores": scores,
        "weights": weights,
        "conflicts": conflicts,
        "previous_selections": [(member, NOW - timedelta(days=days)) for member, days in previous],
        "limit": draw(st.one_of(st.none(), st.integers(min_value=1, max_value=6))),
        "seed": draw(st.text("0123456789abcdef", min_size=8, max_size=32)),
    }


def _run(data, **changes):
    data = {**data, **changes}
    return rank(
        data["applicants"],
        data["scores"],
        weights=data["weights"],
        conflicts=data["conflicts"],
        previous_selections=data["previous_selections"],
        limit=data["limit"],
        seed=data["seed"],
        ranked_at=NOW,
    )


@settings(max_examples=200, deadline=None)
@given(selections())
def test_rank_same_inputs_same_result(data):
    assert _run(data) == _run(data)


@settings(max_examples=200, deadline=None)
@given(selections(), st.randoms(use_true_random=False))
def test_rank_does_not_depend_on_input_order(data, shuffler):
    shuffled = {key: list(value) if isinstance(value, list) else value for key, value in data.items()}
    for key in ("applicants", "scores", "previous_selections"):
        shuffler.shuffle(shuffled[key])

    assert _run(shuffled) == _run(data)


@settings(max_examples=200, deadline=None)
@given(selections())
def test_rank_never_selects_more_than_the_limit(data):
    result = _run(data)

    selected = [entry for entry in result if entry.selected]
    expected = len(result) if data["limit"] is None else min(data["limit"], len(result))
    assert len(selected) == expected
    assert [entry.position for entry in result] == list(range(1, len(result) + 1))
    assert selected == result[: len(selected)]


@settings(max_examples=200, deadline=None)
@given(selections(), st.integers(min_value=0, max_value=5))
def test_rank_a_conflicted_score_never_counts(data, value):
    """Adding any score of a reviewer who is on the team, or who declared a conflict,
    changes nothing at all."""
    applicants = data["applicants"]
    extra = []
    for applicant in applicants:
        conflicted = [r for r in REVIEWERS if r in applicant.team or (r, applicant.id) in data["conflicts"]]
        extra += [ReviewerScore(r, applicant.id, c, value) for r in conflicted for c in CRITERIA]

    assert _run(data, scores=data["scores"] + extra) == _run(data)


@settings(max_examples=200, deadline=None)
@given(selections())
def test_rank_order_follows_the_rules(data):
    """Score first (unscored last), then not recently selected, then the draw key."""
    result = _run(data)

    keys = [(e.score is None, -(e.score or 0), e.recently_selected, e.draw_key) for e in result]
    assert keys == sorted(keys)
    for entry, following in zip(result, result[1:], strict=False):
        if entry.score != following.score:
            assert entry.reason == "score"
        elif entry.recently_selected != following.recently_selected:
            assert entry.reason == "not_recent"
        else:
            assert entry.reason == "draw"


@settings(max_examples=100, deadline=None)
@given(selections())
def test_rank_scores_are_weighted_means_within_0_and_5(data):
    for entry in _run(data):
        if entry.score is not None:
            assert 0 <= entry.score <= 5
            assert min(entry.criterion_means.values()) <= entry.score <= max(entry.criterion_means.values())


def test_rank_of_nobody_is_empty():
    assert rank([], [], weights=WEIGHTS, limit=2, seed=SEED, ranked_at=NOW) == []


def test_rank_shuffled_example_keeps_its_order():
    applicants = [_applicant(pk) for pk in range(1, 7)]
    scores = _scores(900, {1: 5, 2: 4, 3: 4, 4: 2, 5: 0, 6: 4})
    expected = _order(rank(applicants, scores, weights=WEIGHTS, limit=3, seed=SEED, ranked_at=NOW))

    random.Random(7).shuffle(applicants)

    assert _order(rank(applicants, scores, weights=WEIGHTS, limit=3, seed=SEED, ranked_at=NOW)) == expected
