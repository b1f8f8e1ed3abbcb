"""Training's section of the periodic digest. The digest itself (notifications, issue 9) is
not built yet; when it is, it calls section_for() for each member through its registry."""

from training.models import Course
from training.services import interested_in


def section_for(member, since):
    """The courses published since `since` that match what `member` asked to learn and
    that they may enrol in, soonest first."""
    courses = Course.objects.published().filter(published_at__gte=since).with_overview()
    return [
        course
        for course in courses.select_related("area").order_by("first_session_at", "title")
        if interested_in(course).filter(member=member).exists()
    ]
