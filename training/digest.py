"""Training's section of the periodic digest (riepilogo), registered from
TrainingConfig.ready (notifications.registry)."""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from notifications.registry import DigestSection, register_section
from training.models import Course
from training.services import interested_in


def _new_courses(since):
    courses = Course.objects.published().filter(published_at__gte=since)
    return list(courses.select_related("area").order_by("first_session_at", "title"))


def section_for(member, since):
    """The courses published since `since` that match what `member` asked to learn and
    that they may enrol in, soonest first."""
    return build([member], {member.pk: since}).get(member.pk, [])


def build(members, since_by_member):
    """section_for for a chunk of members: its queries grow with the new courses (a few a
    week), not with the members."""
    courses = _new_courses(min(since_by_member.values()))
    chunk = [m.pk for m in members]
    matching = defaultdict(list)
    for course in courses:
        for member_id in interested_in(course).filter(member__in=chunk).values_list("member", flat=True):
            if course.published_at >= since_by_member[member_id]:
                matching[member_id].append(course)
    return dict(matching)


def register():
    register_section(
        DigestSection(
            key="courses",
            label=_("New courses for what I want to learn"),
            build=build,
            template="training/digest/courses",
            order=40,
        )
    )
