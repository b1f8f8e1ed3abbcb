"""The load driver of `make bench-load` (bench/load_run.py) and of the short load test:
many members at once, each with a session of their own made through the real login form,
browsing and writing as people do (each write from the page that holds its form, with that
page's CSRF token, then the page the portal redirects to, which shows whether it worked).

Threads with http.client, no new dependency: the driver waits on the server almost all the
time (its CPU share is measured and printed by the run). Each member connects from an address
of their own on the loopback network (127.10.x.y), as members connect from their own homes, so
that per-IP limits (30 logins a minute) count per member, not for the whole load.

`plan(emails)` reads from the database what the members may do; `Driver(...).run(seconds)`
drives the traffic and keeps a ledger of the writes that succeeded; `snapshot(plan)` before and
`check(plan, before, ledger)` after compare the database with that ledger."""

import html
import http.client
import random
import re
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from datetime import timedelta
from http.cookies import SimpleCookie

# What a visit does, by weight: about two thirds browsing, a third writes, each write after
# a visit to the page with its form (so reads are some 80 % of the requests).
WEIGHTS = {
    "dashboard": 12,
    "groups": 6,
    "group page": 10,
    "meeting page": 7,
    "proposals": 9,
    "calls": 5,
    "courses": 7,
    "directory": 5,
    "join": 5,
    "rsvp": 8,
    "proposal": 3,
    "support": 7,
    "enrol": 5,
    "candidacy": 2,
}
WRITES = ("login", "join", "rsvp", "proposal", "support", "enrol", "candidacy")
ANSWERS = ("yes", "maybe", "no")
# gunicorn keeps an idle connection 2 s: reconnect before that. On a loaded machine the
# driver's thread may still be descheduled past it and find the connection closed (1 request
# in 13,000 of a 10-minute run): then it sends the request again on a new connection, as
# browsers do when a reused keep-alive connection closes before any answer. The checks
# would show a write made twice.
IDLE_RECONNECT = 1.5
CLOSED_BEFORE_ANSWER = (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ALERT = re.compile(r'<div class="alert (alert-\w+)[^"]*">(.*?)</div>', re.S)
FORM_ERROR = re.compile(
    r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)</(?:div|ul|span)', re.S
)
TAG = re.compile(r"<[^>]+>")


def member_address(number):
    """The loopback address member number `number` connects from."""
    return f"127.10.{number // 250}.{number % 250 + 1}"


def _text(fragment):
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())[:120]


class Failure(Exception):
    """A request the driver counts as an error (not an expected refusal)."""


class Browser:
    """One member's browser: cookies, one keep-alive connection from the member's address."""

    def __init__(self, host, port, address, timeout=60, on_resend=None):
        self.host, self.port, self.address, self.timeout = host, port, address, timeout
        self.on_resend = on_resend
        self.cookies = {}
        self.connection = None
        self.last_used = 0.0

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method, path, data=None, *, again=True):
        reused = self.connection is not None and time.monotonic() - self.last_used <= IDLE_RECONNECT
        if not reused:
            self.close()
            self.connection = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout, source_address=(self.address, 0)
            )
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "smartprogress-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            answer = self.connection.getresponse()
        except CLOSED_BEFORE_ANSWER:
            self.close()
            if not (reused and again):
                raise
            if self.on_resend:
                self.on_resend()
            return self.request(method, path, data, again=False)
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        try:
            content = answer.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        self.last_used = time.monotonic()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if answer.getheader("Connection", "").lower() == "close":
            self.close()
        return answer.status, answer.getheader("Location", ""), content


