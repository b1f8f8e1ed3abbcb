"""iCalendar files for meetings: one meeting (/incontri/<id>.ics) or a member's feed."""

from datetime import UTC, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event


def meeting_url(meeting):
    return settings.SITE_URL + reverse("groups:meeting", args=[meeting.pk])


def _event(meeting, with_online_link):
    event = Event()
    event.add("uid", f"{meeting.uid}@smartinprogress")
    # Times in UTC ("...Z"): an instant means the same to every calendar program, which
    # shows it in its reader's zone. Local time with TZID=Europe/Rome cannot name the
    # second 02:30 of the night summer time ends (RFC 5545 reads it as the first, so a
    # meeting then moves an hour early, or lasts zero minutes), and it depends on each
    # program reading our VTIMEZONE as we meant; a meeting does not repeat, so no
    # recurrence needs the zone's rules.
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
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
    return calendar.to_ical()
