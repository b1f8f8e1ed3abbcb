import logging
import smtplib
import zoneinfo
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from notifications import registry
from notifications.breaker import CircuitBreaker
from notifications.enums import DigestFrequency
from notifications.models import Event, Notification, OutboxEmail, Preferences

logger = logging.getLogger(__name__)

# Publishing a task from a request: one try with one-second timeouts. The worker's
# own connection keeps the longer timeouts of CELERY_BROKER_TRANSPORT_OPTIONS.
PUBLISH_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1, "max_retries": 0}
broker = CircuitBreaker("Celery broker")

# A claim older than this belongs to a worker that died mid-send: retry it.
STALE_CLAIM = timedelta(minutes=10)
# A failed send waits 2, 4, 8… minutes (at most 6 hours) before the next try, so a
# mail server down for a day still gets every e-mail; after this many failures a
# row waits for staff (visible in the admin).
MAX_ATTEMPTS = 20
MAX_BACKOFF = timedelta(hours=6)


def _sendable(now):
    return (
        OutboxEmail.objects.unsent()
        .filter(attempts__lt=MAX_ATTEMPTS)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
        .filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))
    )


def make_message(template_prefix, context, *, language, time_zone=settings.TIME_ZONE):
    """Render subject, text and HTML of an e-mail in the receiver's language and time zone.

    Templates: `<prefix>_subject.txt`, `<prefix>_message.txt` and, optionally,
    `<prefix>_message.html`.
    """
    context = {"site_url": settings.SITE_URL, "TIME_ZONE": time_zone, **context}
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with translation.override(language), timezone.override(zone):
        # Subject and text are plain text: rendered without HTML escaping.
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context, using="text").split())
        text = render_to_string(f"{template_prefix}_message.txt", context, using="text")
        try:
            html = render_to_string(f"{template_prefix}_message.html", context)
        except TemplateDoesNotExist:
            html = ""
    return subject, text, html


def queue_email(member, template_prefix, context, *, headers=None):
    """Write an e-mail to `member` into the outbox; it is sent after commit."""
    subject, text, html = make_message(
        template_prefix, {"member": member, **context}, language=member.language, time_zone=member.time_zone
    )
    return store_email(
        to=member.email,
        recipient=member,
        kind=template_prefix,
        subject=subject,
        text=text,
        html=html,
        headers=headers,
    )


def store_email(*, to, kind, subject, text, html="", headers=None, recipient=None):
    email = OutboxEmail.objects.create(
        recipient=recipient,
        to=to,
        kind=kind,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers or {},
    )
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(email_id):
    """Ask a worker to send the row now. Never holds the request for long: one
    short try, none while the broker is known to be down; the sweep sends the
    row in any case."""
    from notifications.tasks import send_email

    _publish(send_email, email_id)


def _publish(task, *args):
    if broker.is_open:
        return
    try:
        with task.app.connection_for_write(transport_options=PUBLISH_TRANSPORT_OPTIONS) as connection:
            task.apply_async(args, connection=connection, retry=False)
    except Exception:
        broker.trip()


