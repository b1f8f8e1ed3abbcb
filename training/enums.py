import enum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CourseState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("course state", "Draft")
    PUBLISHED = "published", pgettext_lazy("course state", "Published")
    CLOSED = "closed", pgettext_lazy("course state", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("course state", "Cancelled")

    # Whoever opens the address reads these; a draft is for staff, its trainers and the
    # training group's facilitators.
    PUBLIC = enum.nonmember(("published", "closed", "cancelled"))
    # "Closed" closes the enrolment: its sessions still take place.
    TAKING_PLACE = enum.nonmember(("published", "closed"))


# Which state may follow which (services.set_course_state). A closed course may open again.
COURSE_TRANSITIONS = {
    CourseState.DRAFT: (CourseState.PUBLISHED, CourseState.CANCELLED),
    CourseState.PUBLISHED: (CourseState.CLOSED, CourseState.CANCELLED),
    CourseState.CLOSED: (CourseState.PUBLISHED, CourseState.CANCELLED),
    CourseState.CANCELLED: (),
}


class CourseFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", pgettext_lazy("course format", "Online")
    BLENDED = "blended", _("Blended (in person and online)")


class Audience(models.TextChoices):
    MEMBERS = "members", _("Members of the cooperative only")
    EVERYONE = "everyone", _("Everyone with an account")


class EnrolmentState(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("enrolment state", "Confirmed")
    WAITLISTED = "waitlisted", pgettext_lazy("enrolment state", "On the waiting list")
    OFFERED = "offered", pgettext_lazy("enrolment state", "Seat offered")
    EXPIRED = "expired", pgettext_lazy("enrolment state", "Offer expired")
    CANCELLED = "cancelled", pgettext_lazy("enrolment state", "Cancelled")

    # A person has at most one live enrolment per course (a named partial constraint).
    LIVE = enum.nonmember(("confirmed", "waitlisted", "offered"))
    # An open offer keeps its seat until it is accepted or lapses.
    HOLDING_SEAT = enum.nonmember(("confirmed", "offered"))


class ProposalState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("trainer proposal state", "Under review")
    ACCEPTED = "accepted", pgettext_lazy("trainer proposal state", "Accepted")
    DECLINED = "declined", pgettext_lazy("trainer proposal state", "Declined")


class PriceFilter(models.TextChoices):
    FREE = "gratuito", _("Free")
    PAID = "a-pagamento", _("Paid")
