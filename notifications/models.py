from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.member)

    @classmethod
    def for_member(cls, member):
        preferences, _created = cls.objects.get_or_create(member=member)
        return preferences