def message_id(email):
    """The same Message-ID at every attempt, so a mail client shows a repeat once."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "smartinprogress"
    return f"<outbox.{email.pk}.{email.created_at:%Y%m%d%H%M%S}@{domain}>"


def send_outbox_email(email_id):
    """Send one outbox row if nobody else is sending it. Returns True if sent now.

    At least once, almost exactly once: a row is sent twice only if the worker
    dies after the mail server accepted the message and before the row is marked
    sent. That window is one UPDATE long: the connection is opened before and
    closed after it (closing waits for the server's answer to QUIT), and a repeat
    carries the same Message-ID.
    """
    now = timezone.now()
    claimed = _sendable(now).filter(pk=email_id).update(claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return False
    email = OutboxEmail.objects.get(pk=email_id)
    connection = get_connection()
    message = _as_message(email, connection)
    try:
        connection.open()
        message.send()
    except Exception as exc:
        # Release the claim so the sweep tries again, later each time.
        backoff = min(timedelta(minutes=2**email.attempts), MAX_BACKOFF)
        OutboxEmail.objects.filter(pk=email_id).update(
            claimed_at=None, retry_after=timezone.now() + backoff, last_error=repr(exc)[:2000]
        )
        logger.warning("Sending outbox e-mail %s failed", email_id, exc_info=True)
        _close_quietly(connection)
        return False
    OutboxEmail.objects.filter(pk=email_id).update(sent_at=timezone.now(), last_error="")
    _close_quietly(connection)
    return True


def _close_quietly(connection):
    # The message is already accepted (or already failed): a QUIT that fails changes nothing.
    try:
        connection.close()
    except Exception:
        logger.info("Closing the mail connection failed", exc_info=True)


def _release(email_ids, attempts, exc):
    """A failed send: free the claim so a later sweep tries again, later each time."""
    backoff = min(timedelta(minutes=2**attempts), MAX_BACKOFF)
    OutboxEmail.objects.filter(pk__in=email_ids).update(
        claimed_at=None, retry_after=timezone.now() + backoff, last_error=repr(exc)[:2000]
    )


def claim_batch(limit, *, ids=None):
    """Claim up to `limit` sendable rows (of `ids`, if given), oldest first. Rows another
    worker is claiming at this moment are skipped, not waited for."""
    now = timezone.now()
    with transaction.atomic():
        rows = _sendable(now).order_by("created_at").select_for_update(skip_locked=True)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        claimed = list(rows[:limit])
        OutboxEmail.objects.filter(pk__in=[row.pk for row in claimed]).update(
            claimed_at=now, attempts=F("attempts") + 1
        )
    for row in claimed:
        row.attempts += 1
    return claimed


def _as_message(email, connection):
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        to=[email.to],
        headers={"Message-ID": message_id(email), **(email.headers or {})},
        connection=connection,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def send_batch(emails):
    """Send claimed rows over ONE connection to the mail server. Each row is marked sent
    as soon as the server accepted it, before the next one, so a worker killed half way
    resends at most the message it was sending (with the same Message-ID). Returns how
    many were sent."""
    if not emails:
        return 0
    smtp = get_connection()
    try:
        smtp.open()
    except Exception as exc:
        _release([email.pk for email in emails], min(email.attempts for email in emails), exc)
        logger.warning("Opening the mail connection failed", exc_info=True)
        return 0
    with _commits_without_waiting_for_disk():
        sent = _send_each(smtp, emails)
    _close_quietly(smtp)
    return sent


def _send_each(smtp, emails):
    sent = 0
    for position, email in enumerate(emails):
        try:
            smtp.send_messages([_as_message(email, smtp)])
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            # The connection is gone: this row and the rest wait for the sweep.
            _release([e.pk for e in emails[position:]], email.attempts, exc)
            logger.warning("The mail connection broke after %d e-mails", sent, exc_info=True)
            break
        except Exception as exc:
            _release([email.pk], email.attempts, exc)
            logger.warning("Sending outbox e-mail %s failed", email.pk, exc_info=True)
            continue
        _mark_sent(email.pk)
        sent += 1
    return sent


def _mark_sent(email_id):
    OutboxEmail.objects.filter(pk=email_id).update(sent_at=timezone.now(), last_error="")


@contextmanager
def _commits_without_waiting_for_disk():
    """Each row of a batch is marked sent in its own commit, at once, so a worker killed
    after it never sends the row again. On PostgreSQL those commits do not wait for the disk
    (synchronous_commit off, for this connection and this batch only): they are visible to
    every other worker at once, and only a crash of the database server itself could forget
    the last few marks, which would then be resent with the same Message-ID. Waiting would
    cost a disk flush per e-mail, the bottleneck of a batch."""
    postgresql = connection.vendor == "postgresql" and not connection.in_atomic_block
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


BATCH_SIZE = 200


def send_outbox_batch(email_ids):
    """The task's side of a fan-out: send these rows (those nobody else claimed) in batches."""
    sent = 0
    for start in range(0, len(email_ids), BATCH_SIZE):
        sent += send_batch(claim_batch(BATCH_SIZE, ids=email_ids[start : start + BATCH_SIZE]))
    return sent


def sweep_outbox(limit=5000):
    """Fan out the events left pending, then send what is still unsent, oldest first, in
    batches over one connection each. Returns how many were sent."""
    fan_out_pending()
    sent = 0
    while limit > 0:
        batch = claim_batch(min(BATCH_SIZE, limit))
        if not batch:
            break
        sent += send_batch(batch)
        limit -= len(batch)
    return sent


# Events and their fan-out

FAN_OUT_CHUNK = 1000
# Stands for the reader's name while a template is rendered once for every reader of a
# language; replaced by each one's name afterwards. Invisible separators: never typed.
NAME_PLACEHOLDER = "\u2063name\u2063"


class AnyReader:
    """The member seen by a template rendered once for many readers."""

    full_name = NAME_PLACEHOLDER

    def get_short_name(self):
        return NAME_PLACEHOLDER


def announce(kind_key, target, *, actor=None):
    """Record that something concerning many members happened. Call it inside the
    transaction of the action: the event exists exactly when the action does; after
    commit a task fans it out (and the outbox sweep does, if the broker is down)."""
    from notifications.tasks import fan_out

    if registry.kind(kind_key) is None:
        raise LookupError(f"Unknown notification kind {kind_key!r}: register it in the app's AppConfig.ready")
    event = Event.objects.create(kind=kind_key, target=target, actor=actor)
    transaction.on_commit(lambda: _publish(fan_out, event.pk))
    return event


def notify(members, kind_key, target, context, *, template=None):
    """Tell a few named people (the authors of a proposal, a candidacy's team) now, in the
    caller's transaction: a notification each and, unless they turned the kind off, an
    e-mail. `template` overrides the kind's own (one kind, several messages)."""
    kind = registry.kind(kind_key)
    if kind is None:
        raise LookupError(f"Unknown notification kind {kind_key!r}: register it in the app's AppConfig.ready")
    template = template or kind.template
    url = kind.url(target)
    members = list(members)
    preferences = {p.member_id: p for p in Preferences.objects.filter(member__in=[m.pk for m in members])}
    for member in members:
        subject, text, html = make_message(
            template, {"member": member, **context}, language=member.language, time_zone=member.time_zone
        )
        Notification.objects.create(member=member, kind=kind.key, text=subject, url=url)
        member_preferences = preferences.get(member.pk)
        if member_preferences is None or member_preferences.wants_email(kind):
            store_email(
                to=member.email,
                recipient=member,
                kind=template,
                subject=subject,
                text=text,
                html=html,
                headers=unsubscribe_headers(member, kind.key) if kind.email_optional else None,
            )


def fan_out_event(event_id, *, chunk_size=FAN_OUT_CHUNK):
    """Write the event's notifications and e-mails, one chunk of members per transaction."""
    chunks = 0
    while _fan_out_chunk(event_id, chunk_size):
        chunks += 1
    return chunks


def fan_out_pending():
    for event_id in Event.objects.filter(done_at__isnull=True).order_by("created_at").values_list("pk", flat=True):
        fan_out_event(event_id)


def personal(rendered, member):
    subject, text, html = rendered
    name = member.get_short_name()
    return (
        subject.replace(NAME_PLACEHOLDER, name),
        text.replace(NAME_PLACEHOLDER, name),
        html.replace(NAME_PLACEHOLDER, escape(name)),
    )


def _fan_out_chunk(event_id, size):
    """One chunk: returns True if there may be more. The event row is locked for the
    chunk (a second worker skips it) and its cursor moves in the same transaction as the
    rows it covers, so a chunk is written once, or not at all."""
    with transaction.atomic():
        event = Event.objects.select_for_update(skip_locked=True).filter(pk=event_id, done_at__isnull=True).first()
        if event is None:
            return False
        kind = registry.kind(event.kind)
        target = event.target if kind is not None else None
        members = []
        if target is not None:
            members = list(
                kind.audience(target)
                .filter(pk__gt=event.fanned_out_to)
                .exclude(pk=event.actor_id)
                .order_by("pk")[:size]
            )
        if not members:
            event.done_at = timezone.now()
            event.save(update_fields=["done_at"])
            return False
        context, url = kind.context(target), kind.url(target)
        preferences = {p.member_id: p for p in Preferences.objects.filter(member__in=[m.pk for m in members])}
        rendered = {}
        notifications, emails = [], []
        for member in members:
            key = (member.language, member.time_zone)
            if key not in rendered:
                rendered[key] = make_message(
                    kind.template, {**context, "member": AnyReader()}, language=key[0], time_zone=key[1]
                )
            subject, text, html = personal(rendered[key], member)
            notifications.append(Notification(member=member, event=event, kind=kind.key, text=subject, url=url))
            member_preferences = preferences.get(member.pk)
            if member_preferences is None or member_preferences.wants_email(kind):
                emails.append(
                    OutboxEmail(
                        recipient=member,
                        to=member.email,
                        kind=kind.template,
                        subject=subject,
                        body_text=text,
                        body_html=html,
                        headers=unsubscribe_headers(member, kind.key) if kind.email_optional else {},
                    )
                )
        Notification.objects.bulk_create(notifications)
        email_ids = [email.pk for email in OutboxEmail.objects.bulk_create(emails)]
        event.fanned_out_to = members[-1].pk
        # A chunk shorter than asked for was the last: the event is done in the same
        # transaction, not left pending until another run finds nobody left.
        more = len(members) == size
        if not more:
            event.done_at = timezone.now()
        event.save(update_fields=["fanned_out_to", "done_at"])
        if email_ids:
            transaction.on_commit(lambda: _publish(_send_batch_task(), email_ids))
    return more


def _send_batch_task():
    from notifications.tasks import send_emails

    return send_emails


# One-click unsubscribe (RFC 8058)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
DIGEST = "digest"


def unsubscribe_token(member, kind_key):
    """Signed with SECRET_KEY and a salt of its own, not the password: it survives a
    password change, and it names one member and one kind of e-mail only."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"m": member.pk, "k": kind_key})


def read_unsubscribe_token(token):
    """(member id, kind key), or None for anything not signed by us."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int) or not isinstance(data.get("k"), str):
        return None
    return data["m"], data["k"]


def unsubscribe_headers(member, kind_key):
    url = settings.SITE_URL + reverse("unsubscribe", args=[unsubscribe_token(member, kind_key)])
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@transaction.atomic
def turn_off(member_id, kind_key):
    """The one-click unsubscribe. Returns False if there was nothing to turn off (already
    off, an account gone, a kind that cannot be turned off); never raises."""
    preferences = Preferences.objects.select_for_update().filter(member_id=member_id).first()
    if preferences is None:
        if not get_user_model().objects.filter(pk=member_id).exists():
            return False
        preferences = Preferences.objects.create(member_id=member_id)
    if kind_key == DIGEST:
        if preferences.digest_frequency == DigestFrequency.NONE:
            return False
        preferences.digest_frequency = DigestFrequency.NONE
        preferences.digest_consent_at = None
        preferences.save(update_fields=["digest_frequency", "digest_consent_at"])
        return True
    kind = registry.kind(kind_key)
    if kind is None or not kind.email_optional or kind_key in preferences.emails_off:
        return False
    preferences.emails_off = sorted([*preferences.emails_off, kind_key])
    preferences.save(update_fields=["emails_off"])
    return True
