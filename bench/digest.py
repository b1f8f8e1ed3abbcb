"""Benchmark of the digest: `make bench-digest`.

Seeds BENCH_MEMBERS members (100,000 by default) with activity in every section of the
digest, in a database of its own (smartprogress_bench_digest; any other name is refused),
then builds and sends every member's digest to an SMTP server on 127.0.0.1 (aiosmtpd, in a
process of its own), as one worker would: chunk by chunk, each chunk's e-mails sent in
batches over one connection. As the baseline it sends the same number of ready-made
messages of the same size to the same server, in the same batches. It prints digests per
second, the queries of each chunk, the worker's peak memory along the way, and the ratio.
"""

import contextlib
import os
import resource
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATABASE_NAME = "smartprogress_bench_digest"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartprogress.settings")
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.mail import EmailMultiAlternatives, get_connection  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from notifications import services  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100000"))
GROUPS = 20


def refuse_other_databases():
    name = settings.DATABASES["default"]["NAME"]
    if name != DATABASE_NAME:
        sys.exit(f"bench/digest.py deletes digests and e-mails: it runs on {DATABASE_NAME} only, not {name}.")


def ensure_database():
    import psycopg2

    db = settings.DATABASES["default"]
    params = {k.lower(): db[k] for k in ("HOST", "PORT", "USER") if db.get(k)}
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    conn.close()
    call_command("migrate", verbosity=0)


