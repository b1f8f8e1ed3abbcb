import enum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GroupTheme(models.TextChoices):
    CALLS = "calls", _("Calls for funding")
    TRAINING = "training", _("Training")
    NETWORKING = "networking", _("Research and development")
    OTHER = "other", _("Other")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: verified members join with one click")
    BY_REQUEST = "request", _("By request: a facilitator approves")
    CLOSED = "closed", _("Closed: no new participants")


class Role(models.TextChoices):
    PARTICIPANT = "participant", pgettext_lazy("group role", "Participant")
    FACILITATOR = "facilitator", pgettext_lazy("group role", "Facilitator")


class MembershipState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    ACTIVE = "active", _("Active")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("meeting status", "Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


class Answer(models.TextChoices):
    """An answer to a meeting (RSVP) or to a slot of a date poll."""

    YES = "yes", pgettext_lazy("answer", "Yes")
    MAYBE = "maybe", pgettext_lazy("answer", "Maybe")
    NO = "no", pgettext_lazy("answer", "No")


class PollStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("poll status", "Open")
    CLOSED = "closed", pgettext_lazy("poll status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("poll status", "Cancelled")


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "24h", _("24 hours before")
    HOUR_BEFORE = "1h", _("1 hour before")


class DocumentVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Verified members")
    GROUP = "group", _("Participants of the group")

    RESTRICTED = enum.nonmember(("members", "group"))
