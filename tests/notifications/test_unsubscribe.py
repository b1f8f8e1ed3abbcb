"""One-click unsubscribe (RFC 8058), read back from the message as a mail client would."""

from email import message_from_string, policy
from urllib.parse import urlsplit

import pytest
from django.test import Client

from groups import kinds
from notifications import services
from notifications.enums import DigestFrequency
from notifications.models import OutboxEmail, Preferences
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _sent_headers(member, kind_key, mailoutbox):
    """Queue and send an e-mail carrying the unsubscribe headers; parse what went out."""
    row = OutboxEmail.objects.create(
        recipient=member,
        to=member.email,
        kind="test",
        subject="L'incontro",
        body_text="Testo",
        headers=services.unsubscribe_headers(member, kind_key),
    )
    services.send_outbox_email(row.pk)
    return message_from_string(mailoutbox[-1].message().as_string(), policy=policy.default)


def _one_click(url):
    """What a mail client does (RFC 8058): a POST with that body, no cookie, no CSRF token."""
    client = Client(enforce_csrf_checks=True)
    return client.post(
        urlsplit(url).path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )


def test_one_click_post_without_cookies_turns_that_kind_off(member, mailoutbox):
    message = _sent_headers(member, kinds.MEETING_CREATED, mailoutbox)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip().strip("<>")
    assert url.startswith("http") and "/disiscrizione/" in url

    response = _one_click(url)

    assert response.status_code == 200
    assert Preferences.objects.get(member=member).emails_off == [kinds.MEETING_CREATED]


def test_one_click_turns_the_digest_off(member, mailoutbox):
    url = _sent_headers(member, services.DIGEST, mailoutbox)["List-Unsubscribe"].strip().strip("<>")

    assert _one_click(url).status_code == 200

    assert Preferences.objects.get(member=member).digest_frequency == DigestFrequency.NONE


def test_get_asks_for_confirmation_and_changes_nothing(client, member):
    token = services.unsubscribe_token(member, kinds.MEETING_CREATED)

    response = client.get(f"/disiscrizione/{token}/")

    assert response.status_code == 200
    assert "Vuoi smettere di ricevere e-mail" in response.content.decode()
    assert not Preferences.objects.filter(member=member).exists()


def test_token_survives_a_password_change(member):
    token = services.unsubscribe_token(member, kinds.POLL_CREATED)
    member.set_password("una-nuova-password-lunga")
    member.save()

    assert _one_click(f"/disiscrizione/{token}/").status_code == 200
    assert Preferences.objects.get(member=member).emails_off == [kinds.POLL_CREATED]


def test_reused_token_is_a_no_op(member):
    token = services.unsubscribe_token(member, kinds.POLL_CREATED)

    first, second = _one_click(f"/disiscrizione/{token}/"), _one_click(f"/disiscrizione/{token}/")

    assert (first.status_code, second.status_code) == (200, 200)
    assert "Già ora non ricevi e-mail" in second.content.decode()
    assert Preferences.objects.get(member=member).emails_off == [kinds.POLL_CREATED]


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "eyJtIjoxLCJrIjoiZGlnZXN0In0:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "%00",
        "x" * 10_000,
        "١٢٣",
    ],
)
def test_bad_tokens_get_a_clear_page_and_change_nothing(client, member, token):
    for response in (client.get(f"/disiscrizione/{token}/"), _one_click(f"/disiscrizione/{token}/")):
        assert response.status_code in (400, 404)
    assert not Preferences.objects.exists()


def test_tampered_token_for_another_member_changes_nothing(member):
    other = MemberFactory()
    token = services.unsubscribe_token(member, kinds.POLL_CREATED)
    payload, signature = token.rsplit(":", 1)
    forged = services.unsubscribe_token(other, kinds.POLL_CREATED).rsplit(":", 1)[0] + ":" + signature

    response = _one_click(f"/disiscrizione/{forged}/")

    assert response.status_code == 400
    assert "Questo link non funziona" in response.content.decode()
    assert not Preferences.objects.exists()


def test_token_of_a_kind_that_cannot_be_turned_off_or_unknown_is_refused(member):
    token = services.unsubscribe_token(member, "nobody.registered_this")

    assert _one_click(f"/disiscrizione/{token}/").status_code == 400
    assert not Preferences.objects.exists()
