"""Random versions in Redis that writes replace: the key of what is cached from many rows.

A cached page, fragment, list or count is stored under (or tagged with) the versions of the
rows it was built from; every write to those rows replaces the version with a new random one,
so the next reader builds it again and nothing has to be deleted. A write replaces the version
now and again after its commit: a value built in between, still from the old rows, is stored
under a version the commit retires. A version is never reused, even by a Redis that lost it.

Two ways to use it, one mechanism:

    DOCUMENTS = CacheVersion("documents:version")
    DOCUMENTS.follow(Document, WorkingGroup)      # saves and deletes move it
    key = f"documents:{DOCUMENTS.get()}:..."

    current, found = read([VERSION_KEY], [VALUE_KEY])   # versions and values, one round trip
    value = fresh(current, found.get(VALUE_KEY))        # stored as (versions, value)

Bulk updates and inserts send no signal: call `changed(key)` (or `.changed()`) after them.
With Redis down nothing is read or stored and the pages read the database.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone


def _replace(key):
    cache.set(key, uuid.uuid4().hex, None)


def changed(key):
    """Call on a write that changes what is cached under `key`'s version (signals, or after an update())."""
    _replace(key)
    transaction.on_commit(lambda: _replace(key))


def _current(key, found):
    """The version `found` holds for `key`, or a new one put in Redis (None when Redis is away)."""
    version = found.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return version


def read(version_keys, value_keys):
    """The current versions (a tuple, or None when Redis is away) and the values found."""
    found = cache.get_many([*version_keys, *value_keys])
    versions = []
    for key in version_keys:
        version = _current(key, found)
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


class CacheVersion:
    """One version as an object: its key, its current value, the models whose writes move it."""

    def __init__(self, key):
        self.key = key

    def get(self):
        # With Redis away each read gives a new version, so nothing old is ever read.
        return _current(self.key, {self.key: cache.get(self.key)}) or uuid.uuid4().hex

    def changed(self, **kwargs):
        """A signal receiver as well: the version moves now and after the commit."""
        changed(self.key)

    def follow(self, *models, through=(), only_fields=None, except_fields=None):
        """Move the version on every save and delete of these models and every change to the
        many-to-many relations `through` (e.g. FundingCall.sectors). A save that names its
        fields is left alone when it names none of `only_fields`, or only `except_fields`
        (a log-in writes last_login alone)."""

        def on_write(sender, update_fields=None, **kwargs):
            if update_fields and (
                (only_fields and not only_fields.intersection(update_fields))
                or (except_fields and except_fields.issuperset(update_fields))
            ):
                return
            self.changed()

        for model in models:
            uid = f"{self.key}.{model._meta.label}"
            post_save.connect(on_write, sender=model, dispatch_uid=uid + ".save", weak=False)
            post_delete.connect(on_write, sender=model, dispatch_uid=uid + ".delete", weak=False)
        for relation in through:
            m2m_changed.connect(
                on_write, sender=relation.through, dispatch_uid=f"{self.key}.{relation.through._meta.label}", weak=False
            )


def read_together(*versions):
    """The current value of each version, read in one round trip when all are in Redis."""
    found = cache.get_many([version.key for version in versions])
    return [found.get(version.key) or version.get() for version in versions]
