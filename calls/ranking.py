"""The ranking of a call whose limit bites: a pure function of plain data.

Nothing here reads the database or the clock, so anyone can recompute a published ranking
from what the ranking page shows, and the tests can try it on any input. The rules:

1. Each candidacy's score is the weighted mean of its criteria: for every criterion, the mean
   of the reviewers' scores (0 to 5) that count; then sum(weight × mean) / sum(weight) over
   the criteria that have at least one score that counts. A candidacy with no score that
   counts has no score and comes after every scored one.
2. A score does not count when its reviewer is on the candidacy's team (applicant or accepted
   member) or declared a conflict of interest with it, whatever the database holds.
3. Equal scores (exactly equal: the arithmetic is done with fractions, never floats) go first
   to the candidacies none of whose team was selected in the 365 days up to the ranking.
4. What is still equal goes to the draw: ascending sha256(seed + public id), both written as
   text and encoded as UTF-8, in hexadecimal. The seed's own sha256 is published on the
   call's page when scoring opens, the seed itself with the ranking.
5. The first `limit` are selected (every one when there is no limit); the others wait in order.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from calls.enums import RankingReason

RECENT_SELECTION = timedelta(days=365)
MIN_SCORE, MAX_SCORE = 0, 5


@dataclass(frozen=True)
class Applicant:
    """A candidacy as the ranking sees it."""

    id: int
    public_id: str
    team: frozenset


@dataclass(frozen=True)
class ReviewerScore:
    reviewer: int
    candidacy: int
    criterion: int
    value: int


@dataclass(frozen=True)
class Ranked:
    candidacy: int
    position: int
    score: Fraction | None
    criterion_means: dict
    recently_selected: bool
    draw_key: str
    selected: bool
    # Why it is ahead of the next one ("" for the last).
    reason: str


def seed_hash(seed):
    """What the call's page publishes before scoring closes."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def draw_key(seed, public_id):
    return hashlib.sha256(f"{seed}{public_id}".encode()).hexdigest()


def rounded(value, places=2):
    """A fraction as the pages show it: a Decimal with `places` decimals, halves rounded up."""
    if value is None:
        return None
    exponent = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(exponent, rounding=ROUND_HALF_UP)


def counts(score, team, conflicts):
    return score.reviewer not in team and (score.reviewer, score.candidacy) not in conflicts


def _means(applicant, scores, weights, conflicts):
    by_criterion = {}
    for score in scores:
        if score.candidacy == applicant.id and score.criterion in weights and counts(score, applicant.team, conflicts):
            by_criterion.setdefault(score.criterion, []).append(score.value)
    return {criterion: Fraction(sum(values), len(values)) for criterion, values in by_criterion.items()}


def weighted_mean(means, weights):
    total_weight = sum(weights[criterion] for criterion in means)
    if not total_weight:
        return None
    return sum(weights[criterion] * mean for criterion, mean in means.items()) / total_weight


def _recently_selected(team, previous_selections, ranked_at):
    since = ranked_at - RECENT_SELECTION
    return any(member in team and since <= when <= ranked_at for member, when in previous_selections)


def rank(
    applicants,
    scores,
    *,
    weights,
    conflicts=frozenset(),
    previous_selections=(),
    limit=None,
    seed,
    ranked_at: datetime,
):
    """The ordered ranking of `applicants` (every eligible candidacy of the call).

    `scores`: ReviewerScore rows; `weights`: {criterion: weight ≥ 1}; `conflicts`: the
    (reviewer, candidacy) pairs declared; `previous_selections`: (member, decided at) for
    every candidacy of another call that was selected; `limit`: how many may be selected.
    """
    for score in scores:
        if not MIN_SCORE <= score.value <= MAX_SCORE:
            raise ValueError(f"score {score.value} outside {MIN_SCORE}-{MAX_SCORE}")
    if any(weight < 1 for weight in weights.values()):
        raise ValueError("weights must be at least 1")
    conflicts = frozenset(conflicts)
    rows = []
    for applicant in applicants:
        means = _means(applicant, scores, weights, conflicts)
        rows.append(
            {
                "applicant": applicant,
                "means": means,
                "score": weighted_mean(means, weights),
                "recent": _recently_selected(applicant.team, previous_selections, ranked_at),
                "draw": draw_key(seed, applicant.public_id),
            }
        )
    # Unscored last; then higher score, not recently selected, draw key; the id only orders
    # inputs that repeat a public id, which real candidacies never do.
    rows.sort(
        key=lambda r: (r["score"] is None, -(r["score"] or 0), r["recent"], r["draw"], r["applicant"].id),
    )
    ranked = []
    for index, row in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        ranked.append(
            Ranked(
                candidacy=row["applicant"].id,
                position=index + 1,
                score=row["score"],
                criterion_means=row["means"],
                recently_selected=row["recent"],
                draw_key=row["draw"],
                selected=limit is None or index < limit,
                reason=_reason(row, following),
            )
        )
    return ranked


def _reason(row, following):
    if following is None:
        return ""
    if row["score"] != following["score"]:
        return RankingReason.SCORE
    if row["recent"] != following["recent"]:
        return RankingReason.NOT_RECENT
    return RankingReason.DRAW
