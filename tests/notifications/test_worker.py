"""The outbox through a real Celery worker, on Redis (production) and on the folder broker (make run)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from notifications import services
from notifications.models import OutboxEmail
from smartprogress.celery import app as celery_app
from tests.conftest import _reset_broker_pools
from tests.factories import MemberFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["redis", "filesystem"])
def worker(request, tmp_path):
    """A `celery worker` process on the test database, writing e-mails to files; its broker
    is Redis (production) or the folder broker of the embedded default (`make run`)."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }
    saved = celery_app.conf.broker_url, dict(celery_app.conf.broker_transport_options)
    if request.param == "filesystem":
        folder = tmp_path / "celery"  # where the worker looks, given VAR_DIR=tmp_path
        (folder / "queue").mkdir(parents=True)
        (folder / "processed").mkdir()
        env.update(CELERY_BROKER_URL="filesystem://", VAR_DIR=str(tmp_path))
        celery_app.conf.broker_url = "filesystem://"
        celery_app.conf.broker_transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
        }
        _reset_broker_pools()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "smartprogress",
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield tmp_path / "mail"
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved
    _reset_broker_pools()


@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_outbox_email_after_commit(worker):
    member = MemberFactory()
    celery_app.conf.task_always_eager = False
    try:
        row = services.queue_email(member, "members/email/verified", {})  # autocommit: queued at once
    finally:
        celery_app.conf.task_always_eager = True

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.sent_at is not None:
            break
        time.sleep(0.2)

    assert row.sent_at is not None, "the worker did not send the e-mail within 30 seconds"
    files = list(worker.glob("*.log"))
    assert len(files) == 1
    assert member.email in files[0].read_text()
    assert OutboxEmail.objects.get(pk=row.pk).attempts == 1
