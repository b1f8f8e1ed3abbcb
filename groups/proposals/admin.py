"""Moderation in the Django admin: the "Da moderare" queue, each proposal on one page (text,
attachments, co-authors, history) with its decisions, official answers and progress updates,
comments and reports. Pages show what members wrote; nobody edits it here, and nothing is
deleted: a proposal never vanishes."""

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groups.proposals import services
from groups.proposals.enums import ProposalState
from groups.proposals.forms import AnswerForm, ProgressForm, ReasonForm
from groups.proposals.models import CoAuthor, Comment, Proposal, ProposalToModerate, Report
from groups.views import _form_errors_from
from members.models import ActionLog
from members.validators import parse_id

MODERATE = "groups.change_proposal"

# How each line of a proposal's history reads.
HISTORY_LABELS = {
    "proposal.created": _("Written as a draft"),
    "proposal.edited": _("Draft changed"),
    "proposal.attachment_added": _("Attachment added"),
    "proposal.attachment_removed": _("Attachment removed"),
    "proposal.coauthor_invited": _("Co-author invited"),
    "proposal.coauthor_removed": _("Co-author invitation withdrawn"),
    "proposal.coauthor_accepted": _("Co-author accepted"),
    "proposal.coauthor_declined": _("Co-author declined"),
    "proposal.submitted": _("Sent for moderation"),
    "proposal.withdrawn": _("Withdrawn by the authors"),
    "proposal.reopened": _("Reopened as a draft"),
    "proposal.published": _("Published"),
    "proposal.rejected": _("Not published"),
    "proposal.under_review": _("Official answer: under review"),
    "proposal.accepted": _("Official answer: accepted"),
    "proposal.implemented": _("Official answer: implemented"),
    "proposal.declined": _("Official answer: declined"),
    "proposal.progress": _("Progress update"),
    "proposal.hidden": _("Hidden by the staff"),
    "proposal.restored": _("Visible again"),
    "proposal.moderators_alerted": _("Moderators alerted: waiting too long"),
}


def _require(request, permission=MODERATE):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _history(proposal):
    content_type = ContentType.objects.get_for_model(Proposal)
    rows = ActionLog.objects.filter(content_type=content_type, object_id=proposal.pk).select_related("actor")
    states = dict(ProposalState.choices)
    return [
        {
            "when": row.created_at,
            "who": row.actor,
            "what": HISTORY_LABELS.get(row.action, row.action),
            "change": (states.get(row.data.get("from")), states.get(row.data.get("to"))) if "to" in row.data else None,
            "note": row.data.get("reason") or row.data.get("text") or "",
        }
        for row in rows.order_by("created_at", "pk")
    ]


def _authors_of(proposal):
    names = [str(proposal.author)] if proposal.author else [str(_("former member"))]
    return names + [str(row.member) for row in proposal.accepted_coauthors]