class Member:
    def __init__(self, number, email, info):
        self.number, self.email = number, email
        self.groups = set(info["groups"])  # slugs of the groups the member takes part in
        self.asked = set()  # groups joined by request, waiting
        self.supported, self.enrolled, self.applied = set(), set(), set()
        self.browser = None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.errors = Counter()
        self.server_errors = 0
        self.refusals = Counter()
        self.ledger = []
        self.done = Counter()
        self.resends = 0

    def timed(self, kind, seconds):
        with self.lock:
            self.latencies[kind].append(seconds)

    def error(self, kind, what):
        with self.lock:
            self.errors[f"{kind}: {what}"] += 1
            if what.startswith("HTTP 5"):
                self.server_errors += 1

    def resent(self):
        with self.lock:
            self.resends += 1

    def refused(self, kind, why):
        with self.lock:
            self.refusals[f"{kind}: {why}"] += 1

    def wrote(self, entry):
        with self.lock:
            self.ledger.append(entry)
            self.done[entry["kind"]] += 1
        return entry


class Driver:
    def __init__(self, base_plan, *, host="127.0.0.1", port, password, users=24, seed=None, weights=None):
        self.plan = base_plan
        self.host, self.port, self.password = host, port, password
        self.users = users
        self.weights = weights or WEIGHTS
        self.random = random.Random(seed)  # noqa: S311 (which member does what: no secret)
        self.members = [Member(n, email, info) for n, (email, info) in enumerate(sorted(base_plan["members"].items()))]
        self.free = list(self.members)
        self.free_lock = threading.Lock()
        self.stats = Stats()
        self.stop_at = 0.0
        self.until = None
        self.proposal_serial = 0

    # The visit loop

    def run(self, seconds, until=None):
        """Drive for `seconds`, or less: until `until` (given the Stats so far) says enough.
        Returns the seconds it took."""
        self.stop_at = time.monotonic() + seconds
        self.until = until
        threads = [threading.Thread(target=self._user, args=(n,), daemon=True) for n in range(self.users)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for member in self.members:
            if member.browser:
                member.browser.close()
        return time.monotonic() - started

    def _enough(self):
        if time.monotonic() >= self.stop_at:
            return True
        with self.stats.lock:
            return self.until is not None and self.until(self.stats)

    def _checkout(self, rng):
        with self.free_lock:
            if not self.free:
                return None
            return self.free.pop(rng.randrange(len(self.free)))

    def _checkin(self, member):
        with self.free_lock:
            self.free.append(member)

    def _user(self, number):
        rng = random.Random(self.random.random() + number)  # noqa: S311
        kinds, weights = list(self.weights), list(self.weights.values())
        while not self._enough():
            member = self._checkout(rng)
            if member is None:
                time.sleep(0.05)
                continue
            try:
                # Now and then a session has expired (or the member signs in on another device).
                if member.browser is None or rng.random() < 0.03:
                    if member.browser is not None:
                        member.browser.close()
                    member.browser = Browser(
                        self.host, self.port, member_address(member.number), on_resend=self.stats.resent
                    )
                    if not self._login(member):
                        member.browser = None
                        continue
                for _ in range(rng.randint(3, 12)):
                    if self._enough():
                        break
                    getattr(self, "_" + rng.choices(kinds, weights)[0].replace(" ", "_"))(member, rng)
            except Failure:
                pass  # counted; the member's visit ends there
            finally:
                if member.browser is not None:
                    member.browser.close()
                self._checkin(member)

    # Requests, classified

    def _send(self, member, kind, method, path, data=None):
        started = time.perf_counter()
        try:
            answer = member.browser.request(method, path, data)
        except (OSError, http.client.HTTPException) as error:
            self.stats.error(kind, f"socket {type(error).__name__}")
            raise Failure from error
        self.stats.timed(kind, time.perf_counter() - started)
        if answer[0] >= 500:
            self.stats.error(kind, f"HTTP {answer[0]} {method} {path}")
            raise Failure
        return answer

    def _page(self, member, kind, path):
        status, _location, content = self._send(member, kind, "GET", path)
        if status != 200:
            self.stats.error(kind, f"HTTP {status} GET {path}")
            raise Failure
        return content

    def _token(self, member, kind, content):
        found = TOKEN.search(content)
        if found:
            return found.group(1)
        if "csrftoken" in member.browser.cookies:
            return member.browser.cookies["csrftoken"]
        self.stats.error(kind, "no CSRF token on the page")
        raise Failure

    def _write(self, member, kind, path, data, token):
        """POST, then the page it redirects to. True if the page says it worked; False (an
        expected refusal, counted by its message) if it says why not."""
        status, location, content = self._send(member, kind, "POST", path, {**data, "csrfmiddlewaretoken": token})
        if status == 200:  # the form again, with what is wrong
            errors = [_text(m) for m in FORM_ERROR.findall(content)] or ["form shown again"]
            self.stats.refused(kind, errors[0])
            return False, content, ""
        if status == 429:
            self.stats.refused(kind, "too many requests (429)")
            return False, content, ""
        if status not in (301, 302, 303):
            self.stats.error(kind, f"HTTP {status} POST {path}")
            raise Failure
        target = urllib.parse.urlsplit(location)
        if target.path.startswith("/account/login"):  # the session was lost: not a refusal
            self.stats.error(kind, f"sent to the login form by POST {path}")
            raise Failure
        target = target.path + (f"?{target.query}" if target.query else "")
        page = self._page(member, "page after a write", target)
        alerts = ALERT.findall(page)
        if any(level == "alert-success" for level, _ in alerts):
            return True, page, target
        self.stats.refused(kind, _text(alerts[0][1]) if alerts else "no message")
        return False, page, target

    def _from_page(self, member, kind, page_kind, page, action, data=None):
        """GET the page that holds the form, then POST the form with that page's token."""
        content = self._page(member, page_kind, page)
        return self._write(member, kind, action, data or {}, self._token(member, kind, content))

    # Sign-in

    def _login(self, member):
        content = self._page(member, "login form", "/account/login/")
        token = self._token(member, "login", content)
        data = {"login": member.email, "password": self.password, "csrfmiddlewaretoken": token}
        status, location, _content = self._send(member, "login", "POST", "/account/login/", data)
        if status == 429:
            self.stats.refused("login", "too many requests (429)")
            return False
        if status != 302 or "sessionid" not in member.browser.cookies or "/account/" in location:
            self.stats.error("login", f"sign-in refused (HTTP {status} to {location or 'the form'})")
            return False
        self.stats.wrote({"kind": "login", "member": member.email})
        self._page(member, "dashboard", urllib.parse.urlsplit(location).path or "/")
        return True

    # Browsing

    def _dashboard(self, member, rng):
        self._page(member, "dashboard", "/")

    def _groups(self, member, rng):
        self._page(member, "groups", "/gruppi/")

    def _some_group(self, member, rng):
        mine = sorted(member.groups)
        return rng.choice(mine) if mine and rng.random() < 0.8 else rng.choice(sorted(self.plan["groups"]))

    def _group_page(self, member, rng):
        self._page(member, "group page", f"/gruppi/{self._some_group(member, rng)}/")

    def _meeting_of(self, member, rng):
        meetings = [pk for slug in sorted(member.groups) for pk in self.plan["groups"][slug]["meetings"]]
        return rng.choice(meetings) if meetings else None

    def _meeting_page(self, member, rng):
        meeting = self._meeting_of(member, rng)
        if meeting is None:
            return self._group_page(member, rng)
        self._page(member, "meeting page", f"/incontri/{meeting}/")

    def _proposals(self, member, rng):
        self._page(member, "proposals", "/proposte/")

    def _calls(self, member, rng):
        self._page(member, "calls", "/bandi/")

    def _courses(self, member, rng):
        self._page(member, "courses", "/formazione/")

    def _directory(self, member, rng):
        self._page(member, "directory", rng.choice(self.plan["directory"]))

    # Writes

    def _join(self, member, rng):
        others = sorted(set(self.plan["groups"]) - member.groups - member.asked)
        if not others:
            return self._group_page(member, rng)
        slug = rng.choice(others)
        ok, _page, _target = self._from_page(
            member, "join", "group page", f"/gruppi/{slug}/", f"/gruppi/{slug}/partecipa/"
        )
        if ok:
            self.stats.wrote({"kind": "join", "member": member.email, "group": slug})
            (member.groups if self.plan["groups"][slug]["open"] else member.asked).add(slug)

    def _rsvp(self, member, rng):
        meeting = self._meeting_of(member, rng)
        if meeting is None:
            return self._join(member, rng)
        answer = rng.choice(ANSWERS)
        page = f"/incontri/{meeting}/"
        ok, _page, _target = self._from_page(
            member, "rsvp", "meeting page", page, f"{page}risposta/", {"answer": answer}
        )
        if ok:
            self.stats.wrote({"kind": "rsvp", "member": member.email, "meeting": meeting, "answer": answer})

    def _proposal(self, member, rng):
        if not member.groups:
            return self._join(member, rng)
        slug = rng.choice(sorted(member.groups))
        with self.stats.lock:
            self.proposal_serial += 1
            title = f"Proposta di carico {member.number}.{self.proposal_serial}.{rng.randrange(10**6)}"
        text = "Oggi ogni gruppo tiene i verbali in un posto diverso: proponiamo una cartella comune. " * 3
        data = {"title": title, "problem": text, "solution": text, "benefit": text, "azione": "invia"}
        form = f"/gruppi/{slug}/proposte/nuova/"
        ok, _page, _target = self._from_page(member, "proposal", "proposal form", form, form, data)
        if ok:
            self.stats.wrote({"kind": "proposal", "member": member.email, "group": slug, "title": title})

    def _support(self, member, rng):
        if not self.plan["proposals"]:
            return self._proposals(member, rng)
        pk = _mostly_new(rng, self.plan["proposals"], member.supported)
        ok, _page, _target = self._from_page(
            member, "support", "proposal page", f"/proposte/{pk}/", f"/proposte/{pk}/sostegno/"
        )
        if ok:
            self.stats.wrote({"kind": "support", "member": member.email, "proposal": pk})
        member.supported.add(pk)

    def _enrol(self, member, rng):
        if not self.plan["courses"]:
            return self._courses(member, rng)
        slug = _mostly_new(rng, self.plan["courses"], member.enrolled)
        page = f"/formazione/{slug}/"
        ok, _page, _target = self._from_page(member, "enrol", "course page", page, f"{page}iscriviti/")
        if ok:
            self.stats.wrote({"kind": "enrol", "member": member.email, "course": slug})
        member.enrolled.add(slug)

    def _candidacy(self, member, rng):
        """Apply to a call as the calls app asks: start (title, summary, budget), complete
        (the two declarations), submit."""
        calls = [slug for slug in self.plan["calls"] if slug not in member.applied]
        if not calls:
            return self._calls(member, rng)
        slug = rng.choice(calls)
        member.applied.add(slug)
        title = f"Candidatura di carico {member.number} {slug}"
        summary = "Un laboratorio aperto nel quartiere, con le scuole e le associazioni. " * 3
        data = {"title": title, "summary": summary, "budget": "12000"}
        form = f"/bandi/{slug}/candidatura/"
        ok, _page, target = self._from_page(member, "candidacy", "candidacy form", form, form, data)
        if not ok:
            return
        entry = self.stats.wrote({"kind": "candidacy", "member": member.email, "call": slug, "title": title})
        entry["state"] = "draft"
        data = {**data, "declares_no_conflict": "on", "accepts_ethics": "on"}
        form = f"{target}modifica/"
        ok, page, _target = self._from_page(member, "candidacy", "candidacy form", form, form, data)
        if ok:
            ok, _page, _target = self._write(
                member, "candidacy", f"{target}invia/", {}, self._token(member, "candidacy", page)
            )
            if ok:
                entry["state"] = "submitted"

    # The figures

    def summary(self, elapsed):
        stats = self.stats
        rows = {}
        for kind, values in sorted(stats.latencies.items()):
            values = sorted(values)
            rows[kind] = {
                "requests": len(values),
                "rps": round(len(values) / elapsed, 2),
                "p50_ms": round(percentile(values, 50) * 1000, 1),
                "p95_ms": round(percentile(values, 95) * 1000, 1),
                "p99_ms": round(percentile(values, 99) * 1000, 1),
            }
        total = sum(row["requests"] for row in rows.values())
        writes = Counter(entry["kind"] for entry in stats.ledger)
        return {
            "seconds": round(elapsed, 1),
            "requests": total,
            "rps": round(total / elapsed, 1),
            "kinds": rows,
            "errors": sum(stats.errors.values()),
            "resent_after_closed_keepalive": stats.resends,
            "server_errors": stats.server_errors,
            "error_detail": dict(stats.errors.most_common(20)),
            "refusals": sum(stats.refusals.values()),
            "refusal_detail": dict(stats.refusals.most_common(30)),
            "writes_succeeded": dict(sorted(writes.items())),
            "members_signed_in": len({entry["member"] for entry in stats.ledger if entry["kind"] == "login"}),
        }


def _mostly_new(rng, choices, done):
    """Mostly one not done yet; one time in ten one done already, as a double click or the
    back button sends it again (an expected refusal)."""
    fresh = [choice for choice in choices if choice not in done]
    if done and (not fresh or rng.random() < 0.1):
        return rng.choice(sorted(done))
    return rng.choice(fresh)


def percentile(values, share):
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(round(share / 100 * (len(values) - 1))))]


