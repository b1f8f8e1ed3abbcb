"""A real Redis (our own redis-server, never the shared one) killed or frozen while
members act: the actions succeed, their e-mails wait in the outbox and are sent once
when Redis is back; a frozen Redis does not hang the requests.

The broker and the cache both point at the private server, as in production where one
Redis serves both. The shared Redis and PostgreSQL are never stopped."""

import shutil
import signal
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groups.models import RSVP, Meeting, Membership
from groups.proposals.enums import ProposalState
from groups.proposals.models import Proposal
from notifications import services
from notifications.breaker import CircuitBreaker
from notifications.models import OutboxEmail
from smartprogress.celery import app as celery_app
from tests.conftest import _reset_broker_pools
from tests.factories import (
    PROPOSAL_TEXT,
    CourseFactory,
    FacilitatorFactory,
    MeetingFactory,
    MembershipFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)
from training.models import Enrolment

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]

# "Does not hang": generous on a shared, loaded machine; the timeouts themselves are ~1 s.
ANSWER_BOUND = 5.0


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test only, without persistence: killing it loses what it held."""

    def __init__(self):
        self.port = _free_port()
        self.process = None

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def private_redis(settings):
    """Cache and Celery broker on a redis-server of our own; tasks are published for real."""
    server = PrivateRedis()
    server.start()
    url = f"redis://127.0.0.1:{server.port}/0"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    _reset_broker_pools()
    CircuitBreaker.reset_all()
    yield server
    server.kill()
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    _reset_broker_pools()
    CircuitBreaker.reset_all()


def _scene():
    """A group with participants and a facilitator, an upcoming meeting, an open course,
    and a member about to act in each of them."""
    facilitator = FacilitatorFactory()
    group = facilitator.group
    for _ in range(3):
        MembershipFactory(group=group)
    actor = MembershipFactory(group=group).member
    open_group = WorkingGroupFactory()
    FacilitatorFactory(group=open_group)
    meeting = MeetingFactory(group=group)
    course = CourseFactory()
    return facilitator, actor, open_group, meeting, course


def _act(client, facilitator, actor, open_group, meeting, course, capture):
    """Every member action through its page, as a browser would; returns the answers,
    each with the seconds it took."""
    answers = []

    def post(url, data=None):
        # The after-commit work (publishing to the broker) runs inside the timing, as in
        # a real request.
        started = time.monotonic()
        with capture(execute=True):
            response = client.post(url, data or {})
        response.seconds = time.monotonic() - started
        answers.append(response)

    client.force_login(actor)
    post(f"/gruppi/{open_group.slug}/partecipa/")
    post(f"/incontri/{meeting.pk}/risposta/", {"answer": "yes"})
    post(f"/gruppi/{meeting.group.slug}/proposte/nuova/", {**PROPOSAL_TEXT, "azione": "invia"})
    post(f"/formazione/{course.slug}/iscriviti/")
    client.force_login(facilitator.member)
    start = timezone.localtime() + timedelta(days=9)
    post(
        f"/gruppi/{meeting.group.slug}/incontri/nuovo/",
        {
            "title": "L'incontro dopo il guasto",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    return answers


def _assert_actions_saved(actor, open_group, meeting, course):
    assert Membership.objects.filter(group=open_group, member=actor).exists()
    assert RSVP.objects.filter(meeting=meeting, member=actor).exists()
    assert Proposal.objects.filter(state=ProposalState.SUBMITTED).count() == 1
    assert Enrolment.objects.filter(course=course, member=actor).exists()
    assert Meeting.objects.filter(title="L'incontro dopo il guasto").exists()


def test_redis_killed_while_members_act_then_back_sends_every_email_once(
    client, private_redis, django_capture_on_commit_callbacks
):
    scene = _scene()
    facilitator, actor, open_group, meeting, course = scene
    # One e-mail published while Redis is up: the task is in Redis's queue, no worker takes it.
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_email(VerifiedMemberFactory(), "members/email/verified", {})

    private_redis.kill()  # the queue it held is lost with it
    answers = _act(client, *scene, django_capture_on_commit_callbacks)

    assert [a.status_code for a in answers] == [302] * len(answers), [a.content[:300] for a in answers]
    _assert_actions_saved(actor, open_group, meeting, course)
    assert not mail.outbox  # nothing sent while Redis is down

    private_redis.start()  # back, empty
    CircuitBreaker.reset_all()  # the pause is over
    sent = services.sweep_outbox()
    again = services.sweep_outbox()

    rows = OutboxEmail.objects.all()
    assert rows.count() >= 5, "the actions caused no e-mails: the test proves nothing"
    assert sent == rows.count() == len(mail.outbox)
    assert again == 0
    assert OutboxEmail.objects.unsent().count() == 0
    assert set(rows.values_list("attempts", flat=True)) == {1}
    message_ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert len(set(message_ids)) == len(message_ids)
    recipients = {email.to[0] for email in mail.outbox}
    assert facilitator.member.email in recipients or actor.email in recipients


def test_redis_frozen_requests_still_answer(client, private_redis, django_capture_on_commit_callbacks, caplog):
    scene = _scene()
    facilitator, actor, open_group, meeting, course = scene
    private_redis.freeze()  # SIGSTOP: connections are accepted by the kernel, never answered
    try:
        timings = []
        client.force_login(actor)
        for url in ("/", "/gruppi/", f"/gruppi/{open_group.slug}/", f"/incontri/{meeting.pk}/", "/formazione/"):
            started = time.monotonic()
            response = client.get(url)
            timings.append((url, response.status_code, time.monotonic() - started))
        answers = _act(client, *scene, django_capture_on_commit_callbacks)
    finally:
        private_redis.thaw()

    assert all(status == 200 for _url, status, _took in timings), timings
    assert all(took < ANSWER_BOUND for _url, _status, took in timings), timings
    assert [a.status_code for a in answers] == [302] * len(answers)
    # Each action queues e-mails; the breakers let one timeout through, not one per e-mail.
    assert all(a.seconds < ANSWER_BOUND for a in answers), [a.seconds for a in answers]
    _assert_actions_saved(actor, open_group, meeting, course)
    # The freeze was met, and each breaker opened once rather than at every call.
    assert caplog.text.count("Redis cache did not answer") == 1
    assert caplog.text.count("Celery broker did not answer") == 1
    CircuitBreaker.reset_all()
    assert services.sweep_outbox() == OutboxEmail.objects.count() > 0
    assert services.sweep_outbox() == 0
