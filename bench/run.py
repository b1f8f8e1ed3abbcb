"""Benchmarks: key pages and jobs on PostgreSQL with 100,000 members.

Run with `make bench`. The data lives in its own database (smartprogress_bench),
made once and reused; timings are medians of repeated requests through Django's
test client (no network), so they measure our code and its queries.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartprogress.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/smartprogress_bench")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100000"))
BIG_GROUP = int(os.environ.get("BENCH_GROUP_SIZE", "5000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def ensure_database():
    import psycopg2

    name = settings.DATABASES["default"]["NAME"]
    db = settings.DATABASES["default"]
    params = {k.lower(): db[k] for k in ("HOST", "PORT", "USER") if db.get(k)}
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    call_command("migrate", verbosity=0)


@transaction.atomic
def populate():
    from groups.demo import seed_working_groups
    from groups.enums import Answer, DocumentVisibility, MembershipState, Role
    from groups.models import DatePoll, DateSlot, DateVote, Document, Meeting, Membership, WorkingGroup
    from members.enums import MemberStatus
    from members.models import Member

    if Member.objects.count() >= MEMBERS:
        return
    print(f"Populating {MEMBERS} members (once)…", flush=True)
    password = make_password("bench-password-2026")
    now = timezone.now()
    Member.objects.bulk_create(
        (
            Member(
                email=f"socio{i}@bench.example",
                full_name=f"Socio Numero {i}",
                password=password,
                status=MemberStatus.VERIFIED,
                membership_number=f"{i:08d}",
                status_changed_at=now,
                visibility=("members", "public", "private")[i % 3],
            )
            for i in range(MEMBERS)
        ),
        batch_size=5000,
    )
    groups = seed_working_groups()
    groups += WorkingGroup.objects.bulk_create(
        WorkingGroup(name=f"Gruppo {i}", slug=f"gruppo-{i}", summary="Un gruppo.", description="Testo.")
        for i in range(20)
    )
    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    big = groups[0]
    Membership.objects.bulk_create(
        Membership(
            group=big,
            member_id=pk,
            state=MembershipState.ACTIVE,
            joined_at=now,
            role=Role.FACILITATOR if n == 0 else Role.PARTICIPANT,
        )
        for n, pk in enumerate(ids[:BIG_GROUP])
    )
    for offset, group in enumerate(groups[1:], start=1):
        Membership.objects.bulk_create(
            Membership(group=group, member_id=pk, state=MembershipState.ACTIVE, joined_at=now)
            for pk in ids[offset * 300 : offset * 300 + 300]
        )
    for group in groups:
        Meeting.objects.bulk_create(
            Meeting(
                group=group,
                title=f"Incontro {d}",
                starts_at=now + timedelta(days=d, hours=2),
                ends_at=now + timedelta(days=d, hours=4),
            )
            for d in range(-30, 30, 2)
        )
        Document.objects.bulk_create(
            Document(
                group=group,
                title=f"Documento {d}",
                url="https://example.org/doc",
                visibility=(DocumentVisibility.PUBLIC, DocumentVisibility.MEMBERS, DocumentVisibility.GROUP)[d % 3],
            )
            for d in range(10)
        )
    poll = DatePoll.objects.create(group=big, title="Prossimo incontro", closes_at=now + timedelta(days=3))
    slots = DateSlot.objects.bulk_create(DateSlot(poll=poll, starts_at=now + timedelta(days=5 + s)) for s in range(10))
    DateVote.objects.bulk_create(
        DateVote(slot=slot, member_id=pk, answer=(Answer.YES, Answer.MAYBE, Answer.NO)[(pk + slot.pk) % 3])
        for pk in ids[:1000]
        for slot in slots
    )


@transaction.atomic
def populate_directory():
    """Half of the members in the directory showing two skills each, once; their search text
    written in one UPDATE, as members.directory.refresh_directory_text would write it."""
    from members.models import Member, Skill
    from members.vocabulary import seed_vocabulary

    if Member.objects.filter(in_directory=True).exists():
        return
    print("Putting half of the members in the directory (once)…", flush=True)
    seed_vocabulary()
    skills = list(Skill.objects.order_by("pk").values_list("pk", flat=True))
    listed = [pk for pk in Member.objects.values_list("pk", flat=True) if pk % 2 == 0]
    through = Member.skills.through
    through.objects.bulk_create(
        (through(member_id=pk, skill_id=skills[(pk * 7 + k) % len(skills)]) for pk in listed for k in (0, 1)),
        batch_size=10000,
        ignore_conflicts=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET in_directory = true, shows_skills = true WHERE id % 2 = 0")
        cursor.execute(
            "UPDATE members_member m SET directory_text = m.full_name || coalesce((SELECT string_agg("
            "E'\\n' || s.name, '') FROM members_member_skills ms JOIN members_skill s ON s.id = ms.skill_id "
            "WHERE ms.member_id = m.id), '') WHERE m.in_directory"
        )
        cursor.execute("ANALYZE members_member")


def measure(client, url):
    client.get(url)  # warm caches and connections
    times = []
    reset_queries()  # DEBUG keeps a log; the capture below must start from an empty one
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000, max(times) * 1000, len(queries.captured_queries)


def main():
    ensure_database()
    populate()
    populate_directory()
    from groups import services
    from groups.models import DatePoll, Meeting, MeetingReminder, Membership, WorkingGroup
    from members.models import Member, Skill
    from notifications.models import OutboxEmail

    big = WorkingGroup.objects.get(slug="dentro-e-fuori-i-bandi")
    facilitator = Membership.objects.get(group=big, role="facilitator").member
    poll = DatePoll.objects.filter(group=big).first()
    meeting = Meeting.objects.upcoming().filter(group=big).first()
    anonymous, member = Client(), Client()
    member.force_login(facilitator)
    rows = [
        ("home, visitor", anonymous, "/"),
        ("home, member dashboard", member, "/"),
        ("group list", anonymous, "/gruppi/"),
        (f"group page, {BIG_GROUP} participants", member, f"/gruppi/{big.slug}/"),
        ("meeting list of a group", member, f"/gruppi/{big.slug}/incontri/"),
        ("meeting page", member, f"/incontri/{meeting.pk}/"),
        ("date poll, 10 dates x 1000 voters", member, f"/gruppi/{big.slug}/date/{poll.pk}/"),
        ("documents, visitor", anonymous, "/documenti/"),
        ("documents, member", member, "/documenti/"),
        ("personal calendar feed", anonymous, f"/calendario/{facilitator.ensure_calendar_token()}.ics"),
        ("directory, by skill", member, f"/rete/?skill={Skill.objects.get(slug='montaggio-video').pk}"),
        ("directory, full text", member, "/rete/?q=montaggio"),
        ("directory, full text, last page", member, "/rete/?q=montaggio&pagina=9999"),
    ]
    print(
        f"\n{Member.objects.count()} members, {WorkingGroup.objects.count()} groups, "
        f"{Meeting.objects.count()} meetings; median of {REPEAT} requests\n"
    )
    print(f"{'page':45} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for label, client, url in rows:
        median, worst, queries = measure(client, url)
        print(f"{label:45} {median:10.1f} {worst:8.1f} {queries:8d}")

    # The reminder scan for a meeting of the big group starting in 23 hours.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    soon = Meeting.objects.create(
        group=big,
        title="Bench",
        starts_at=timezone.now() + timedelta(hours=23),
        ends_at=timezone.now() + timedelta(hours=25),
    )
    try:
        start = time.perf_counter()
        with CaptureQueriesContext(connection):
            sent = services.send_due_meeting_reminders()
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = services.send_due_meeting_reminders()
        second = time.perf_counter() - start
        print(
            f"\nreminder scan: {sent} reminders queued in {first:.2f} s "
            f"({first / max(sent, 1) * 1000:.2f} ms each); a second scan found {again} in {second:.2f} s"
        )
    finally:
        OutboxEmail.objects.filter(kind__startswith="groups/email/reminder").delete()
        MeetingReminder.objects.filter(meeting=soon).delete()
        soon.delete()


if __name__ == "__main__":
    main()
