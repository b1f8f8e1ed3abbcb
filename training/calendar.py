"""Course sessions as calendar events, for the course's .ics and the member's personal feed
(groups.ics writes both; training registers its part of the feed in apps.py)."""

from django.conf import settings
from django.urls import reverse

from groups.ics import CalendarEvent
from training.enums import CourseState
from training.models import Enrolment, Session


def course_url(course):
    return settings.SITE_URL + reverse("training:course", args=[course.slug])


def session_event(session, *, with_online_link):
    """`with_online_link` is False for whoever holds no seat: the video link is the participants'."""
    course = session.course
    url = course_url(course)
    return CalendarEvent(
        uid=f"{session.uid}@smartinprogress",
        title=f"{session.title} · {course.title}" if session.title else course.title,
        start=session.starts_at,
        end=session.ends_at,
        url=url,
        location=session.location or (session.online_url if with_online_link else ""),
        description="\n\n".join(part for part in (course.summary, url) if part),
        cancelled=course.state == CourseState.CANCELLED,
        sequence=session.sequence,
    )


def member_sessions(member):
    """The sessions of every course the member holds a confirmed seat in (a cancelled course
    stays, marked cancelled, so calendar programs remove it)."""
    courses = Enrolment.objects.filter(member=member).confirmed().values("course")
    sessions = Session.objects.filter(course__in=courses, course__state__in=CourseState.PUBLIC).select_related("course")
    return [session_event(session, with_online_link=True) for session in sessions]
