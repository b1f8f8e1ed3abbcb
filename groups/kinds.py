"""The groups' kinds of notification (notifications.registry), registered from
GroupsConfig.ready. Each audience is the rule of the page the notification links to:
whoever may not see the page is not told."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.models import RSVP, Membership
from members.models import Member
from notifications.registry import NotificationKind, register_kind

MEETING_CREATED = "groups.meeting_created"
MEETING_MOVED = "groups.meeting_moved"
MEETING_CANCELLED = "groups.meeting_cancelled"
POLL_CREATED = "groups.poll_created"
POLL_CLOSED = "groups.poll_closed"
# To the authors: the staff's decision on their proposal. Always e-mailed.
PROPOSAL_DECISION = "proposals.decision"
# To authors and supporters: an official answer or a progress update.
PROPOSAL_NEWS = "proposals.news"


def participants(group_id):
    return Member.objects.filter(pk__in=Membership.objects.taking_part().filter(group=group_id).values("member"))


def who_answered(meeting):
    """Who answered and still takes part: an answer given before leaving the cooperative
    does not keep the meeting's page, or its e-mails, open."""
    return participants(meeting.group_id).filter(pk__in=RSVP.objects.filter(meeting=meeting).values("member"))


def _meeting_url(meeting):
    return reverse("groups:meeting", args=[meeting.pk])


def _poll_url(poll):
    return reverse("groups:poll", args=[poll.group.slug, poll.pk])


def _proposal_url(proposal):
    return reverse("proposals:detail", args=[proposal.pk])


def register():
    register_kind(
        NotificationKind(
            key=PROPOSAL_DECISION,
            label=_("A decision on my proposal"),
            template="groups/proposals/email/published",
            url=_proposal_url,
            email_optional=False,
        )
    )
    register_kind(
        NotificationKind(
            key=PROPOSAL_NEWS,
            label=_("An answer or progress on a proposal I wrote or support"),
            template="groups/proposals/email/answered",
            url=_proposal_url,
        )
    )
    register_kind(
        NotificationKind(
            key=MEETING_CREATED,
            label=_("A new meeting in one of my groups"),
            template="groups/email/meeting_created",
            audience=lambda meeting: participants(meeting.group_id),
            context=lambda meeting: {"meeting": meeting},
            url=_meeting_url,
        )
    )
    register_kind(
        NotificationKind(
            key=MEETING_MOVED,
            label=_("A meeting I answered has moved"),
            template="groups/email/meeting_moved",
            audience=who_answered,
            context=lambda meeting: {"meeting": meeting},
            url=_meeting_url,
        )
    )
    register_kind(
        NotificationKind(
            key=MEETING_CANCELLED,
            label=_("A meeting I answered is cancelled"),
            template="groups/email/meeting_cancelled",
            audience=who_answered,
            context=lambda meeting: {"meeting": meeting},
            url=_meeting_url,
        )
    )
    register_kind(
        NotificationKind(
            key=POLL_CREATED,
            label=_("A new date poll in one of my groups"),
            template="groups/email/poll_created",
            audience=lambda poll: participants(poll.group_id),
            context=lambda poll: {"poll": poll},
            url=_poll_url,
        )
    )
    register_kind(
        NotificationKind(
            key=POLL_CLOSED,
            label=_("The date chosen by one of my groups"),
            template="groups/email/poll_closed",
            audience=lambda poll: participants(poll.group_id),
            context=lambda poll: {"poll": poll, "meeting": poll.meeting},
            url=lambda poll: reverse("groups:meeting", args=[poll.meeting_id]),
        )
    )
