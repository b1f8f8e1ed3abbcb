"""The load tool: wrk from Debian, driven with bench/report.lua, and the parser of what it prints."""

import json
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "report.lua"
MARKER = "BENCH-JSON "


class WrkError(Exception):
    pass


def find():
    path = shutil.which("wrk")
    if path is None:
        raise WrkError("wrk is not installed: `make bench` installs it (apt-get install wrk), or install it yourself.")
    return path


def command(url, *, cookie="", connections=16, threads=2, seconds=10, timeout=5):
    cmd = [find(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s", "-s", str(SCRIPT)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    return [*cmd, url]


def parse(output):
    """The measurement in wrk's output: requests per second, percentiles in milliseconds and the
    failed requests (answers that are not 2xx, socket errors, timeouts)."""
    lines = [line for line in output.splitlines() if line.startswith(MARKER)]
    if not lines:
        raise WrkError("wrk printed no result line; its output was:\n" + output[-2000:])
    raw = json.loads(lines[-1][len(MARKER) :])
    seconds = raw["duration_us"] / 1e6
    socket_errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "not_2xx": raw["not_2xx"],
        "socket_errors": socket_errors,
        "failed": raw["not_2xx"] + socket_errors,
    }


def run(url, **options):
    done = subprocess.run(command(url, **options), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise WrkError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return parse(done.stdout)
