"""How many proposals and comments a member may write in an hour, counted per clock hour in
the cache, as the login limits are. They guard the pages people post from, not the services:
the demo data and staff scripts write through the services without them.

With Redis down the cache answers as if each count started now (smartprogress/cache.py), so
the limits are not enforced until it is back: the portal keeps working."""

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def spend(member, kind, limit):
    """Count one more `kind` by `member` this hour; False once past `limit`. Used for messages too."""
    key = f"limit:{kind}:{member.pk}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the key expired between add and incr: a new hour began
        return True


def spend_proposal(member):
    limit = settings.PROPOSALS_PER_HOUR
    if not spend(member, "proposals", limit):
        raise ValidationError(
            _("You have reached the limit of %(count)d new proposals an hour: try again a little later.")
            % {"count": limit},
            code="too_many",
        )


def spend_comment(member):
    limit = settings.COMMENTS_PER_HOUR
    if not spend(member, "comments", limit):
        raise ValidationError(
            _("You have reached the limit of %(count)d comments an hour: try again a little later.") % {"count": limit},
            code="too_many",
        )
