from celery import shared_task

from members import services


@shared_task(name="members.remove_unconfirmed_accounts")
def remove_unconfirmed_accounts():
    return services.remove_unconfirmed_accounts()