class ReadOnlyMixin:
    """Members' texts are shown, never edited or deleted, in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The list's actions need it; each object's page is read-only, its decisions are buttons.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "group", "state", "authors", "support_count", "submitted_at", "published_at"]
    list_filter = ["state", "group", ("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "problem", "solution", "author__full_name", "author__email"]
    date_hierarchy = "created_at"
    actions = ["publish_selected", "reject_selected"]
    change_form_template = "admin/groups/proposal/change_form.html"
    fieldsets = [
        (None, {"fields": ["group", "author", "state", "rejection_reason", "support_count"]}),
        (_("Dates"), {"fields": ["created_at", "submitted_at", "published_at", "answered_at"]}),
        (_("Hidden by the staff"), {"fields": ["hidden_at", "hidden_reason"]}),
    ]
    readonly_fields = [
        "group",
        "author",
        "state",
        "rejection_reason",
        "support_count",
        "created_at",
        "submitted_at",
        "published_at",
        "answered_at",
        "hidden_at",
        "hidden_reason",
    ]

    def get_queryset(self, request):
        accepted = CoAuthor.objects.accepted().select_related("member")
        return (
            super()
            .get_queryset(request)
            .select_related("group", "author")
            .prefetch_related(Prefetch("coauthors", queryset=accepted, to_attr="accepted_coauthors"))
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("authors"))
    def authors(self, proposal):
        return ", ".join(_authors_of(proposal))

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("<int:pk>/pubblica/", view(self.publish_view), name="groups_proposal_publish"),
            path("rifiuta/", view(self.reject_view), name="groups_proposal_reject"),
            path("<int:pk>/risposta/", view(self.answer_view), name="groups_proposal_answer"),
            path("<int:pk>/avanzamento/", view(self.progress_view), name="groups_proposal_progress"),
            path("<int:pk>/nascondi/", view(self.hide_view), name="groups_proposal_hide"),
            path("<int:pk>/ripristina/", view(self.restore_view), name="groups_proposal_restore"),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, object_id)
        extra = {}
        if proposal is not None:
            extra = {
                "proposal": proposal,
                "history": _history(proposal),
                "attachments": list(proposal.attachments.all()),
                "coauthors": list(proposal.coauthors.select_related("member")),
                "updates": list(proposal.updates.select_related("created_by")),
                "may_moderate": request.user.has_perm(MODERATE),
                "answers_allowed": bool(proposal.answers_allowed()),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    # Decisions

    @admin.action(description=_("Publish the selected proposals"))
    def publish_selected(self, request, queryset):
        _require(request)
        published, problems = 0, []
        for proposal in queryset.order_by("submitted_at", "pk"):
            try:
                services.publish_proposal(proposal, actor=request.user)
            except ValidationError as error:
                problems += [f"{proposal}: {message}" for message in error.messages]
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext(
                    "%(count)d proposal published: the authors have been told.",
                    "%(count)d proposals published: the authors have been told.",
                    published,
                )
                % {"count": published},
                messages.SUCCESS,
            )
        for problem in problems:
            self.message_user(request, problem, messages.ERROR)

    @admin.action(description=_("Do not publish the selected proposals…"))
    def reject_selected(self, request, queryset):
        _require(request)
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(f"{reverse('admin:groups_proposal_reject')}?ids={ids}")

    def publish_view(self, request, pk):
        """The "Publish" button of a proposal's page (POST only)."""
        _require(request)
        proposal = get_object_or_404(Proposal, pk=pk)
        if request.method != "POST":
            return redirect("admin:groups_proposal_change", pk)
        try:
            services.publish_proposal(proposal, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return redirect("admin:groups_proposal_change", pk)
        self.message_user(request, _("“%(title)s” is published: the authors have been told.") % {"title": proposal})
        return _back_to_queue()

    def reject_view(self, request):
        _require(request)
        raw_ids = request.POST.get("ids") or request.GET.get("ids") or ""
        ids = [pk for pk in map(parse_id, raw_ids.split(",")) if pk is not None]
        proposals = list(Proposal.objects.filter(pk__in=ids, state=ProposalState.SUBMITTED).select_related("group"))
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            rejected, problems = 0, []
            for proposal in proposals:
                try:
                    services.reject_proposal(proposal, actor=request.user, reason=form.cleaned_data["reason"])
                except ValidationError as error:
                    problems += [f"{proposal}: {message}" for message in error.messages]
                else:
                    rejected += 1
            if rejected:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d proposal not published: the authors have been told why.",
                        "%(count)d proposals not published: the authors have been told why.",
                        rejected,
                    )
                    % {"count": rejected},
                )
            for problem in problems:
                self.message_user(request, problem, messages.ERROR)
            return _back_to_queue()
        return _form_page(
            self,
            request,
            form,
            template="admin/groups/proposal/reject.html",
            title=_("Do not publish"),
            proposals=proposals,
            ids=",".join(str(p.pk) for p in proposals),
        )

    def answer_view(self, request, pk):
        _require(request)
        proposal = get_object_or_404(Proposal, pk=pk)
        if not proposal.answers_allowed():
            self.message_user(
                request,
                _("Only a published proposal can be answered; this one is “%(state)s”.")
                % {"state": proposal.get_state_display()},
                messages.ERROR,
            )
            return redirect("admin:groups_proposal_change", pk)
        return _decided_by_form(
            self,
            request,
            AnswerForm(request.POST or None, proposal=proposal),
            lambda data: services.answer_proposal(proposal, actor=request.user, **data),
            done=_("Answer published: the authors and supporters have been told."),
            then=reverse("admin:groups_proposal_change", args=[pk]),
            template="admin/groups/proposal/decision.html",
            title=_("Official answer"),
            proposal=proposal,
            submit=_("Publish the answer"),
        )

    def progress_view(self, request, pk):
        _require(request)
        proposal = get_object_or_404(Proposal, pk=pk)
        return _decided_by_form(
            self,
            request,
            ProgressForm(request.POST or None),
            lambda data: services.add_progress_update(proposal, actor=request.user, **data),
            done=_("Progress update published: the authors and supporters have been told."),
            then=reverse("admin:groups_proposal_change", args=[pk]),
            template="admin/groups/proposal/decision.html",
            title=_("Progress update"),
            proposal=proposal,
            submit=_("Publish the update"),
        )

    def hide_view(self, request, pk):
        _require(request)
        proposal = get_object_or_404(Proposal, pk=pk)
        return _decided_by_form(
            self,
            request,
            ReasonForm(request.POST or None),
            lambda data: services.hide_proposal(proposal, actor=request.user, **data),
            done=_("The proposal is hidden: its authors have been told why."),
            then=reverse("admin:groups_proposal_change", args=[pk]),
            template="admin/groups/proposal/decision.html",
            title=_("Hide the proposal"),
            proposal=proposal,
            submit=_("Hide"),
        )

    def restore_view(self, request, pk):
        """Undo a hiding (POST only): the proposal is public again."""
        _require(request)
        proposal = get_object_or_404(Proposal, pk=pk)
        if request.method == "POST" and services.restore_proposal(proposal, actor=request.user):
            self.message_user(request, _("The proposal is visible again."))
        return redirect("admin:groups_proposal_change", pk)


