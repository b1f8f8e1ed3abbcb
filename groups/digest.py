"""The groups' sections of the digest (riepilogo): what happens in the member's groups and
their proposals. Each `build` reads a whole chunk of members in a fixed number of queries."""

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.enums import PollStatus
from groups.models import DatePoll, Meeting, Membership
from groups.proposals.models import Proposal
from notifications.registry import DigestSection, register_section

MEETINGS_AHEAD = timedelta(days=14)


def _groups_of(members):
    """{member id: set of the ids of the groups they take part in}: one query. The rule of
    Membership.objects.taking_part(), with the member's half asked of the members already
    loaded (is_verified_member, its Python twin): the subquery costs a second per chunk."""
    verified = [m.pk for m in members if m.is_verified_member]
    groups = defaultdict(set)
    for member_id, group_id in Membership.objects.active().filter(member__in=verified).values_list("member", "group"):
        groups[member_id].add(group_id)
    return groups


def build_groups(members, since_by_member):
    """Meetings of the next 14 days, date polls opened since the last digest and the
    dates the groups chose since then, in the member's groups."""
    groups = _groups_of(members)
    all_groups = set().union(*groups.values()) if groups else set()
    if not all_groups:
        return {}
    now = timezone.now()
    earliest = min(since_by_member.values())
    meetings = list(
        Meeting.objects.upcoming()
        .filter(group__in=all_groups, starts_at__lte=now + MEETINGS_AHEAD)
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    polls = list(
        DatePoll.objects.filter(
            group__in=all_groups, status=PollStatus.OPEN, closes_at__gt=now, created_at__gt=earliest
        )
        .select_related("group")
        .order_by("closes_at", "pk")
    )
    chosen = list(
        DatePoll.objects.filter(
            group__in=all_groups, status=PollStatus.CLOSED, meeting__created_at__gt=earliest, meeting__starts_at__gt=now
        )
        .select_related("group", "meeting")
        .order_by("meeting__starts_at", "pk")
    )
    sections = {}
    for member in members:
        mine, since = groups.get(member.pk, set()), since_by_member[member.pk]
        section = {
            "meetings": [m for m in meetings if m.group_id in mine],
            "polls": [p for p in polls if p.group_id in mine and p.created_at > since],
            "chosen": [p for p in chosen if p.group_id in mine and p.meeting.created_at > since],
        }
        if any(section.values()):
            sections[member.pk] = section
    return sections


def build_proposals(members, since_by_member):
    """Proposals of the member's groups published since the last digest, and the official
    answers given since then."""
    groups = _groups_of(members)
    all_groups = set().union(*groups.values()) if groups else set()
    if not all_groups:
        return {}
    earliest = min(since_by_member.values())
    public = Proposal.objects.public().filter(group__in=all_groups).select_related("group")
    published = list(public.filter(published_at__gt=earliest).order_by("-published_at", "-pk")[:200])
    answered = list(public.filter(answered_at__gt=earliest).order_by("-answered_at", "-pk")[:200])
    sections = {}
    for member in members:
        mine, since = groups.get(member.pk, set()), since_by_member[member.pk]
        section = {
            "published": [p for p in published if p.group_id in mine and p.published_at > since],
            "answered": [p for p in answered if p.group_id in mine and p.answered_at > since],
        }
        if any(section.values()):
            sections[member.pk] = section
    return sections


def register():
    register_section(
        DigestSection(
            key="groups", label=_("My working groups"), build=build_groups, template="groups/digest/groups", order=10
        )
    )
    register_section(
        DigestSection(
            key="proposals",
            label=_("Proposals in my groups"),
            build=build_proposals,
            template="groups/digest/proposals",
            order=20,
        )
    )
