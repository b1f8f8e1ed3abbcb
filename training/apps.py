from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from groups import ics
        from training import digest, kinds, signals
        from training.calendar import member_sessions
        from training.models import Course, Enrolment, Session

        ics.add_to_personal_feed(member_sessions, models=(Course, Enrolment, Session))
        kinds.register()
        signals.connect()
        digest.register()
        _catalogue_changes_with()


def _catalogue_changes_with():
    """The writes that change the catalogue's cached body (training.views.catalogue): courses,
    their trainers, skills and sessions, enrolments (through the recount of the course's
    seats, training/signals.py), programmes, areas and skills, the training working groups,
    and a trainer's name."""
    from groups.models import WorkingGroup
    from members.models import Member, Sector, Skill
    from smartprogress import pagecache
    from training.models import Course, CourseTrainer, Programme, Session

    pagecache.changes_with(
        "training", Course, CourseTrainer, Session, Programme, Sector, Skill, WorkingGroup, through=[Course.skills]
    )
    pagecache.changes_with("training", Member, only_fields={"full_name"})
