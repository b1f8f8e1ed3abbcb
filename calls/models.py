import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.enums import (
    CallStatus,
    CandidacyState,
    FunderKind,
    LeadRequestState,
    MilestoneKind,
    MilestoneReminderKind,
    OfferState,
    RankingReason,
    RulesStatus,
    TaskOwner,
    TeamMemberState,
)
from members.models import Sector, Skill
from members.validators import validate_sane_date

MAX_BUDGET_DIGITS = 12
# Paths under /bandi/ that are pages of their own, so no call may take them as its slug.
RESERVED_SLUGS = ("mie", "scadenze", "capofila", "regolamento", "compiti", "rendicontazione")


def validate_call_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is the address of another page: choose another slug."),
            code="reserved_slug",
            params={"slug": value},
        )


def upload_path(instance, filename):
    # A random folder per file: names never collide and are never guessable.
    return f"calls/{uuid.uuid4().hex}/{filename}"


class FundingCallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see drafts too; everyone else sees what is published."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.filter(status__in=CallStatus.PUBLISHED)

    def accepting(self, now=None):
        return self.filter(status=CallStatus.OPEN, internal_deadline__gt=now or timezone.now())


class FundingCall(models.Model):
    """A public or private call for funding (bando) that members answer through the cooperative."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, validators=[validate_call_slug])
    funder = models.CharField(_("funder"), max_length=200)
    funder_kind = models.CharField(_("public or private"), max_length=10, choices=FunderKind.choices)
    url = models.URLField(_("link to the call"), max_length=500, blank=True)
    summary = models.TextField(_("summary"))
    eligibility = models.TextField(_("who may apply"), blank=True)
    sectors = models.ManyToManyField(
        Sector,
        verbose_name=_("activity sectors"),
        blank=True,
        related_name="funding_calls",
        help_text=_("Empty: open to every sector."),
    )
    funder_deadline = models.DateTimeField(_("the funder's deadline"), validators=[validate_sane_date])
    internal_deadline = models.DateTimeField(
        _("internal deadline"),
        validators=[validate_sane_date],
        help_text=_("Candidacies reach the cooperative by then; it must come before the funder's deadline."),
    )
    max_candidacies = models.PositiveSmallIntegerField(
        _("maximum number of candidacies"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How many candidacies the cooperative may submit. Empty: no limit."),
    )
    one_per_member = models.BooleanField(
        _("one candidacy per member"),
        default=True,
        help_text=_("A member may be on the team of only one candidacy for this call."),
    )
    status = models.CharField(_("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT)
    staff_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_staff": True},
        help_text=_("Receives the reminders of the staff's tasks; empty: every member of the staff."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The draw's secret: written when scoring opens, shown only with the ranking. Its hash is
    # public from the start, so nobody can choose the seed after seeing the scores.
    draw_seed = models.CharField(_("draw seed"), max_length=64, blank=True, editable=False)
    draw_seed_hash = models.CharField(_("hash of the draw seed"), max_length=64, blank=True, editable=False)
    scoring_opened_at = models.DateTimeField(_("scoring opened at"), null=True, blank=True, editable=False)
    ranking_published_at = models.DateTimeField(_("ranking published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FundingCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")
        ordering = ["internal_deadline", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(internal_deadline__lt=models.F("funder_deadline")), name="call_internal_before_funder"
            ),
            models.CheckConstraint(
                condition=Q(max_candidacies__isnull=True) | Q(max_candidacies__gte=1), name="call_limit_positive"
            ),
        ]
        indexes = [
            # /bandi/: published calls by internal deadline.
            models.Index(fields=["status", "internal_deadline"], name="call_status_deadline_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("calls:detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.internal_deadline and self.funder_deadline and self.internal_deadline >= self.funder_deadline:
            raise ValidationError(
                {"internal_deadline": _("The internal deadline must come before the funder's deadline.")},
                code="internal_after_funder",
            )

    @property
    def is_accepting(self):
        return self.status == CallStatus.OPEN and self.internal_deadline > timezone.now()

    @property
    def ranking_is_published(self):
        return self.ranking_published_at is not None

    @property
    def has_limit(self):
        return self.max_candidacies is not None


class Criterion(models.Model):
    """A criterion of the selection rubric, with its weight."""

    call = models.ForeignKey(FundingCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    is_ethical = models.BooleanField(_("ethical criterion"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        ordering = ["call", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive")]

    def __str__(self):
        return self.name


class RequiredDocument(models.Model):
    """A document every candidacy to the call must carry (the call's checklist)."""

    call = models.ForeignKey(
        FundingCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="required_documents"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["call", "position", "id"]

    def __str__(self):
        return self.name


class ResponsibilityTemplateItem(models.Model):
    """A task of the responsibilities template: copied into each candidacy's checklist on
    submission. Items without a call are the template of lead-partner projects."""

    call = models.ForeignKey(
        FundingCall,
        verbose_name=_("call"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responsibility_template",
        help_text=_("Empty: the template of the projects Smart leads outside any call."),
    )
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.CharField(_("who does it"), max_length=10, choices=TaskOwner.choices)
    days_before = models.SmallIntegerField(
        _("days before the internal deadline"),
        validators=[MinValueValidator(-365), MaxValueValidator(365)],
        help_text=_("A negative number is after it: -3 is three days after the internal deadline."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities template")
        ordering = ["call", "-days_before", "position", "id"]

    def __str__(self):
        return self.title

    @property
    def days_after(self):
        return -self.days_before


class CallReviewer(models.Model):
    """Someone appointed to score the call's candidacies: staff, or a member."""

    call = models.ForeignKey(FundingCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="reviewers")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="reviewed_calls"
    )
    appointed_at = models.DateTimeField(_("appointed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        constraints = [models.UniqueConstraint(fields=["call", "member"], name="call_reviewer_once")]

    def __str__(self):
        return f"{self.member} · {self.call}"


class CallFollower(models.Model):
    call = models.ForeignKey(FundingCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="followers")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="followed_calls"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follower of a call")
        verbose_name_plural = _("followers of calls")
        constraints = [models.UniqueConstraint(fields=["call", "member"], name="call_follower_once")]

    def __str__(self):
        return f"{self.member} · {self.call}"


class CallReminder(models.Model):
    """The one reminder of a call's internal deadline a follower gets; the row is the claim."""

    call = models.ForeignKey(FundingCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call deadline reminder sent")
        verbose_name_plural = _("call deadline reminders sent")
        constraints = [models.UniqueConstraint(fields=["call", "member"], name="call_reminder_once")]

    def __str__(self):
        return f"{self.call} · {self.member}"


class CandidacyQuerySet(models.QuerySet):
    def with_member(self, member):
        """Candidacies the member applies with or is on the team of (accepted)."""
        teams = TeamMember.objects.filter(member=member, state=TeamMemberState.ACCEPTED).values("candidacy")
        return self.filter(Q(applicant=member) | Q(pk__in=teams))


class Candidacy(models.Model):
    """An application to a call, submitted through the cooperative (candidatura)."""

    call = models.ForeignKey(FundingCall, verbose_name=_("call"), on_delete=models.PROTECT, related_name="candidacies")
    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="candidacies"
    )
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary of the project"), max_length=5000, blank=True)
    budget = models.DecimalField(
        _("budget (euro)"),
        max_digits=MAX_BUDGET_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    declares_no_conflict = models.BooleanField(_("declares no conflict of interest"), default=False)
    accepts_ethics = models.BooleanField(_("accepts the ethical criteria"), default=False)
    state = models.CharField(_("state"), max_length=20, choices=CandidacyState.choices, default=CandidacyState.DRAFT)
    state_reason = models.TextField(_("reason"), blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The day the cooperative chose it: what "selected in the previous 12 months" looks at.
    selected_at = models.DateTimeField(_("selected at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CandidacyQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        ordering = ["call", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="candidacy_budget_not_negative"
            ),
        ]
        indexes = [
            # The selection page and the ranking: a call's candidacies by state.
            models.Index(fields=["call", "state"], name="candidacy_call_state_idx"),
            # "Your candidacies" and the 12-month rule: a member's candidacies by state.
            models.Index(fields=["applicant", "state"], name="candidacy_applicant_state_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("calls:candidacy", args=[self.call.slug, self.pk])

    @property
    def short_id(self):
        return str(self.public_id)[:8]


class TeamMember(models.Model):
    """A member invited to a candidacy's team; in the team once they accept."""

    candidacy = models.ForeignKey(Candidacy, verbose_name=_("candidacy"), on_delete=models.CASCADE, related_name="team")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="candidacy_teams"
    )
    role = models.CharField(_("role in the project"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=TeamMemberState.choices, default=TeamMemberState.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["candidacy", "created_at"]
        constraints = [models.UniqueConstraint(fields=["candidacy", "member"], name="team_member_once")]
        indexes = [
            # A member's teams and invitations ("Your candidacies", permissions).
            models.Index(fields=["member", "state"], name="team_member_state_idx"),
        ]

    def __str__(self):
        return f"{self.member} · {self.candidacy}"


class CandidacyDocument(models.Model):
    """A file uploaded against one line of the call's checklist."""

    candidacy = models.ForeignKey(
        Candidacy, verbose_name=_("candidacy"), on_delete=models.CASCADE, related_name="documents"
    )
    requirement = models.ForeignKey(
        RequiredDocument, verbose_name=_("required document"), on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=upload_path, max_length=300)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("candidacy document")
        verbose_name_plural = _("candidacy documents")
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "requirement"], name="candidacy_document_once"),
        ]

    def __str__(self):
        return f"{self.requirement} · {self.candidacy}"


class OpenRole(models.Model):
    """A place in a candidacy's team that other members can offer to fill."""

    candidacy = models.ForeignKey(
        Candidacy, verbose_name=_("candidacy"), on_delete=models.CASCADE, related_name="open_roles"
    )
    title = models.CharField(_("role"), max_length=200)
    description = models.TextField(_("what the role does"), max_length=2000, blank=True)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills needed"), blank=True, related_name="+")
    is_open = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("open role")
        verbose_name_plural = _("open roles")
        ordering = ["candidacy", "created_at"]

    def __str__(self):
        return self.title


class JoinOffer(models.Model):
    role = models.ForeignKey(OpenRole, verbose_name=_("role"), on_delete=models.CASCADE, related_name="offers")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="join_offers"
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=OfferState.choices, default=OfferState.PENDING)
    created_at = models.DateTimeField(_("offered at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer to join")
        verbose_name_plural = _("offers to join")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["role", "member"], name="join_offer_once")]

    def __str__(self):
        return f"{self.member} · {self.role}"


class ConflictDeclaration(models.Model):
    """A reviewer declares a conflict of interest with a candidacy: from then on they
    neither see nor give its scores, and any score they gave does not count."""

    candidacy = models.ForeignKey(
        Candidacy, verbose_name=_("candidacy"), on_delete=models.CASCADE, related_name="conflicts"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["candidacy", "reviewer"], name="conflict_once")]

    def __str__(self):
        return f"{self.reviewer} · {self.candidacy}"


class Score(models.Model):
    candidacy = models.ForeignKey(
        Candidacy, verbose_name=_("candidacy"), on_delete=models.CASCADE, related_name="scores"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="+"
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(5)])
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "reviewer", "criterion"], name="score_once"),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=5), name="score_0_to_5"),
        ]

    def __str__(self):
        return f"{self.candidacy} · {self.criterion}: {self.value}"


