"""Sessions are read with one written-out statement (smartprogress/sessions.py): a logout
ends the session, an expired or unknown one signs nobody in, the data comes back whole."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smartprogress.sessions import SessionStore
from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def _signed_in(client):
    return client.get(reverse("members:profile")).status_code == 200


def _log_in(client, member):
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    return client.cookies["sessionid"].value


def test_a_logout_ends_the_session_for_whoever_keeps_the_cookie():
    member = MemberFactory()
    client = Client()
    key = _log_in(client, member)
    assert _signed_in(client)

    client.post(reverse("account_logout"))
    kept = Client()
    kept.cookies["sessionid"] = key
    assert not _signed_in(kept)
    assert not Session.objects.filter(session_key=key).exists()


def test_an_expired_or_unknown_session_signs_nobody_in():
    client = Client()
    key = _log_in(client, MemberFactory())
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not _signed_in(client)

    stranger = Client()
    stranger.cookies["sessionid"] = "z" * 32
    assert not _signed_in(stranger)


def test_the_data_written_comes_back_and_a_missing_key_starts_empty():
    store = SessionStore()
    store["greeting"] = "Ciao, à bientôt"
    store["numbers"] = [1, 2, 3]
    store.save()
    again = SessionStore(store.session_key)
    assert again["greeting"] == "Ciao, à bientôt" and again["numbers"] == [1, 2, 3]

    gone = SessionStore("y" * 32)
    assert gone.load() == {} and gone.session_key is None


def test_reading_a_session_is_one_query(django_assert_num_queries):
    store = SessionStore()
    store["x"] = 1
    store.save()
    with django_assert_num_queries(1):
        assert SessionStore(store.session_key)["x"] == 1
