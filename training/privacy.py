"""Training's rows that point at a member: see members/privacy.py."""

from members.privacy import Fate, register, register_erasure_step
from training import services
from training.enums import EnrolmentState
from training.models import (
    Attendance,
    Course,
    CourseTrainer,
    Enrolment,
    Feedback,
    InterestNotice,
    ProposalReview,
    SessionReminder,
    TrainerProposal,
    TrainingInterest,
)

register(SessionReminder, "member", Fate.DELETE)
register(TrainingInterest, "member", Fate.DELETE)
register(TrainingInterest.areas.through, "traininginterest__member", Fate.DELETE)
register(TrainingInterest.skills.through, "traininginterest__member", Fate.DELETE)
register(InterestNotice, "member", Fate.DELETE)
# Enrolments carry prices and payments, attendance is the course's register: both are kept.
register(Enrolment, "member", Fate.KEEP)
register(Attendance, "enrolment__member", Fate.KEEP)
register(Attendance, "marked_by", Fate.KEEP)
# Ratings are read in aggregate; the comment may say who wrote it.
register(Feedback, "member", Fate.ANONYMISE, blank=("comment",))
register(Course, "created_by", Fate.KEEP)
register(CourseTrainer, "member", Fate.KEEP, blank=("bio",))
register(TrainerProposal, "proposer", Fate.KEEP, blank=("bio",))
register(TrainerProposal, "decided_by", Fate.KEEP)
register(ProposalReview, "reviewer", Fate.KEEP)


def _give_up_seats(member):
    """A seat the erased person held is offered to the next person waiting."""
    for enrolment in Enrolment.objects.filter(member=member, state__in=EnrolmentState.LIVE):
        services.cancel_enrolment(enrolment, actor=None)


register_erasure_step(_give_up_seats)
