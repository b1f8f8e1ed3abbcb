from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.enums import DigestFrequency, Weekday


class OutboxEmailQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)


class OutboxEmail(models.Model):
    """An e-mail waiting to be sent, or sent.

    The row is written in the same transaction as the action that causes it, so
    the e-mail exists exactly when the action happened; a task sends it after
    commit and the periodic sweep sends whatever is left (broker down, worker
    killed). Sending claims the row first, so no e-mail goes out twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_emails",
    )
    to = models.EmailField(_("to"))
    kind = models.CharField(_("kind"), max_length=100, help_text=_("The template the e-mail was made from."))
    # Text, not a 255-character column: a subject made from a long title must be
    # stored whole, never cut.
    subject = models.TextField(_("subject"))
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retry_after = models.DateTimeField(_("next attempt after"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [
            # The sweep's scan: unsent rows only, oldest first.
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="outbox_unsent_idx"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class Preferences(models.Model):
    """What a member wants to receive. A missing row means the defaults."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    meeting_reminder_24h = models.BooleanField(_("remind me of a meeting 24 hours before"), default=True)
    meeting_reminder_1h = models.BooleanField(_("remind me of a meeting 1 hour before"), default=True)
    poll_reminder = models.BooleanField(_("remind me of a date poll I have not answered"), default=True)
    # Keys of the notification kinds (notifications.registry) the member wants no e-mail
    # for; they still see them under /notifiche/ and in the digest.
    emails_off = models.JSONField(_("no e-mail for"), default=list, blank=True)
    digest_frequency = models.CharField(
        _("digest"), max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    digest_weekday = models.PositiveSmallIntegerField(
        _("day of the weekly digest"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    digest_consent_at = models.DateTimeField(_("digest chosen on"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.member)

    @classmethod
    def for_member(cls, member):
        preferences, _created = cls.objects.get_or_create(member=member)
        return preferences

    def wants_email(self, kind):
        return not kind.email_optional or kind.key not in self.emails_off


class Event(models.Model):
    """Something that happened and concerns several members (a meeting announced to a
    group). The request writes this one row and returns; a task fans it out into one
    Notification (and, unless turned off, one e-mail) per member concerned, in chunks.
    `fanned_out_to` is the cursor: members with a lower or equal id are done, written in
    the same transaction as their rows, so a killed worker resumes where it stopped."""

    kind = models.CharField(_("kind"), max_length=100)
    content_type = models.ForeignKey(ContentType, verbose_name=_("type of object"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    fanned_out_to = models.BigIntegerField(_("fanned out up to member"), default=0)
    done_at = models.DateTimeField(_("fanned out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            # The sweep's scan for events whose fan-out never ran or stopped half way.
            models.Index(fields=["created_at"], condition=models.Q(done_at__isnull=True), name="event_pending_idx"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.object_id}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One line under the bell, in the member's language, written once when the event is
    fanned out."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=100)
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A fan-out run twice (two workers, a retry) notifies nobody twice.
            models.UniqueConstraint(fields=["event", "member"], name="notification_once_per_event"),
        ]
        indexes = [
            # /notifiche/: a member's notifications, newest first.
            models.Index(fields=["member", "-created_at"], name="notification_member_idx"),
            # The bell's unread count on every page.
            models.Index(fields=["member"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self):
        return self.text


class DigestRun(models.Model):
    """The claim of one digest: one row per member and period, inserted in the same
    transaction as the digest's outbox e-mail, so a repeated job, two beats or a killed
    worker never send a member two digests for one period and never skip one."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="digest_runs"
    )
    period = models.CharField(_("period"), max_length=20)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    email = models.ForeignKey(
        OutboxEmail, verbose_name=_("e-mail"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [models.UniqueConstraint(fields=["member", "period"], name="digest_once_per_period")]

    def __str__(self):
        return f"{self.member} {self.period}"
