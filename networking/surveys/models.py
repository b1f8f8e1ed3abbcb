from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.enums import WorkMode
from networking.surveys.enums import QuestionKind


class SurveyQuerySet(models.QuerySet):
    def published(self, now=None):
        """Surveys that opened: open ones and closed ones (their results)."""
        return self.filter(opens_at__lte=now or timezone.now())


class Survey(models.Model):
    """A questionnaire staff build in the admin (questionario). Members answer once and may
    change their answer until it closes. Staff see the results at any time; verified members
    once it has closed."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=200, unique=True)
    description = models.TextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Nobody, staff included, can tell who gave an anonymous answer: not on a page, not in the export."),
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:detail", args=[self.slug])

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The survey must close after it opens.")})

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None):
        return (now or timezone.now()) >= self.closes_at


class Question(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "pk"]

    def __str__(self):
        return self.text

    @property
    def has_choices(self):
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class Choice(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("answer"), max_length=300)

    class Meta:
        verbose_name = _("possible answer")
        verbose_name_plural = _("possible answers")
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.label


class Response(models.Model):
    """One member's answers to a survey. `respondent_key` is a keyed hash of the member (see
    surveys.services.respondent_key): it lets the member find and change their answer and
    stops a second one, without the row naming them. `member` is set on named surveys only."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses")
    respondent_key = models.CharField(_("respondent key"), max_length=64, editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Copied from the profile when answering, so an anonymous answer can be split by it.
    work_mode = models.CharField(_("how they work"), max_length=16, choices=WorkMode.choices, blank=True)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["survey", "respondent_key"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent_key"], name="survey_response_once"),
        ]

    def __str__(self):
        return f"{self.survey} · {self.pk}"


class Answer(models.Model):
    """The answer to one question: a choice (one row per ticked choice), a scale value or text."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(
        Choice, verbose_name=_("choice"), null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    scale = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5), name="answer_scale_1_to_5"
            ),
        ]

    def __str__(self):
        return str(self.choice or self.scale or self.text[:50])
