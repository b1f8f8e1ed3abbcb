"""The outbox against a real SMTP server on 127.0.0.1 (aiosmtpd): the row is marked
sent before the connection is closed, so a worker killed at QUIT sends nothing twice."""

import socket
from datetime import timedelta

import psycopg2
import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from groups import services as groups
from notifications import services
from notifications.models import OutboxEmail
from tests.factories import FacilitatorFactory, MembershipFactory


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """Keeps each message and, at QUIT, what the database says of the row (read on a
    connection of its own, as another process would)."""

    def __init__(self, dsn):
        self.dsn = dsn
        self.messages = []
        self.sent_at_quit = []
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # Each SMTP connection greets once.
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode())
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        with psycopg2.connect(self.dsn) as db, db.cursor() as cursor:
            cursor.execute("SELECT sent_at IS NOT NULL FROM notifications_outboxemail")
            self.sent_at_quit.extend(row[0] for row in cursor.fetchall())
        return "221 Bye"


@pytest.fixture
def smtp_server(settings):
    params = connection.settings_dict
    dsn = f"host={params['HOST']} port={params['PORT'] or 5432} user={params['USER']} dbname={params['NAME']}"
    recorder = Recorder(dsn)
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    yield recorder
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_row_is_marked_sent_before_the_connection_closes(smtp_server):
    row = OutboxEmail.objects.create(to="anna@soci.example", kind="test", subject="L'incontro", body_text="Testo")

    assert services.send_outbox_email(row.pk) is True

    assert smtp_server.sent_at_quit == [True]
    assert len(smtp_server.messages) == 1
    assert f"Message-ID: {services.message_id(row)}" in smtp_server.messages[0]


@pytest.mark.django_db(transaction=True)
def test_meeting_announced_to_a_group_goes_out_over_one_connection(smtp_server):
    facilitator = FacilitatorFactory()
    members = [MembershipFactory(group=facilitator.group).member for _ in range(30)]
    start = timezone.now() + timedelta(days=3)

    # Autocommit: the event's fan-out and its batch run after commit, in this process.
    groups.create_meeting(
        facilitator.group,
        actor=facilitator.member,
        title="L'assemblea",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )

    assert smtp_server.connections == 1
    assert len(smtp_server.messages) == 30
    assert OutboxEmail.objects.unsent().count() == 0
    assert sorted(OutboxEmail.objects.values_list("recipient", flat=True)) == sorted(m.pk for m in members)


@pytest.mark.django_db(transaction=True)
def test_sweep_sends_a_backlog_in_batches_one_connection_each(smtp_server):
    OutboxEmail.objects.bulk_create(
        OutboxEmail(to=f"socio{n}@soci.example", kind="test", subject="Ciao", body_text="Testo") for n in range(450)
    )

    assert services.sweep_outbox() == 450

    assert smtp_server.connections == 3  # batches of 200, 200 and 50
    assert len(smtp_server.messages) == 450
