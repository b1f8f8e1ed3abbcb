"""The digest: one per member and period, every section or none, exactly once under a
double run, two workers at once and a worker killed half way."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email import message_from_string, policy
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import digest
from notifications.enums import DigestFrequency
from notifications.models import DigestRun, OutboxEmail, Preferences
from tests.concurrency import run_together
from tests.factories import (
    CourseFactory,
    DatePollFactory,
    FundingCallFactory,
    MeetingFactory,
    MembershipFactory,
    PublishedProposalFactory,
    SectorFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)
from training.models import Course, TrainingInterest

ROOT = Path(__file__).resolve().parents[2]
# A Monday at 9:00 in Rome: every weekly digest chosen for Monday is due.
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _busy_members(count=1, **fields):
    """Members with something in every section of the digest, all in the same group, sector
    and course."""
    members = [VerifiedMemberFactory(**fields) for _ in range(count)]
    group = WorkingGroupFactory()
    soon = timezone.now() + timedelta(days=3)
    MeetingFactory(group=group, title="Incontro d'autunno", starts_at=soon, ends_at=soon + timedelta(hours=2))
    DatePollFactory(group=group, title="Quando ci vediamo?", closes_at=soon)
    PublishedProposalFactory(group=group, title="Una proposta concreta")
    sector = SectorFactory()
    call = FundingCallFactory(title="Bando per la musica", internal_deadline=timezone.now() + timedelta(days=10))
    call.sectors.add(sector)
    for member in members:
        MembershipFactory(member=member, group=group)
        member.sectors.add(sector)
        TrainingInterest.objects.create(member=member).areas.add(sector)
    CourseFactory(title="Corso di fundraising", area=sector)
    return members


def _busy_member(**fields):
    return _busy_members(1, **fields)[0]


def _digests():
    return OutboxEmail.objects.filter(kind=digest.TEMPLATE)


def _run(now=None):
    """The beat's job, with the tasks run in this process."""
    return sum(digest.send_digests(first, last, now or timezone.now()) for first, last in digest.member_ranges())


@pytest.mark.django_db
def test_digest_with_every_section_in_the_members_language_with_absolute_links():
    member = _busy_member()

    assert _run() == 1

    email = OutboxEmail.objects.get(kind=digest.TEMPLATE)
    assert (email.recipient, email.subject) == (member, "Il tuo riepilogo di Smart in Progress")
    for text in (
        "I miei gruppi di lavoro",
        "Incontro d'autunno",
        "Quando ci vediamo?",
        "Proposte nei miei gruppi",
        "Una proposta concreta",
        "Bandi in scadenza entro 30 giorni",
        "Bando per la musica",
        "Nuovi corsi su quello che voglio imparare",
        "Corso di fundraising",
    ):
        assert text in email.body_text, text
    assert f"{settings.SITE_URL}/incontri/" in email.body_text
    assert f'href="{settings.SITE_URL}/incontri/' in email.body_html
    assert "<img" not in email.body_html
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.django_db
def test_digest_in_english_for_a_member_who_chose_english():
    _busy_member(language="en")

    _run()

    assert OutboxEmail.objects.get().subject == "Your Smart in Progress digest"


@pytest.mark.django_db
def test_empty_digest_is_not_sent_but_its_period_is_claimed():
    member = VerifiedMemberFactory()

    assert _run() == 0

    assert OutboxEmail.objects.count() == 0
    assert list(DigestRun.objects.filter(member=member).values_list("email", flat=True)) == [None]


@pytest.mark.django_db
def test_empty_sections_are_left_out():
    member = VerifiedMemberFactory()
    group = MembershipFactory(member=member).group
    soon = timezone.now() + timedelta(days=2)
    MeetingFactory(group=group, starts_at=soon, ends_at=soon + timedelta(hours=1))

    _run()

    text = OutboxEmail.objects.get().body_text
    assert "I miei gruppi di lavoro" in text
    assert "Bandi" not in text and "Proposte" not in text and "corsi" not in text


@pytest.mark.django_db
def test_run_twice_sends_one_digest_and_the_next_period_starts_from_the_last():
    _busy_member()

    assert (_run(), _run()) == (1, 0)
    assert _digests().count() == DigestRun.objects.exclude(email=None).count() == 1


