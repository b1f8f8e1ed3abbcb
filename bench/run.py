"""`make bench`: the production-like stack (gunicorn, DEBUG off, PostgreSQL, Redis) on the
bench's own database, every main page driven over HTTP by wrk, compared with a bare baseline
view measured before and after the pages in the same run.

Settings (environment): BENCH_DATABASE_URL (only a database named smartprogress_bench or
smartprogress_bench_<name>, so that benches can run side by side),
BENCH_REDIS_URL, BENCH_MEMBERS / BENCH_GROUP_SIZE / BENCH_VOTERS / BENCH_PROPOSALS /
BENCH_CALLS / BENCH_COURSES (the data; changing them refills the database), BENCH_SECONDS and
BENCH_WARMUP (per page), BENCH_CONNECTIONS (16), BENCH_WORKERS and BENCH_WORKER_CLASS
(gunicorn), BENCH_PORT, BENCH_PAGES (a comma-separated subset of the page names),
BENCH_REMINDER_SCAN=1 (also time the meeting reminder scan, in this process).
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from bench import guard, procstat, wrk

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LATEST = RESULTS / "latest.json"
REFERENCE = RESULTS / "reference.json"
PY = sys.executable

# gunicorn on 2 cores: 2 gthread workers of 4 threads. Tried on this machine (2 cores shared,
# 100,000 members, 6 s per page, same data, one run after the other): sync workers close the
# connection after each answer, gthread keeps it open, which saved CPU on every page:
#   sync    baseline 228/137 rps 2.9/3.5 ms CPU, group page 19.6 rps 21.4 ms, meetings 24.0 rps 16.1 ms
#   gthread baseline 360/340 rps 2.6/2.2 ms CPU, group page 34.8 rps 17.6 ms, meetings 39.8 rps 12.9 ms
# at the price of longer tails for the bare view (p99 0.7 s against 0.2 s under that load).
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "gthread")
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
PORT = int(os.environ.get("BENCH_PORT", "8799"))
BASE = f"http://127.0.0.1:{PORT}"

# Targets of issue 8.
MIN_RATIO = 0.40
MAX_CPU_RATIO = 2.5
MAX_P95_MS = 100
MAX_QUERIES = 12


def environment():
    """The settings of the bench's processes: its own database and Redis, DEBUG off, BENCH on."""
    url = guard.check_database_url(os.environ.get("BENCH_DATABASE_URL", guard.DEFAULT_URL))
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="smartprogress.settings",
        DATABASE_URL=url,
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        CACHE_KEY_PREFIX="bench",
        DEBUG="false",
        HTTPS="false",
        BENCH="true",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        HOST="127.0.0.1",
        PORT=str(PORT),
        LOG_LEVEL="WARNING",
        STATIC_ROOT=str(ROOT / "var" / "bench" / "static"),
        MEDIA_ROOT=str(ROOT / "var" / "bench" / "media"),
    )
    return env


def prepare(env):
    """Create, migrate and fill the database once (again when the sizes change); ANALYZE."""
    import psycopg2

    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench import fill

    db = settings.DATABASES["default"]
    params = {k.lower(): db[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if db.get(k)}
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    wanted = fill.sizes()
    call_command("migrate", verbosity=0)
    have = fill.filled_with()
    if have != wanted:
        if have is not None:
            print(f"The database was filled with {have}; refilling with {wanted}.", flush=True)
            connection.close()
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE "{db["NAME"]}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
            call_command("migrate", verbosity=0)
        print(f"Filling the bench database once: {wanted} …", flush=True)
        started = time.monotonic()
        fill.fill(wanted)
        print(f"Filled in {time.monotonic() - started:.0f} s.", flush=True)
    else:
        fill.analyze()
    admin.close()
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.core.cache import cache

    cache.clear()
    return wanted


def targets(env):
    """The pages: (name, URL, signed in?)."""
    from django.db import connection

    from bench.fill import BIG_GROUP_SLUG, READER_EMAIL
    from groups.models import DatePoll, Meeting
    from members.models import Member, Skill

    reader = Member.objects.get(email=READER_EMAIL)
    skill = Skill.objects.filter(members__in_directory=True).order_by("pk").values_list("pk", flat=True).first()
    token = reader.ensure_calendar_token()
    poll = DatePoll.objects.filter(group__slug=BIG_GROUP_SLUG, title="Prossimo incontro").latest("pk")
    meeting = Meeting.objects.upcoming().filter(group__slug=BIG_GROUP_SLUG).order_by("starts_at").first()
    connection.close()
    return [
        ("dashboard", "/", True),
        ("home (visitor)", "/", False),
        ("/gruppi/", "/gruppi/", True),
        ("group page", f"/gruppi/{BIG_GROUP_SLUG}/", True),
        ("meeting list", f"/gruppi/{BIG_GROUP_SLUG}/incontri/", True),
        ("meeting page", f"/incontri/{meeting.pk}/", True),
        ("poll page", f"/gruppi/{BIG_GROUP_SLUG}/date/{poll.pk}/", True),
        ("/documenti/", "/documenti/", True),
        ("calendar feed", f"/calendario/{token}.ics", False),
        ("proposals", "/proposte/", True),
        ("calls", "/bandi/", True),
        ("courses", "/formazione/", True),
        ("directory by skill", f"/rete/?skill={skill}", True),
        ("directory full text", "/rete/?q=montaggio", True),
    ]


def _port_taken():
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) == 0


