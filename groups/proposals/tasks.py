from celery import shared_task

from groups.proposals import services


@shared_task(name="groups.alert_proposal_moderators")
def alert_proposal_moderators():
    return services.alert_moderators()
