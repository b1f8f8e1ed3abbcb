"""The digest (riepilogo): one e-mail per member and period, made of the sections the apps
register (notifications.registry), in the member's language and time zone.

The beat's job walks the members in id order, streaming from the database, and hands
each range of DIGEST_CHUNK members to a task. A task builds the digests of its range in
one transaction that inserts one DigestRun row per (member, period) together with the
digest's outbox e-mail: a repeated job, two beats or two workers on the same range
collide on the unique row (the loser rolls back and finds the range done), and a worker
killed half way leaves nothing behind, so the next run sends what it did not.
"""

import re
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone

from notifications import registry
from notifications.enums import DigestFrequency
from notifications.models import DigestRun, OutboxEmail, Preferences
from notifications.services import DIGEST, AnyReader, _publish, make_message, personal, unsubscribe_headers

DIGEST_CHUNK = 1000
# Digests go out from this hour of the member's own morning.
DIGEST_HOUR = 7
TEMPLATE = "notifications/email/digest"
BLANK_LINES = re.compile(r"\n{3,}")
LOOK_BACK = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}


def _zone(name):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def preferences_of(member):
    """The member's preferences, or the defaults (weekly, on Monday) if they never chose."""
    try:
        return member.notification_preferences
    except Preferences.DoesNotExist:
        return Preferences(member=member)


def due_period(member, now):
    """The period whose digest is due for `member` at `now`, or None. A digest day starts
    at 7:00 local time. Daily: that day. Weekly: the ISO week, from 7:00 of the chosen
    day; if the job could not run that day, a later day of the same week still sends it."""
    preferences = preferences_of(member)
    if preferences.digest_frequency == DigestFrequency.NONE:
        return None
    day = (now.astimezone(_zone(member.time_zone)) - timedelta(hours=DIGEST_HOUR)).date()
    if preferences.digest_frequency == DigestFrequency.DAILY:
        return f"d{day.isoformat()}"
    if day.weekday() >= preferences.digest_weekday:
        year, week, _weekday = day.isocalendar()
        return f"w{year}-W{week:02d}"
    return None


def _candidates():
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .exclude(notification_preferences__digest_frequency=DigestFrequency.NONE)
    )


def member_ranges(chunk=DIGEST_CHUNK):
    """(first id, last id) of each run of `chunk` members who may get a digest, streamed."""
    ids = _candidates().order_by("pk").values_list("pk", flat=True).iterator(chunk_size=chunk)
    first = last = None
    count = 0
    for pk in ids:
        if first is None:
            first = pk
        last, count = pk, count + 1
        if count == chunk:
            yield first, last
            first, count = None, 0
    if first is not None:
        yield first, last


def start_digests(now=None):
    """The beat's job: one task per range of members. Returns how many ranges."""
    from notifications.tasks import send_digests

    now = now or timezone.now()
    ranges = 0
    for first, last in member_ranges():
        _publish(send_digests, first, last, now.isoformat())
        ranges += 1
    return ranges


def build_sections(members, since_by_member):
    """{member id: [(section, items), …]} with the empty sections left out."""
    found = {member.pk: [] for member in members}
    for section in registry.sections():
        for member_id, items in section.build(members, since_by_member).items():
            if items:
                found[member_id].append((section, items))
    return found


