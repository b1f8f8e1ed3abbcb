"""The member's dashboard ("/" signed in): its lists, cached per member under versions.

Measured in-process on the bench data (100,000 members): the dashboard cost 13.3 ms of CPU and
9 queries, of which 5 ms were its six lists' queries (the courses' one alone 1.7 ms: two
subqueries on sessions) and 5 ms their wait. The lists are the member's own, but what changes
them is written by many (a facilitator's new meeting, an author's invitation, a course's new
session, anyone's new project), so they are not keyed by a version of the member: each stored
list carries the versions current when it was read, and is used only while all are current:
- the personal feeds' version (groups/ics.py): every write to meetings, memberships, groups,
  courses, sessions and enrolments;
- the directory's version (members/directory.py): every change to a member (their skills);
- the dashboard's own version (below): every write to proposals, co-authors, common projects,
  their skills and the interests in them;
- whether the member is a verified member, which the page reads from the member's row.
Each version is replaced now and again after commit (smartprogress/versions.py). What moves
with time (a meeting that ends, an offer that lapses, a course that ends) makes the lists
expire at that instant. The versions, the groups' overview and the lists come from Redis in
one round trip: a visit with nothing changed makes no query beyond the session and the member.
"""

from django.core.cache import cache

from groups import ics, pagecache
from groups.models import Meeting, Membership
from groups.proposals.enums import CoAuthorState
from groups.proposals.models import CoAuthor, Proposal
from members.directory import DIRECTORY_VERSION
from networking.models import CommonProject, ProjectInterest
from smartprogress import versions
from training.models import Enrolment

DASHBOARD_MEETINGS = 5
DASHBOARD_PROPOSALS = 10
DASHBOARD_PROJECTS = 5
DASHBOARD_VERSION_KEY = "dashboard:version"
LISTS_CACHE_SECONDS = 3600
VERSION_KEYS = (ics.FEED_VERSION_KEY, DIRECTORY_VERSION.key, DASHBOARD_VERSION_KEY)


def connect():
    versions.CacheVersion(DASHBOARD_VERSION_KEY).follow(
        Proposal, CoAuthor, CommonProject, ProjectInterest, through=[CommonProject.skills]
    )


def _lists_key(member):
    return f"dashboard:lists:{member.pk}"


def dashboard_data(member):
    """The groups' overview (all active groups) and the member's lists."""
    keys = (*VERSION_KEYS, pagecache.OVERVIEW_VERSION_KEY)
    current, found = versions.read(keys, [pagecache.OVERVIEW_KEY, _lists_key(member)])
    if current is None:
        groups = pagecache.groups_overview()
        return groups, _read_lists(member, {group.pk for group in groups})
    groups = pagecache.groups_overview(current[-1], found.get(pagecache.OVERVIEW_KEY))
    tag = (*current, member.is_verified_member)
    lists = versions.fresh(tag, found.get(_lists_key(member)))
    if lists is None:
        lists = _read_lists(member, {group.pk for group in groups})
        cache.set(_lists_key(member), (tag, lists), _seconds_left(lists))
    return groups, lists


def _seconds_left(lists):
    instants = [meeting.ends_at for meeting in lists["meetings"]]
    for enrolment in lists["enrolments"]:
        instants += [enrolment.offer_expires_at, enrolment.last_session_end]
    return versions.seconds_until(instants, LISTS_CACHE_SECONDS)


def _read_lists(member, active_group_ids):
    """Each list with only the columns it shows; group names come from the overview."""
    my_group_ids = set(
        Membership.objects.active()
        .filter(member=member, group_id__in=active_group_ids)
        .order_by()
        .values_list("group_id", flat=True)
    )
    meetings = []
    # The groups the member takes part in (Meeting.objects.of_member_groups): their active
    # memberships, if they are a verified member.
    if my_group_ids and member.is_verified_member:
        meetings = list(
            Meeting.objects.upcoming()
            .filter(group_id__in=my_group_ids)
            .only("pk", "group_id", "title", "starts_at", "ends_at")
            .order_by("starts_at")[:DASHBOARD_MEETINGS]
        )
    return {
        "my_group_ids": my_group_ids,
        "meetings": meetings,
        "enrolments": list(Enrolment.objects.on_dashboard(member)),
        # What they wrote or co-sign, whatever its state: the author always knows where it stands.
        "my_proposals": list(
            Proposal.objects.authored_by(member)
            .filter(group_id__in=active_group_ids)
            .only("pk", "group_id", "title", "state")
            .order_by("-created_at", "-pk")[:DASHBOARD_PROPOSALS]
        ),
        "invitations": list(
            CoAuthor.objects.filter(member=member, state=CoAuthorState.INVITED, proposal__group_id__in=active_group_ids)
            .select_related("proposal")
            .only("proposal", "proposal__group", "proposal__title")
        ),
        # One query: the member's skills are a subquery.
        "projects_for_me": list(
            CommonProject.objects.needing_skills_of(member)
            .only("pk", "title")
            .order_by("-created_at", "-pk")[:DASHBOARD_PROJECTS]
        )
        if member.is_verified_member
        else [],
    }
