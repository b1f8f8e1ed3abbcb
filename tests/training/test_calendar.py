"""Sessions reuse what meetings have: the .ics writer (times in UTC), the personal
calendar feed, and the reminder scan with its windows, preferences and claim rows."""

from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from notifications.models import OutboxEmail, Preferences
from tests.concurrency import run_together
from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    MeetingFactory,
    MembershipFactory,
    SessionFactory,
    VerifiedMemberFactory,
)
from training import services
from training.models import SessionReminder

ROME = ZoneInfo("Europe/Rome")
NOW = timezone.now().replace(microsecond=0)


def _events(body):
    return list(Calendar.from_ical(body).walk("VEVENT"))


@pytest.mark.django_db
def test_course_ics_gives_every_session_in_utc(client):
    course = CourseFactory(title="Montaggio", sessions=0)
    # 29 March 2026, the night summer time starts: 18:30 in Rome is 16:30 UTC.
    start = datetime(2026, 3, 29, 18, 30, tzinfo=ROME)
    first = SessionFactory(course=course, starts_at=start, ends_at=start + timedelta(hours=2), title="Modulo 1")
    SessionFactory(course=course, starts_at=start + timedelta(days=7), ends_at=start + timedelta(days=7, hours=2))

    response = client.get(f"/formazione/{course.slug}.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response.content)
    assert [e["DTSTART"].to_ical() for e in events] == [b"20260329T163000Z", b"20260405T163000Z"]
    assert [str(e["SUMMARY"]) for e in events] == ["Modulo 1 · Montaggio", "Montaggio"]
    assert str(events[0]["UID"]) == f"{first.uid}@smartinprogress"
    assert str(events[0]["URL"]).endswith(f"/formazione/{course.slug}/")


@pytest.mark.django_db
def test_personal_feed_adds_the_sessions_of_confirmed_seats_only(client):
    member = VerifiedMemberFactory()
    meeting = MeetingFactory()
    MembershipFactory(group=meeting.group, member=member)
    confirmed = EnrolmentFactory(member=member).course.sessions.get()
    EnrolmentFactory(member=member, state="waitlisted")
    EnrolmentFactory(member=member, state="cancelled")
    cancelled_course = EnrolmentFactory(member=member, course__state="cancelled").course.sessions.get()
    SessionFactory()  # someone else's course

    events = _events(client.get(f"/calendario/{member.ensure_calendar_token()}.ics").content)

    statuses = {str(e["UID"]).split("@")[0]: str(e["STATUS"]) for e in events}
    assert statuses == {
        str(meeting.uid): "CONFIRMED",
        str(confirmed.uid): "CONFIRMED",
        str(cancelled_course.uid): "CANCELLED",
    }


@pytest.mark.django_db
def test_personal_feed_keeps_constant_queries(client, django_assert_num_queries):
    member = VerifiedMemberFactory()
    EnrolmentFactory(member=member)
    token = member.ensure_calendar_token()
    with django_assert_num_queries(3):
        client.get(f"/calendario/{token}.ics")
    for _ in range(4):
        SessionFactory(course=EnrolmentFactory(member=member).course)

    with django_assert_num_queries(3):
        response = client.get(f"/calendario/{token}.ics")

    assert len(_events(response.content)) == 9


def _course_starting_in(hours, **fields):
    course = CourseFactory(sessions=0, **fields)
    start = NOW + timedelta(hours=hours)
    return SessionFactory(course=course, starts_at=start, ends_at=start + timedelta(hours=2))


@pytest.mark.django_db
def test_session_reminder_sent_once_to_confirmed_seats_only(mailoutbox, django_capture_on_commit_callbacks):
    session = _course_starting_in(22)
    seated = EnrolmentFactory(course=session.course).member
    EnrolmentFactory(course=session.course, state="waitlisted")
    EnrolmentFactory(course=session.course, state="cancelled")

    with django_capture_on_commit_callbacks(execute=True):
        first = services.send_due_session_reminders(now=NOW)
        second = services.send_due_session_reminders(now=NOW + timedelta(minutes=5))

    assert (first, second) == (1, 0)
    assert [(m.to, m.subject) for m in mailoutbox] == [([seated.email], f"Domani: {session.course.title}")]


@pytest.mark.django_db
def test_session_reminders_follow_the_meeting_preferences_and_windows():
    soon = _course_starting_in(0.5)
    later = _course_starting_in(5)
    wants = EnrolmentFactory(course=soon.course).member
    opted_out = EnrolmentFactory(course=soon.course).member
    Preferences.objects.create(member=opted_out, meeting_reminder_1h=False)
    EnrolmentFactory(course=later.course)

    services.send_due_session_reminders(now=NOW)

    assert list(SessionReminder.objects.values_list("member_id", "kind")) == [(wants.pk, "1h")]


@pytest.mark.django_db
def test_no_reminder_for_a_cancelled_course():
    session = _course_starting_in(0.5, state="cancelled")
    EnrolmentFactory(course=session.course)

    assert services.send_due_session_reminders(now=NOW) == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_session_reminder_once():
    session = _course_starting_in(21)
    people = [EnrolmentFactory(course=session.course).member for _ in range(10)]

    results = run_together([partial(services.send_due_session_reminders, now=NOW)] * 2)

    assert sum(results) == len(people)
    assert sorted(OutboxEmail.objects.values_list("to", flat=True)) == sorted(p.email for p in people)


@pytest.mark.django_db
def test_moving_a_session_raises_its_revision_tells_the_seats_and_resets_reminders():
    session = _course_starting_in(0.5)
    seated = EnrolmentFactory(course=session.course).member
    services.send_due_session_reminders(now=NOW)
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)

    services.save_session(session, actor=None, changed=["starts_at", "ends_at"])

    session.refresh_from_db()
    assert session.sequence == 1
    assert SessionReminder.objects.count() == 0
    assert list(OutboxEmail.objects.filter(kind="training/email/session_moved").values_list("to", flat=True)) == [
        seated.email
    ]


@pytest.mark.django_db
def test_reminder_for_a_session_stored_in_utc_reads_rome_time():
    session = _course_starting_in(0.5)
    session.starts_at = datetime(2030, 7, 10, 16, 0, tzinfo=UTC)
    session.ends_at = session.starts_at + timedelta(hours=2)
    session.save()
    EnrolmentFactory(course=session.course)

    services.send_due_session_reminders(now=session.starts_at - timedelta(minutes=30))

    assert "18:00–20:00 (Europe/Rome)" in OutboxEmail.objects.get().body_text


@pytest.mark.django_db
def test_a_closed_course_still_reminds_its_participants():
    session = _course_starting_in(0.5, state="closed")
    seated = EnrolmentFactory(course=session.course).member

    services.send_due_session_reminders(now=NOW)

    assert list(SessionReminder.objects.values_list("member_id", flat=True)) == [seated.pk]
