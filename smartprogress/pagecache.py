"""A page's body, rendered once and shared by every reader who would see the same thing.

A list page (/proposte/, /bandi/, /formazione/) shows the same body to everyone of one kind
(visitor, member, staff) in one language and time zone with the same filters: the view asks
for it under a key made of those, and it is stored with the versions of the data it shows.
Each version is a random value in Redis that the writes to that data replace (signals, and a
call after each bulk update()), now and again after commit: a body built in between, still
from the old rows, is stored with a version that the commit retires, and a version is never
reused, so a Redis that lost it cannot serve an old body. The versions and the body come in
one round trip (get_many; a second read cost about 0.25 ms of CPU per page), and a body is
served only if it was stored with the versions read beside it; a new body replaces the old
one under the same key, so old bodies take no room. With Redis away there is no version and
the view builds the body each time. The versions are those of smartprogress/versions.py.

What belongs to one reader (a call they follow) is never in the shared body: the view
overlays it (`overlay`) or keeps it outside.
"""

import hashlib

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from smartprogress import versions

PREFIX = "page-version:"
# A body not read for an hour leaves Redis; a version lives until it is replaced.
BODY_SECONDS = 3600


def changed(*names):
    """Call on a write that changes what a page built on these versions shows (signals call
    it for the models registered with `changes_with`; call it after a bulk update())."""
    for name in names:
        versions.changed(PREFIX + name)


def changes_with(name, *models, through=(), only_fields=None):
    """Replace version `name` on every save or delete of `models` and every change to the
    many-to-many relations `through` (e.g. FundingCall.sectors). With `only_fields`, a save
    that names none of them (a log-in writes last_login) leaves it alone."""

    versions.CacheVersion(PREFIX + name).follow(*models, through=through, only_fields=only_fields)


def body(names, parts, build, timeout=BODY_SECONDS):
    """The body built on the data of versions `names` for the reader's `parts` (a tuple of
    what makes their view differ: kind of reader, filters), in the active language and time
    zone; `build()` renders it when it is not cached with the current versions. `timeout`
    may be shorter when the body changes with time alone (a deadline passing): build may
    return (html, seconds), and (html, 0) for a body not to keep: one asked with input that is
    not among the choices (an unknown filter value, a page number past the end, a search),
    whose keys would have no bound, so that nobody can fill Redis with bodies by varying the
    address."""
    reader = repr((tuple(names), parts, translation.get_language(), timezone.get_current_timezone_name()))
    key = "page-body:" + hashlib.sha256(reader.encode()).hexdigest()
    current, found = versions.read([PREFIX + name for name in names], [key])
    if current is None:
        return _built(build)[0]
    html = versions.fresh(current, found.get(key))
    if html is not None:
        return html
    html, seconds = _built(build)
    if seconds is None or seconds > 0:
        cache.set(key, (current, html), timeout if seconds is None else min(timeout, seconds))
    return html


def query_of(request, names):
    """The part of the key for these query-string fields: the value each form reads (the
    last one given)."""
    return tuple(request.GET.get(name, "") for name in names)


def _built(build):
    result = build()
    return result if isinstance(result, tuple) else (result, None)


def overlay(html, marks):
    """`html` (a body, safe) with each marker of `marks` ({marker: the reader's own HTML there,
    escaped: format_html}) replaced."""
    for marker, text in marks.items():
        html = html.replace(marker, text)
    return mark_safe(html)  # noqa: S308 (the body and the marks are escaped already)
