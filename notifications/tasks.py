from datetime import datetime

from celery import shared_task

from notifications import digest, services


@shared_task(name="notifications.send_email")
def send_email(email_id):
    services.send_outbox_email(email_id)


@shared_task(name="notifications.send_emails")
def send_emails(email_ids):
    return services.send_outbox_batch(email_ids)


@shared_task(name="notifications.fan_out")
def fan_out(event_id):
    return services.fan_out_event(event_id)


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox():
    return services.sweep_outbox()


@shared_task(name="notifications.start_digests")
def start_digests():
    return digest.start_digests()


@shared_task(name="notifications.send_digests")
def send_digests(first, last, now):
    return digest.send_digests(first, last, datetime.fromisoformat(now))
