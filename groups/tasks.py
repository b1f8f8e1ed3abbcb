from celery import shared_task

from groups import services


@shared_task(name="groups.send_meeting_reminders")
def send_meeting_reminders():
    return services.send_due_meeting_reminders()


@shared_task(name="groups.send_poll_reminders")
def send_poll_reminders():
    return services.send_due_poll_reminders()


# Celery discovers each app's tasks module: the proposals' tasks are registered through it.
from groups.proposals.tasks import alert_proposal_moderators  # noqa: E402, F401
