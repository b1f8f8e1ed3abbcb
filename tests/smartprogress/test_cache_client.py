"""The Redis cache reuses one client per connection pool (smartprogress/cache.py), and still
degrades when Redis goes away after the client was made."""

import pytest
from django.core.cache import cache

from smartprogress.cache import breaker


def test_reads_and_writes_share_one_client():
    cache.set("shared", 1)
    assert cache.get("shared") == 1
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    cache.get("shared")
    assert cache._cache.get_client() is client


@pytest.fixture
def client_then_redis_stopped():
    cache.set("before", 1)
    pool = cache._cache._get_connection_pool(False)
    saved = dict(pool.connection_kwargs)
    pool.connection_kwargs.update(port=1)  # nothing listens on port 1
    pool.reset()  # the kept connections go; new ones go to the stopped port
    yield
    pool.connection_kwargs.clear()
    pool.connection_kwargs.update(saved)
    pool.reset()


def test_a_kept_client_whose_redis_stops_reads_nothing_and_trips_the_breaker(client_then_redis_stopped):
    assert cache.get("before", "nothing") == "nothing"
    assert breaker.is_open
