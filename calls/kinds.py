"""The calls' kinds of notification (notifications.registry), registered from CallsConfig.ready."""

from django.utils.translation import gettext_lazy as _

from notifications.registry import NotificationKind, register_kind

CANDIDACY_STATE = "calls.candidacy_state"


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
