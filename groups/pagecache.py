"""The parts of a group's page and of its meeting list that are the same for every reader of a
kind, rendered once and kept in Redis.

On the group of 5,000 (bench data, in-process) the page spent about 12 ms of CPU, half of it
on six queries (prompts, meetings coming up, past meetings, open polls, documents, proposals)
and on rendering their rows one include at a time; the meeting list about 5 ms on its two
meeting queries and their rows. Those parts do not depend on who reads, except through a few
kinds: the poll links (verified members and staff) and the documents (by visibility).

Every part is keyed by the group's `content_version`, which every write to what they show
moves on in the transaction of the write (the signals below; the proposals' support counts
are moved by an update() that calls content_changed itself). A reader takes the version from
the group row it reads anyway, so it never gets parts older than that row, and a version is
never reused, so no write has to clear anything. The parts are HTML per language and time
zone; where the words change with time (a meeting moves from "coming up" to "past" when it
ends, a poll's "vote by" becomes "voting is over" when it closes) the part expires at that
instant. All the parts of a page come in one Redis round trip (get_many). With Redis down
every part is rendered from the database, as before.
"""

from django.core.cache import cache
from django.db.models import F, OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import timezone, translation

from groups.enums import DocumentVisibility
from groups.models import DatePoll, DiscussionPrompt, Document, Meeting, WorkingGroup
from groups.proposals.models import Proposal
from smartprogress import versions

# Never stale (keyed by the version), so the expiry only frees Redis of parts nobody reads.
PAGE_CACHE_SECONDS = 3600
UPCOMING_ON_GROUP_PAGE = 5
PAST_ON_GROUP_PAGE = 5
PAST_ON_MEETING_LIST = 50
PROPOSALS_ON_GROUP_PAGE = 5
DOCUMENTS_ON_GROUP_PAGE = 10
# A meeting row shows these (groups/includes/meeting_row.html); not the agenda nor the minutes.
MEETING_ROW_FIELDS = ("pk", "group_id", "title", "status", "starts_at", "ends_at", "location", "online_url")


def content_changed(group_id):
    """Call in the transaction of a write the signals do not see (an update())."""
    WorkingGroup.objects.filter(pk=group_id).update(content_version=F("content_version") + 1)


def _row_changed(sender, instance, **kwargs):
    content_changed(instance.group_id)


def _meeting_changed(sender, instance, **kwargs):
    content_changed(instance.group_id)
    overview_changed()


def _group_saved(sender, instance, **kwargs):
    # The description is part of the cached page, the name and summary of the overview.
    content_changed(instance.pk)
    overview_changed()


def connect():
    for model in (DatePoll, DiscussionPrompt, Document, Proposal):
        uid = f"groups.pagecache.{model._meta.label}"
        post_save.connect(_row_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=uid + ".delete")
    post_save.connect(_meeting_changed, sender=Meeting, dispatch_uid="groups.pagecache.meeting.save")
    post_delete.connect(_meeting_changed, sender=Meeting, dispatch_uid="groups.pagecache.meeting.delete")
    post_save.connect(_group_saved, sender=WorkingGroup, dispatch_uid="groups.pagecache.group.save")
    post_delete.connect(overview_changed, sender=WorkingGroup, dispatch_uid="groups.pagecache.group.delete")


# The overview of the active groups (the dashboard's cards: name, summary, theme, participant
# count, next meeting) is the same for every reader. It cost the dashboard its slowest query
# (5 ms at 100,000 members: every group with a subquery on meetings) on every visit. It is
# kept under one random version that every write to groups, meetings and participant counts
# replaces, now and again after commit (as the personal feeds are, groups/ics.py): a reader
# that read the old rows in between stores them under a version the commit retires. The
# version and the overview are read in one round trip (the overview carries the version it
# was read under); it expires when the first of its next meetings ends.
OVERVIEW_VERSION_KEY = "groups:overview:version"
OVERVIEW_KEY = "groups:overview"


def overview_changed(**kwargs):
    """Call on any write that changes the overview and sends no signal (an update())."""
    versions.changed(OVERVIEW_VERSION_KEY)


def groups_overview(current=None, stored=None):
    """The active groups with their stored count and next meeting (WorkingGroup.with_overview).
    `current` and `stored`: the overview's version and value if the caller read them already."""
    if current is None:
        found_versions, found = versions.read([OVERVIEW_VERSION_KEY], [OVERVIEW_KEY])
        current, stored = (found_versions or (None,))[0], found.get(OVERVIEW_KEY)
    groups = versions.fresh(current, stored)
    if groups is not None:
        return groups
    next_end = Meeting.objects.upcoming().filter(group=OuterRef("pk")).order_by("starts_at").values("ends_at")[:1]
    groups = list(
        WorkingGroup.objects.active()
        .with_overview()
        .annotate(next_meeting_ends_at=Subquery(next_end))
        .only("pk", "slug", "name", "summary", "theme", "position", "participant_count")
    )
    if current is not None:
        ends = [group.next_meeting_ends_at for group in groups if group.next_meeting_ends_at]
        cache.set(OVERVIEW_KEY, (current, groups), _seconds_until(ends))
    return groups


