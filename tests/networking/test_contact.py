"""Writing to a member: in the portal and by e-mail, with neither address shown unless the
sender shares theirs; blocks; the hourly limit; who may write to whom."""

import pytest

from networking.models import Block, ContactMessage
from notifications.models import OutboxEmail
from tests.factories import MemberFactory, VerifiedMemberFactory
from tests.networking.factories import listed_member

pytestmark = pytest.mark.django_db


def _write(client, recipient, body="Ciao, facciamo un progetto insieme?", **extra):
    return client.post(f"/rete/soci/{recipient.pk}/contatta/", {"body": body, **extra})


def test_message_reaches_the_recipient_without_either_address(client):
    recipient = listed_member(full_name="Giulia Rossi", email="giulia@soci.example")
    sender = VerifiedMemberFactory(full_name="Marco D'Angelo", email="marco@soci.example")
    client.force_login(sender)

    response = _write(client, recipient, body="Un'idea: un corso di fonica & montaggio")

    assert response.status_code == 302
    message = ContactMessage.objects.get()
    assert (message.sender, message.recipient, message.shares_address) == (sender, recipient, False)
    email = OutboxEmail.objects.get()
    assert email.to == "giulia@soci.example"
    assert "marco@soci.example" not in email.body_text
    assert "Un'idea: un corso di fonica & montaggio" in email.body_text
    assert "Marco D'Angelo" in email.subject
    client.force_login(recipient)
    inbox = client.get("/rete/messaggi/").content.decode()
    assert "marco@soci.example" not in inbox
    assert "Un&#x27;idea: un corso di fonica &amp; montaggio" in inbox


def test_message_shares_the_reply_address_only_when_asked(client):
    recipient = listed_member()
    sender = VerifiedMemberFactory(email="marco@soci.example")
    client.force_login(sender)

    _write(client, recipient, shares_address="on")

    assert "marco@soci.example" in OutboxEmail.objects.get().body_text
    client.force_login(recipient)
    assert "marco@soci.example" in client.get("/rete/messaggi/").content.decode()


def test_inbox_marks_messages_read(client):
    recipient = listed_member()
    client.force_login(VerifiedMemberFactory())
    _write(client, recipient)
    client.force_login(recipient)

    client.get("/rete/messaggi/")

    assert ContactMessage.objects.get().read_at is not None


def test_blocked_sender_gets_a_clear_message_and_nothing_is_sent(client):
    recipient = listed_member()
    sender = VerifiedMemberFactory()
    client.force_login(sender)
    _write(client, recipient, body="Prima")
    client.force_login(recipient)
    client.post(f"/rete/soci/{sender.pk}/blocca/", {"azione": "blocca"})
    client.force_login(sender)

    response = _write(client, recipient, body="Rispondimi!")

    assert response.status_code == 200
    assert "non desidera ricevere i tuoi messaggi" in response.content.decode()
    assert "Rispondimi!" in response.content.decode()  # what they wrote is kept
    assert list(ContactMessage.objects.values_list("body", flat=True)) == ["Prima"]
    assert OutboxEmail.objects.count() == 1


def test_unblock_lets_messages_through_again(client):
    recipient = listed_member()
    sender = VerifiedMemberFactory()
    Block.objects.create(blocker=recipient, blocked=sender)
    client.force_login(recipient)
    client.post(f"/rete/soci/{sender.pk}/blocca/", {"azione": "sblocca"})
    client.force_login(sender)

    assert _write(client, recipient).status_code == 302


def test_recipient_may_answer_a_sender_outside_the_directory(client):
    recipient = listed_member()
    sender = VerifiedMemberFactory()
    client.force_login(sender)
    _write(client, recipient)
    client.force_login(recipient)

    assert _write(client, sender, body="Volentieri!").status_code == 302
    # Nobody else may write to someone outside the directory.
    client.force_login(VerifiedMemberFactory())
    assert _write(client, sender).status_code == 404


def test_messages_are_rate_limited(client, settings):
    settings.MESSAGES_PER_HOUR = 2
    recipient = listed_member()
    client.force_login(VerifiedMemberFactory())

    answers = [_write(client, recipient, body=f"Messaggio {n}").status_code for n in range(3)]

    assert answers == [302, 302, 200]
    assert ContactMessage.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Questo campo è obbligatorio."),
        ("   ", "Questo campo è obbligatorio."),
        ("x" * 10_000, "non contenga più di 2000"),
    ],
)
def test_bad_message_gets_a_clear_error(client, body, error):
    recipient = listed_member()
    client.force_login(VerifiedMemberFactory())

    response = _write(client, recipient, body=body)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert ContactMessage.objects.count() == 0


def test_nul_in_message_is_refused(client):
    recipient = listed_member()
    client.force_login(VerifiedMemberFactory())

    assert _write(client, recipient, body="a\x00b").status_code == 400


def test_not_verified_may_not_write(client):
    recipient = listed_member()
    client.force_login(MemberFactory())

    assert _write(client, recipient).status_code == 403
    client.logout()
    assert _write(client, recipient).status_code == 302
    assert ContactMessage.objects.count() == 0


def test_nobody_writes_to_themselves(client):
    me = listed_member()
    client.force_login(me)

    assert _write(client, me).status_code == 404


def test_inbox_query_count_does_not_grow(client, django_assert_num_queries):
    recipient = listed_member()
    ContactMessage.objects.create(sender=VerifiedMemberFactory(), recipient=recipient, body="Ciao")
    client.force_login(recipient)
    # session, user, count, page, blocks, mark read, sent
    with django_assert_num_queries(7):
        client.get("/rete/messaggi/")
    for _ in range(5):
        ContactMessage.objects.create(sender=VerifiedMemberFactory(), recipient=recipient, body="Ciao")
    with django_assert_num_queries(7):
        client.get("/rete/messaggi/")


def test_nobody_blocks_a_member_they_cannot_meet(client):
    stranger = VerifiedMemberFactory()
    client.force_login(VerifiedMemberFactory())

    assert client.post(f"/rete/soci/{stranger.pk}/blocca/", {"azione": "blocca"}).status_code == 404
    assert Block.objects.count() == 0
