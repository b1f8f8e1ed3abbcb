from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Skill
from networking.enums import InterestState
from networking.surveys.models import Answer, Choice, Question, Response, Survey  # noqa: F401 (Django finds them here)


class ContactMessageQuerySet(models.QuerySet):
    def received_by(self, member):
        return self.filter(recipient=member)

    def unread(self):
        return self.filter(read_at=None)


class ContactMessage(models.Model):
    """A message one member sends another through the directory ("Contatta"). Neither address
    is shown: the recipient reads it in the portal and by e-mail, and sees the sender's
    address only if the sender chose to share it."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="messages_received",
    )
    body = models.TextField(_("message"), max_length=2000)
    shares_address = models.BooleanField(_("share my e-mail address for the reply"), default=False)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ContactMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message between members")
        verbose_name_plural = _("messages between members")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The inbox: a member's messages, newest first.
            models.Index(fields=["recipient", "-created_at"], name="contact_inbox_idx"),
        ]

    def __str__(self):
        return f"{self.sender} → {self.recipient}"


class Block(models.Model):
    """`blocker` receives no more messages from `blocked`."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who blocks"), on_delete=models.CASCADE, related_name="blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("blocked member"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once")]

    def __str__(self):
        return f"{self.blocker} ⊘ {self.blocked}"


class CommonProjectQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at=None)

    def needing_skills_of(self, member):
        """Open projects by others that need at least one of `member`'s skills: one query,
        the member's skills as a subquery."""
        return (
            self.open()
            .exclude(author=member)
            .filter(skills__in=member.skills.values("pk"))
            .exclude(interests__member=member)
            .distinct()
        )

    def of_member(self, member):
        """The projects a member leads or collaborates on."""
        return self.filter(
            Q(author=member) | Q(interests__member=member, interests__state=InterestState.ACCEPTED)
        ).distinct()


class CommonProject(models.Model):
    """A project idea a member posts to find collaborators (progetto comune)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="common_projects"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills needed"), blank=True, related_name="+")
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = CommonProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("common project")
        verbose_name_plural = _("common projects")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("networking:project", args=[self.pk])


class ProjectInterest(models.Model):
    """A member interested in a common project; a collaborator once the author accepts."""

    project = models.ForeignKey(
        CommonProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="interests"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(_("note for the author"), max_length=1000, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=InterestState.choices, default=InterestState.INTERESTED)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("interest in a project")
        verbose_name_plural = _("interests in projects")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "member"], name="project_interest_once")]

    def __str__(self):
        return f"{self.member} · {self.project}"
