"""The calls' periodic scans: late tasks once per task and day, reporting milestones a week
and a day before, followed calls' internal deadlines once; safe to run twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls import services
from calls.enums import CandidacyState, LeadRequestState, MilestoneKind, TaskOwner
from calls.models import MilestoneReminder, ReportingMilestone, ResponsibilityTask, TaskReminder
from members.enums import MemberStatus
from notifications.models import OutboxEmail
from tests.factories import (
    CandidacyFactory,
    FundingCallFactory,
    LeadPartnerRequestFactory,
    StaffFactory,
    TeamMemberFactory,
    VerifiedMemberFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def _task(owner=TaskOwner.TEAM, due=NOW - timedelta(hours=2), **fields):
    project = fields.pop("project", None) or CandidacyFactory(state=CandidacyState.SUBMITTED)
    key = "lead_request" if project.__class__.__name__ == "LeadPartnerRequest" else "candidacy"
    return ResponsibilityTask.objects.create(
        title="Lettere dei partner", owner=owner, due_at=due, **{key: project}, **fields
    )


def test_late_task_owner_team_is_reminded_once_a_day(mailoutbox, django_capture_on_commit_callbacks):
    task = _task()
    teammate = TeamMemberFactory(candidacy=task.candidacy).member

    with django_capture_on_commit_callbacks(execute=True):
        first = services.send_late_task_reminders(now=NOW)
        again = services.send_late_task_reminders(now=NOW + timedelta(minutes=30))

    assert (first, again) == (1, 0)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([task.candidacy.applicant.email, teammate.email])
    assert mailoutbox[0].subject == "In ritardo: Lettere dei partner"


def test_late_task_is_reminded_again_the_next_day():
    _task()

    days = [services.send_late_task_reminders(now=NOW + timedelta(days=d)) for d in (0, 1, 1, 2)]

    assert days == [1, 1, 0, 1]
    assert TaskReminder.objects.count() == 3


def test_staff_task_reminds_the_calls_staff_contact_only():
    contact = StaffFactory()
    StaffFactory()  # another member of the staff
    call = FundingCallFactory(staff_contact=contact)
    _task(owner=TaskOwner.STAFF, project=CandidacyFactory(call=call, state=CandidacyState.ELIGIBLE))

    services.send_late_task_reminders(now=NOW)

    assert list(OutboxEmail.objects.values_list("recipient", flat=True)) == [contact.pk]


def test_staff_task_without_a_contact_reminds_every_active_staff_member():
    staff = [StaffFactory(), StaffFactory()]
    StaffFactory(is_active=False)
    _task(owner=TaskOwner.STAFF)

    services.send_late_task_reminders(now=NOW)

    assert set(OutboxEmail.objects.values_list("recipient", flat=True)) == {s.pk for s in staff}


def test_no_reminder_for_done_future_or_dead_tasks():
    _task(done_at=NOW)
    _task(due=NOW + timedelta(hours=1))
    _task(project=CandidacyFactory(state=CandidacyState.WITHDRAWN))
    _task(project=CandidacyFactory(state=CandidacyState.NOT_SELECTED))

    assert services.send_late_task_reminders(now=NOW) == 0


def test_late_task_of_an_accepted_lead_partner_project_reminds_its_requester():
    lead = LeadPartnerRequestFactory(state=LeadRequestState.ACCEPTED)
    _task(project=lead)

    services.send_late_task_reminders(now=NOW)

    assert list(OutboxEmail.objects.values_list("recipient", flat=True)) == [lead.requester_id]


def test_late_task_reminder_skips_who_is_no_longer_a_member():
    task = _task()
    applicant = task.candidacy.applicant
    applicant.status = MemberStatus.FORMER
    applicant.save(update_fields=["status"])

    assert services.send_late_task_reminders(now=NOW) == 1
    assert OutboxEmail.objects.count() == 0


def _milestone(due, state=CandidacyState.REPORTING, **fields):
    return ReportingMilestone.objects.create(
        candidacy=CandidacyFactory(state=state), kind=MilestoneKind.EXPENSE_REPORT, title="Spese", due_at=due, **fields
    )


def test_milestone_reminded_a_week_and_a_day_before_once_each():
    milestone = _milestone(NOW + timedelta(days=6))

    sent = [services.send_milestone_reminders(now=NOW + timedelta(hours=h)) for h in (0, 1, 6 * 24 - 20, 6 * 24 - 19)]

    assert sent == [1, 0, 1, 0]
    assert sorted(MilestoneReminder.objects.values_list("kind", flat=True)) == ["1d", "7d"]
    assert OutboxEmail.objects.filter(recipient=milestone.candidacy.applicant).count() == 2


def test_milestone_delivered_or_not_funded_is_not_reminded():
    _milestone(NOW + timedelta(days=2), submitted_at=NOW)
    _milestone(NOW + timedelta(days=2), state=CandidacyState.NOT_FUNDED)
    _milestone(NOW + timedelta(days=8))

    assert services.send_milestone_reminders(now=NOW) == 0


def test_followers_hear_of_the_internal_deadline_once_within_a_week():
    call = FundingCallFactory(internal_deadline=NOW + timedelta(days=6))
    far = FundingCallFactory(internal_deadline=NOW + timedelta(days=20))
    follower, unverified = VerifiedMemberFactory(), StaffFactory()
    for member in (follower, unverified):
        services.follow_call(call, member)
        services.follow_call(far, member)

    assert [services.send_deadline_reminders(now=NOW), services.send_deadline_reminders(now=NOW)] == [1, 0]
    email = OutboxEmail.objects.get()
    assert (email.recipient, email.kind) == (follower, "calls/email/deadline_reminder")
    assert f"/bandi/{call.slug}/scadenza.ics" in email.body_text


def test_every_scan_is_a_beat_task():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "calls.send_late_task_reminders",
        "calls.send_milestone_reminders",
        "calls.send_deadline_reminders",
    } <= tasks
