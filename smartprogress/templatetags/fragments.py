"""Keys of cached fragments that say what the fragment shows.

A list the page has already read (groups with their counts, meetings, documents) is
rendered once and kept in Redis under a digest of the very fields it shows: whatever
changes one of them makes another key, so no write has to clear anything and no reader
can get an old fragment. The template names the language and the time zone too, which
change the words and the hours:

    {% cache 3600 group_grid groups|rows_key:"pk,name,summary" LANGUAGE_CODE TIME_ZONE %}

A field may follow a relation with dots ("area.name"): a course card shows its area's
name, which changes on the area's row, not the course's.

Rows given as `DigestedRows` (notifications/listkeys.py) are not read to make the key:
PostgreSQL digests the same fields of the same rows in one small query.
"""

import hashlib

from django import template

from notifications.listkeys import DigestedRows

register = template.Library()


@register.filter
def rows_key(rows, fields):
    """A digest of `fields` (comma-separated attribute names) of every row, in order."""
    paths = [name.strip().split(".") for name in fields.split(",")]
    if isinstance(rows, DigestedRows):
        return rows.digest(["__".join(path) for path in paths])
    digest = hashlib.blake2b(digest_size=16)
    for row in rows:
        digest.update(repr(tuple(_value(row, path) for path in paths)).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _value(row, path):
    for name in path:
        if row is None:
            return None
        row = getattr(row, name, None)
    return row