def _form_page(model_admin, request, form, *, template, title, **context):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "opts": model_admin.model._meta,
        **context,
    }
    return TemplateResponse(request, template, context)


def _decided_by_form(model_admin, request, form, decide, *, done, then, **page):
    """A decision that needs a form (a reason, an answer): the form, and on a valid post
    `decide(cleaned_data)`; a refusal from the service goes back into the form."""
    if request.method == "POST" and form.is_valid():
        try:
            decide(form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            model_admin.message_user(request, done)
            return redirect(then)
    return _form_page(model_admin, request, form, **page)


def _back_to_queue():
    """After a decision, the next proposal waiting is one click away."""
    return redirect("admin:groups_proposaltomoderate_changelist")


@admin.register(ProposalToModerate)
class ProposalToModerateAdmin(ProposalAdmin):
    """Da moderare: what waits for the staff, oldest first."""

    list_display = ["title", "group", "authors", "waiting"]
    list_filter = ["group"]
    date_hierarchy = None

    def get_queryset(self, request):
        return super().get_queryset(request).filter(state=ProposalState.SUBMITTED).order_by("submitted_at", "pk")

    @admin.display(description=_("waiting for"), ordering="submitted_at")
    def waiting(self, proposal):
        return timesince(proposal.submitted_at)

    def get_urls(self):
        # The decisions live on the proposals' own admin; this queue only lists.
        return admin.ModelAdmin.get_urls(self)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:groups_proposal_change", object_id)


@admin.register(Comment)
class CommentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["short_text", "proposal", "author", "created_at", "state"]
    list_filter = [("hidden_at", admin.EmptyFieldListFilter), ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "author__full_name", "proposal__title"]
    list_select_related = ["proposal", "author"]
    change_form_template = "admin/groups/comment/change_form.html"
    fields = [
        "proposal",
        "parent",
        "author",
        "text",
        "created_at",
        "edited_at",
        "removed_at",
        "hidden_at",
        "hidden_reason",
    ]
    readonly_fields = fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("text"))
    def short_text(self, comment):
        return _comment_summary(comment)

    @admin.display(description=_("state"))
    def state(self, comment):
        if comment.is_hidden:
            return _("hidden by the staff")
        if comment.is_removed:
            return _("removed by the author")
        return _("visible")

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("<int:pk>/nascondi/", view(self.hide_view), name="groups_comment_hide"),
            path("<int:pk>/ripristina/", view(self.restore_view), name="groups_comment_restore"),
        ]
        return own + super().get_urls()

    def restore_view(self, request, pk):
        """Undo a hiding (POST only): the comment shows again."""
        _require(request, "groups.change_comment")
        comment = get_object_or_404(Comment, pk=pk)
        if request.method == "POST" and services.restore_comment(comment, actor=request.user):
            self.message_user(request, _("The comment is visible again."))
        return redirect("admin:groups_comment_change", pk)

    def hide_view(self, request, pk):
        _require(request, "groups.change_comment")
        comment = get_object_or_404(Comment.objects.select_related("proposal", "author"), pk=pk)
        return _decided_by_form(
            self,
            request,
            ReasonForm(request.POST or None),
            lambda data: services.hide_comment(comment, actor=request.user, **data),
            done=_("The comment is hidden: its author has been told why."),
            then=reverse("admin:groups_comment_change", args=[pk]),
            template="admin/groups/comment/hide.html",
            title=_("Hide the comment"),
            comment=comment,
        )


