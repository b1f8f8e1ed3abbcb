from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import OutboxEmail
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _row(**fields):
    return OutboxEmail.objects.create(to="anna@soci.example", kind="test", subject="Ciao", body_text="Testo", **fields)


def test_send_outbox_email_sends_once_even_if_called_twice(mailoutbox):
    row = _row()

    first = services.send_outbox_email(row.pk)
    second = services.send_outbox_email(row.pk)

    assert (first, second) == (True, False)
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1


def test_send_outbox_email_skips_fresh_claim_of_another_worker(mailoutbox):
    row = _row(claimed_at=timezone.now())

    assert services.send_outbox_email(row.pk) is False
    assert mailoutbox == []


def test_sweep_resends_row_whose_worker_died(mailoutbox):
    # Claimed long ago and never sent: the worker was killed mid-send.
    row = _row(claimed_at=timezone.now() - timedelta(hours=1), attempts=1)

    assert services.sweep_outbox() == 1
    row.refresh_from_db()
    assert (row.attempts, len(mailoutbox)) == (2, 1)


def test_failed_send_releases_claim_and_records_error(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    row = _row()

    assert services.send_outbox_email(row.pk) is False

    row.refresh_from_db()
    assert (row.sent_at, row.claimed_at, row.attempts) == (None, None, 1)
    assert "Connection refused" in row.last_error or "Errno" in row.last_error
    # The next try waits: a sweep right now leaves it alone.
    assert row.retry_after > timezone.now()
    assert services.sweep_outbox() == 0


def test_row_waiting_for_retry_is_sent_once_its_time_comes(mailoutbox):
    row = _row(attempts=3, retry_after=timezone.now() - timedelta(seconds=1))

    assert services.sweep_outbox() == 1
    row.refresh_from_db()
    assert row.sent_at is not None


def test_queue_email_renders_in_receivers_language(member, mailoutbox, django_capture_on_commit_callbacks):
    member.language = "en"
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_email(member, "members/email/verified", {})

    assert mailoutbox[0].subject == "You are a verified member of Smart in Progress"


def test_queue_email_rolled_back_action_leaves_no_email(member):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.queue_email(member, "members/email/verified", {})
        raise RuntimeError("the action failed")

    assert OutboxEmail.objects.count() == 0


def test_broker_down_action_succeeds_and_sweep_sends(member, broker_down, django_capture_on_commit_callbacks, caplog):
    """With the broker unreachable the e-mail stays in the outbox; the sweep sends it."""
    with django_capture_on_commit_callbacks(execute=True):
        row = services.queue_email(member, "members/email/verified", {})

    row.refresh_from_db()
    assert row.sent_at is None
    assert "Connection refused" in caplog.text
    assert services.sweep_outbox() == 1
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_email_subject_and_text_keep_apostrophes_and_ampersands(member):
    meeting = MeetingFactory(title="L'assemblea d'autunno & <altro>", group__name="Dentro e fuori i bandi")

    subject, text, _html = services.make_message(
        "groups/email/meeting_created", {"member": member, "meeting": meeting}, language="it"
    )

    assert subject == "Nuovo incontro di Dentro e fuori i bandi: L'assemblea d'autunno & <altro>"
    assert "“L'assemblea d'autunno & <altro>”" in text


def test_refusal_reason_reaches_the_email_unescaped(member):
    services.queue_email(member, "members/email/refused", {"reason": "Il numero non c'è nell'elenco & va corretto"})

    assert "Il numero non c'è nell'elenco & va corretto" in OutboxEmail.objects.get().body_text


def test_long_subject_is_stored_whole(member):
    title = "Incontro " + "lungo " * 60

    row = services.store_email(to=member.email, kind="test", subject=title, text="Testo")

    row.refresh_from_db()
    assert row.subject == title


def test_message_id_is_the_same_at_every_attempt(mailoutbox):
    row = _row()
    services.send_outbox_email(row.pk)
    OutboxEmail.objects.filter(pk=row.pk).update(sent_at=None, claimed_at=None)  # as if the worker died

    services.send_outbox_email(row.pk)

    first, second = (message.message()["Message-ID"] for message in mailoutbox)
    assert first == second == services.message_id(row)
    assert first.startswith(f"<outbox.{row.pk}.") and first.endswith("@smartit.example>")
