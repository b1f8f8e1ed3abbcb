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