@transaction.atomic
def populate():
    """Members in one or two of 20 groups, each group with meetings, a poll and proposals;
    calls for their sectors; a course for what they want to learn. Made once."""
    from calls.enums import CallStatus, FunderKind
    from calls.models import FundingCall
    from groups.enums import MembershipState, PollStatus
    from groups.models import DatePoll, Meeting, Membership, WorkingGroup
    from groups.proposals.enums import ProposalState
    from groups.proposals.models import Proposal
    from members.enums import MemberStatus
    from members.models import Member, Sector
    from training.models import Course, TrainingInterest

    if Member.objects.count() == MEMBERS:
        return
    if Member.objects.exists():
        call_command("flush", interactive=False, verbosity=0)  # another size: start afresh (our own database)
    print(f"Populating {MEMBERS} members (once)…", flush=True)
    now = timezone.now()
    sectors = [Sector.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Settore {n}"})[0] for n in range(5)]
    Member.objects.bulk_create(
        (
            Member(
                email=f"socio{i}@bench.example",
                full_name=f"Socio Numero {i}",
                password="!",
                status=MemberStatus.VERIFIED,
                membership_number=f"{i:08d}",
                status_changed_at=now,
                language=("it", "it", "it", "en")[i % 4],
            )
            for i in range(MEMBERS)
        ),
        batch_size=5000,
    )
    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    groups = [
        WorkingGroup.objects.create(
            name=f"Gruppo di lavoro {n}",
            slug=f"gruppo-bench-{n}",
            position=n,
            summary="Un gruppo.",
            description="Un gruppo.",
        )
        for n in range(GROUPS)
    ]
    Membership.objects.bulk_create(
        (
            Membership(group=groups[(i + offset) % GROUPS], member_id=pk, state=MembershipState.ACTIVE, joined_at=now)
            for i, pk in enumerate(ids)
            for offset in ((0,) if i % 2 else (0, 7))
        ),
        batch_size=5000,
    )
    Member.sectors.through.objects.bulk_create(
        (Member.sectors.through(member_id=pk, sector_id=sectors[i % 5].pk) for i, pk in enumerate(ids)),
        batch_size=5000,
    )
    for n, group in enumerate(groups):
        for day in (2, 6, 11):
            start = now + timedelta(days=day, hours=n)
            Meeting.objects.create(
                group=group, title=f"Incontro dell'{n} {day}", starts_at=start, ends_at=start + timedelta(hours=2)
            )
        DatePoll.objects.create(
            group=group, title=f"Quando ci vediamo? {n}", closes_at=now + timedelta(days=5), status=PollStatus.OPEN
        )
        for p in range(2):
            Proposal.objects.create(
                group=group,
                author_id=ids[n],
                title=f"Una proposta concreta {n}.{p}",
                problem="Il problema.",
                solution="La soluzione.",
                state=ProposalState.PUBLISHED,
                published_at=now - timedelta(days=1),
            )
    for n, sector in enumerate(sectors):
        call = FundingCall.objects.create(
            title=f"Bando per il settore {n}",
            slug=f"bando-bench-{n}",
            funder="Fondazione Esempio",
            funder_kind=FunderKind.PRIVATE,
            summary="Un bando per progetti culturali.",
            status=CallStatus.OPEN,
            internal_deadline=now + timedelta(days=10 + n),
            funder_deadline=now + timedelta(days=20 + n),
            published_at=now - timedelta(days=2),
        )
        call.sectors.add(sector)
    interests = TrainingInterest.objects.bulk_create(
        (TrainingInterest(member_id=pk) for pk in ids[::10]), batch_size=5000
    )
    TrainingInterest.areas.through.objects.bulk_create(
        (TrainingInterest.areas.through(traininginterest_id=t.pk, sector_id=sectors[0].pk) for t in interests),
        batch_size=5000,
    )
    Course.objects.create(
        title="Corso di fundraising",
        slug="corso-bench",
        area=sectors[0],
        summary="Un corso pratico.",
        description="Un corso pratico.",
        capacity=30,
        state="published",
        published_at=now,
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp_server():
    port = free_port()
    # Our own interpreter and a port we just found free: no outside input.
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        port,
        False,
        30,
    )
    return server


def memory_mb(field):
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_memory():
    """Forget the peak of the seeding, so the peak measured is the digest run's (Linux)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def run_digests():
    from notifications import digest
    from notifications.models import DigestRun, OutboxEmail

    # Start afresh without loading the previous run's 100,000 e-mails into memory (as
    # QuerySet.delete() would, to follow the foreign keys).
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {DigestRun._meta.db_table}, {OutboxEmail._meta.db_table}")
    now = timezone.now()
    queries, sent, building = [], 0, 0.0
    memory = []
    started = time.perf_counter()
    for chunks, (first, last) in enumerate(digest.member_ranges(), start=1):
        chunk_started = time.perf_counter()
        reset_queries()  # the query log keeps 9,000 at most: count from an empty one
        with CaptureQueriesContext(connection) as captured:
            digest.send_digests(first, last, now)
        building += time.perf_counter() - chunk_started
        queries.append(len(captured))
        ids = list(
            OutboxEmail.objects.filter(recipient__gte=first, recipient__lte=last, sent_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        sent += services.send_outbox_batch(ids)
        if chunks % max(1, MEMBERS // 10_000) == 0:
            memory.append(round(memory_mb("VmRSS")))
    elapsed = time.perf_counter() - started
    return elapsed, building, sent, queries, memory


def run_baseline(count):
    """`count` ready-made messages of a digest's size, in batches of the same size, one
    connection each: what sending alone costs."""
    from notifications.models import OutboxEmail
    from notifications.services import BATCH_SIZE

    sample = OutboxEmail.objects.exclude(body_html="").order_by("pk").first()
    messages = [
        EmailMultiAlternatives(sample.subject, sample.body_text, to=[f"socio{n}@bench.example"]) for n in range(count)
    ]
    for message in messages:
        message.attach_alternative(sample.body_html, "text/html")
        message.extra_headers = dict(sample.headers)
    started = time.perf_counter()
    for start in range(0, count, BATCH_SIZE):
        smtp = get_connection()
        smtp.open()
        smtp.send_messages(messages[start : start + BATCH_SIZE])
        smtp.close()
    return time.perf_counter() - started, len(sample.body_text) + len(sample.body_html)


def run_announce():
    """A meeting announced to the largest group: what the request pays (the event row) and
    what the fan-out task does afterwards, chunk by chunk."""
    from groups import services as groups
    from groups.models import Membership, WorkingGroup
    from notifications.models import Event

    group = WorkingGroup.objects.get(slug="gruppo-bench-0")
    size = Membership.objects.taking_part().filter(group=group).count()
    start = timezone.now() + timedelta(days=20)
    started = time.perf_counter()
    with transaction.atomic():
        groups.create_meeting(group, actor=None, title="Assemblea", starts_at=start, ends_at=start + timedelta(hours=2))
    request = time.perf_counter() - started
    event = Event.objects.latest("pk")
    started = time.perf_counter()
    chunks = services.fan_out_event(event.pk)
    print(
        f"Meeting announced to {size} members: {request * 1000:.0f} ms in the request, "
        f"then {time.perf_counter() - started:.1f} s of fan-out in {chunks + 1} chunks"
    )


def main():
    refuse_other_databases()
    ensure_database()
    populate()
    if os.environ.get("BENCH_PART") == "announce":
        services.broker.cooldown = 10**9
        services.broker.trip()
        run_announce()
        return
    # Each chunk's e-mails are sent right after it, in this process, as one worker would:
    # nothing is published to a broker (the after-commit publish finds it "down").
    services.broker.cooldown = 10**9
    services.broker.trip()
    server = start_smtp_server()
    try:
        reset_peak_memory()
        memory_before = memory_mb("VmRSS")
        elapsed, building, sent, queries, memory = run_digests()
        peak = memory_mb("VmHWM")
        print(f"Digests: {sent} built and sent in {elapsed:.1f} s ({building:.1f} s building), {sent / elapsed:.0f}/s")
        print(f"Queries per chunk of 1,000 members: min {min(queries)}, max {max(queries)} ({len(queries)} chunks)")
        print(f"Worker memory: {memory_before:.0f} MB before, {memory} MB along the run, peak {peak:.0f} MB")
        baseline, size = run_baseline(sent)
        print(f"Baseline: {sent} ready-made messages of {size} characters in {baseline:.1f} s, {sent / baseline:.0f}/s")
        print(f"Ratio digest run / baseline: {elapsed / baseline:.2f}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
