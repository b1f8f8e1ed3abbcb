from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from calls import services
from calls.models import (
    CallReviewer,
    Candidacy,
    CandidacyDocument,
    Criterion,
    FundingCall,
    LeadAssessment,
    LeadCriterion,
    LeadPartnerRequest,
    RequiredDocument,
    ResponsibilityTemplateItem,
    RulesComment,
    RulesVersion,
    TeamMember,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 1
    fields = ["name", "description", "weight", "is_ethical", "position"]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 1
    fields = ["name", "description", "position"]


class ResponsibilityInline(admin.TabularInline):
    model = ResponsibilityTemplateItem
    extra = 1
    fields = ["title", "owner", "days_before", "description", "position"]


class ReviewerInline(admin.TabularInline):
    model = CallReviewer
    extra = 1
    autocomplete_fields = ["member"]
    fields = ["member"]


def _report(model_admin, request, done, problems, message):
    if done:
        model_admin.message_user(request, message % {"count": done}, messages.SUCCESS)
    for problem in problems:
        model_admin.message_user(request, problem, messages.ERROR)


@admin.register(FundingCall)
class FundingCallAdmin(admin.ModelAdmin):
    """Staff write a call here; its selection runs on the portal (/bandi/<call>/selezione/)."""

    list_display = ["title", "funder", "funder_kind", "status", "internal_deadline", "max_candidacies"]
    list_filter = ["status", "funder_kind", "sectors"]
    search_fields = ["title", "funder", "summary"]
    date_hierarchy = "internal_deadline"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["sectors"]
    autocomplete_fields = ["staff_contact"]
    readonly_fields = ["status", "published_at", "draw_seed_hash", "scoring_opened_at", "ranking_published_at"]
    inlines = [CriterionInline, RequiredDocumentInline, ResponsibilityInline, ReviewerInline]
    actions = ["publish", "archive"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "funder", "funder_kind", "url", "summary", "eligibility", "sectors"]}),
        (
            _("Deadlines and limit"),
            {"fields": ["funder_deadline", "internal_deadline", "max_candidacies", "one_per_member", "staff_contact"]},
        ),
        (
            _("Status"),
            {"fields": ["status", "published_at", "draw_seed_hash", "scoring_opened_at", "ranking_published_at"]},
        ),
    ]

    @admin.action(description=_("Publish the selected calls (members see them)"))
    def publish(self, request, queryset):
        done = sum(services.publish_call(call, actor=request.user) for call in queryset)
        _report(self, request, done, [], ngettext("%(count)d call published.", "%(count)d calls published.", done))

    @admin.action(description=_("Archive the selected calls"))
    def archive(self, request, queryset):
        done = sum(services.archive_call(call, actor=request.user) for call in queryset)
        _report(self, request, done, [], ngettext("%(count)d call archived.", "%(count)d calls archived.", done))


class ReadOnlyInline(admin.TabularInline):
    """What members wrote, shown to staff beside the object: changed only through the portal."""

    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class TeamMemberInline(ReadOnlyInline):
    model = TeamMember
    fk_name = "candidacy"
    fields = ["member", "role", "state", "answered_at"]


class CandidacyDocumentInline(ReadOnlyInline):
    model = CandidacyDocument
    fields = ["requirement", "content_type", "size", "created_at"]


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin):
    """Read here, decided on the portal: every change of state goes through its service, which
    logs it and tells the team."""

    list_display = ["title", "call", "applicant", "state", "submitted_at"]
    list_filter = ["state", "call"]
    search_fields = ["title", "summary", "applicant__full_name", "applicant__email", "call__title"]
    list_select_related = ["call", "applicant"]
    fields = [
        "call",
        "applicant",
        "public_id",
        "title",
        "summary",
        "budget",
        "declares_no_conflict",
        "accepts_ethics",
        "state",
        "state_reason",
        "state_changed_at",
        "submitted_at",
        "selected_at",
    ]
    readonly_fields = fields
    inlines = [TeamMemberInline, CandidacyDocumentInline]

    def has_add_permission(self, request):
        return False


@admin.register(ResponsibilityTemplateItem)
class ResponsibilityTemplateItemAdmin(admin.ModelAdmin):
    """Mostly edited inside each call; here also the template of lead-partner projects (no call)."""

    list_display = ["title", "call", "owner", "days_before"]
    list_filter = ["owner", ("call", admin.EmptyFieldListFilter)]
    search_fields = ["title", "description"]
    list_select_related = ["call"]


@admin.register(LeadCriterion)
class LeadCriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "is_ethical", "is_active", "position"]
    list_filter = ["is_ethical", "is_active"]
    search_fields = ["name", "description"]


class LeadAssessmentInline(ReadOnlyInline):
    model = LeadAssessment
    fields = ["criterion", "met", "note"]


@admin.register(LeadPartnerRequest)
class LeadPartnerRequestAdmin(admin.ModelAdmin):
    """Evaluated and decided on the portal (/bandi/capofila/<id>/), with reasons the member reads."""

    list_display = ["title", "requester", "state", "deadline", "created_at"]
    list_filter = ["state"]
    search_fields = ["title", "summary", "requester__full_name", "requester__email"]
    list_select_related = ["requester"]
    fields = [
        "requester",
        "title",
        "summary",
        "partners",
        "funder",
        "budget",
        "deadline",
        "state",
        "decision_reason",
        "decided_at",
        "decided_by",
    ]
    readonly_fields = fields
    inlines = [LeadAssessmentInline]

    def has_add_permission(self, request):
        return False


class RulesCommentInline(ReadOnlyInline):
    model = RulesComment
    fields = ["author", "text", "created_at"]


@admin.register(RulesVersion)
class RulesVersionAdmin(admin.ModelAdmin):
    """Staff write a draft, members comment on it on the portal, staff publish it: a published
    version never changes (the next one is a new draft)."""

    list_display = ["number", "title", "status", "created_at", "published_at"]
    list_filter = ["status"]
    search_fields = ["title", "body"]
    inlines = [RulesCommentInline]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return ["number", "title", "body", "changes", "status", "published_at"]
        return ["status", "published_at"]

    def get_changeform_initial_data(self, request):
        latest = RulesVersion.objects.aggregate(latest=Max("number"))["latest"] or 0
        return {"number": latest + 1}

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        done, problems = 0, []
        for version in queryset.order_by("number"):
            try:
                done += services.publish_rules(version, actor=request.user)
            except ValidationError as error:
                problems.extend(error.messages)
        message = ngettext("%(count)d version published.", "%(count)d versions published.", done)
        _report(self, request, done, problems, message)
