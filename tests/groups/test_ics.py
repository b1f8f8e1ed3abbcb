from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from groups.enums import MeetingStatus
from tests.factories import MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def _events(body):
    calendar = Calendar.from_ical(body)
    return calendar, list(calendar.walk("VEVENT"))


def test_meeting_ics_gives_times_in_utc(client, verified_member):
    # 29 March 2026 is the night summer time starts: 18:30 in Rome is 16:30 UTC.
    start = datetime(2026, 3, 29, 18, 30, tzinfo=ROME)
    meeting = MeetingFactory(title="Regole", starts_at=start, ends_at=start + timedelta(hours=2), location="Milano")
    client.force_login(verified_member)

    response = client.get(f"/incontri/{meeting.pk}.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, [event] = _events(response.content)
    assert calendar.walk("VTIMEZONE") == []
    assert event["DTSTART"].to_ical() == b"20260329T163000Z"
    assert event["DTSTART"].dt == start
    assert event["DTEND"].dt == start + timedelta(hours=2)
    assert event["DTSTAMP"].to_ical().endswith(b"Z")
    assert str(event["SUMMARY"]) == f"Regole · {meeting.group.name}"
    assert str(event["LOCATION"]) == "Milano"
    assert str(event["UID"]) == f"{meeting.uid}@smartinprogress"


def test_personal_feed_lists_meetings_of_my_groups_only(client, verified_member):
    mine = MeetingFactory()
    cancelled = MeetingFactory(group=mine.group, status=MeetingStatus.CANCELLED)
    MeetingFactory()  # a group I am not in
    MembershipFactory(group=mine.group, member=verified_member)
    token = verified_member.ensure_calendar_token()

    response = client.get(f"/calendario/{token}.ics")

    _calendar, events = _events(response.content)
    statuses = {str(e["UID"]).split("@")[0]: str(e["STATUS"]) for e in events}
    assert statuses == {str(mine.uid): "CONFIRMED", str(cancelled.uid): "CANCELLED"}


def test_renewed_token_retires_the_old_feed(client, verified_member):
    old = verified_member.ensure_calendar_token()
    client.force_login(verified_member)

    client.post("/profilo/calendario/rinnova/")

    verified_member.refresh_from_db()
    assert verified_member.calendar_token != old
    assert client.get(f"/calendario/{old}.ics").status_code == 404
    assert client.get(f"/calendario/{verified_member.calendar_token}.ics").status_code == 200


def test_unknown_feed_token_is_404(client):
    assert client.get("/calendario/" + "x" * 43 + ".ics").status_code == 404


# Nights and seasons where local time misleads: (start, end) in Rome; fold=1 is the
# second 02:30 of the night summer time ends, when clocks go from 03:00 back to 02:00.
TRICKY_MEETINGS = {
    "second 02:30, winter time": (
        datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=ROME),
        datetime(2027, 10, 31, 3, 30, tzinfo=ROME),
    ),
    "02:30 summer time to 02:30 winter time": (
        datetime(2027, 10, 31, 2, 30, fold=0, tzinfo=ROME),
        datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=ROME),
    ),
    "night summer time starts": (
        datetime(2027, 3, 28, 1, 30, tzinfo=ROME),
        datetime(2027, 3, 28, 3, 30, tzinfo=ROME),
    ),
    "summer 2030": (datetime(2030, 7, 10, 18, 0, tzinfo=ROME), datetime(2030, 7, 10, 20, 0, tzinfo=ROME)),
    "winter 2030": (datetime(2030, 1, 15, 18, 0, tzinfo=ROME), datetime(2030, 1, 15, 20, 0, tzinfo=ROME)),
    "summer after 2038": (datetime(2040, 7, 10, 18, 0, tzinfo=ROME), datetime(2040, 7, 10, 20, 0, tzinfo=ROME)),
}


def _instants_by_icalendar(body):
    _calendar, events = _events(body)
    return {str(e["UID"]): (e["DTSTART"].dt, e["DTEND"].dt) for e in events}


def _instants_by_vobject(body):
    calendar = vobject.readOne(body.decode())
    return {e.uid.value: (e.dtstart.value, e.dtend.value) for e in calendar.vevent_list}


@pytest.mark.parametrize("parse", [_instants_by_icalendar, _instants_by_vobject])
def test_feed_gives_both_parsers_the_instants_of_the_database(client, verified_member, parse):
    meetings = {}
    for label, (start, end) in TRICKY_MEETINGS.items():
        meeting = MeetingFactory(title=label, starts_at=start, ends_at=end)
        MembershipFactory(group=meeting.group, member=verified_member)
        meeting.refresh_from_db()
        meetings[f"{meeting.uid}@smartinprogress"] = meeting

    response = client.get(f"/calendario/{verified_member.ensure_calendar_token()}.ics")

    parsed = parse(response.content)
    assert parsed == {uid: (m.starts_at, m.ends_at) for uid, m in meetings.items()}
    assert {start.utcoffset() for start, _end in parsed.values()} == {timedelta(0)}
    one_hour = next(m for m in meetings.values() if m.title == "02:30 summer time to 02:30 winter time")
    start, end = parsed[f"{one_hour.uid}@smartinprogress"]
    assert (start, end - start) == (datetime(2027, 10, 31, 0, 30, tzinfo=UTC), timedelta(hours=1))
