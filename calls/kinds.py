"""The calls' kinds of notification (notifications.registry), registered from CallsConfig.ready."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from calls.enums import OfferState
from notifications.registry import NotificationKind, register_kind

CANDIDACY_STATE = "calls.candidacy_state"
JOIN_OFFER = "calls.join_offer"
OFFER_ANSWERED = "calls.offer_answered"


def _answer_url(offer):
    # Who was turned down no longer sees the candidacy: they are sent to the calls.
    if offer.state == OfferState.ACCEPTED:
        return offer.role.candidacy.get_absolute_url()
    return reverse("calls:list")


def register():
    # A decision on the team's own candidacy: always e-mailed.
    register_kind(
        NotificationKind(
            key=CANDIDACY_STATE,
            label=_("A step of my candidacy"),
            template="calls/email/candidacy_state",
            url=lambda candidacy: candidacy.get_absolute_url(),
            email_optional=False,
        )
    )
    # An offer to take an open role waits for the team's answer: always e-mailed.
    register_kind(
        NotificationKind(
            key=JOIN_OFFER,
            label=_("An offer to join my candidacy's team"),
            template="calls/email/join_offer",
            url=lambda offer: offer.role.candidacy.get_absolute_url(),
            email_optional=False,
        )
    )
    # The team's answer to my offer: a decision about me, always e-mailed.
    register_kind(
        NotificationKind(
            key=OFFER_ANSWERED,
            label=_("The answer to my offer to join a team"),
            template="calls/email/offer_answered",
            url=_answer_url,
            email_optional=False,
        )
    )
