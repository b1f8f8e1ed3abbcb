from celery import shared_task

from calls import services


@shared_task(name="calls.send_late_task_reminders")
def send_late_task_reminders():
    return services.send_late_task_reminders()


@shared_task(name="calls.send_milestone_reminders")
def send_milestone_reminders():
    return services.send_milestone_reminders()


@shared_task(name="calls.send_deadline_reminders")
def send_deadline_reminders():
    return services.send_deadline_reminders()