def table(summary):
    lines = [f"{'request':22} {'count':>7} {'rps':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"]
    lines.append("-" * len(lines[0]))
    for kind, row in summary["kinds"].items():
        lines.append(
            f"{kind:22} {row['requests']:7d} {row['rps']:7.1f} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
            f"{row['p99_ms']:8.1f}"
        )
    lines.append(f"{'all':22} {summary['requests']:7d} {summary['rps']:7.1f}")
    return "\n".join(lines)


# The database side (Django set up by the caller)


def plan(emails, *, meetings_per_group=4, proposals=60):
    """What these members may do, read from the database: their groups and the upcoming
    meetings there, the groups they may join, published proposals, open courses and calls."""
    from django.utils import timezone

    from calls.enums import CallStatus
    from calls.models import FundingCall
    from groups.enums import JoinPolicy, MeetingStatus
    from groups.models import Meeting, Membership, WorkingGroup
    from groups.proposals.enums import ProposalState
    from groups.proposals.models import Proposal
    from members.models import Member, Skill
    from training.enums import CourseState
    from training.models import Course

    now = timezone.now()
    members = {m.email: m.pk for m in Member.objects.filter(email__in=emails)}
    taking_part = defaultdict(list)
    for member_id, slug in (
        Membership.objects.taking_part().filter(member_id__in=members.values()).values_list("member_id", "group__slug")
    ):
        taking_part[member_id].append(slug)
    groups = {}
    for group in WorkingGroup.objects.active().exclude(join_policy=JoinPolicy.CLOSED).order_by("pk"):
        upcoming = Meeting.objects.filter(group=group, starts_at__gt=now + timedelta(hours=2))
        upcoming = upcoming.exclude(status=MeetingStatus.CANCELLED)
        groups[group.slug] = {
            "open": group.join_policy == JoinPolicy.OPEN,
            "meetings": list(upcoming.order_by("starts_at").values_list("pk", flat=True)[:meetings_per_group]),
        }
    skill = Skill.objects.filter(members__in_directory=True).order_by("pk").values_list("pk", flat=True).first()
    return {
        "members": {
            email: {"pk": pk, "groups": [s for s in taking_part[pk] if s in groups]} for email, pk in members.items()
        },
        "groups": groups,
        "proposals": list(
            Proposal.objects.filter(state=ProposalState.PUBLISHED)
            .order_by("-published_at")
            .values_list("pk", flat=True)[:proposals]
        ),
        "courses": [
            c.slug for c in Course.objects.filter(state=CourseState.PUBLISHED).order_by("pk") if _enrolment_open(c, now)
        ],
        "calls": list(
            FundingCall.objects.filter(status=CallStatus.OPEN, internal_deadline__gt=now + timedelta(days=1))
            .order_by("pk")
            .values_list("slug", flat=True)
        ),
        "directory": ["/rete/?q=montaggio", "/rete/"] + ([f"/rete/?skill={skill}"] if skill else []),
    }


