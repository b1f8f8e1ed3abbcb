"""iCalendar files: one meeting (/incontri/<id>.ics), a member's personal feed, and (for the
apps above groups) any event they describe as a CalendarEvent, e.g. a course's sessions."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from smartprogress.versions import CacheVersion


@dataclass(frozen=True)
class CalendarEvent:
    """One event as a calendar program sees it, whichever app it comes from."""

    uid: str  # stable for the event's whole life: calendar programs update an event by it
    title: str
    start: datetime
    end: datetime
    url: str
    location: str = ""
    description: str = ""
    cancelled: bool = False
    sequence: int = 0  # raised at every change of time or status, so programs take the new version


def meeting_url(meeting):
    return settings.SITE_URL + reverse("groups:meeting", args=[meeting.pk])


def meeting_event(meeting, *, with_online_link=True):
    """`with_online_link` is False for readers outside the group: the video link is theirs only."""
    url = meeting_url(meeting)
    return CalendarEvent(
        uid=f"{meeting.uid}@smartinprogress",
        title=f"{meeting.title} · {meeting.group.name}",
        start=meeting.starts_at,
        end=meeting.ends_at,
        url=url,
        location=meeting.location or (meeting.online_url if with_online_link else ""),
        description="\n\n".join(part for part in (meeting.agenda, url) if part),
        cancelled=meeting.is_cancelled,
        sequence=meeting.sequence,
    )


def _component(event):
    component = Event()
    component.add("uid", event.uid)
    # Times in UTC ("...Z"): an instant means the same to every calendar program, which
    # shows it in its reader's zone. Local time with TZID=Europe/Rome cannot name the
    # second 02:30 of the night summer time ends (RFC 5545 reads it as the first, so a
    # meeting then moves an hour early, or lasts zero minutes), and it depends on each
    # program reading our VTIMEZONE as we meant; our events do not repeat, so no
    # recurrence needs the zone's rules.
    component.add("dtstamp", timezone.now().astimezone(UTC))
    component.add("dtstart", event.start.astimezone(UTC))
    component.add("dtend", event.end.astimezone(UTC))
    component.add("summary", event.title)
    component.add("url", event.url)
    if event.description:
        component.add("description", event.description)
    if event.location:
        component.add("location", event.location)
    component.add("sequence", event.sequence)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return component


def calendar_of(events, *, name):
    calendar = Calendar()
    calendar.add("prodid", "-//Smart in Progress//smartprogress//IT")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for event in events:
        calendar.add_component(_component(event))
    return calendar.to_ical()


def calendar_for(meetings, *, name, with_online_link=True):
    return calendar_of((meeting_event(m, with_online_link=with_online_link) for m in meetings), name=name)


# A member's personal feed also carries what the apps above groups have for them (training:
# the sessions of their courses), and groups may not import those apps: each one registers,
# from its AppConfig.ready, a function member -> iterable of CalendarEvent.
_feed_sources = []


def add_to_personal_feed(source, models=()):
    """`source` adds events to every personal feed; a save or delete of any of `models`
    may change what it gives, so it makes every cached feed old (personal_feeds_changed)."""
    if source not in _feed_sources:
        _feed_sources.append(source)
    for model in models:
        feed_changes_with(model)


# Personal feeds are cached in Redis: calendar programs ask for them every hour or so, and
# writing a feed of a few hundred events takes 50 ms. Every cached feed is keyed by one
# version, which every write that may change a feed replaces with a new random one: a
# version is never reused, even after Redis lost it, so no reader gets an old feed.
FEED_VERSION_KEY = "ics:personal-feeds:version"
FEED_CACHE_SECONDS = 6 * 3600
FEEDS_VERSION = CacheVersion(FEED_VERSION_KEY)
# Call on any write that may change a personal feed, bulk updates included (signals cover
# saves and deletes of the models registered with feed_changes_with).
personal_feeds_changed = FEEDS_VERSION.changed
feed_changes_with = FEEDS_VERSION.follow


def cached_personal_feed(member, build):
    """The member's feed from the cache, or `build()` stored there."""
    key = f"ics:personal-feed:{member.pk}:{FEEDS_VERSION.get()}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, FEED_CACHE_SECONDS)
    return body


def personal_feed_events(member):
    """What the registered apps put in `member`'s feed (their meetings are added by the view)."""
    return [event for source in _feed_sources for event in source(member)]