def _fingerprint(value):
    """What a rendered digest depends on, to tell apart digests that read the same."""
    if isinstance(value, dict):
        return tuple(sorted((key, _fingerprint(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_fingerprint(item) for item in value)
    if isinstance(value, models.Model):
        return (value._meta.label, value.pk, getattr(value, "is_new", None))
    return repr(value)


def render_digests(members, sections):
    """{member id: (subject, text, html)}. Members of the same groups, sectors and interests
    read the same digest but for their name: each distinct digest is rendered once per
    language and time zone, with a stand-in for the name put in afterwards."""
    rendered, found = {}, {}
    for member in members:
        if not sections[member.pk]:
            continue
        key = (
            member.language,
            member.time_zone,
            tuple((section.key, _fingerprint(items)) for section, items in sections[member.pk]),
        )
        if key not in rendered:
            rendered[key] = render_digest(_StandIn(member), sections[member.pk])
        found[member.pk] = personal(rendered[key], member)
    return found


class _StandIn(AnyReader):
    def __init__(self, member):
        self.language, self.time_zone = member.language, member.time_zone


def render_digest(member, sections):
    context = {
        "member": member,
        "sections": [
            {"key": s.key, "label": s.label, "items": items, "text": f"{s.template}.txt", "html": f"{s.template}.html"}
            for s, items in sections
        ],
    }
    subject, text, html = make_message(TEMPLATE, context, language=member.language, time_zone=member.time_zone)
    # Sections left out leave blank lines behind: one empty line between paragraphs is enough.
    return subject, BLANK_LINES.sub("\n\n", text), html


def preview(member, now=None):
    """What the member's next digest holds so far: [(section, items), …]."""
    now = now or timezone.now()
    last = DigestRun.objects.filter(member=member).aggregate(last=Max("created_at"))["last"]
    frequency = preferences_of(member).digest_frequency
    since = last or now - LOOK_BACK.get(frequency, LOOK_BACK[DigestFrequency.WEEKLY])
    return build_sections([member], {member.pk: since})[member.pk]


def send_digests(first, last, now=None):
    """Build and queue the digests due in the range of member ids [first, last]. Returns
    how many digests were queued; 0 when another run already did them."""
    now = now or timezone.now()
    try:
        return _send_digests(first, last, now)
    except IntegrityError:
        # Another worker claimed some of these at the same moment and committed first:
        # everything here was rolled back; the second pass skips what it claimed.
        return _send_digests(first, last, now)


@transaction.atomic
def _send_digests(first, last, now):
    members = list(
        _candidates().filter(pk__gte=first, pk__lte=last).select_related("notification_preferences").order_by("pk")
    )
    periods = {member.pk: due_period(member, now) for member in members}
    due = [member for member in members if periods[member.pk]]
    claimed = set(
        DigestRun.objects.filter(member__in=[m.pk for m in due], period__in=set(periods.values())).values_list(
            "member", "period"
        )
    )
    due = [member for member in due if (member.pk, periods[member.pk]) not in claimed]
    if not due:
        return 0
    last_runs = dict(
        DigestRun.objects.filter(member__in=[m.pk for m in due])
        .values("member")
        .annotate(last=Max("created_at"))
        .values_list("member", "last")
    )
    since_by_member = {
        member.pk: last_runs.get(member.pk)
        or now - LOOK_BACK.get(preferences_of(member).digest_frequency, LOOK_BACK[DigestFrequency.WEEKLY])
        for member in due
    }
    sections = build_sections(due, since_by_member)
    rendered = render_digests(due, sections)
    emails, runs = [], []
    for member in due:
        run = DigestRun(member=member, period=periods[member.pk])
        runs.append(run)
        if member.pk in rendered:
            subject, text, html = rendered[member.pk]
            email = OutboxEmail(
                recipient=member,
                to=member.email,
                kind=TEMPLATE,
                subject=subject,
                body_text=text,
                body_html=html,
                headers=unsubscribe_headers(member, DIGEST),
            )
            emails.append(email)
            run.email = email
    OutboxEmail.objects.bulk_create(emails)
    for run in runs:
        run.email_id = run.email.pk if run.email else None
    # An empty digest is not sent, but its period is claimed too: the next run does not
    # build it again, and the next digest starts from here.
    DigestRun.objects.bulk_create(runs)
    email_ids = [email.pk for email in emails]
    if email_ids:
        from notifications.tasks import send_emails

        transaction.on_commit(lambda: _publish(send_emails, email_ids))
    return len(emails)
