"""No 500 from any input: every form of the portal, fed what people (and robots) really type.

The forms are found, not listed: the crawler reads every page each kind of person reaches and
keeps each <form method="post"> with its fields, so a form added tomorrow is fuzzed tomorrow.
Hypothesis fills the text fields with very long strings, control characters, mixed scripts,
right-to-left text, HTML and script fragments, calendar-edge dates and digits of other scripts;
choices keep a valid value (or get a wrong one). Each answer must be below 500, and what a
form saved must be exactly what was typed (or nothing): every typed text starts with a unique
marker, and any text column of a table the request wrote that starts with that marker must
hold the typed text, whole. The admin's search of every model and the roster import are fed
the same.
"""

import itertools
import os
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.crawl import crawl, demo_world, shape

# A longer hunt: FUZZ_EXAMPLES=200 make test PYTEST_ARGS=tests/smartprogress/test_fuzz_forms.py
EXAMPLES_PER_FORM = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# Posting these would end the walk (log-out) or is not a form a person fills in.
NOT_FUZZED = ("/account/logout/", "/lingua/")

NASTY = [
    "x" * 10_000,
    'L\'incontro "di" luglio & co.',
    "<script>alert('x')</script><b>grassetto</b>",
    "{{ 7*7 }} {% debug %} %(name)s %s {0}",
    "مرحبا بالعالم \u202eabc\u202c שלום",
    "Привет, 你好, ﷽, 👩‍👩‍👧‍👦, e\u0301",
    "\u200b\u200d\ufeff",
    "a\tb\rc\nd\x0b\x0c\x1b[31m",
    "\x7f\x85\u2028\u2029",
    "١٢٣٤٥٦",
    "१२३४",
    "٢٠٢٠-٠٧-٠٦",
    "9999-12-31",
    "0001-01-01",
    "2020-02-30",
    "9999-12-31T23:59",
    "0000-00-00 00:00",
    "31/12/9999 23:59",
    "-1",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "-0.000001",
    "   ",
    "",
]

TEXT = st.one_of(
    st.sampled_from(NASTY),
    # Anything Unicode holds (NUL bytes are refused with a 400 by the portal's middleware).
    st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1000, max_size=3000),
)


class _Forms(HTMLParser):
    """Every <form method="post"> of a page: its action and its fields as a browser sends them."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "files": []}
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self._form["files"].append(attrs["name"])
            elif kind in ("checkbox", "radio"):
                self._form["fields"].setdefault(attrs["name"], ("choice", []))[1].append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "image", "reset"):
                self._form["fields"][attrs["name"]] = (kind, attrs.get("value", ""))
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["fields"][self._select] = ("choice", [])
        elif tag == "option" and self._select:
            self._form["fields"][self._select][1].append(attrs.get("value", ""))
        elif tag == "textarea" and attrs.get("name"):
            self._form["fields"][attrs["name"]] = ("textarea", "")

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def post_forms(visits):
    """The post forms the crawl met, one per (action shape, field names)."""
    found = {}
    for visit in visits:
        if visit.status != 200 or not visit.is_html:
            continue
        parser = _Forms()
        parser.feed(visit.response.content.decode())
        for form in parser.forms:
            action = urlsplit(urljoin(visit.url, form["action"])).path
            if action.startswith(NOT_FUZZED) or action.startswith("/admin/"):
                continue
            key = (shape(action), tuple(sorted(form["fields"])))
            found.setdefault(key, (action, form))
    return list(found.values())


_markers = itertools.count(1)
TYPED_KINDS = ("text", "textarea", "search", "email", "url", "tel", "password")


def _changed_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables")
        return dict(cursor.fetchall())


def _text_columns(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND data_type IN ('text', 'character varying')",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def _saved_not_as_typed(before, typed):
    """Text columns, in the tables the request wrote, that start with a marker of a typed value
    and hold anything but that value (cut, changed); and how many held it whole."""
    after = _changed_tables()
    written = [table for table, count in after.items() if count != before.get(table, 0) and table != "django_session"]
    wrong, whole = [], 0
    for marker, value in typed.items():
        for table in written:
            for column in _text_columns(table):
                with connection.cursor() as cursor:
                    cursor.execute(
                        f'SELECT "{column}" FROM "{table}" WHERE starts_with("{column}", %s)',  # noqa: S608
                        [marker],
                    )
                    for (stored,) in cursor.fetchall():
                        if stored in (value, value.strip()):
                            whole += 1
                        else:
                            wrong.append(f"{table}.{column}: typed {value[:60]!r}…, saved {stored[:60]!r}…")
    return wrong, whole


def _fill(form, data):
    """The form's fields: typed ones from Hypothesis (marked), choices valid or not."""
    values, typed = {}, {}
    for name, (kind, default) in form["fields"].items():
        if kind == "hidden":
            values[name] = default
        elif kind == "choice":
            options = [option for option in default if option]
            values[name] = data.draw(st.sampled_from([*options, "999999", "<x>", "١"] if options else ["on", ""]))
        elif kind in TYPED_KINDS:
            text = data.draw(TEXT)
            if text.strip() and kind in ("text", "textarea", "search"):
                marker = f"ZQ{next(_markers)}Z"
                text = marker + text
                typed[marker] = text
            values[name] = text
        else:  # date, datetime-local, number, time...: the same hostile text
            values[name] = data.draw(TEXT)
    files = {name: SimpleUploadedFile("x.pdf", b"%PDF-1.4 x") for name in form["files"]}
    return {**values, **files}, typed


