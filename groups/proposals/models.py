import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.validators import MaxLengthValidator
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from groups.filetypes import EXTENSIONS
from groups.models import WorkingGroup
from groups.proposals.enums import CoAuthorState, ProposalOrder, ProposalState, ReportOutcome, UpdateKind
from members.models import Member

# Lengths of what members write: a title fits a line, each part of a proposal a page or two.
TITLE_LENGTH = 200
PART_LENGTH = 5000
BENEFIT_LENGTH = 3000
COMMENT_LENGTH = 2000
REASON_LENGTH = 1000
ANSWER_LENGTH = 5000

PUBLIC = Q(state__in=ProposalState.PUBLIC, hidden_at=None)


class ProposalQuerySet(models.QuerySet):
    def public(self):
        """What everyone reads: published (or answered) and not hidden by staff."""
        return self.filter(PUBLIC)

    def authored_by(self, member):
        """What `member` wrote or co-signs (an accepted invitation)."""
        if not member.is_authenticated:
            return self.none()
        co_signed = CoAuthor.objects.filter(member=member, state=CoAuthorState.ACCEPTED).values("proposal")
        return self.filter(Q(author=member) | Q(pk__in=co_signed))

    def visible_to(self, user):
        """Staff see everything; everyone the public proposals; the authors, and whoever they
        invited to co-sign while the invitation is open, also the rest of theirs. The Python
        twin is permissions.can_see; change both or neither."""
        if user.is_authenticated and user.is_staff:
            return self
        if not user.is_authenticated:
            return self.public()
        # Subqueries, not joins: a join on co-authors would repeat a proposal per co-author.
        invited = CoAuthor.objects.filter(
            member=user, state__in=(CoAuthorState.INVITED, CoAuthorState.ACCEPTED)
        ).values("proposal")
        return self.filter(PUBLIC | Q(author=user) | Q(pk__in=invited))

    def waiting_for_moderation(self):
        return self.filter(state=ProposalState.SUBMITTED).order_by("submitted_at", "pk")

    def matching(self, text):
        """Full-text search in Italian on PostgreSQL ("formazioni" finds "formazione"); a plain
        substring search on SQLite, which `make run` uses and which has no full-text search."""
        if connection.vendor == "postgresql":
            query = SearchQuery(text, config="italian", search_type="websearch")
            return self.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
        return self.filter(
            Q(title__icontains=text)
            | Q(problem__icontains=text)
            | Q(solution__icontains=text)
            | Q(benefit__icontains=text)
        )

    def ordered(self, order):
        """The lists' sorts; each has its index below. The best match first needs a search
        (the rank weighs the title above the problem, the solution, the benefit)."""
        if order == ProposalOrder.RELEVANCE and "rank" in self.query.annotations:
            return self.order_by("-rank", "-published_at", "-pk")
        if order == ProposalOrder.SUPPORTED:
            return self.order_by("-support_count", "-published_at", "-pk")
        if order == ProposalOrder.ANSWERED:
            return self.order_by(F("answered_at").desc(nulls_last=True), "-published_at", "-pk")
        return self.order_by("-published_at", "-pk")

    def with_author_shown_to(self, viewer):
        """`author_shown`: may `viewer` read the author's name (the author's own choice)."""
        return self.annotate(author_shown=Exists(Member.objects.visible_to(viewer).filter(pk=OuterRef("author_id"))))