@pytest.mark.django_db
def test_members_who_chose_no_digest_or_another_day_get_none():
    none = _busy_member()
    Preferences.objects.create(member=none, digest_frequency=DigestFrequency.NONE)
    friday = _busy_member()
    Preferences.objects.create(member=friday, digest_weekday=4)
    daily = _busy_member()
    Preferences.objects.create(member=daily, digest_frequency=DigestFrequency.DAILY)

    _run(now=MONDAY)

    assert list(_digests().values_list("recipient", flat=True)) == [daily.pk]


@pytest.mark.django_db
def test_periods_follow_the_members_time_zone_and_morning():
    rome, tokyo = VerifiedMemberFactory.build(pk=1), VerifiedMemberFactory.build(pk=2, time_zone="Asia/Tokyo")
    early = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 6:00 in Rome, 14:00 in Tokyo, Monday

    # Before 7:00 on Monday it is still last week (sent by now, or sent late, never skipped).
    assert digest.due_period(rome, early) == "w2026-W47"
    assert digest.due_period(tokyo, early) == "w2026-W48"
    assert digest.due_period(rome, early + timedelta(hours=1)) == "w2026-W48"
    # Missed on Monday (no beat all day): still due on Tuesday, the same week.
    assert digest.due_period(rome, early + timedelta(days=1)) == "w2026-W48"


@pytest.mark.django_db
def test_digest_queries_do_not_grow_with_the_chunk():
    counts = []
    for size in (1, 8):
        OutboxEmail.objects.all().delete()
        DigestRun.objects.all().delete()
        # The same number of new courses each time: training's queries follow the courses.
        Course.objects.update(published_at=timezone.now() - timedelta(days=60))
        members = _busy_members(size)
        with CaptureQueriesContext(connection) as queries:
            digest.send_digests(members[0].pk, members[-1].pk)
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_the_same_range_send_each_digest_once():
    members = _busy_members(3)
    now = timezone.now()

    results = run_together([lambda: digest.send_digests(members[0].pk, members[-1].pk, now)] * 2)

    assert sorted(results) == [0, 3]
    assert _digests().count() == DigestRun.objects.exclude(email=None).count() == 3


KILLED_HALF_WAY = """
import os, signal, django
django.setup()
from django.db import transaction
from django.utils import timezone
from notifications import digest
with transaction.atomic():
    built = digest.send_digests({first}, {last}, timezone.now())
    print(built, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # the worker dies after building, before committing
"""


@pytest.mark.django_db(transaction=True)
def test_worker_killed_half_way_leaves_nothing_and_the_next_run_sends_once():
    members = _busy_members(3)
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartprogress.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }

    worker = subprocess.run(
        [sys.executable, "-c", KILLED_HALF_WAY.format(first=members[0].pk, last=members[-1].pk)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert (worker.returncode, worker.stdout.strip()) == (-9, "3"), worker.stderr
    assert _digests().count() == DigestRun.objects.count() == 0
    assert _run() == 3
    assert _run() == 0
    assert sorted(_digests().values_list("recipient", flat=True)) == sorted(m.pk for m in members)


@pytest.mark.django_db
def test_digest_email_parses_as_multipart_with_text_and_html(mailoutbox, django_capture_on_commit_callbacks):
    _busy_member()
    with django_capture_on_commit_callbacks(execute=True):
        _run()

    message = message_from_string(mailoutbox[0].message().as_string(), policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


@pytest.mark.django_db
def test_preview_shows_the_sections_of_the_next_digest(client):
    member = _busy_member()
    client.force_login(member)

    response = client.get("/profilo/preferenze/riepilogo/")

    assert [str(s["label"]) for s in response.context["sections"]] == [
        "I miei gruppi di lavoro",
        "Proposte nei miei gruppi",
        "Bandi in scadenza entro 30 giorni",
        "Nuovi corsi su quello che voglio imparare",
    ]
    assert "Corso di fundraising" in response.content.decode()
    assert OutboxEmail.objects.count() == DigestRun.objects.count() == 0