class RankingEntry(models.Model):
    """A line of a published ranking, frozen as it was computed."""

    call = models.ForeignKey(FundingCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="ranking")
    candidacy = models.OneToOneField(
        Candidacy, verbose_name=_("candidacy"), on_delete=models.CASCADE, related_name="ranking_entry"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # Exact fractions as text ("11/4"): the page rounds them, the order was decided on them.
    score = models.CharField(_("weighted score"), max_length=40, blank=True)
    criterion_scores = models.JSONField(_("scores by criterion"), default=dict)
    recently_selected = models.BooleanField(_("selected in the previous 12 months"), default=False)
    draw_key = models.CharField(_("draw key"), max_length=64)
    reason = models.CharField(
        _("ahead of the next one because"), max_length=20, choices=RankingReason.choices, blank=True
    )
    selected = models.BooleanField(_("selected in the ranking"), default=False)

    class Meta:
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        ordering = ["call", "position"]
        constraints = [models.UniqueConstraint(fields=["call", "position"], name="ranking_position_once")]

    def __str__(self):
        return f"{self.position}. {self.candidacy}"


class LeadCriterion(models.Model):
    """A published criterion for the projects Smart leads outside any call, ethical ones included."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_ethical = models.BooleanField(_("ethical criterion"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("lead-partner criterion")
        verbose_name_plural = _("lead-partner criteria")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class LeadPartnerRequest(models.Model):
    """A member asks the cooperative to lead (be capofila of) a project outside any call."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="lead_partner_requests",
    )
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("the project"), max_length=5000)
    partners = models.TextField(_("partners and members involved"), max_length=2000, blank=True)
    funder = models.CharField(_("who would fund it"), max_length=200, blank=True)
    budget = models.DecimalField(
        _("budget (euro)"), max_digits=MAX_BUDGET_DIGITS, decimal_places=2, validators=[MinValueValidator(0)]
    )
    deadline = models.DateTimeField(
        _("deadline"),
        validators=[validate_sane_date],
        help_text=_("When the project must be presented: the tasks' due dates count back from it."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=LeadRequestState.choices, default=LeadRequestState.SUBMITTED
    )
    decision_reason = models.TextField(_("reasons of the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lead-partner request")
        verbose_name_plural = _("lead-partner requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="lead_request_budget_not_negative"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("calls:lead_detail", args=[self.pk])


class LeadAssessment(models.Model):
    request = models.ForeignKey(
        LeadPartnerRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.ForeignKey(
        LeadCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    met = models.BooleanField(_("met"))
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("assessment of a criterion")
        verbose_name_plural = _("assessments of criteria")
        constraints = [models.UniqueConstraint(fields=["request", "criterion"], name="lead_assessment_once")]

    def __str__(self):
        return f"{self.request} · {self.criterion}"


ONE_PROJECT = (Q(candidacy__isnull=False) & Q(lead_request__isnull=True)) | (
    Q(candidacy__isnull=True) & Q(lead_request__isnull=False)
)


class ResponsibilityTaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def live(self):
        """Tasks of work still going on: a candidacy in progress or an accepted lead-partner project."""
        return self.filter(
            Q(candidacy__state__in=CandidacyState.IN_PROGRESS) | Q(lead_request__state=LeadRequestState.ACCEPTED)
        )

    def due_within(self, days, now=None):
        now = now or timezone.now()
        return self.open().live().filter(due_at__lte=now + timedelta(days=days))


class ResponsibilityTask(models.Model):
    """A line of a candidacy's (or lead-partner project's) checklist: who does what, by when."""

    candidacy = models.ForeignKey(
        Candidacy, verbose_name=_("candidacy"), on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    lead_request = models.ForeignKey(
        LeadPartnerRequest,
        verbose_name=_("lead-partner request"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.CharField(_("who does it"), max_length=10, choices=TaskOwner.choices)
    due_at = models.DateTimeField(_("due"), validators=[validate_sane_date])
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ResponsibilityTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        constraints = [models.CheckConstraint(condition=ONE_PROJECT, name="task_of_one_project")]
        indexes = [
            # The late-task scan and the staff's 30-day overview: open tasks by due date.
            models.Index(fields=["due_at"], condition=Q(done_at__isnull=True), name="task_open_due_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def project(self):
        return self.candidacy or self.lead_request

    @property
    def is_late(self):
        return self.done_at is None and self.due_at < timezone.now()


class TaskReminder(models.Model):
    """A late task's reminder of one day (Rome time); the row is the claim."""

    task = models.ForeignKey(ResponsibilityTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("late task reminder sent")
        verbose_name_plural = _("late task reminders sent")
        constraints = [models.UniqueConstraint(fields=["task", "day"], name="task_reminder_once_a_day")]

    def __str__(self):
        return f"{self.task} · {self.day}"


class ReportingMilestoneQuerySet(models.QuerySet):
    def undelivered(self):
        return self.filter(submitted_at__isnull=True)

    def live(self):
        return self.filter(
            Q(candidacy__state__in=CandidacyState.REPORTING_OPEN) | Q(lead_request__state=LeadRequestState.ACCEPTED)
        )


class ReportingMilestone(models.Model):
    """A deliverable or an expense report owed after funding (rendicontazione)."""

    candidacy = models.ForeignKey(
        Candidacy,
        verbose_name=_("candidacy"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestones",
    )
    lead_request = models.ForeignKey(
        LeadPartnerRequest,
        verbose_name=_("lead-partner request"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestones",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MilestoneKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_at = models.DateTimeField(_("due"), validators=[validate_sane_date])
    file = models.FileField(_("file"), upload_to=upload_path, blank=True, max_length=300)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delivered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff_note = models.TextField(_("staff note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReportingMilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting milestone")
        verbose_name_plural = _("reporting milestones")
        ordering = ["due_at", "id"]
        constraints = [models.CheckConstraint(condition=ONE_PROJECT, name="milestone_of_one_project")]
        indexes = [
            # The reminder scan and the 30-day overview: undelivered milestones by due date.
            models.Index(fields=["due_at"], condition=Q(submitted_at__isnull=True), name="milestone_open_due_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def project(self):
        return self.candidacy or self.lead_request

    @property
    def is_late(self):
        return self.submitted_at is None and self.due_at < timezone.now()


class MilestoneReminder(models.Model):
    milestone = models.ForeignKey(
        ReportingMilestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=3, choices=MilestoneReminderKind.choices)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone reminder sent")
        verbose_name_plural = _("milestone reminders sent")
        constraints = [models.UniqueConstraint(fields=["milestone", "kind"], name="milestone_reminder_once")]

    def __str__(self):
        return f"{self.milestone} · {self.kind}"


class RulesVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=RulesStatus.PUBLISHED)

    def visible_to(self, user):
        """Drafts are for verified members (who comment on them) and staff."""
        if user.is_authenticated and (user.is_staff or user.is_verified_member):
            return self
        return self.published()


class RulesVersion(models.Model):
    """A version of the rules for taking part in calls (regolamento)."""

    number = models.PositiveSmallIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Paragraphs separated by an empty line."))
    changes = models.CharField(_("what changes"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RulesStatus.choices, default=RulesStatus.DRAFT)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = RulesVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("rules version")
        verbose_name_plural = _("rules for calls")
        ordering = ["-number"]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("calls:rules_version", args=[self.number])

    @property
    def is_draft(self):
        return self.status == RulesStatus.DRAFT

    def paragraphs(self):
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


class RulesComment(models.Model):
    version = models.ForeignKey(
        RulesVersion, verbose_name=_("rules version"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=3000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on the rules")
        verbose_name_plural = _("comments on the rules")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author} · {self.version}"