class Proposal(models.Model):
    """A concrete solution put forward in a working group (proposta)."""

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.PROTECT, related_name="proposals"
    )
    # A proposal never vanishes: an account that goes leaves its proposals behind, unsigned.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposals",
    )
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    problem = models.TextField(_("the problem"), max_length=PART_LENGTH, validators=[MaxLengthValidator(PART_LENGTH)])
    solution = models.TextField(
        _("the proposed solution"), max_length=PART_LENGTH, validators=[MaxLengthValidator(PART_LENGTH)]
    )
    benefit = models.TextField(
        _("the expected benefit"), max_length=BENEFIT_LENGTH, validators=[MaxLengthValidator(BENEFIT_LENGTH)]
    )
    # The three texts as safe HTML, made when they are saved (rendering.render), so a page
    # never renders Markdown as it is served.
    problem_html = models.TextField(_("the problem, as shown"), editable=False, default="")
    solution_html = models.TextField(_("the proposed solution, as shown"), editable=False, default="")
    benefit_html = models.TextField(_("the expected benefit, as shown"), editable=False, default="")
    state = models.CharField(_("state"), max_length=20, choices=ProposalState.choices, default=ProposalState.DRAFT)
    rejection_reason = models.TextField(_("reason for not publishing"), blank=True)
    support_count = models.IntegerField(_("supports"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last edited at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("last answered at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden by staff at"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    # Title (A), problem (B), solution (C) and benefit (D), Italian configuration; written by
    # the service that saves the text (services.index_for_search), PostgreSQL only.
    search_vector = SearchVectorField(_("search index"), null=True, editable=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]
        constraints = [
            # Supports are counted with F() in the transaction that adds or removes one;
            # a count below zero would be a bug, refused by the database.
            models.CheckConstraint(condition=Q(support_count__gte=0), name="proposal_support_count_not_negative"),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(rejection_reason=""), name="proposal_rejected_with_reason"
            ),
        ]
        indexes = [
            # The group page's "Proposte" and /proposte/?gruppo=: a group's public ones, newest first.
            models.Index(fields=["group", "-published_at"], name="proposal_public_group_idx", condition=PUBLIC),
            # /proposte/, newest first (the default sort).
            models.Index(fields=["-published_at"], name="proposal_public_newest_idx", condition=PUBLIC),
            # /proposte/?ordina=sostegni: most supported first.
            models.Index(
                fields=["-support_count", "-published_at"], name="proposal_public_support_idx", condition=PUBLIC
            ),
            # The "Da moderare" queue and the moderators' alert scan: submitted, oldest first.
            models.Index(fields=["submitted_at"], name="proposal_waiting_idx", condition=Q(state="submitted")),
            # Two more are made by migration 0005 on PostgreSQL only, outside the model state
            # (SQLite, which `make run` uses, can make neither, and would try again whenever
            # it rebuilds this table): proposal_search_idx, GIN on search_vector, for the
            # full-text search (/proposte/?q=); proposal_public_answered_idx, on
            # (answered_at DESC NULLS LAST, published_at DESC) of the public ones, for
            # /proposte/?ordina=risposte.
        ]

    def __str__(self):
        return self.title

    @property
    def badge_class(self):
        """A dictionary lookup rather than the template's chain of eight comparisons, once per
        row of every list."""
        return ProposalState.BADGE[self.state]

    @property
    def is_public(self):
        return self.state in ProposalState.PUBLIC and self.hidden_at is None

    @property
    def is_open_for_discussion(self):
        return self.state in ProposalState.OPEN_FOR_DISCUSSION and self.hidden_at is None

    @property
    def is_editable(self):
        return self.state == ProposalState.DRAFT

    def answers_allowed(self):
        return ProposalState.ANSWERABLE_FROM.get(self.state, ())


class CoAuthorQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(state=CoAuthorState.ACCEPTED)


class CoAuthor(models.Model):
    """A participant the author invited to co-sign the proposal."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="coauthors"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="coauthorships"
    )
    state = models.CharField(_("state"), max_length=10, choices=CoAuthorState.choices, default=CoAuthorState.INVITED)
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = CoAuthorQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-author")
        verbose_name_plural = _("co-authors")
        ordering = ["invited_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="coauthor_once_per_proposal")]
        indexes = [
            # "Which proposals does this member co-sign?" (visibility, dashboard).
            models.Index(fields=["member", "state"], name="coauthor_member_state_idx"),
        ]

    def __str__(self):
        return f"{self.member} · {self.proposal}"


def attachment_upload_path(attachment, filename):
    # A random folder per file: names never collide and are never guessable.
    return f"proposals/{uuid.uuid4().hex}/{filename}"


class ProposalAttachment(models.Model):
    """A file attached to a proposal; the same rules as documents (type read from the content, 20 MB)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_path, max_length=300)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.file.name.rsplit("/", 1)[-1]

    @property
    def file_kind(self):
        return EXTENSIONS.get(self.content_type, "").upper()


class Support(models.Model):
    """A verified member backs a proposal (sostegno). The unique pair makes a double click harmless."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="supports"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="support_once_per_member")]
        indexes = [
            # "Which of these proposals did I support?" on the lists (member first: the
            # unique pair above serves the per-proposal side).
            models.Index(fields=["member", "proposal"], name="support_member_idx"),
        ]

    def __str__(self):
        return f"{self.member} · {self.proposal}"


class Comment(models.Model):
    """A comment on a published proposal, or a reply to one (one level only)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("in reply to"), on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposal_comments",
    )
    text = models.TextField(_("text"), max_length=COMMENT_LENGTH, validators=[MaxLengthValidator(COMMENT_LENGTH)])
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # Removed by its author: the row stays (its replies hang from it), the text is blanked.
    removed_at = models.DateTimeField(_("removed by the author at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden by staff at"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            # A proposal's page: its comments in the order they were written.
            models.Index(fields=["proposal", "created_at"], name="comment_proposal_idx"),
        ]

    def __str__(self):
        return f"{self.author} · {self.proposal}"

    @property
    def is_removed(self):
        return self.removed_at is not None

    @property
    def is_hidden(self):
        return self.hidden_at is not None


class ProposalUpdate(models.Model):
    """What the cooperative said about a proposal: an official answer (which moves its state)
    or, once accepted, a dated progress update ("a che punto siamo")."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=10, choices=UpdateKind.choices)
    state = models.CharField(
        _("new state"), max_length=20, choices=ProposalState.choices, blank=True, help_text=_("For answers only.")
    )
    text = models.TextField(_("public text"), max_length=ANSWER_LENGTH, validators=[MaxLengthValidator(ANSWER_LENGTH)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer or progress update")
        verbose_name_plural = _("answers and progress updates")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.proposal} · {self.get_kind_display()}"


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at=None)


class Report(models.Model):
    """A member tells staff a proposal or a comment should not be there, and why."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("Empty when the report is about the proposal itself."),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=REASON_LENGTH, validators=[MaxLengthValidator(REASON_LENGTH)])
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReportOutcome.choices, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "pk"]
        constraints = [
            # One open report per person and thing: a second click is the same report.
            models.UniqueConstraint(
                fields=["reporter", "proposal"],
                condition=Q(comment=None, resolved_at=None),
                name="report_open_once_per_proposal",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"], condition=Q(resolved_at=None), name="report_open_once_per_comment"
            ),
        ]
        indexes = [
            # The admin's open reports, oldest first, and their count on the admin index.
            models.Index(fields=["created_at"], name="report_open_idx", condition=Q(resolved_at=None)),
        ]

    def __str__(self):
        return f"{self.reporter} · {self.comment or self.proposal}"

    @property
    def target(self):
        return self.comment if self.comment_id else self.proposal


class ModerationAlert(models.Model):
    """Moderators were told this proposal waits too long. The unique row is the claim: only
    the scan that inserts it sends the e-mail, however many scans run."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="moderation_alert"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation alert sent")
        verbose_name_plural = _("moderation alerts sent")

    def __str__(self):
        return str(self.proposal)


class ProposalToModerate(Proposal):
    """The admin's "Da moderare" queue: submitted proposals, oldest first."""

    class Meta:
        proxy = True
        verbose_name = _("proposal to moderate")
        verbose_name_plural = _("to moderate")
