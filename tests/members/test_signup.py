import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
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


def _page(response, address):
    """The page's text with the address typed and the per-request CSRF token blanked out."""
    html = response.content.decode().replace(address, "ADDRESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# Sign-up and password reset answer the same for known and unknown addresses (issue 6):
# only the address's owner learns the difference, by e-mail.


def test_signup_known_address_answers_as_a_new_one_and_tells_the_owner(client):
    owner = MemberFactory(email="anna.verdi@soci.example")

    known = client.post(reverse("account_signup"), {**GOOD, "email": "Anna.Verdi@soci.example"}, follow=True)
    new = Client().post(reverse("account_signup"), {**GOOD, "email": "bruno.neri@soci.example"}, follow=True)

    assert known.redirect_chain == new.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
    assert _page(known, "anna.verdi@soci.example") == _page(new, "bruno.neri@soci.example")
    assert Member.objects.filter(email__iexact="anna.verdi@soci.example").get() == owner
    mail = OutboxEmail.objects.get(to="anna.verdi@soci.example")
    assert (mail.recipient, mail.kind, mail.subject) == (
        owner,
        "account/email/account_already_exists",
        "[Smart in Progress] Hai già un account",
    )
    assert (
        "qualcuno, forse tu, ha provato a registrarsi a Smart in Progress con questo indirizzo: "
        "anna.verdi@soci.example. Hai già un account"
    ) in mail.body_text
    assert "http://testserver/account/password/reset/" in mail.body_text


def test_signup_known_address_in_english_tells_the_owner_in_english(client):
    MemberFactory(email="anna.verdi@soci.example", language="en")

    client.post(reverse("account_signup"), {**GOOD, "email": "anna.verdi@soci.example"})

    assert OutboxEmail.objects.get().subject == "[Smart in Progress] You already have an account"


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


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client):
    MemberFactory(email="anna.verdi@soci.example")

    known = client.post(reverse("account_reset_password"), {"email": "anna.verdi@soci.example"}, follow=True)
    unknown = Client().post(reverse("account_reset_password"), {"email": "nessuno@soci.example"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    assert _page(known, "anna.verdi@soci.example") == _page(unknown, "nessuno@soci.example")
    assert dict(OutboxEmail.objects.values_list("to", "kind")) == {
        "anna.verdi@soci.example": "account/email/password_reset_key",
        "nessuno@soci.example": "account/email/unknown_account",
    }


def test_password_reset_unknown_address_gets_no_account_email_with_sign_up_link(client):
    client.post(reverse("account_reset_password"), {"email": "nessuno@soci.example"})

    mail = OutboxEmail.objects.get()
    assert (mail.to, mail.recipient, mail.subject) == (
        "nessuno@soci.example",
        None,
        "[Smart in Progress] Nessun account con questo indirizzo",
    )
    assert "per questo indirizzo: nessuno@soci.example. Però nessun account usa questo indirizzo" in mail.body_text
    assert "http://testserver/account/signup/" in mail.body_text


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
