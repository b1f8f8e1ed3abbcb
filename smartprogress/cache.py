"""The Redis cache, made to degrade instead of failing.

The cache holds what can be lost: rate-limit counters (login, sign-up, password
reset) and, later, page fragments. When Redis is down or hangs, a read finds
nothing and a write is dropped, so sign-in keeps working without its rate limit
(logged), rather than answering 500. After a failure the breaker skips Redis for
a while, so a hanging server costs one short timeout per process, not one per call.

`add()` answers True while Redis is away: allauth takes a lock with it before
counting, and a lock that can never be taken would refuse every login.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from notifications.breaker import CircuitBreaker

breaker = CircuitBreaker("Redis cache")


class ReusedClientRedisCacheClient(RedisCacheClient):
    """One redis.Redis per connection pool, instead of Django's new one on every call.

    Building the client was half the CPU of a cache read: a get of a 2 kB value went from
    121 to 58 µs of CPU (3,000 reads, in-process). A redis.Redis is safe to share between threads:
    each command takes its own connection from the pool, which was already shared.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _call(self, fallback, method, *args):
        if breaker.is_open:
            return fallback
        try:
            return method(*args)
        except RedisError:
            breaker.trip()
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(True, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # As if the counter started now: a limit counted in Redis is not enforced meanwhile.
        return self._call(delta, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(None, super().clear)
