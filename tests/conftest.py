import pytest
from django.core.cache import cache
from django.db import connection
from kombu import pools as kombu_pools

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


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in Redis: every test starts from zero.
    cache.clear()
    yield


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
