"""What the apps above tell the notifications app: their kinds of notification and their
sections of the digest. notifications imports none of our apps; each app fills the
registry from its AppConfig.ready, e.g.

    from notifications.registry import NotificationKind, register_kind

    register_kind(NotificationKind(
        key="groups.meeting_created",
        label=_("A new meeting in one of my groups"),
        template="groups/email/meeting_created",
        audience=lambda meeting: Member.objects.filter(...),
        context=lambda meeting: {"meeting": meeting},
        url=lambda meeting: reverse("groups:meeting", args=[meeting.pk]),
    ))

and then, in the service that causes it, `notifications.services.announce(key, obj, actor=...)`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_kinds = {}
_sections = {}


@dataclass(frozen=True)
class NotificationKind:
    key: str
    # What the member reads on the preferences page, next to "e-mail on/off".
    label: Any
    # The e-mail's templates: <template>_subject.txt, _message.txt (and optionally
    # _message.html). The subject is also the text of the in-portal notification.
    template: str
    # obj -> the page the notification links to.
    url: Callable
    # For events fanned out to many (services.announce): obj -> a queryset of the members
    # concerned (the same rule as the page: whoever may not see it is not in it), resolved
    # when the event is fanned out, and obj -> the templates' context. Kinds sent to a few
    # named people (services.notify) need neither.
    audience: Callable | None = None
    context: Callable | None = None
    # False for what cannot be refused: a decision about the member, a time-limited offer.
    email_optional: bool = True


@dataclass(frozen=True)
class DigestSection:
    key: str
    label: Any
    # (members, since_by_member_id) -> {member_id: items}; one call per chunk of members,
    # so its queries do not grow with the chunk. Empty items leave the section out.
    build: Callable
    # Rendered with {"items": ..., "member": ...}: <template>.txt and <template>.html.
    template: str
    order: int = 100


def register_kind(kind):
    _kinds[kind.key] = kind
    return kind


def register_section(section):
    _sections[section.key] = section
    return section


def per_member(section_for):
    """Adapt a section written for one member (member, since) -> items to the chunk API.
    Its queries grow with the chunk: prefer a chunk-wide `build` for large sections."""

    def build(members, since_by_member):
        return {member.pk: section_for(member, since_by_member[member.pk]) for member in members}

    return build


def kind(key):
    return _kinds.get(key)


def kinds():
    return sorted(_kinds.values(), key=lambda k: k.key)


def optional_kinds():
    return [k for k in kinds() if k.email_optional]


def sections():
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))