def _enrolment_open(course, now):
    from training.services import enrolment_closed_reason

    return enrolment_closed_reason(course, now) is None


def snapshot(the_plan):
    """The state the checks compare with: these members' rows, and where each table ends."""
    from calls.models import Candidacy
    from groups.models import RSVP, Membership
    from groups.proposals.models import Proposal, Support
    from members.models import Member
    from notifications.models import Event, OutboxEmail
    from training.models import Enrolment

    pks = [info["pk"] for info in the_plan["members"].values()]

    def last(model):
        return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    return {
        "memberships": set(Membership.objects.filter(member_id__in=pks).values_list("member_id", "group__slug")),
        "rsvps": {
            (m, meeting): a
            for m, meeting, a in RSVP.objects.filter(member_id__in=pks).values_list("member_id", "meeting_id", "answer")
        },
        "last_login": dict(Member.objects.filter(pk__in=pks).values_list("pk", "last_login")),
        "last": {
            model.__name__: last(model) for model in (Proposal, Support, Enrolment, Candidacy, OutboxEmail, Event)
        },
    }


def check(the_plan, before, ledger):
    """What the database holds against what the successful requests wrote: a list of the
    differences (empty when exact) and the rows counted per kind."""
    from calls.models import Candidacy
    from groups.models import RSVP, Membership
    from groups.proposals.models import Proposal, Support
    from members.models import Member
    from notifications.models import OutboxEmail
    from training.models import Enrolment

    pk_of = {email: info["pk"] for email, info in the_plan["members"].items()}
    pks = list(pk_of.values())
    by_kind = defaultdict(list)
    for entry in ledger:
        by_kind[entry["kind"]].append(entry)
    problems, counted = [], {}

    def compare(kind, expected, found):
        counted[kind] = {"expected": len(expected), "found": len(found)}
        lost, extra = expected - found, found - expected
        if lost:
            problems.append(f"{kind}: {len(lost)} successful writes missing, e.g. {sorted(lost)[:3]}")
        if extra:
            problems.append(f"{kind}: {len(extra)} rows nobody was told were written, e.g. {sorted(extra)[:3]}")

    def compare_list(kind, expected, found):
        """Rows that may not repeat: compared as lists (a duplicate shows)."""
        compare(kind, set(expected), set(found))
        for key, n in Counter(found).items():
            if n > 1:
                problems.append(f"{kind}: {key} written {n} times")
        if len(expected) != len(set(expected)):
            problems.append(f"{kind}: the driver was told the same write succeeded twice")

    compare(
        "join",
        before["memberships"] | {(pk_of[e["member"]], e["group"]) for e in by_kind["join"]},
        set(Membership.objects.filter(member_id__in=pks).values_list("member_id", "group__slug")),
    )
    rsvps = dict(before["rsvps"])
    for entry in by_kind["rsvp"]:  # in the order they succeeded (each member's requests are sequential)
        rsvps[(pk_of[entry["member"]], entry["meeting"])] = entry["answer"]
    compare(
        "rsvp",
        set(rsvps.items()),
        {
            ((m, meeting), a)
            for m, meeting, a in RSVP.objects.filter(member_id__in=pks).values_list("member_id", "meeting_id", "answer")
        },
    )
    new = {name: {"pk__gt": pk} for name, pk in before["last"].items()}
    compare_list(
        "proposal",
        [(pk_of[e["member"]], e["group"], e["title"], "submitted") for e in by_kind["proposal"]],
        list(Proposal.objects.filter(**new["Proposal"]).values_list("author_id", "group__slug", "title", "state")),
    )
    supports = list(Support.objects.filter(**new["Support"]).values_list("member_id", "proposal_id"))
    compare_list("support", [(pk_of[e["member"]], e["proposal"]) for e in by_kind["support"]], supports)
    for proposal in Proposal.objects.filter(pk__in={p for _m, p in supports}):
        rows = Support.objects.filter(proposal=proposal).count()
        if proposal.support_count != rows:
            problems.append(f"support: proposal {proposal.pk} counts {proposal.support_count}, has {rows} rows")
    enrolments = list(
        Enrolment.objects.filter(**new["Enrolment"]).values_list("member_id", "course__slug", "course_id")
    )
    compare_list(
        "enrol", [(pk_of[e["member"]], e["course"]) for e in by_kind["enrol"]], [(m, s) for m, s, _c in enrolments]
    )
    # Each enrolment's e-mail (a seat or a place on the waiting list) was written, once: as
    # many e-mails of each kind to each member as they have new enrolments in that state.
    wanted = Counter(
        (member, f"training/email/{state}")
        for member, state in Enrolment.objects.filter(**new["Enrolment"]).values_list("member_id", "state")
    )
    written = Counter(
        OutboxEmail.objects.filter(
            **new["OutboxEmail"], kind__in=("training/email/confirmed", "training/email/waitlisted")
        ).values_list("recipient_id", "kind")
    )
    counted["enrol e-mail"] = {"expected": wanted.total(), "found": written.total()}
    if wanted != written:
        missing, extra = sorted((wanted - written).items())[:3], sorted((written - wanted).items())[:3]
        problems.append(f"enrol e-mail: missing {missing}, too many {extra}")
    for course_id in {c for _m, _s, c in enrolments}:
        from training.models import Course

        course = Course.objects.get(pk=course_id)
        held = Enrolment.objects.filter(course=course).holding_seat().count()
        if held > course.capacity:
            problems.append(f"enrol: course {course.slug} has {held} seats held for {course.capacity}")
    compare_list(
        "candidacy",
        [(pk_of[e["member"]], e["call"], e["title"], e["state"]) for e in by_kind["candidacy"]],
        list(Candidacy.objects.filter(**new["Candidacy"]).values_list("applicant_id", "call__slug", "title", "state")),
    )
    signed_in = {pk_of[e["member"]] for e in by_kind["login"]}
    moved = {
        pk
        for pk, last_login in Member.objects.filter(pk__in=pks).values_list("pk", "last_login")
        if last_login != before["last_login"].get(pk)
    }
    compare("login", signed_in, moved)
    return problems, counted


def compare_emails(outbox, received):
    """outbox: the Message-IDs of the e-mails the run caused; received: every Message-ID
    the mail server accepted, repeats included. Lost, repeated and unknown e-mails."""
    counts = Counter(received)
    expected = set(outbox)
    problems = []
    lost = expected - set(counts)
    repeated = {mid: n for mid, n in counts.items() if n > 1}
    unknown = set(counts) - expected
    if lost:
        problems.append(f"e-mail: {len(lost)} never arrived, e.g. {sorted(lost)[:3]}")
    if repeated:
        problems.append(f"e-mail: {len(repeated)} arrived more than once, e.g. {sorted(repeated.items())[:3]}")
    if unknown:
        problems.append(f"e-mail: {len(unknown)} arrived that the outbox does not hold, e.g. {sorted(unknown)[:3]}")
    return problems