def document_kind(user, membership):
    """Which documents of the group `user` may see (Document.objects.visible_to, by kind)."""
    if user.is_authenticated and user.is_staff:
        return "all"
    if user.is_authenticated and user.is_verified_member:
        return "group" if membership is not None and membership.state == "active" else "members"
    return "public"


_KIND_VISIBILITY = {
    "group": (DocumentVisibility.PUBLIC, DocumentVisibility.MEMBERS, DocumentVisibility.GROUP),
    "members": (DocumentVisibility.PUBLIC, DocumentVisibility.MEMBERS),
    "public": (DocumentVisibility.PUBLIC,),
}


def documents_of(kind, **where):
    documents = Document.objects.filter(**where)
    if kind != "all":
        documents = documents.filter(visibility__in=_KIND_VISIBILITY[kind])
    return documents


def _key(group, part, *vary):
    language = translation.get_language()
    zone = timezone.get_current_timezone_name()
    return ":".join(["groups:page", str(group.pk), str(group.content_version), part, language, zone, *map(str, vary)])


def _seconds_until(instants):
    return versions.seconds_until(instants, PAGE_CACHE_SECONDS)


def _meetings(group, upcoming_limit, past_limit):
    meetings = group.meetings.only(*MEETING_ROW_FIELDS)
    upcoming = meetings.upcoming().order_by("starts_at")
    upcoming = list(upcoming[:upcoming_limit] if upcoming_limit else upcoming)
    past = list(meetings.past().order_by("-starts_at")[:past_limit])
    return upcoming, past


def group_page_parts(group, *, members_part, documents_kind, extra_keys=()):
    """The HTML of the group page's shared parts (body, polls, meetings, proposals, documents),
    and the values of `extra_keys`, read from Redis in one round trip."""
    main_key = _key(group, "main", int(members_part))
    documents_key = _key(group, "documents", documents_kind)
    found = cache.get_many([main_key, documents_key, *extra_keys])
    main = found.get(main_key)
    if main is None:
        main, expires = _render_main(group, members_part)
        cache.set(main_key, main, expires)
    documents = found.get(documents_key)
    if documents is None:
        rows = documents_of(documents_kind, group=group).order_by("-created_at")[:DOCUMENTS_ON_GROUP_PAGE]
        documents = render_to_string("groups/includes/group_page_documents.html", {"documents": list(rows)})
        cache.set(documents_key, documents, PAGE_CACHE_SECONDS)
    return {**main, "documents": documents}, {key: found[key] for key in extra_keys if key in found}


def _render_main(group, members_part):
    upcoming, past = _meetings(group, UPCOMING_ON_GROUP_PAGE, PAST_ON_GROUP_PAGE)
    open_polls = list(group.date_polls.open().only("pk", "group_id", "title", "closes_at", "status"))
    # The rows show title, state, date and supports: not the three texts, twice each, nor the search index.
    proposals = list(
        group.proposals.public()
        .only("pk", "group_id", "title", "state", "published_at", "support_count", "hidden_at")
        .order_by("-published_at", "-pk")[:PROPOSALS_ON_GROUP_PAGE]
    )
    context = {
        "group": group,
        "members_part": members_part,
        "open_polls": open_polls,
        "upcoming": upcoming,
        "past": past,
        "proposals": proposals,
    }
    main = {
        "body": render_to_string("groups/includes/group_body.html", context),
        "polls": render_to_string("groups/includes/group_page_polls.html", context),
        "meetings": render_to_string("groups/includes/group_page_meetings.html", context),
        "proposals": render_to_string("groups/includes/group_page_proposals.html", context),
    }
    expires = _seconds_until([m.ends_at for m in upcoming] + [p.closes_at for p in open_polls])
    return main, expires


def meeting_list_body(group):
    """The meeting list's two lists (all coming up, the last 50 past), as HTML."""
    key = _key(group, "meetings")
    body = cache.get(key)
    if body is None:
        upcoming, past = _meetings(group, None, PAST_ON_MEETING_LIST)
        body = render_to_string("groups/includes/meeting_list_body.html", {"upcoming": upcoming, "past": past})
        cache.set(key, body, _seconds_until([m.ends_at for m in upcoming]))
    return body


def meeting_documents(meeting, kind):
    """The documents of a meeting that a reader of `kind` may see, as HTML list items (an
    empty string when none), cached under the version of the meeting's group."""
    key = _key(meeting.group, "meeting-documents", meeting.pk, kind)
    items = cache.get(key)
    if items is None:
        rows = list(documents_of(kind, meeting=meeting).order_by("-created_at"))
        items = render_to_string("groups/includes/document_items.html", {"documents": rows}) if rows else ""
        cache.set(key, items, PAGE_CACHE_SECONDS)
    return items
