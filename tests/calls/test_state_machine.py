"""The candidacy state machine, through its one service function: every allowed move
succeeds and is logged, every other one is refused and changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from calls import services
from calls.enums import CANDIDACY_TRANSITIONS, CandidacyState
from members.models import ActionLog
from notifications.models import OutboxEmail
from tests.factories import CandidacyFactory, StaffFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

STATES = list(CandidacyState)
ALLOWED = [(old, new) for old in STATES for new in STATES if new in CANDIDACY_TRANSITIONS[old]]
FORBIDDEN = [(old, new) for old in STATES for new in STATES if new not in CANDIDACY_TRANSITIONS[old]]


def test_transition_table_names_every_state():
    assert set(CANDIDACY_TRANSITIONS) == set(STATES)


def test_transition_table_is_the_one_of_the_design():
    """shared/DESIGN.md section 4, with withdrawal from any state before sent_to_funder."""
    s = CandidacyState
    before_funder = {s.DRAFT, s.SUBMITTED, s.ELIGIBLE, s.INELIGIBLE, s.SELECTED, s.WAITLISTED, s.NOT_SELECTED}
    assert {old for old in STATES if s.WITHDRAWN in CANDIDACY_TRANSITIONS[old]} == before_funder
    assert sorted((old, new) for old, new in ALLOWED if new != s.WITHDRAWN) == sorted(
        [
            (s.DRAFT, s.SUBMITTED),
            (s.SUBMITTED, s.ELIGIBLE),
            (s.SUBMITTED, s.INELIGIBLE),
            (s.ELIGIBLE, s.SELECTED),
            (s.ELIGIBLE, s.WAITLISTED),
            (s.ELIGIBLE, s.NOT_SELECTED),
            (s.WAITLISTED, s.SELECTED),
            (s.WAITLISTED, s.NOT_SELECTED),
            (s.SELECTED, s.SENT_TO_FUNDER),
            (s.SENT_TO_FUNDER, s.FUNDED),
            (s.SENT_TO_FUNDER, s.NOT_FUNDED),
            (s.FUNDED, s.REPORTING),
            (s.REPORTING, s.CLOSED),
        ]
    )


@pytest.mark.parametrize(("old", "new"), ALLOWED, ids=[f"{o}->{n}" for o, n in ALLOWED])
def test_allowed_transition_moves_logs_and_tells_the_team(old, new):
    candidacy = CandidacyFactory(state=old)
    teammate = TeamMemberFactory(candidacy=candidacy).member
    staff = StaffFactory()

    services.set_candidacy_state(candidacy, new, actor=staff, reason="Motivo della scelta")

    candidacy.refresh_from_db()
    assert candidacy.state == new
    log = ActionLog.objects.filter(object_id=candidacy.pk, action=f"candidacy.{new}").get()
    assert (log.actor, log.data["previous"]) == (staff, old)
    told = sorted(OutboxEmail.objects.filter(kind="calls/email/candidacy_state").values_list("to", flat=True))
    assert told == sorted([candidacy.applicant.email, teammate.email])


@pytest.mark.parametrize(("old", "new"), FORBIDDEN, ids=[f"{o}->{n}" for o, n in FORBIDDEN])
def test_forbidden_transition_is_refused_and_changes_nothing(old, new):
    candidacy = CandidacyFactory(state=old)
    logged = ActionLog.objects.count()

    with pytest.raises(ValidationError) as refused:
        services.set_candidacy_state(candidacy, new, actor=StaffFactory(), reason="Motivo")

    assert refused.value.code == "transition"
    candidacy.refresh_from_db()
    assert candidacy.state == old
    assert (ActionLog.objects.count(), OutboxEmail.objects.count()) == (logged, 0)


def test_submitted_after_the_internal_deadline_is_refused():
    candidacy = CandidacyFactory(call__internal_deadline=timezone.now() - timedelta(minutes=1))

    with pytest.raises(ValidationError) as refused:
        services.submit_candidacy(candidacy, actor=candidacy.applicant)

    assert refused.value.messages == ["Questo bando non accetta più candidature: la sua scadenza interna è passata."]
    candidacy.refresh_from_db()
    assert candidacy.state == CandidacyState.DRAFT
