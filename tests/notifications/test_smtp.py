"""The outbox against a real SMTP server on 127.0.0.1 (aiosmtpd): the row is marked
sent before the connection is closed, so a worker killed at QUIT sends nothing twice."""

import socket

import psycopg2
import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from notifications import services
from notifications.models import OutboxEmail


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
