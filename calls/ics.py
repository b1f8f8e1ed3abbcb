"""The internal deadline of a call as a calendar file (/bandi/<slug>/scadenza.ics)."""

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

# The event marks the last hour before the deadline, with an alarm a day before.
EVENT_LENGTH = timedelta(hours=1)


def deadline_calendar(call):
    url = settings.SITE_URL + call.get_absolute_url()
    calendar = Calendar()
    calendar.add("prodid", "-//Smart in Progress//smartprogress//IT")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", call.title)
    event = Event()
    event.add("uid", f"call-{call.pk}-internal-deadline@smartinprogress")
    # Times in UTC, as for meetings (groups/ics.py): an instant means the same to every program.
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", (call.internal_deadline - EVENT_LENGTH).astimezone(UTC))
    event.add("dtend", call.internal_deadline.astimezone(UTC))
    event.add("summary", _("Internal deadline: %(title)s") % {"title": call.title})
    event.add("description", f"{call.summary}\n\n{url}")
    event.add("url", url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("Internal deadline: %(title)s") % {"title": call.title})
    alarm.add("trigger", -timedelta(days=1))
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
