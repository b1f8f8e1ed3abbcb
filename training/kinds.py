"""Training's kinds of notification (notifications.registry), registered from TrainingConfig.ready."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.registry import NotificationKind, register_kind

ENROLMENT = "training.enrolment"
COURSE_MATCHES_INTEREST = "training.course_matches_interest"


def register():
    # A seat confirmed, a place on the waiting list, a time-limited offer: always e-mailed.
    register_kind(
        NotificationKind(
            key=ENROLMENT,
            label=_("My seat in a course"),
            template="training/email/confirmed",
            url=lambda enrolment: reverse("training:course", args=[enrolment.course.slug]),
            email_optional=False,
        )
    )
    # A course opens in an area or on a skill the member asked to learn: news, may be turned off.
    register_kind(
        NotificationKind(
            key=COURSE_MATCHES_INTEREST,
            label=_("A course opens that I asked for"),
            template="training/email/course_matches_interest",
            url=lambda course: reverse("training:course", args=[course.slug]),
        )
    )
