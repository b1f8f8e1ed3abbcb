"""`make bench-load`: the production-like stack under LOAD_SECONDS (600) of mixed traffic,
then proof that nothing was lost or written twice.

gunicorn as `make bench` starts it (2 gthread workers x 4 threads, DEBUG off), a real Celery
worker on the Redis broker, an SMTP server on 127.0.0.1 that records each message's
Message-ID (bench/smtp_sink.py), on a fresh copy of the 100,000-member data: the data is
filled once into <database>_template (bench/fill.py, then sign-in addresses for the members
the load uses and a few small courses), and every run starts from
CREATE DATABASE <database> TEMPLATE <database>_template, so the checks are exact.

The driver (bench/load.py) signs LOAD_MEMBERS (600) members in through the login form and
keeps LOAD_USERS (24) of them busy at once. Afterwards: requests per second, p50/p95/p99 per
kind of request, errors (5xx, socket errors, unexpected statuses) apart from expected
refusals (a second support, a full group...), the database against the ledger of successful
writes, and every e-mail those writes caused counted at the SMTP server by Message-ID against
the outbox. Exit status 1 on any 500, error, lost or repeated write or e-mail.

Settings: BENCH_DATABASE_URL (smartprogress_bench_load; only smartprogress_bench_<name> is
accepted), BENCH_REDIS_URL (db 14), BENCH_PORT (8805), LOAD_SECONDS, LOAD_USERS, LOAD_MEMBERS,
LOAD_SEED; the data's sizes as for `make bench` (BENCH_MEMBERS...)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/smartprogress_bench_load")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("BENCH_PORT", "8805")

from bench import guard, load, procstat, run  # noqa: E402

ROOT = run.ROOT
LATEST = run.RESULTS / "latest-load.json"
SECONDS = int(os.environ.get("LOAD_SECONDS", "600"))
USERS = int(os.environ.get("LOAD_USERS", "24"))
MEMBERS = int(os.environ.get("LOAD_MEMBERS", "600"))
SEED = int(os.environ.get("LOAD_SEED", "13"))
# How long the worker may take to send what the run queued before the check gives up.
DRAIN_SECONDS = int(os.environ.get("LOAD_DRAIN_SECONDS", "300"))


def pool_emails(sizes):
    """Half participants of the big group (socio100 onwards: not its facilitator, not the
    reader of `make bench`), half members of no group yet (from the middle of the list)."""
    half = MEMBERS // 2
    first = range(100, 100 + half)
    middle = sizes["members"] // 2
    second = range(middle, middle + MEMBERS - half)
    return [f"socio{n}@bench.example" for n in (*first, *second)]


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def prepare_template():
    """In a process of its own (`python -m bench.load_run --template`): fill the template
    database once, then what only the load needs. Idempotent."""
    env = run.environment()
    sizes = run.prepare(env)
    from allauth.account.models import EmailAddress

    from members.models import Member
    from training.models import Course

    emails = pool_emails(sizes)
    have = set(EmailAddress.objects.filter(email__in=emails).values_list("email", flat=True))
    # Mandatory verification: without a verified address the login form sends a link instead.
    EmailAddress.objects.bulk_create(
        EmailAddress(user_id=pk, email=email, verified=True, primary=True)
        for pk, email in Member.objects.filter(email__in=emails).values_list("pk", "email")
        if email not in have
    )
    # A few small courses fill up: later members go to the waiting list.
    Course.objects.filter(slug__in=[f"corso-bench-{n}" for n in range(5)]).update(capacity=8)


def fresh_copy(url):
    """Drop the run's database and copy it from the template (file copy: seconds)."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(with_database(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{name}_template" STRATEGY FILE_COPY')
    admin.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp(path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink", str(port), str(path)], cwd=ROOT)  # noqa: S603
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("The SMTP server of the load run did not start.")


def start_worker(env):
    log = ROOT / "var" / "bench" / "celery-load.log"
    command = [str(Path(sys.executable).parent / "celery"), "-A", "smartprogress", "worker"]
    command += ["--concurrency", "2", "--loglevel", "warning", "--hostname", "load@%h"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)  # noqa: S603


def drain(before):
    """Wait until the worker has fanned out every event and sent every e-mail of the run.
    If the queue stalls (a publish lost while the broker was busy), ask for the sweep, as
    beat does every 2 minutes."""
    from notifications.models import Event, OutboxEmail
    from notifications.tasks import sweep_outbox

    started, last_change, left, swept = time.monotonic(), time.monotonic(), None, 0
    while time.monotonic() - started < DRAIN_SECONDS:
        unsent = OutboxEmail.objects.filter(pk__gt=before["last"]["OutboxEmail"], sent_at__isnull=True).count()
        pending = Event.objects.filter(pk__gt=before["last"]["Event"], done_at__isnull=True).count()
        if unsent == 0 and pending == 0:
            return time.monotonic() - started, swept
        if (unsent, pending) != left:
            left, last_change = (unsent, pending), time.monotonic()
        elif time.monotonic() - last_change > 30:
            sweep_outbox.delay()
            swept += 1
            last_change = time.monotonic()
        time.sleep(1)
    raise SystemExit(f"The worker did not send everything within {DRAIN_SECONDS} s: {left} (e-mails, events) left.")


def main():
    if "--template" in sys.argv:
        prepare_template()
        return 0
    try:
        url = guard.check_database_url(os.environ["BENCH_DATABASE_URL"])
    except guard.Refused as refusal:
        print(f"make bench-load: {refusal}", file=sys.stderr)
        return 2
    name = urlsplit(url).path.lstrip("/")
    template_env = {**os.environ, "BENCH_DATABASE_URL": with_database(url, name + "_template")}
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "bench.load_run", "--template"], cwd=ROOT, env=template_env, check=True)  # noqa: S603
    fresh_copy(url)
    print(f"Fresh copy of the data in {time.monotonic() - started:.0f} s.", flush=True)

    env = run.environment()
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    mailbox = ROOT / "var" / "bench" / "load-mailbox.txt"
    mailbox.write_text("")
    smtp, smtp_port = start_smtp(mailbox)
    env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port), EMAIL_USE_TLS="false")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import redis
    from django.db import connection

    from bench.fill import PASSWORD, sizes

    # The run's own Redis database (cache and broker): nothing left from an earlier run.
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    the_plan = load.plan(pool_emails(sizes()))
    before = load.snapshot(the_plan)
    connection.close()
    worker = start_worker(env)
    server = run.start_server(env)
    try:
        driver = load.Driver(the_plan, port=run.PORT, password=PASSWORD, users=USERS, seed=SEED)
        print(
            f"\n{len(the_plan['members'])} members, {USERS} at once, for {SECONDS} s; gunicorn {run.WORKERS} x "
            f"{run.WORKER_CLASS} {run.THREADS} threads, a Celery worker (2 processes), SMTP on :{smtp_port}\n",
            flush=True,
        )
        web = procstat.children(server.pid)
        machine = [*web, *procstat.children(worker.pid), worker.pid]
        before_cpu, cpu_started, wall = procstat.snapshot(machine), time.process_time(), time.monotonic()
        # The machine may be shared: the load average says how much else ran meanwhile.
        load_average = [os.getloadavg()[0]]
        elapsed = driver.run(SECONDS)
        load_average.append(os.getloadavg()[0])
        driver_cpu = time.process_time() - cpu_started
        spent = procstat.spent(before_cpu, procstat.snapshot(machine))
        web_cpu = procstat.spent({p: before_cpu[p] for p in web}, procstat.snapshot(web))
        wall = time.monotonic() - wall
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    try:
        drained, swept = drain(before)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=120)
        time.sleep(0.5)
        smtp.send_signal(signal.SIGTERM)
        smtp.wait(timeout=30)

    from notifications.models import OutboxEmail
    from notifications.services import message_id

    summary = driver.summary(elapsed)
    problems, counted = load.check(the_plan, before, driver.stats.ledger)
    outbox = list(OutboxEmail.objects.filter(pk__gt=before["last"]["OutboxEmail"]).order_by("pk"))
    received = mailbox.read_text().split()
    problems += load.compare_emails([message_id(email) for email in outbox], received)
    kinds = {}
    for email in outbox:
        kinds[email.kind] = kinds.get(email.kind, 0) + 1

    print(load.table(summary))
    print(
        f"\nErrors: {summary['errors']} (of which HTTP 5xx: {summary['server_errors']}); "
        f"expected refusals: {summary['refusals']}; requests sent again after the server closed an idle "
        f"connection: {summary['resent_after_closed_keepalive']}"
    )
    for what, n in {**summary["error_detail"]}.items():
        print(f"  error   {n:5d}  {what}")
    for what, n in summary["refusal_detail"].items():
        print(f"  refused {n:5d}  {what}")
    print(f"\nWrites that succeeded: {summary['writes_succeeded']}; members signed in: {summary['members_signed_in']}")
    for kind, row in counted.items():
        print(f"  {kind:12} expected {row['expected']:6d}  in the database {row['found']:6d}")
    print(f"E-mails: {len(outbox)} caused, {len(received)} received at the SMTP server, drained {drained:.0f} s after")
    print(f"  by kind: {dict(sorted(kinds.items()))}" + (f"; sweep asked {swept} times" if swept else ""))
    share = driver_cpu / wall
    print(
        f"CPU over the run: driver {driver_cpu:.1f} s ({share:.1%} of one core), gunicorn {web_cpu:.0f} s, "
        f"gunicorn + worker {spent:.0f} s, on {os.cpu_count()} cores; load average {load_average[0]:.1f} "
        f"at the start, {load_average[1]:.1f} at the end"
    )
    print("\n" + ("Checks passed: every write and e-mail exactly once." if not problems else "PROBLEMS:"))
    for problem in problems:
        print("  " + problem)
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "data": sizes(),
        "members": len(the_plan["members"]),
        "users": USERS,
        "server": {"workers": run.WORKERS, "worker_class": run.WORKER_CLASS, "threads": run.THREADS},
        **summary,
        "database": counted,
        "emails": {"caused": len(outbox), "received": len(received), "by_kind": kinds, "drain_seconds": drained},
        "cpu_seconds": {
            "driver": round(driver_cpu, 1),
            "gunicorn": round(web_cpu, 1),
            "gunicorn_and_worker": round(spent, 1),
        },
        "driver_cpu_share_of_one_core": round(share, 3),
        "load_average": load_average,
        "problems": problems,
    }
    LATEST.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Written to {LATEST.relative_to(ROOT)}")
    return 1 if problems or summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
