"""Who matches these skills: verified members who chose to be findable, best match first.
Used by the calls' open roles and by the common projects of the network."""

from django.db.models import Count, Q

from members.enums import Visibility
from members.models import Member


def members_with_skills(skills, *, viewer, exclude=(), limit=10):
    """Verified members with at least one of `skills`, as `viewer` may see them, with
    `matched_skills` (how many of the skills they have), most matches first.

    Only who chose to be seen beyond the staff: a member who keeps their profile private is
    never suggested, not even to staff, since a suggestion puts their name on someone
    else's page."""
    skill_ids = [getattr(skill, "pk", skill) for skill in skills]
    if not skill_ids:
        return []
    found = (
        Member.objects.verified()
        .visible_to(viewer)
        .exclude(visibility=Visibility.PRIVATE)
        .exclude(pk__in=[getattr(member, "pk", member) for member in exclude])
        .filter(skills__in=skill_ids)
        .annotate(matched_skills=Count("skills", filter=Q(skills__in=skill_ids), distinct=True))
        .order_by("-matched_skills", "full_name", "pk")
    )
    return list(found[:limit])


def directory_members_with_skills(skills, *, exclude=(), limit=10):
    """Members of the directory who show at least one of `skills` among their skills, with
    `matched_skills`, most matches first. A member outside the directory, or who keeps their
    skills hidden, is never suggested: the suggestion would reveal what they did not show."""
    skill_ids = [getattr(skill, "pk", skill) for skill in skills]
    if not skill_ids:
        return []
    found = (
        Member.objects.in_directory()
        .filter(shows_skills=True, skills__in=skill_ids)
        .exclude(pk__in=[getattr(member, "pk", member) for member in exclude])
        .annotate(matched_skills=Count("skills", filter=Q(skills__in=skill_ids), distinct=True))
        .order_by("-matched_skills", "full_name", "pk")
    )
    return list(found[:limit])