def start_server(env):
    if _port_taken():
        raise SystemExit(
            f"Something already listens on 127.0.0.1:{PORT} (a bench left running?): stop it or set BENCH_PORT."
        )
    log = ROOT / "var" / "bench" / "gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(Path(PY).parent / "gunicorn"),
        "smartprogress.wsgi",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        WORKER_CLASS,
        "--backlog",
        "256",
        # One control socket per user by default: two gunicorns on a machine would share it.
        "--no-control-socket",
    ]
    if WORKER_CLASS == "gthread":
        cmd += ["--threads", str(THREADS)]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up; see {log}")
        try:
            urllib.request.urlopen(BASE + "/bench/baseline/", timeout=10)
            if procstat.children(server.pid):
                return server
        except OSError:  # not listening yet (URLError), or still loading (a timeout)
            time.sleep(0.3)
    server.terminate()
    server.wait(timeout=30)
    raise SystemExit(f"gunicorn did not answer within 90 s; see {log}")


def sign_in(email, password):
    """Through the real login form, CSRF token and all: the session cookie wrk sends."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(BASE + "/account/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(BASE + "/account/login/", data=data, headers={"Referer": BASE + "/account/login/"})
    answer = opener.open(request, timeout=30)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies or answer.url.rstrip("/").endswith("/account/login"):
        raise SystemExit(f"Signing in as {email} through the login form failed.")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def probe(path, cookie):
    """One request: its status and the number of queries the server counted for it."""
    request = urllib.request.Request(BASE + path, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, int(answer.headers.get("X-Bench-Queries", "-1")), len(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, int(error.headers.get("X-Bench-Queries", "-1")), 0


def database_backends(env):
    import psycopg2

    with psycopg2.connect(env["DATABASE_URL"]) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    conn.close()
    return pids


def measure(name, path, cookie, server, env):
    options = {"cookie": cookie, "connections": CONNECTIONS, "threads": 2}
    if WARMUP:
        wrk.run(BASE + path, seconds=WARMUP, **options)
    # After the warm-up: the queries of a page as most readers get it (caches filled).
    status, queries, size = probe(path, cookie)
    workers = procstat.children(server.pid)
    backends = database_backends(env)
    web_before, db_before = procstat.snapshot(workers), procstat.snapshot(backends)
    result = wrk.run(BASE + path, seconds=SECONDS, **options)
    web_after = procstat.snapshot(procstat.children(server.pid))
    db_after = procstat.snapshot(database_backends(env) + backends)
    web, db = procstat.spent(web_before, web_after), procstat.spent(db_before, db_after)
    requests = max(result["requests"], 1)
    result.update(
        page=name,
        path=path,
        status=status,
        queries=queries,
        bytes=size,
        cpu_ms=round((web + db) * 1000 / requests, 2),
        web_cpu_ms=round(web * 1000 / requests, 2),
        db_cpu_ms=round(db * 1000 / requests, 2),
    )
    return result


def verdicts(row, baseline):
    misses = []
    if row["ratio"] < MIN_RATIO:
        misses.append(f"rps {row['ratio']:.2f} of baseline")
    if row["cpu_ratio"] > MAX_CPU_RATIO:
        misses.append(f"CPU {row['cpu_ratio']:.1f}x")
    if row["p95_ms"] > MAX_P95_MS:
        misses.append(f"p95 {row['p95_ms']:.0f} ms")
    if row["queries"] > MAX_QUERIES:
        misses.append(f"{row['queries']} queries")
    if row["failed"] or row["status"] != 200:
        misses.append(f"{row['failed']} failed, status {row['status']}")
    return misses


def table(rows, reference):
    previous = {row["page"]: row for row in (reference or {}).get("pages", [])}
    head = (
        f"{'page':16} {'rps':>7} {'ratio':>6} {'p50':>7} {'p90':>7} {'p95':>7} {'p99':>7} "
        f"{'q':>3} {'cpu ms':>7} {'cpu x':>6} {'failed':>6} {'vs ref':>7}  misses"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        before = previous.get(row["page"])
        change = f"{row['rps'] / before['rps']:6.2f}x" if before and before.get("rps") else "     -"
        lines.append(
            f"{row['page']:16} {row['rps']:7.1f} {row.get('ratio', 1):6.2f} {row['p50_ms']:7.1f} {row['p90_ms']:7.1f} "
            f"{row['p95_ms']:7.1f} {row['p99_ms']:7.1f} {row['queries']:3d} {row['cpu_ms']:7.2f} "
            f"{row.get('cpu_ratio', 1):6.2f} {row['failed']:6d} {change:>7}  {', '.join(row.get('misses', []))}"
        )
    return "\n".join(lines)


def reminder_scan():
    """The reminder scan for a meeting of the big group starting in 23 hours, in this process:
    how long queueing thousands of reminders takes, and that a second scan finds none."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from bench.fill import BIG_GROUP_SLUG
    from groups import services
    from groups.models import Meeting, MeetingReminder, WorkingGroup
    from notifications.models import OutboxEmail

    settings.CELERY_TASK_ALWAYS_EAGER = False
    now = timezone.now()
    # The meetings of the fill that fall in a reminder window now are reminded too; whatever
    # this scan records is removed after it, so every run measures the same work.
    last_reminder = MeetingReminder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_email = OutboxEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    soon = Meeting.objects.create(
        group=WorkingGroup.objects.get(slug=BIG_GROUP_SLUG),
        title="Bench",
        starts_at=now + timedelta(hours=23),
        ends_at=now + timedelta(hours=25),
    )
    try:
        started = time.perf_counter()
        sent = services.send_due_meeting_reminders()
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = services.send_due_meeting_reminders()
        second = time.perf_counter() - started
    finally:
        # Nothing consumes the bench's broker: drop the tasks the scan queued there.
        from smartprogress.celery import app

        app.control.purge()
        OutboxEmail.objects.filter(pk__gt=last_email).delete()
        MeetingReminder.objects.filter(pk__gt=last_reminder).delete()
        soon.delete()
    return {"queued": sent, "seconds": round(first, 2), "second_scan_found": again, "second_seconds": round(second, 2)}


