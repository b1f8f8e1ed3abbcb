import re
import socket
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_save
from kombu import pools as kombu_pools

from notifications.breaker import CircuitBreaker
from notifications.models import OutboxEmail
from smartprogress.celery import app as celery_app
from tests.factories import MemberFactory, StaffFactory, VerifiedMemberFactory


@pytest.fixture(autouse=True, scope="session")
def _real_services():
    """The suite runs on PostgreSQL and Redis, as production does; refuse anything else."""
    from django.conf import settings

    assert connection.vendor == "postgresql", "Run the tests with DATABASE_URL pointing at PostgreSQL (make test)."
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend.endswith("RedisCache"), "Run the tests with REDIS_URL set (make test)."
    # Hashing a password takes a third of a second by design; tests make hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in the test's own process, after commit, so their effects can be asserted.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


HTML_ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|amp|lt|gt|quot|apos);")


def _refuse_escaped_email(sender, instance, created, **kwargs):
    """E-mail subjects and text bodies are plain text: an HTML entity in one of them
    ("L&#x27;incontro") is a template rendered with HTML escaping."""
    if created:
        text = f"{instance.subject}\n{instance.body_text}"
        assert not HTML_ENTITY.search(text), f"HTML-escaped e-mail {instance.kind}: {text[:300]}"


@pytest.fixture(autouse=True, scope="session")
def _plain_text_emails():
    """Every e-mail any test writes to the outbox is checked."""
    post_save.connect(_refuse_escaped_email, sender=OutboxEmail, dispatch_uid="plain-text-emails")
    yield
    post_save.disconnect(sender=OutboxEmail, dispatch_uid="plain-text-emails")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in Redis: every test starts from zero, and no test
    # inherits another's "Redis is down" from the breakers.
    CircuitBreaker.reset_all()
    cache.clear()
    yield
    CircuitBreaker.reset_all()


@pytest.fixture
def member(db):
    return MemberFactory()


@pytest.fixture
def verified_member(db):
    return VerifiedMemberFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


def _reset_broker_pools():
    """Drop Celery's cached broker connections so the next publish uses conf.broker_url."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """The broker is unreachable: Celery publishes to a closed port, for real."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app.conf.task_always_eager = False
    _reset_broker_pools()
    yield
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    _reset_broker_pools()


class HangingServer:
    """A TCP server that accepts connections and never answers: Redis stopped with
    SIGSTOP, or a broker behind a dead link. Counts the connections it accepted."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.accepted = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                conn, _address = self.socket.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        self.socket.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def hanging_server():
    server = HangingServer()
    yield server
    server.close()


@pytest.fixture
def broker_hanging(hanging_server):
    """The broker accepts connections and never answers."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = f"redis://127.0.0.1:{hanging_server.port}/0"
    celery_app.conf.task_always_eager = False
    _reset_broker_pools()
    yield hanging_server
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    _reset_broker_pools()
