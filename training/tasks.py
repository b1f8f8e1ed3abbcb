from celery import shared_task

from training import services


@shared_task(name="training.lapse_offers")
def lapse_offers():
    return services.lapse_expired_offers()


@shared_task(name="training.send_session_reminders")
def send_session_reminders():
    return services.send_due_session_reminders()


@shared_task(name="training.ask_for_feedback")
def ask_for_feedback():
    return services.ask_for_feedback()
