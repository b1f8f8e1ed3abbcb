from celery import shared_task

from notifications import services


@shared_task(name="notifications.send_email")
def send_email(email_id):
    services.send_outbox_email(email_id)


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox():
    return services.sweep_outbox()
