import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from members.models import Member
from notifications.models import OutboxEmail
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "full_name": "Anna Verdi",
    "email": "anna.verdi@soci.example",
    "password1": "Ciclamino-Rosso-77",
    "password2": "Ciclamino-Rosso-77",
    "privacy": "on",
}


def test_signup_sends_verification_link_in_italian(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), GOOD)

    assert response.status_code == 302
    member = Member.objects.get(email="anna.verdi@soci.example")
    assert (member.full_name, member.language, member.status) == ("Anna Verdi", "it", "registered")
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert re.search(r"http://testserver/account/confirm-email/\S+/", body)
    assert "Conferma" in mailoutbox[0].subject or "conferma" in mailoutbox[0].subject


def test_signup_then_confirm_link_verifies_email(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), GOOD)
    link = re.search(r"http://testserver(/account/confirm-email/\S+/)", mailoutbox[0].body).group(1)

    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="anna.verdi@soci.example").verified is True


def test_signup_email_already_used_shows_message_and_keeps_input(client):
    MemberFactory(email="anna.verdi@soci.example")

    response = client.post(reverse("account_signup"), {**GOOD, "email": "Anna.Verdi@soci.example"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Un utente è già registrato con questo indirizzo email." in html
    assert 'value="Anna Verdi"' in html
    assert Member.objects.filter(email__iexact="anna.verdi@soci.example").count() == 1


def test_signup_weak_password_shows_italian_message_and_keeps_input(client):
    response = client.post(reverse("account_signup"), {**GOOD, "password1": "12345", "password2": "12345"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Questa password è troppo corta: usa almeno 10 caratteri." in html
    assert 'value="Anna Verdi"' in html
    assert 'value="anna.verdi@soci.example"' in html
    assert not Member.objects.exists()


def test_signup_missing_fields_each_get_a_message(client):
    response = client.post(reverse("account_signup"), {"email": "anna.verdi@soci.example"})

    html = response.content.decode()
    assert html.count("Questo campo è obbligatorio.") == 3
    assert "Per registrarti devi accettare l&#x27;informativa privacy." in html
    assert 'value="anna.verdi@soci.example"' in html


def test_login_before_email_verified_is_held(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), GOOD)
    client.logout()

    response = client.post(reverse("account_login"), {"login": GOOD["email"], "password": GOOD["password1"]})

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")


def test_password_reset_sends_link_that_sets_new_password(client, mailoutbox, django_capture_on_commit_callbacks):
    person = MemberFactory(email="anna.verdi@soci.example")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "anna.verdi@soci.example"})
    link = re.search(r"http://testserver(/account/password/reset/key/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link).url
    response = client.post(form_url, {"password1": "Nuova-Password-2026", "password2": "Nuova-Password-2026"})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Nuova-Password-2026")
    assert mailoutbox[0].subject == "[Smart in Progress] Email per reimpostare la password"


def test_password_reset_unknown_address_gets_message(client):
    response = client.post(reverse("account_reset_password"), {"email": "nessuno@soci.example"})

    assert response.status_code == 200
    assert 'value="nessuno@soci.example"' in response.content.decode()


# Addresses longer than the account can hold (254 characters; Django's EmailValidator
# allows 320) are refused next to the field, never stored cut.


def _address_of_length(length):
    local, tld = "a" * 64, ".example"
    remaining = length - len(local) - 1 - len(tld)
    labels = []
    while remaining > 64:
        labels.append("b" * 63)
        remaining -= 64
    address = f"{local}@{'.'.join([*labels, 'c' * remaining])}{tld}"
    assert len(address) == length
    return address


TOO_LONG = "Questo indirizzo e-mail è troppo lungo: può avere al massimo 254 caratteri."


@pytest.mark.parametrize("length", [255, 320])
def test_signup_address_too_long_refused_next_to_field(client, length):
    response = client.post(reverse("account_signup"), {**GOOD, "email": _address_of_length(length)})

    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert not Member.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_signup_address_of_254_characters_is_kept_whole(client):
    address = _address_of_length(254)

    response = client.post(reverse("account_signup"), {**GOOD, "email": address})

    assert response.status_code == 302
    assert Member.objects.get().email == address
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [address]


def test_add_email_address_too_long_refused_next_to_field(client, member):
    client.force_login(member)

    response = client.post(reverse("account_email"), {"email": _address_of_length(255), "action_add": ""})

    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert list(EmailAddress.objects.values_list("email", flat=True)) == [member.email]


def test_password_reset_address_too_long_refused_next_to_field(client):
    response = client.post(reverse("account_reset_password"), {"email": _address_of_length(300)})

    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert not OutboxEmail.objects.exists()


def test_signup_name_too_long_refused_not_cut(client):
    response = client.post(reverse("account_signup"), {**GOOD, "full_name": "A" * 151})

    assert response.status_code == 200
    assert "Assicurati che questo valore non contenga più di 150 caratteri (ne ha 151)." in response.content.decode()
    assert not Member.objects.exists()
