"""Past one machine: two web processes on different ports share PostgreSQL, Redis and an
S3-compatible bucket (moto's server), as two gunicorn machines behind a proxy would. A
document uploaded through one is downloaded through the other; a session made on one works
on the other. Nothing the web tier needs is on its local disk or in its memory."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from groups.demo import demo_pdf
from groups.models import Document
from tests.factories import FacilitatorFactory, VerifiedMemberFactory

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "una-password-lunga-2020"
BUCKET = "smartprogress-uploads"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{url}: the process stopped"
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture
def s3_server(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=(tmp_path / "moto.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, process)
        boto3.client(
            "s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
        ).create_bucket(Bucket=BUCKET)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def two_web_machines(transactional_db, s3_server, tmp_path):
    """Two gunicorn processes, each with a media folder of its own that must stay empty."""
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    processes, urls, media = [], [], []
    try:
        for n in range(2):
            port = _free_port()
            folder = tmp_path / f"machine{n}"
            folder.mkdir()
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "REDIS_URL": settings.CACHES["default"]["LOCATION"],
                "DEBUG": "true",
                "HTTPS": "false",
                "SECRET_KEY": "two-machines-share-one-secret-key-0123456789abcdef",
                "S3_BUCKET": BUCKET,
                "S3_ENDPOINT_URL": s3_server,
                "S3_REGION": "us-east-1",
                "S3_ACCESS_KEY_ID": "test",
                "S3_SECRET_ACCESS_KEY": "test",
                "VAR_DIR": str(folder),
                "MEDIA_ROOT": str(folder / "media"),
                "CELERY_TASK_ALWAYS_EAGER": "true",
                "LOG_LEVEL": "WARNING",
            }
            process = subprocess.Popen(
                [str(BIN / "gunicorn"), "smartprogress.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
                + ["--no-control-socket"],
                cwd=ROOT,
                env=env,
                stdout=(tmp_path / f"machine{n}.log").open("w"),
                stderr=subprocess.STDOUT,
            )
            processes.append(process)
            urls.append(f"http://127.0.0.1:{port}")
            media.append(folder / "media")
        for url, process in zip(urls, processes, strict=True):
            _wait_for(url + "/privacy/", process)
        yield urls, media
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def _csrf(session, url):
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_upload_on_one_machine_download_on_the_other_with_the_same_session(two_web_machines, s3_server):
    (first, second), media = two_web_machines
    facilitator = FacilitatorFactory(member=VerifiedMemberFactory())
    member, group = facilitator.member, facilitator.group
    # The web processes hash with the default hasher, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    member.password = hasher.encode(PASSWORD, hasher.salt())
    member.save(update_fields=["password"])

    browser = requests.Session()
    token = _csrf(browser, first + "/account/login/")
    signed_in = browser.post(
        first + "/account/login/",
        data={"login": member.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": first + "/account/login/"},
        timeout=30,
    )
    assert signed_in.status_code == 200 and "/account/login/" not in signed_in.url

    # The session made on the first machine works on the second: its form is served there.
    form = f"/gruppi/{group.slug}/documenti/nuovo/"
    token = _csrf(browser, second + form)
    pdf = demo_pdf("Verbale", ["Verbale dell'incontro di aprile"])
    uploaded = browser.post(
        second + form,
        data={"title": "Verbale d'aprile", "description": "", "visibility": "group", "csrfmiddlewaretoken": token},
        files={"file": ("verbale.pdf", pdf, "application/pdf")},
        headers={"Referer": second + form},
        timeout=30,
    )
    assert uploaded.status_code == 200
    document = Document.objects.get(group=group, title="Verbale d'aprile")

    # The file is in the bucket, on no machine's disk.
    s3 = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [document.file.name]
    assert not any(path.is_file() for folder in media for path in folder.rglob("*"))

    # Downloaded through the first machine, which never saw the upload.
    download = browser.get(f"{first}/documenti/{document.pk}/scarica/", timeout=30)
    assert download.status_code == 200
    assert download.content == pdf
    assert download.headers["Cache-Control"] == "private, no-store"

    # Whoever may not see the document gets nothing from either machine.
    for url in (first, second):
        stranger = requests.get(f"{url}/documenti/{document.pk}/scarica/", timeout=30)
        assert stranger.status_code == 404
        assert pdf not in stranger.content
