"""Random versions in Redis that writes replace: the key of cached lists that many writes change.

A cached value is stored with the versions that were current before its rows were read; a
reader uses it only if they are still current. A write replaces the version now and again
after commit, so a value read from the old rows in between is stored under a version the
commit retires, and a version is never reused, even by a Redis that lost it. The versions
and the values are read together, in one round trip (`read`). With Redis down nothing is
read or stored and the pages read the database, as before.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone


def _replace(key):
    cache.set(key, uuid.uuid4().hex, None)


def changed(key):
    """Call on a write that changes what is cached under `key`'s version (signals, or after an update())."""
    _replace(key)
    transaction.on_commit(lambda: _replace(key))


def read(version_keys, value_keys):
    """The current versions (a tuple, or None when Redis is away) and the values found."""
    found = cache.get_many([*version_keys, *value_keys])
    versions = []
    for key in version_keys:
        version = found.get(key)
        if version is None:
            cache.add(key, uuid.uuid4().hex, None)
            version = cache.get(key)
            if version is None:
                return None, {}
        versions.append(version)
    return tuple(versions), {key: found[key] for key in value_keys if key in found}


def fresh(versions, stored):
    """The value of `stored` (versions, value) if stored under `versions`, else None."""
    if versions is not None and stored is not None and stored[0] == versions:
        return stored[1]
    return None


def seconds_until(instants, longest):
    """The expiry of a value whose words change at the first of `instants` still to come
    (None for none), at most `longest` seconds."""
    now = timezone.now()
    future = [instant for instant in instants if instant is not None and instant > now]
    if not future:
        return longest
    return max(1, min(longest, int((min(future) - now).total_seconds()) + 1))
