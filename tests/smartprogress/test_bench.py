"""The bench's own pieces, without running the bench (make bench does)."""

import http.server
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest
from django.test import Client

from bench import guard, load, procstat, wrk

WRK_OUTPUT = """Running 3s test @ http://127.0.0.1:8799/gruppi/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   114.50ms   12.01ms 160.10ms   80.00%
  400 requests in 3.01s, 4.10MB read
  Non-2xx or 3xx responses: 2
Requests/sec:    132.60
Transfer/sec:      1.36MB
BENCH-JSON {"requests":400,"duration_us":3010000,"not_2xx":3,"connect_errors":1,"read_errors":0,\
"write_errors":0,"timeouts":2,"p50_us":114500,"p90_us":131100,"p95_us":135900,"p99_us":158900,\
"max_us":160100,"mean_us":114500}
"""


def test_wrk_output_gives_rate_percentiles_and_every_failed_request():
    result = wrk.parse(WRK_OUTPUT)

    assert result["requests"] == 400
    assert result["rps"] == pytest.approx(132.9, abs=0.1)
    assert (result["p50_ms"], result["p90_ms"], result["p95_ms"], result["p99_ms"]) == (114.5, 131.1, 135.9, 158.9)
    # Answers that are not 2xx (redirects to the login page too) and socket errors both count.
    assert (result["not_2xx"], result["socket_errors"], result["failed"]) == (3, 3, 6)


def test_wrk_output_without_a_result_is_an_error_not_a_zero():
    with pytest.raises(wrk.WrkError, match="no result line"):
        wrk.parse("unable to connect to 127.0.0.1:8799 Connection refused\n")


def test_wrk_command_sends_the_session_cookie_and_the_script():
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed")
    cmd = wrk.command("http://127.0.0.1:1/", cookie="sessionid=abc", connections=16, seconds=5)
    assert cmd[1:4] == ["-t2", "-c16", "-d5s"]
    assert cmd[cmd.index("-H") + 1] == "Cookie: sessionid=abc"
    assert str(wrk.SCRIPT) in cmd


@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres@127.0.0.1:5432/smartprogress",
        "postgres://postgres@127.0.0.1:5432/sp_p8",
        "postgres://postgres@127.0.0.1:5432/smartprogress_bench_",
        "postgres://postgres@127.0.0.1:5432/old_smartprogress_bench",
        "postgres://postgres@127.0.0.1:5432/smartprogress_benchmark",
        "sqlite:///var/db.sqlite3",
        "",
    ],
)
def test_bench_refuses_a_database_that_is_not_its_own(url):
    with pytest.raises(guard.Refused):
        guard.check_database_url(url)


@pytest.mark.parametrize("name", ["smartprogress_bench", "smartprogress_bench_load", "smartprogress_bench_poll"])
def test_bench_accepts_its_own_database_on_any_host(name):
    url = f"postgresql://bench@db.internal:6543/{name}"
    assert guard.check_database_url(url) == url


def test_make_bench_stops_with_a_clear_message_before_touching_a_foreign_database():
    env = {**os.environ, "BENCH_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/smartprogress"}
    done = subprocess.run([sys.executable, "-m", "bench"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "runs only on one named 'smartprogress_bench'" in done.stderr
    assert "Nothing was touched" in done.stderr


def test_make_bench_load_stops_with_a_clear_message_before_touching_a_foreign_database():
    env = {**os.environ, "BENCH_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/smartprogress"}
    done = subprocess.run([sys.executable, "-m", "bench.load_run"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("make bench-load: ")
    assert "Nothing was touched" in done.stderr


class ClosesAfterEachAnswer(http.server.BaseHTTPRequestHandler):
    """Answers keep-alive, then closes the connection anyway: as gunicorn does when an idle
    connection's 2 seconds run out just as the next request leaves."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 (the standard library's name)
        self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
        self.close_connection = True

    def log_message(self, *args):
        pass


def test_load_driver_sends_again_once_when_a_reused_connection_was_closed_before_any_answer():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ClosesAfterEachAnswer)
    server.posts = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    resent = []
    browser = load.Browser("127.0.0.1", server.server_address[1], "127.10.0.1", on_resend=lambda: resent.append(1))
    try:
        assert browser.request("POST", "/", {"a": "1"})[0] == 200
        time.sleep(0.2)  # the server has closed the connection the browser still holds
        assert browser.request("POST", "/", {"a": "2"})[0] == 200
        assert (server.posts, len(resent)) == (2, 1)
        browser.close()
    finally:
        server.shutdown()
        server.server_close()


def test_cpu_time_of_this_process_is_read_from_proc():
    before = procstat.snapshot([os.getpid()])
    sum(i * i for i in range(2_000_000))
    after = procstat.snapshot([os.getpid()])
    assert procstat.spent(before, after) > 0
    assert procstat.cpu_seconds(2**22 + 12345) == 0.0  # a process that is gone counts nothing


@pytest.mark.django_db
def test_baseline_view_is_not_found_unless_the_bench_setting_is_on(client, settings):
    settings.BENCH = False
    assert client.get("/bench/baseline/").status_code == 404


@pytest.mark.django_db
def test_baseline_view_in_bench_mode_counts_its_queries_in_a_header(settings):
    settings.BENCH = True
    settings.MIDDLEWARE = ["smartprogress.middleware.BenchQueryCountMiddleware", *settings.MIDDLEWARE]
    response = Client().get("/bench/baseline/")
    assert response.status_code == 200
    assert response["X-Bench-Queries"] == "1"


@pytest.mark.django_db
def test_fill_makes_what_the_pages_need_with_stored_counts(settings, tmp_path):
    from bench import fill
    from groups.models import DateVote, Membership, WorkingGroup
    from members.models import Member

    settings.MEDIA_ROOT = tmp_path
    wanted = {"members": 60, "group_size": 30, "voters": 10, "proposals": 5, "calls": 3, "courses": 3}

    fill.fill(wanted)

    assert fill.filled_with() == wanted
    assert Member.objects.filter(email__endswith="@bench.example").count() == 60
    big = WorkingGroup.objects.get(slug=fill.BIG_GROUP_SLUG)
    # Bulk inserts send no signal: the fill recounts, so the stored count is the real one.
    for group in WorkingGroup.objects.all():
        assert group.participant_count == Membership.objects.taking_part().filter(group=group).count()
    assert big.participant_count >= 30
    assert DateVote.objects.filter(slot__poll__group=big).values("member").distinct().count() == 10
    assert Member.objects.get(email=fill.READER_EMAIL).emailaddress_set.filter(verified=True).exists()
