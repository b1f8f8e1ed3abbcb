"""Versions in Redis for what is cached from many rows.

A cached page, fragment or count puts the version of the rows it was built from in its key;
every write to those rows replaces the version with a new random one, so the next reader
builds it again and nothing has to be deleted. The version moves at the write and again
after its commit: a reader who builds between the two, still from the old rows, caches
under a version the commit retires. A version is never reused, even after Redis lost it;
with Redis away, each read gives a new one, so nothing old is ever read.

    DOCUMENTS = CacheVersion("documents:version")
    DOCUMENTS.follow(Document, WorkingGroup)      # saves and deletes move it
    key = f"documents:{DOCUMENTS.get()}:..."

Bulk updates and inserts send no signal: call `changed()` after them.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save


class CacheVersion:
    def __init__(self, key):
        self.key = key

    def get(self):
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, uuid.uuid4().hex, None)
            version = cache.get(self.key) or uuid.uuid4().hex
        return version

    def _replace(self):
        cache.set(self.key, uuid.uuid4().hex, None)

    def changed(self, **kwargs):
        """A signal receiver as well: the version moves now and after the commit."""
        self._replace()
        transaction.on_commit(self._replace)

    def follow(self, *models):
        """Move the version on every save and delete of these models."""
        for model in models:
            uid = f"{self.key}.{model._meta.label}"
            post_save.connect(self.changed, sender=model, dispatch_uid=uid + ".save", weak=False)
            post_delete.connect(self.changed, sender=model, dispatch_uid=uid + ".delete", weak=False)


def read_together(*versions):
    """The current value of each version, read in one round trip when all are in Redis."""
    found = cache.get_many([version.key for version in versions])
    return [found.get(version.key) or version.get() for version in versions]
