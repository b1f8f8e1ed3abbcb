from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from groups.enums import MeetingStatus
from tests.factories import MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def _events(body):
    calendar = Calendar.from_ical(body)
    return calendar, list(calendar.walk("VEVENT"))


def test_meeting_ics_parses_with_rome_time_zone(client, verified_member):
    # 29 March 2026 is the night summer time starts: the offset must follow.
    start = datetime(2026, 3, 29, 18, 30, tzinfo=ROME)
    meeting = MeetingFactory(title="Regole", starts_at=start, ends_at=start + timedelta(hours=2), location="Milano")
    client.force_login(verified_member)

    response = client.get(f"/incontri/{meeting.pk}.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, [event] = _events(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    assert event["DTSTART"].dt == start and event["DTSTART"].dt.utcoffset() == timedelta(hours=2)
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    assert event["DTEND"].dt == start + timedelta(hours=2)
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