@pytest.fixture
def people(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return demo_world()


def _fuzz(client, action, form, saved):
    problems = []

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        database=None,
        derandomize=EXAMPLES_PER_FORM <= 10,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data):
        values, typed = _fill(form, data)
        before = _changed_tables()
        response = client.post(action, values)
        if response.status_code >= 500:
            problems.append(f"{action}: {response.status_code} for {values!r:.300}")
        wrong, whole = _saved_not_as_typed(before, typed)
        problems.extend(f"{action}: {line}" for line in wrong)
        saved.append(whole)

    run()
    return problems


@pytest.mark.parametrize("role", ["A", "U", "P", "F", "S"])
def test_no_form_answers_500_and_saves_only_what_was_typed(client, people, role):
    if role != "A":
        client.force_login(people[role])
    forms = post_forms(crawl(client, per_shape=2))
    assert len(forms) >= 2

    problems, saved = [], []
    for action, form in forms:
        problems.extend(_fuzz(client, action, form, saved))

    assert problems == [], "\n".join(problems[:30])
    # Members' forms accepted hostile text and stored it whole: the check had something to check.
    assert sum(saved) > 0 or role in ("A", "U")


def test_admin_search_of_every_model_takes_any_text(client, people):
    client.force_login(people["S"])
    searchable = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model, model_admin in admin.site._registry.items()
        if model_admin.search_fields
    ]
    assert len(searchable) > 5
    problems = []

    @settings(max_examples=15, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(query=TEXT)
    def run(query):
        for url in searchable:
            response = client.get(url, {"q": query})
            if response.status_code >= 500:
                problems.append(f"{url}?q={query!r:.100}: {response.status_code}")

    run()
    assert problems == [], "\n".join(problems[:30])


def test_roster_import_takes_any_file(client, people):
    client.force_login(people["S"])
    url = reverse("admin:members_rosterentry_import")
    problems = []
    raw = st.one_of(
        st.binary(max_size=2000),
        st.lists(st.tuples(TEXT, TEXT, TEXT), max_size=5).map(
            lambda rows: ("numero,email,nome\n" + "\n".join(",".join(row) for row in rows)).encode("utf-8", "replace")
        ),
    )

    @settings(max_examples=40, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(content=raw)
    def run(content):
        response = client.post(url, {"file": SimpleUploadedFile("soci.csv", content, content_type="text/csv")})
        if response.status_code >= 500:
            problems.append(f"{content!r:.200}: {response.status_code}")

    run()
    assert problems == [], "\n".join(problems[:30])
