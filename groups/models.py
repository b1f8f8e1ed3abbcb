from django.db import models
from django.utils.translation import gettext_lazy as _

from groups.enums import GroupTheme


class WorkingGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class WorkingGroup(models.Model):
    """A working group (gruppo di lavoro) of Smart in Progress."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    theme = models.CharField(_("theme"), max_length=20, choices=GroupTheme.choices, default=GroupTheme.OTHER)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order on the pages."))
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One sentence, shown in lists."))
    description = models.TextField(_("description"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def description_paragraphs(self):
        return [p.strip() for p in self.description.split("\n\n") if p.strip()]


class DiscussionPrompt(models.Model):
    """A question the group works on (spunto di lavoro), optionally under a heading."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="prompts")
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.CharField(_("text"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("discussion prompt")
        verbose_name_plural = _("discussion prompts")
        ordering = ["group", "position", "id"]

    def __str__(self):
        return self.text
