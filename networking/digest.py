"""The network's section of the periodic digest (riepilogo), registered from
NetworkingConfig.ready (notifications.registry)."""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from members.models import Member
from networking.models import CommonProject, ContactMessage, ProjectInterest
from notifications.registry import DigestSection, register_section

DIGEST_PROJECTS = 5


def section_for(member, since):
    """What is new for a member since the previous digest: open projects posted since then
    that need their skills, and how many messages they have not read."""
    projects = list(
        CommonProject.objects.needing_skills_of(member)
        .filter(created_at__gt=since)
        .order_by("-created_at")[:DIGEST_PROJECTS]
    )
    unread = ContactMessage.objects.received_by(member).unread().filter(created_at__gt=since).count()
    return {"projects": projects, "unread_messages": unread}


def build(members, since_by_member):
    """section_for for a chunk of members, in five queries whatever its size; members with
    nothing new are left out."""
    earliest = min(since_by_member.values())
    chunk = [member.pk for member in members]
    projects = list(
        CommonProject.objects.open().filter(created_at__gt=earliest).prefetch_related("skills").order_by("-created_at")
    )
    interested = defaultdict(set)
    for project_id, member_id in ProjectInterest.objects.filter(
        project__in=[p.pk for p in projects], member__in=chunk
    ).values_list("project", "member"):
        interested[project_id].add(member_id)
    skills = defaultdict(set)
    for member_id, skill_id in Member.skills.through.objects.filter(member__in=chunk).values_list("member", "skill"):
        skills[member_id].add(skill_id)
    unread = defaultdict(list)
    messages = ContactMessage.objects.filter(recipient__in=chunk, read_at=None, created_at__gt=earliest)
    for member_id, created_at in messages.values_list("recipient", "created_at"):
        unread[member_id].append(created_at)
    needed = {project.pk: {skill.pk for skill in project.skills.all()} for project in projects}
    sections = {}
    for member in members:
        since = since_by_member[member.pk]
        mine = [
            project
            for project in projects
            if project.created_at > since
            and project.author_id != member.pk
            and needed[project.pk] & skills[member.pk]
            and member.pk not in interested[project.pk]
        ][:DIGEST_PROJECTS]
        count = sum(1 for created_at in unread[member.pk] if created_at > since)
        if mine or count:
            sections[member.pk] = {"projects": mine, "unread_messages": count}
    return sections


def register():
    register_section(
        DigestSection(
            key="network",
            label=_("The network"),
            build=build,
            template="networking/digest/network",
            order=50,
        )
    )
