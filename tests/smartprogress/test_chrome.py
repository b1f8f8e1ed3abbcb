"""The navigation, head links and footer are rendered once per language and kind of reader
(smartprogress/templatetags/chrome.py): each reader still gets their own kind, language,
path and CSRF token, whoever asked before them."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _header(client, path="/privacy/"):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index("<header>") : page.index("</header>")]


def test_each_kind_of_reader_gets_their_own_navigation_in_turn():
    visitor, member, staff = Client(), Client(), Client()
    member.force_login(MemberFactory())
    staff.force_login(StaffFactory())
    for _ in range(2):  # the second round is served from the kept copies
        seen = _header(visitor)
        assert "Accedi" in seen and "Esci" not in seen and 'id="bell"' not in seen
        seen = _header(member)
        assert "Esci" in seen and 'id="bell"' in seen and "Amministrazione" not in seen and "Accedi" not in seen
        seen = _header(staff)
        assert "Esci" in seen and "Amministrazione" in seen


def test_italian_and_english_readers_never_share_a_navigation():
    italian, english = Client(), Client()
    italian.force_login(MemberFactory(language="it"))
    english.force_login(MemberFactory(language="en"))
    for _ in range(2):
        seen = _header(english)
        assert ">Groups<" in seen and ">Log out<" in seen and "Gruppi" not in seen
        seen = _header(italian)
        assert ">Gruppi<" in seen and ">Esci<" in seen and "Log out" not in seen


def test_the_language_switch_returns_to_the_readers_own_page_escaped():
    client = Client()
    assert 'name="next" value="/privacy/"' in _header(client, "/privacy/")
    seen = _header(client, '/gruppi/?q=<b>"x"&y=1')
    assert 'name="next" value="/gruppi/?q=%3Cb%3E%22x%22&amp;y=1"' in seen
    assert "sip-chrome" not in seen


def test_each_reader_gets_their_own_csrf_token_and_it_is_accepted():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    mine = TOKEN.findall(_header(first))
    theirs = TOKEN.findall(_header(second))
    # The two forms of the header (log-out is a member's only) carry the request's token.
    assert len(mine) == 1 and len(theirs) == 1
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value

    switch = {"language": "en", "next": "/privacy/"}
    response = first.post(reverse("set_language"), {**switch, "csrfmiddlewaretoken": mine[0]})
    assert response.status_code == 302
    assert ">Groups<" in _header(first)
    refused = second.post(reverse("set_language"), {**switch, "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


def test_a_signed_in_reader_has_both_forms_with_the_same_token():
    client = Client()
    client.force_login(MemberFactory())
    tokens = TOKEN.findall(_header(client))
    assert len(tokens) == 2 and tokens[0] == tokens[1]
