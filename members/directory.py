"""The member directory's search: full text on PostgreSQL, a plain "contains" on the embedded
SQLite default. It reads `Member.directory_text`, which holds only what each member shows.

On PostgreSQL the text is indexed (GIN, migration members 0003) through the text search
configuration `italian_unaccent`: Italian stemming, with accents and case ignored, so
"attivita" finds "Attività" and "montaggi" finds "Montaggio"."""

import hashlib

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Expression, F, Q

from members.enums import DirectoryField, Region
from smartprogress.versions import CacheVersion, read_together

SEARCH_CONFIG = "italian_unaccent"
# A longer query says nothing more; cutting it keeps the tsquery small.
MAX_QUERY_LENGTH = 200


class FullTextMatch(Expression):
    """`to_tsvector(config, column) @@ websearch_to_tsquery(config, query)`, written exactly as
    the index is, so PostgreSQL uses it. websearch_to_tsquery accepts any text: quotes,
    operators and odd characters never make an error."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column, query):
        super().__init__()
        self.column, self.query = column, query

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.column = self.column.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        sql = (
            f"to_tsvector('{SEARCH_CONFIG}'::regconfig, {column_sql}) "
            f"@@ websearch_to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)"
        )
        return sql, (*column_params, self.query)


def matching_text(queryset, text):
    """`queryset` narrowed to the members whose shown fields match the words of `text`."""
    text = " ".join(text.replace("\x00", " ").split())[:MAX_QUERY_LENGTH]
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.filter(FullTextMatch(F("directory_text"), text))
    condition = Q()
    for word in text.split():
        condition &= Q(directory_text__icontains=word)
    return queryset.filter(condition)


def search(queryset, *, text="", skill=None, sector=None, region=""):
    """The directory members of `queryset` matching each given criterion. A skill, a sector or
    a region only finds members who show that part of their profile."""
    queryset = matching_text(queryset, text)
    if skill is not None:
        queryset = queryset.filter(shows_skills=True, skills=skill)
    if sector is not None:
        queryset = queryset.filter(shows_sectors=True, sectors=sector)
    if region:
        queryset = queryset.filter(shows_region=True, region=region)
    return queryset


def directory_text_of(member):
    """The words the search may find a member by: their name and what they chose to show."""
    parts = [member.full_name]
    if member.shows(DirectoryField.REGION) and member.region:
        parts.append(Region(member.region).label)
    if member.shows(DirectoryField.SECTORS):
        parts += [sector.name for sector in member.sectors.all()]
    if member.shows(DirectoryField.SKILLS):
        parts += [skill.name for skill in member.skills.all()]
    for field in (DirectoryField.BIO, DirectoryField.OFFERS, DirectoryField.LOOKS_FOR):
        if member.shows(field):
            parts.append(getattr(member, field.value))
    return "\n".join(str(part) for part in parts if part)


def refresh_directory_text(member):
    member.directory_text = directory_text_of(member)
    member.save(update_fields=["directory_text"])


# The number of members a search finds, cached in Redis under one directory version.
# Counting is what a directory page costs most: at 100,000 members, 33,000 in the directory,
# the paginator's COUNT took 20-70 ms for a skill shared by 2,300 members and 120 ms (a scan
# of the table) for the whole directory, on every request, against 1 ms for the page of 24.
# Every write that may change who a search finds (a member's save or delete, their skills or
# sectors, a skill or a sector) replaces the version with a new random one, now and again
# after commit (`directory_changed`), so a count is never older than the rows the reader sees
# and a version is never reused even if Redis lost it. Bulk updates and inserts send no
# signal: call `directory_changed()` after them. With Redis down the page counts, as before
# (smartprogress/versions.py).
DIRECTORY_VERSION = CacheVersion("directory:version")
COUNT_CACHE_SECONDS = 3600


# A save of only these columns cannot change what a search finds: every log-in writes
# last_login, and retiring the cached counts on each one would make them useless.
NOT_SEARCHED = frozenset({"last_login", "password", "calendar_token"})


def directory_changed():
    """Call after a bulk write that may change what a directory search finds (signals move the
    version for saves and deletes of members, skills and sectors and for changes to members'
    skills and sectors: members/apps.py)."""
    DIRECTORY_VERSION.changed()


def cached_count(queryset, *, text="", skill=None, sector=None, region=""):
    """`queryset.count()` for the directory search with these criteria, from the cache when
    no write happened since it was counted. `queryset` must be what `search` gave for them."""
    version = DIRECTORY_VERSION.get()
    criteria = repr((text, getattr(skill, "pk", None), getattr(sector, "pk", None), region))
    key = f"directory:count:{version}:{hashlib.sha256(criteria.encode()).hexdigest()}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


# The search form's lists of all skills and all sectors are the same for every reader: the
# page caches them rendered (networking/directory.html), keyed by this version, which a save
# or delete of a skill or a sector replaces, now and after commit (as `directory_changed`).
OPTIONS_VERSION = CacheVersion("directory:options-version")
options_version = OPTIONS_VERSION.get
options_changed = OPTIONS_VERSION.changed


def page_versions():
    """Both versions, read in one round trip, as one string: the key of the directory page's
    cached fragment (networking.views.home)."""
    return ":".join(read_together(DIRECTORY_VERSION, OPTIONS_VERSION))
