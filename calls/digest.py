"""The calls' section of the periodic digest (riepilogo).

The digest itself arrives with issue 9: until then nothing calls this function. When it
exists, it registers `section_for` as the calls' section (notifications.registry, filled
from CallsConfig.ready)."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from calls.models import FundingCall

DIGEST_WINDOW = timedelta(days=30)


def section_for(member, since):
    """The calls a member can still answer whose internal deadline falls in the next 30 days,
    in the member's sectors (or open to every sector), soonest first. Each carries `is_new`:
    published after `since`, the previous digest."""
    now = timezone.now()
    mine = member.sectors.values("pk")
    calls = (
        FundingCall.objects.accepting(now)
        .filter(internal_deadline__lte=now + DIGEST_WINDOW)
        .filter(Q(sectors__in=mine) | Q(sectors__isnull=True))
        .distinct()
        .order_by("internal_deadline", "title")
    )
    found = list(calls)
    for call in found:
        call.is_new = call.published_at is not None and call.published_at > since
    return found
