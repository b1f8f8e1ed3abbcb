"""The broker stopped or hanging: the action succeeds at once, the e-mails wait in
the outbox, and the request does not pay one timeout per e-mail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groups.models import Meeting
from notifications import services
from notifications.models import Event, OutboxEmail
from tests.factories import FacilitatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PARTICIPANTS = 12


def _announce_meeting(client, django_capture_on_commit_callbacks):
    facilitator = FacilitatorFactory()
    for _ in range(PARTICIPANTS):
        MembershipFactory(group=facilitator.group)
    client.force_login(facilitator.member)
    start = timezone.localtime() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/gruppi/{facilitator.group.slug}/incontri/nuovo/",
            {
                "title": "Incontro sul bando",
                "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            },
        )
    return response


def test_announce_with_broker_hanging_tries_the_broker_once(client, broker_hanging, django_capture_on_commit_callbacks):
    response = _announce_meeting(client, django_capture_on_commit_callbacks)

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incontri/{meeting.pk}/"
    # The request wrote the event, one row, and tried the broker once to fan it out.
    assert list(Event.objects.values_list("kind", "done_at")) == [("groups.meeting_created", None)]
    assert len(broker_hanging.accepted) == 1
    # The sweep fans it out and sends, without asking the broker again (the breaker is open).
    assert services.sweep_outbox() == PARTICIPANTS
    assert OutboxEmail.objects.unsent().count() == 0
    assert len(broker_hanging.accepted) == 1


def test_announce_with_broker_stopped_logs_once_and_sweep_sends_later(
    client, broker_down, django_capture_on_commit_callbacks, caplog
):
    response = _announce_meeting(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert caplog.text.count("Celery broker did not answer") == 1
    assert services.sweep_outbox() == PARTICIPANTS
    assert len(mail.outbox) == PARTICIPANTS


def test_broker_is_tried_again_after_the_pause(member, broker_hanging, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_email(member, "members/email/verified", {})
    services.broker.reset()  # the pause is over
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_email(member, "members/email/verified", {})

    assert len(broker_hanging.accepted) == 2
