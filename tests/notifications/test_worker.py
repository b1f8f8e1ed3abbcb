"""The outbox through a real Celery worker, on Redis (production) and on the folder broker (make run)."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from notifications import services
from notifications.models import OutboxEmail
from smartprogress.brokers import folder_broker_options
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
        # Where the worker looks, given VAR_DIR=tmp_path; the same options as settings.py.
        options = folder_broker_options(tmp_path / "celery")
        for key in ("data_folder_in", "processed_folder", "control_folder"):
            Path(options[key]).mkdir(parents=True)
        env.update(CELERY_BROKER_URL="filesystem://localhost//", VAR_DIR=str(tmp_path))
        celery_app.conf.broker_url = "filesystem://localhost//"
        celery_app.conf.broker_transport_options = options
        _reset_broker_pools()
    process = _spawn_worker(env, cwd=ROOT)
    yield tmp_path / "mail"
    _stop(process)
    celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved
    _reset_broker_pools()


def _spawn_worker(env, cwd):
    command = [sys.executable, "-m", "celery", "-A", "smartprogress", "worker", "--pool=solo", "--loglevel=warning"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _stop(process):
    """Stop the worker; returns everything it printed."""
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


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


@pytest.mark.django_db(transaction=True)
def test_embedded_worker_prints_emails_readably_and_writes_only_under_var(tmp_path):
    """`make run`: folder broker, e-mails on the worker's console. Started from an empty
    folder, the worker must leave it empty (every broker file goes under VAR_DIR)."""
    db = settings.DATABASES["default"]
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "EMAIL_FILE_PATH", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}",
        VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
    )
    saved = celery_app.conf.broker_url, dict(celery_app.conf.broker_transport_options)
    celery_app.conf.broker_url = "filesystem://localhost//"
    celery_app.conf.broker_transport_options = options = folder_broker_options(tmp_path / "var" / "celery")
    for key in ("data_folder_in", "processed_folder", "control_folder"):
        Path(options[key]).mkdir(parents=True)
    _reset_broker_pools()
    process = _spawn_worker(env, cwd=workdir)
    member = MemberFactory(full_name="Anna Dell'Acqua")
    celery_app.conf.task_always_eager = False
    try:
        row = services.queue_email(member, "members/email/refused", {"reason": "Il numero non c'è"})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and OutboxEmail.objects.get(pk=row.pk).sent_at is None:
            time.sleep(0.2)
    finally:
        celery_app.conf.task_always_eager = True
        output = _stop(process)
        celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved
        _reset_broker_pools()

    assert OutboxEmail.objects.get(pk=row.pk).sent_at is not None, output
    # Plain lines, not log records of the worker ("[…: WARNING/MainProcess] Subject: …").
    assert re.search(rf"^Subject: {re.escape(row.subject)}$", output, re.MULTILINE), output
    assert "Il numero non c'è" in output
    assert "WARNING" not in output
    assert list(workdir.iterdir()) == []
