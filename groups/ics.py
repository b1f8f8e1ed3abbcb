"""iCalendar files for meetings: one meeting (/incontri/<id>.ics) or a member's feed."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

ROME = ZoneInfo("Europe/Rome")


def meeting_url(meeting):
    return settings.SITE_URL + reverse("groups:meeting", args=[meeting.pk])


def _in_rome(value):
    """Rome time; UTC for a date stored before dates were bounded that Rome time would
    carry past the year 9999 (one such meeting must not break a whole calendar feed)."""
    try:
        return value.astimezone(ROME)
    except OverflowError:
        return value


def _event(meeting, with_online_link):
    event = Event()
    event.add("uid", f"{meeting.uid}@smartinprogress")
    event.add("dtstamp", timezone.now())
    # Times carry the Europe/Rome zone (with its VTIMEZONE), so calendars show
    # them right across daylight-saving changes.
    event.add("dtstart", _in_rome(meeting.starts_at))
    event.add("dtend", _in_rome(meeting.ends_at))
    event.add("summary", f"{meeting.title} · {meeting.group.name}")
    url = meeting_url(meeting)
    event.add("url", url)
    event.add("description", "\n\n".join(part for part in (meeting.agenda, url) if part))
    where = meeting.location or (meeting.online_url if with_online_link else "")
    if where:
        event.add("location", where)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def calendar_for(meetings, *, name, with_online_link=True):
    """`with_online_link` is False for readers outside the group: the video link is theirs only."""
    calendar = Calendar()
    calendar.add("prodid", "-//Smart in Progress//smartprogress//IT")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for meeting in meetings:
        calendar.add_component(_event(meeting, with_online_link))
    calendar.add_missing_timezones()
    return calendar.to_ical()
