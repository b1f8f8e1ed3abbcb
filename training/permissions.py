"""Who may do what in training. Plain predicates; the views ask them once per request."""

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils.translation import gettext as _

from groups.enums import GroupTheme, Role
from groups.models import Membership
from training.enums import CourseState, EnrolmentState

FACILITATING_TRAINING = Q(group__theme=GroupTheme.TRAINING, group__archived_at=None, role=Role.FACILITATOR)


def training_facilitators():
    """The facilitators of the working group on training (theme "training"): with staff,
    they review the call for trainers and read what members ask to learn."""
    return Membership.objects.taking_part().filter(FACILITATING_TRAINING)


def is_training_facilitator(user):
    """One of training_facilitators(). The member's own row is at hand, so whether they are a
    verified member is read from it rather than joined in the query: 0.73 ms of CPU per
    catalogue at the bench (the join to members and its subquery built by the ORM) to less."""
    return (
        user.is_authenticated
        and user.is_verified_member
        and Membership.objects.active().filter(FACILITATING_TRAINING, member=user).exists()
    )


def is_reviewer(user):
    """Reviews trainer proposals, decides on them, reads the demand page."""
    return user.is_authenticated and (user.is_staff or is_training_facilitator(user))


def is_trainer(user, course):
    return user.is_authenticated and course.trainers.filter(member=user).exists()


def can_teach(user, course, *, trainer=None):
    """Marks attendance, prints the sheet, reads the ratings: the course's trainers and staff.
    `trainer` spares the query when the caller already asked is_trainer."""
    if not user.is_authenticated:
        return False
    return user.is_staff or (is_trainer(user, course) if trainer is None else trainer)


def can_see_course(user, course, *, trainer=None):
    """A published, closed or cancelled course is public; a draft is for staff, its trainers
    and the training group's facilitators, who prepare it."""
    if course.state in CourseState.PUBLIC:
        return True
    return can_teach(user, course, trainer=trainer) or is_training_facilitator(user)


def can_export(user):
    """The enrolment list as CSV carries e-mail addresses: staff only."""
    return user.is_authenticated and user.is_staff


def can_propose(user):
    return user.is_authenticated and user.is_verified_member


def has_confirmed_email(user):
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def enrolment_refusal(user, course):
    """Why this person may not enrol in this course (a sentence to show them), or None.
    About the person only; whether enrolment is open is the course's side (services)."""
    if not user.is_authenticated:
        return _("Log in to enrol.")
    if not user.is_active:
        return _("This account is not active.")
    if course.members_only and not user.is_verified_member:
        return _(
            "This course is reserved to verified members of the cooperative: "
            "ask for member verification in your profile."
        )
    if not has_confirmed_email(user):
        return _("Confirm your e-mail address first, with the link we sent you.")
    return None


def can_see_online_link(user, course, enrolment, *, trainer=None):
    """The sessions' video link is for who holds a confirmed seat, the trainers and staff."""
    confirmed = enrolment is not None and enrolment.state == EnrolmentState.CONFIRMED
    return confirmed or can_teach(user, course, trainer=trainer)