def _comment_summary(comment):
    if comment.is_removed:
        return _("(removed by the author)")
    return comment.text if len(comment.text) <= 80 else f"{comment.text[:79]}…"


@admin.register(Report)
class ReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "about", "reason", "reporter", "outcome"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "outcome"]
    search_fields = ["reason", "proposal__title", "comment__text"]
    list_select_related = ["proposal", "comment", "reporter"]
    actions = ["dismiss_selected"]
    change_form_template = "admin/groups/report/change_form.html"
    fields = ["proposal", "comment", "reporter", "reason", "created_at", "resolved_at", "resolved_by", "outcome"]
    readonly_fields = fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("about"))
    def about(self, report):
        if report.comment_id:
            return format_html("{}: {}", _("Comment"), _comment_summary(report.comment))
        return format_html("{}: {}", _("Proposal"), report.proposal)

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("<int:pk>/nascondi/", view(self.hide_view), name="groups_report_hide"),
            path("<int:pk>/archivia/", view(self.dismiss_view), name="groups_report_dismiss"),
        ]
        return own + super().get_urls()

    @admin.action(description=_("Dismiss the selected reports (the content stays)"))
    def dismiss_selected(self, request, queryset):
        _require(request, "groups.change_report")
        count = sum(services.dismiss_report(report, actor=request.user) for report in queryset.open())
        self.message_user(
            request,
            ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", count) % {"count": count},
        )

    def dismiss_view(self, request, pk):
        _require(request, "groups.change_report")
        report = get_object_or_404(Report, pk=pk)
        if request.method == "POST" and services.dismiss_report(report, actor=request.user):
            self.message_user(request, _("Report dismissed: the content stays."))
            return redirect("admin:groups_report_changelist")
        return redirect("admin:groups_report_change", pk)

    def hide_view(self, request, pk):
        _require(request, "groups.change_report")
        report = get_object_or_404(Report.objects.select_related("proposal", "comment"), pk=pk)
        return _decided_by_form(
            self,
            request,
            ReasonForm(request.POST or None),
            lambda data: services.hide_reported(report, actor=request.user, **data),
            done=_("Hidden: the author has been told why, and the report is resolved."),
            then=reverse("admin:groups_report_changelist"),
            template="admin/groups/report/hide.html",
            title=_("Hide what was reported"),
            report=report,
        )
