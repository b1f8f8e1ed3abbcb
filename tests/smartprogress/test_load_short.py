"""A short load run (the CI variant of issue 13's load check, `make bench-load` in full):
gunicorn on the test database, many members at once joining a group, answering a meeting
and enrolling in a course over HTTP; then the database holds exactly what the successful
requests wrote, and every e-mail they caused is sent once. The second test runs the load
driver of `make bench-load` itself for a few seconds, so that the bench cannot rot."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.db import connection
from django.test import Client

from bench import load
from groups.models import RSVP, Membership
from groups.proposals.models import Support
from members.models import Member
from notifications import services
from notifications.models import OutboxEmail
from tests.factories import (
    PASSWORD,
    CourseFactory,
    FacilitatorFactory,
    FundingCallFactory,
    MeetingFactory,
    MembershipFactory,
    PublishedProposalFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)
from training.models import Enrolment

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = int(os.environ.get("LOAD_MEMBERS", "24"))


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    db = settings.DATABASES["default"]
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "EMAIL_FILE_PATH"}
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        # No worker takes the tasks: the sweep below sends what the requests queued.
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        VAR_DIR=str(tmp_path / "var"),
        LOG_LEVEL="WARNING",
    )
    command = [str(Path(sys.executable).parent / "gunicorn"), "smartprogress.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--no-control-socket"]
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.3)
    assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
    yield base
    process.terminate()
    process.wait(timeout=30)


def _request(base, path, cookie, token, data=None):
    body = None if data is None else urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(base + path, data=body, method="GET" if data is None else "POST")
    request.add_header("Cookie", f"sessionid={cookie}; csrftoken={token}")
    if data is not None:
        request.add_header("X-CSRFToken", token)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_many_members_at_once_write_exactly_what_succeeded_and_each_email_goes_once(server):
    facilitator = FacilitatorFactory()
    meeting = MeetingFactory(group=facilitator.group)
    open_group = WorkingGroupFactory()
    course = CourseFactory(capacity=MEMBERS // 2)  # half of them end on the waiting list
    members = [MembershipFactory(group=facilitator.group).member for _ in range(MEMBERS)]
    sessions = []
    for member in members:
        client = Client()
        client.force_login(member)
        sessions.append((member, client.cookies[settings.SESSION_COOKIE_NAME].value, secrets.token_hex(16)))

    def act(session):
        _member, cookie, token = session
        return {
            "join": _request(server, f"/gruppi/{open_group.slug}/partecipa/", cookie, token, {}),
            "rsvp": _request(server, f"/incontri/{meeting.pk}/risposta/", cookie, token, {"answer": "yes"}),
            "enrol": _request(server, f"/formazione/{course.slug}/iscriviti/", cookie, token, {}),
            "page": _request(server, f"/gruppi/{facilitator.group.slug}/", cookie, token),
        }

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(act, sessions))

    statuses = {kind: [r[kind] for r in results] for kind in results[0]}
    assert 500 not in sum(statuses.values(), []), statuses
    assert set(statuses["page"]) == {200}, statuses
    ok = {kind: sum(status == 302 for status in codes) for kind, codes in statuses.items()}
    assert Membership.objects.filter(group=open_group).exclude(member=facilitator.member).count() == ok["join"]
    assert RSVP.objects.filter(meeting=meeting).count() == ok["rsvp"]
    assert Enrolment.objects.filter(course=course).count() == ok["enrol"]
    assert ok == {"join": MEMBERS, "rsvp": MEMBERS, "enrol": MEMBERS, "page": 0}, statuses

    assert OutboxEmail.objects.exists(), "the actions caused no e-mails: the check proves nothing"
    sent = services.sweep_outbox()
    assert services.sweep_outbox() == 0
    assert sent == OutboxEmail.objects.count() == len(mail.outbox)
    assert OutboxEmail.objects.unsent().count() == 0
    ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert len(ids) == len(set(ids))


# Writes first: in a few seconds every kind of write happens, logins included (each member
# signs in through the form at the start of their first visit).
SHORT_WEIGHTS = {**dict.fromkeys(load.WEIGHTS, 1), "join": 4, "rsvp": 4, "proposal": 4, "support": 4, "enrol": 4}
SHORT_WEIGHTS["candidacy"] = 4


@pytest.mark.django_db(transaction=True)
def test_the_load_driver_of_make_bench_load_writes_exactly_what_it_was_told(server):
    facilitator = FacilitatorFactory()
    MeetingFactory(group=facilitator.group)
    WorkingGroupFactory()  # one to join
    PublishedProposalFactory(group=facilitator.group, author=facilitator.member)
    PublishedProposalFactory(group=facilitator.group)
    CourseFactory(capacity=2)  # fills up: later enrolments wait
    FundingCallFactory()
    members = [VerifiedMemberFactory() for _ in range(8)]
    for member in members[:4]:
        MembershipFactory(group=facilitator.group, member=member)
    # The server hashes as production does (the tests' own hasher is MD5, for speed).
    Member.objects.filter(pk__in=[m.pk for m in members]).update(
        password=PBKDF2PasswordHasher().encode(PASSWORD, "loadtestsalt")
    )
    plan = load.plan([m.email for m in members])
    before = load.snapshot(plan)
    port = int(server.rsplit(":", 1)[1])

    driver = load.Driver(plan, port=port, password=PASSWORD, users=4, seed=1, weights=SHORT_WEIGHTS)

    # Until every kind of write has succeeded twice and one was refused (a few seconds), at
    # most a minute.
    def enough(stats):
        return all(stats.done[kind] >= 2 for kind in load.WRITES) and stats.refusals

    summary = driver.summary(driver.run(60, until=enough))

    assert summary["errors"] == 0, summary["error_detail"]
    for kind in load.WRITES:
        assert summary["writes_succeeded"].get(kind), (kind, summary)
    assert summary["refusals"], "no refusal at all: the driver never met one, so its counting is untested"
    problems, counted = load.check(plan, before, driver.stats.ledger)
    assert problems == [], problems
    assert counted["proposal"]["found"] == summary["writes_succeeded"]["proposal"]
    assert counted["enrol e-mail"]["found"] == summary["writes_succeeded"]["enrol"]

    # No worker here: the sweep sends what the requests queued, to Django's test outbox.
    caused = OutboxEmail.objects.filter(pk__gt=before["last"]["OutboxEmail"])
    assert caused.exists(), "the writes caused no e-mails: the check proves nothing"
    services.sweep_outbox()
    received = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert load.compare_emails([services.message_id(email) for email in caused], received) == []
    # The comparison itself sees a lost and a repeated e-mail.
    assert len(load.compare_emails([*map(services.message_id, caused), "<lost@x>"], received + received[:1])) == 2

    # The check itself sees a lost write and one nobody was told of.
    Support.objects.filter(member__in=members).order_by("-pk").first().delete()
    Membership.objects.create(group=WorkingGroupFactory(), member=members[0], state="active")
    caused.filter(kind="training/email/confirmed").order_by("-pk").first().delete()
    problems, _counted = load.check(plan, before, driver.stats.ledger)
    assert any(p.startswith("support: 1 successful writes missing") for p in problems), problems
    assert any(p.startswith("join: 1 rows nobody was told") for p in problems), problems
    assert any(p.startswith("enrol e-mail: missing [(") for p in problems), problems