def main():
    try:
        env = environment()
    except guard.Refused as refusal:
        print(f"make bench: {refusal}", file=sys.stderr)
        return 2
    wrk.find()
    wanted = prepare(env)
    pages = targets(env)
    only = {name.strip() for name in os.environ.get("BENCH_PAGES", "").split(",") if name.strip()}
    if only:
        pages = [page for page in pages if page[0] in only]
    server = start_server(env)
    try:
        from bench.fill import PASSWORD, READER_EMAIL

        cookie = sign_in(READER_EMAIL, PASSWORD)
        print(
            f"\ngunicorn {WORKERS} x {WORKER_CLASS}, wrk {CONNECTIONS} connections, "
            f"{WARMUP} s warm-up + {SECONDS} s per page; data {wanted}\n",
            flush=True,
        )
        first = measure("baseline", "/bench/baseline/", cookie, server, env)
        rows = []
        for name, path, signed_in in pages:
            rows.append(measure(name, path, cookie if signed_in else "", server, env))
            print(f"  {name}: {rows[-1]['rps']:.0f} rps, {rows[-1]['cpu_ms']:.1f} ms CPU", flush=True)
        last = measure("baseline", "/bench/baseline/", cookie, server, env)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    baseline = {
        "rps": (first["rps"] + last["rps"]) / 2,
        "cpu_ms": (first["cpu_ms"] + last["cpu_ms"]) / 2,
    }
    for row in rows:
        row["ratio"] = round(row["rps"] / baseline["rps"], 3) if baseline["rps"] else 0.0
        row["cpu_ratio"] = round(row["cpu_ms"] / baseline["cpu_ms"], 2) if baseline["cpu_ms"] else 0.0
        row["misses"] = verdicts(row, baseline)
    first["page"], last["page"] = "baseline before", "baseline after"
    reference = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else None
    print("\n" + table([first, *rows, last], reference))
    failed = sum(row["failed"] for row in [first, *rows, last])
    print(f"\nFailed requests (not 2xx, socket errors, timeouts): {failed}")
    # Opt-in: at 100,000 members it queues some 16,000 reminders and takes minutes.
    reminders = reminder_scan() if os.environ.get("BENCH_REMINDER_SCAN") == "1" else None
    if reminders:
        print(
            f"Reminder scan: {reminders['queued']} reminders queued in {reminders['seconds']:.2f} s "
            f"({reminders['seconds'] / max(reminders['queued'], 1) * 1000:.2f} ms each); "
            f"a second scan found {reminders['second_scan_found']} in {reminders['second_seconds']:.2f} s"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "data": wanted,
        "server": {"workers": WORKERS, "worker_class": WORKER_CLASS, "connections": CONNECTIONS, "seconds": SECONDS},
        "baseline": {"before": first, "after": last, **baseline},
        "pages": rows,
        "reminder_scan": reminders,
        "failed": failed,
    }
    LATEST.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Written to {LATEST.relative_to(ROOT)}" + (f"; compared with {REFERENCE.name}" if reference else ""))
    return 1 if failed else 0
