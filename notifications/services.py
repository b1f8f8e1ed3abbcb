import logging
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.breaker import CircuitBreaker
from notifications.models import OutboxEmail

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

    if broker.is_open:
        return
    try:
        with send_email.app.connection_for_write(transport_options=PUBLISH_TRANSPORT_OPTIONS) as connection:
            send_email.apply_async((email_id,), connection=connection, retry=False)
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
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        to=[email.to],
        headers={"Message-ID": message_id(email), **(email.headers or {})},
        connection=connection,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
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


def sweep_outbox(limit=500):
    """Send what is still unsent, oldest first. Returns how many were sent."""
    ids = list(_sendable(timezone.now()).order_by("created_at").values_list("pk", flat=True)[:limit])
    return sum(send_outbox_email(pk) for pk in ids)
