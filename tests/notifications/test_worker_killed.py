"""A real Celery worker killed (SIGKILL) half way through an outbox batch, counted at a
real SMTP server on 127.0.0.1: after a restart the rest is sent, and nothing twice.

The kill lands while the server holds the next message unaccepted, so the one window
where a repeat is allowed (accepted by the server, not yet marked sent; documented in
services.send_outbox_email) is closed here and the count must be exact."""

import os
import signal
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications import services
from notifications.models import OutboxEmail
from smartprogress.celery import app as celery_app
from tests.notifications.test_smtp import _free_port
from tests.notifications.test_worker import ROOT, _spawn_worker, _stop

EMAILS = 30
KILL_AT = 12  # the worker dies when it offers the 13th message


class KillingServer:
    """Accepts messages; when the (KILL_AT + 1)th arrives, kills the worker before accepting it."""

    def __init__(self):
        self.messages = []
        self.worker_pid = None
        self.killed = False

    async def handle_DATA(self, server, session, envelope):
        if self.worker_pid and not self.killed and len(self.messages) == KILL_AT:
            os.kill(self.worker_pid, signal.SIGKILL)
            self.killed = True
            return "451 Try again later"
        self.messages.append(envelope.content.decode())
        return "250 Message accepted for delivery"


def _worker_env(port):
    db = settings.DATABASES["default"]
    env = {key: value for key, value in os.environ.items() if key not in {"EMAIL_FILE_PATH"}}
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_USE_TLS="0",
        EMAIL_TIMEOUT="5",
        DJANGO_ALLOW_ASYNC_UNSAFE="",
    )
    return env


def _wait(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {seconds} seconds")


@pytest.fixture
def published_for_real():
    """Tasks go to the broker, for the worker process, not run in this one."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_worker_killed_half_way_through_a_batch_sends_the_rest_once_after_restart(published_for_real):
    recorder = KillingServer()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    env = _worker_env(controller.port)
    rows = OutboxEmail.objects.bulk_create(
        OutboxEmail(to=f"socio{n}@soci.example", kind="test", subject=f"L'avviso {n}", body_text="Testo")
        for n in range(EMAILS)
    )
    first = second = None
    try:
        first = _spawn_worker(env, cwd=ROOT)
        recorder.worker_pid = first.pid
        celery_app.send_task("notifications.sweep_outbox")
        _wait(lambda: first.poll() is not None, 60, "the worker was not killed half way")

        assert first.returncode == -signal.SIGKILL
        assert len(recorder.messages) == KILL_AT
        # Every accepted message is marked sent; the rest of the batch is claimed, unsent.
        assert OutboxEmail.objects.exclude(sent_at=None).count() == KILL_AT
        assert OutboxEmail.objects.filter(sent_at=None).exclude(claimed_at=None).count() == EMAILS - KILL_AT

        # The claims of the dead worker go stale (services.STALE_CLAIM), then a new worker sweeps.
        OutboxEmail.objects.filter(sent_at=None).update(
            claimed_at=timezone.now() - services.STALE_CLAIM - timedelta(minutes=1)
        )
        second = _spawn_worker(env, cwd=ROOT)
        celery_app.send_task("notifications.sweep_outbox")
        _wait(lambda: not OutboxEmail.objects.filter(sent_at=None).exists(), 60, "the rest was not sent")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                _stop(process)
        controller.stop()

    assert len(recorder.messages) == EMAILS
    for row in rows:
        header = f"Message-ID: {services.message_id(row)}"
        assert sum(header in message for message in recorder.messages) == 1, row.subject
    assert set(OutboxEmail.objects.values_list("attempts", flat=True)) <= {1, 2}
