"""What the portal holds about a member, and what becomes of it when they leave.

Every model that points at a member (directly, or through a row of theirs that is deleted
with them) says so here or in its own app's `privacy.py`, one line each:

    register(RSVP, "member", Fate.DELETE)
    register(Attendance, "enrolment__member", Fate.KEEP)

The export (`/profilo/dati/`) and the erasure (`/profilo/elimina/`) are driven by this
registry alone, and tests/members/test_privacy_coverage.py walks every relation of every
model to the member, so a new model that points at a member and is not registered fails
that test with the line to add. Apps whose `privacy.py` would import upwards (notifications,
Django's and allauth's own models) are registered at the bottom of this file.
"""

import enum
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVectorField
from django.utils.module_loading import autodiscover_modules


class Fate(enum.Enum):
    # Personal data: exported, deleted on erasure.
    DELETE = "delete"
    # Written in a shared space (a proposal, a comment, a vote): exported, stays after erasure
    # under the erased account, which then reads "ex socio/a".
    ANONYMISE = "anonymise"
    # A record the cooperative must keep (a candidacy, a payment, a review): exported, stays
    # after erasure pointing at the anonymised account.
    KEEP = "keep"


# Never exported, whatever the model: secrets that would let someone act as the member.
SECRET_FIELD_NAMES = ("password", "token", "secret", "key", "seed")


@dataclass(frozen=True)
class Relation:
    model: type
    path: str
    fate: Fate
    secret: tuple = ()
    blank: tuple = ()

    @property
    def key(self):
        return f"{self.model._meta.label}.{self.path}"

    def rows(self, member):
        return self.model._default_manager.filter(**{self.path: member}).order_by("pk")

    def exported_fields(self):
        return [field for field in self.model._meta.concrete_fields if is_exported(field, self.secret)]


def is_exported(field, secret=()):
    if field.name in secret or isinstance(field, SearchVectorField):
        return False
    return not any(word in field.name for word in SECRET_FIELD_NAMES)


_relations = {}
_erasure_steps = []
_discovered = False


def register(model, path, fate, *, secret=(), blank=()):
    """`model` rows whose `path` leads to the member; `blank` lists text fields emptied on
    erasure (what the person wrote about themselves on a row that stays)."""
    relation = Relation(model, path, fate, tuple(secret), tuple(blank))
    _relations[relation.key] = relation


def register_erasure_step(step):
    """A function(member) run first on erasure, for what must go through the app's own service
    (a seat freed and offered to the next person waiting)."""
    if step not in _erasure_steps:
        _erasure_steps.append(step)


def _discover():
    global _discovered
    if not _discovered:
        autodiscover_modules("privacy")
        _discovered = True


def relations():
    _discover()
    return sorted(_relations.values(), key=lambda relation: relation.key)


def erasure_steps():
    _discover()
    return list(_erasure_steps)


def member_fields(member_model):
    """The account's own fields in the export: everything but the secrets."""
    return [field for field in member_model._meta.concrete_fields if is_exported(field)]


def _register_lower_apps():
    from allauth.account.models import EmailAddress, EmailConfirmation
    from django.contrib.admin.models import LogEntry

    from members.models import ActionLog
    from notifications.models import DigestRun, Event, Notification, OutboxEmail, Preferences

    register(EmailAddress, "user", Fate.DELETE)
    register(EmailConfirmation, "email_address__user", Fate.DELETE)
    register(LogEntry, "user", Fate.KEEP)
    register(ActionLog, "actor", Fate.KEEP)
    # Bodies and headers carry one-click links (unsubscribe, password reset): never exported.
    register(OutboxEmail, "recipient", Fate.DELETE, secret=("body_text", "body_html", "headers"))
    register(Preferences, "member", Fate.DELETE)
    # What happened in a group stays (others were told of it); who did it reads "ex socio/a".
    register(Event, "actor", Fate.ANONYMISE)
    register(Notification, "member", Fate.DELETE)
    register(DigestRun, "member", Fate.DELETE)


_register_lower_apps()
