"""The bench fills, analyzes and may drop its database: it runs on its own and on no other."""

from urllib.parse import urlsplit

BENCH_DATABASE = "smartprogress_bench"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"


class Refused(Exception):
    pass


def check_database_url(url):
    """The URL, if it names the bench's own PostgreSQL database; else Refused with a clear message."""
    parts = urlsplit(url or "")
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql"):
        raise Refused(
            f"The bench runs on PostgreSQL only; BENCH_DATABASE_URL is {url!r}. Leave it unset to use {DEFAULT_URL}."
        )
    # Several benches may run side by side (a branch against main, the load run), each on a
    # database of its own: smartprogress_bench, or smartprogress_bench_<something>.
    if name != BENCH_DATABASE and not (name.startswith(BENCH_DATABASE + "_") and len(name) > len(BENCH_DATABASE) + 1):
        raise Refused(
            f"The bench fills, analyzes and may drop its database, so it runs only on one named "
            f"{BENCH_DATABASE!r} (or {BENCH_DATABASE}_<name>); BENCH_DATABASE_URL names {name!r}. Nothing was touched."
        )
    return url
