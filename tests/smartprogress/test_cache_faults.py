"""Redis (the cache that counts rate limits) stopped or hanging: logging in and
signing up still work, without rate limits, and the outage is logged."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from members.models import Member
from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def _cache_at(settings, port):
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }


@pytest.fixture
def redis_stopped(settings):
    _cache_at(settings, 1)  # nothing listens on port 1


@pytest.fixture
def redis_hanging(settings, hanging_server):
    _cache_at(settings, hanging_server.port)
    return hanging_server


def _log_in(client):
    member = MemberFactory()
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    return member, response


def test_login_with_redis_stopped_works_and_logs(client, redis_stopped, caplog):
    member, response = _log_in(client)

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/profilo/").context["user"] == member
    assert "Redis cache did not answer" in caplog.text


def test_login_with_redis_hanging_waits_for_one_timeout_only(client, redis_hanging):
    _member, response = _log_in(client)
    _log_in(client)

    assert response.status_code == 302
    # The first call timed out; the breaker kept every later one from trying.
    assert len(redis_hanging.accepted) == 1


def test_signup_with_redis_stopped_creates_the_account(client, redis_stopped):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Anna Verdi",
            "email": "anna.verdi@soci.example",
            "password1": "Ciclamino-Rosso-77",
            "password2": "Ciclamino-Rosso-77",
            "privacy": "on",
        },
    )

    assert response.status_code == 302
    assert Member.objects.filter(email="anna.verdi@soci.example").exists()


def test_cache_with_redis_stopped_reads_default_and_drops_writes(redis_stopped):
    assert cache.add("lock", True) is True
    cache.set("key", "value")

    assert cache.get("key", "nothing") == "nothing"
    assert cache.get_many(["key"]) == {}
    assert cache.incr("counter", 3) == 3
