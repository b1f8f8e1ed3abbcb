import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from groups import services
from groups.enums import Answer, MembershipState
from groups.models import MeetingReminder, PollReminder
from notifications.models import OutboxEmail, Preferences
from tests.factories import DatePollFactory, DateSlotFactory, MeetingFactory, MembershipFactory

NOW = timezone.now().replace(microsecond=0)


def _meeting_in(hours, **fields):
    start = NOW + timedelta(hours=hours)
    return MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=2), **fields)


@pytest.mark.django_db
def test_day_before_reminder_sent_once_even_when_job_runs_twice(mailoutbox, django_capture_on_commit_callbacks):
    meeting = _meeting_in(23)
    participant = MembershipFactory(group=meeting.group)

    with django_capture_on_commit_callbacks(execute=True):
        first = services.send_due_meeting_reminders(now=NOW)
        second = services.send_due_meeting_reminders(now=NOW + timedelta(minutes=5))

    assert (first, second) == (1, 0)
    assert [(m.to, m.subject) for m in mailoutbox] == [([participant.member.email], f"Domani: {meeting.title}")]
    assert f"/incontri/{meeting.pk}.ics" in mailoutbox[0].body


@pytest.mark.django_db
def test_reminders_respect_answers_preferences_and_state():
    meeting = _meeting_in(0.5)
    wants = MembershipFactory(group=meeting.group)
    said_no = MembershipFactory(group=meeting.group)
    opted_out = MembershipFactory(group=meeting.group)
    pending = MembershipFactory(group=meeting.group, state=MembershipState.PENDING)
    MembershipFactory()  # another group's participant
    services.answer_meeting(meeting, said_no.member, Answer.NO)
    Preferences.objects.create(member=opted_out.member, meeting_reminder_1h=False)

    services.send_due_meeting_reminders(now=NOW)

    assert list(MeetingReminder.objects.values_list("member_id", "kind")) == [(wants.member_id, "1h")]
    assert pending.member_id not in OutboxEmail.objects.values_list("recipient_id", flat=True)


@pytest.mark.django_db
def test_meeting_soon_gets_only_the_hour_reminder_and_far_one_none():
    soon, far = _meeting_in(0.5), _meeting_in(30)
    MembershipFactory(group=soon.group)
    MembershipFactory(group=far.group)

    services.send_due_meeting_reminders(now=NOW)

    assert list(MeetingReminder.objects.values_list("meeting_id", "kind")) == [(soon.pk, "1h")]


@pytest.mark.django_db
def test_reminder_in_members_language():
    meeting = _meeting_in(0.5)
    english = MembershipFactory(group=meeting.group, member__language="en")

    services.send_due_meeting_reminders(now=NOW)

    assert OutboxEmail.objects.get(recipient=english.member).subject == f"In one hour: {meeting.title}"


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_exactly_once():
    """Two workers scan at the same moment, each on its own database connection."""
    meeting = _meeting_in(21)
    members = [MembershipFactory(group=meeting.group).member for _ in range(15)]
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(services.send_due_meeting_reminders(now=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(results) == len(members)
    assert OutboxEmail.objects.filter(kind="groups/email/reminder_24h").count() == len(members)
    assert sorted(OutboxEmail.objects.values_list("to", flat=True)) == sorted(m.email for m in members)


@pytest.mark.django_db
def test_poll_reminder_only_to_non_voters_and_only_once():
    poll = DatePollFactory(closes_at=NOW + timedelta(hours=10))
    slot = DateSlotFactory(poll=poll)
    voter = MembershipFactory(group=poll.group)
    silent = MembershipFactory(group=poll.group)
    services.vote(poll, voter.member, {slot.pk: Answer.YES})

    first = services.send_due_poll_reminders(now=NOW)
    second = services.send_due_poll_reminders(now=NOW + timedelta(hours=1))

    assert (first, second) == (1, 0)
    assert list(PollReminder.objects.values_list("member_id", flat=True)) == [silent.member_id]


@pytest.mark.django_db
def test_poll_closing_later_gets_no_reminder_yet():
    poll = DatePollFactory(closes_at=NOW + timedelta(days=3))
    MembershipFactory(group=poll.group)

    assert services.send_due_poll_reminders(now=NOW) == 0


@pytest.mark.django_db
def test_meeting_set_at_short_notice_gets_no_tomorrow_reminder():
    meeting = _meeting_in(5)
    MembershipFactory(group=meeting.group)

    assert services.send_due_meeting_reminders(now=NOW) == 0


@pytest.mark.django_db
def test_no_reminders_for_archived_groups_or_former_members():
    archived = _meeting_in(0.5, group__archived_at=NOW)
    MembershipFactory(group=archived.group)
    meeting = _meeting_in(0.5)
    MembershipFactory(group=meeting.group, member__status="former")

    assert services.send_due_meeting_reminders(now=NOW) == 0


@pytest.mark.django_db
def test_changing_only_the_end_keeps_reminders_sent():
    meeting = _meeting_in(0.5)
    MembershipFactory(group=meeting.group)
    services.send_due_meeting_reminders(now=NOW)

    services.update_meeting(meeting, actor=None, ends_at=meeting.ends_at + timedelta(hours=1))

    assert services.send_due_meeting_reminders(now=NOW) == 0
    assert MeetingReminder.objects.count() == 1
