"""The calls' section of the periodic digest (riepilogo), registered from CallsConfig.ready
(notifications.registry)."""

import copy
from collections import defaultdict
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.models import FundingCall
from members.models import Member
from notifications.registry import DigestSection, register_section

DIGEST_WINDOW = timedelta(days=30)


def _open_calls():
    now = timezone.now()
    return (
        FundingCall.objects.accepting(now)
        .filter(internal_deadline__lte=now + DIGEST_WINDOW)
        .prefetch_related("sectors")
        .order_by("internal_deadline", "title")
    )


def section_for(member, since):
    """The calls a member can still answer whose internal deadline falls in the next 30 days,
    in the member's sectors (or open to every sector), soonest first. Each carries `is_new`:
    published after `since`, the previous digest."""
    return build([member], {member.pk: since}).get(member.pk, [])


def build(members, since_by_member):
    """section_for for a chunk of members, in three queries whatever its size."""
    calls = list(_open_calls())
    if not calls:
        return {}
    sectors = defaultdict(set)
    through = Member.sectors.through.objects.filter(member__in=[m.pk for m in members])
    for member_id, sector_id in through.values_list("member", "sector"):
        sectors[member_id].add(sector_id)
    call_sectors = {call.pk: {s.pk for s in call.sectors.all()} for call in calls}
    sections = {}
    for member in members:
        since, mine = since_by_member[member.pk], sectors.get(member.pk, set())
        items = []
        for call in calls:
            if not call_sectors[call.pk] or call_sectors[call.pk] & mine:
                # A copy per member: `is_new` depends on each one's previous digest.
                item = copy.copy(call)
                item.is_new = call.published_at is not None and call.published_at > since
                items.append(item)
        if items:
            sections[member.pk] = items
    return sections


def register():
    register_section(
        DigestSection(
            key="calls",
            label=_("Calls closing within 30 days"),
            build=build,
            template="calls/digest/calls",
            order=30,
        )
    )
