from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from training import exports, services
from training.enums import CourseState, EnrolmentState
from training.forms import MoneyField
from training.models import (
    Course,
    CourseTrainer,
    Enrolment,
    Feedback,
    Programme,
    ProgrammeEvent,
    ProposalReview,
    Session,
    TrainerProposal,
    TrainingInterest,
)

MONEY_FIELDS = {models.DecimalField: {"form_class": MoneyField}}


class ProgrammeEventInline(admin.TabularInline):
    model = ProgrammeEvent
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name", "summary", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProgrammeEventInline]


class CourseTrainerInline(admin.TabularInline):
    model = CourseTrainer
    extra = 0
    autocomplete_fields = ["member"]
    fields = ["member", "name", "bio", "position"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "starts_at", "ends_at", "location", "online_url", "sequence"]
    readonly_fields = ["sequence"]


class EnrolmentInline(admin.TabularInline):
    """Who holds a seat, who has an offer and until when, then the waiting list in its order."""

    model = Enrolment
    verbose_name = _("enrolment")
    verbose_name_plural = _("Seats, offers and the waiting list, in order")
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["waiting_position", "member", "state", "queued_at", "offer_expires_at", "price", "paid_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        order = Case(
            When(state=EnrolmentState.CONFIRMED, then=Value(0)),
            When(state=EnrolmentState.OFFERED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return (
            super()
            .get_queryset(request)
            .live()
            .select_related("member")
            .annotate(
                place=Window(RowNumber(), partition_by=[F("course"), F("state")], order_by=[F("queued_at"), F("pk")])
            )
            .order_by(order, "queued_at", "pk")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("place on the waiting list"))
    def waiting_position(self, enrolment):
        return enrolment.place if enrolment.state == EnrolmentState.WAITLISTED else "–"


class CourseAdminForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            *["title", "slug", "programme", "area", "skills", "summary", "description", "format", "capacity"],
            *["audience", "price_members", "price_others", "offer_hours", "enrolment_opens_at", "enrolment_closes_at"],
            "internal_notes",
        ]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and capacity is not None:
            # The admin saves in one transaction: the lock taken here holds until the save,
            # so nobody takes a seat between this check and the new capacity.
            services.check_capacity(services.lock_for_edit(self.instance), capacity)
        return capacity


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    form = CourseAdminForm
    formfield_overrides = MONEY_FIELDS
    list_display = ["title", "area", "state", "audience", "capacity", "seats_taken", "waiting_count", "first_session"]
    list_filter = ["state", "audience", "format", "area", "programme"]
    search_fields = ["title", "summary", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["skills"]
    list_select_related = ["area"]
    readonly_fields = ["state", "published_at", "proposal", "created_by", "created_at"]
    inlines = [CourseTrainerInline, SessionInline, EnrolmentInline]
    actions = ["publish", "close", "cancel", "export_enrolments"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "programme", "area", "skills", "summary", "description", "format"]}),
        (_("Seats and price"), {"fields": ["capacity", "audience", "price_members", "price_others", "offer_hours"]}),
        (_("Enrolment window"), {"fields": ["enrolment_opens_at", "enrolment_closes_at"]}),
        (_("State"), {"fields": ["state", "published_at", "proposal", "internal_notes", "created_by", "created_at"]}),
    ]

    @admin.display(description=_("first session"), ordering="first_session_at")
    def first_session(self, course):
        return (
            timezone.localtime(course.first_session_at).strftime("%d/%m/%Y %H:%M") if course.first_session_at else "–"
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        services.save_course(obj, actor=request.user, changed=form.changed_data)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for session in formset.deleted_objects:
            session.delete()
        for session in formset.new_objects:
            services.save_session(session, actor=request.user, changed=[])
        for session, changed in formset.changed_objects:
            services.save_session(session, actor=request.user, changed=changed)

    def _set_state(self, request, queryset, state, done):
        count = 0
        for course in queryset:
            try:
                count += services.set_course_state(course, state, actor=request.user)
            except ValidationError as error:
                self.message_user(request, f"{course}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(request, done(count) % {"count": count})

    @admin.action(description=_("Publish the selected courses (interested members are told)"))
    def publish(self, request, queryset):
        self._set_state(
            request,
            queryset,
            CourseState.PUBLISHED,
            lambda n: ngettext("%(count)d course published.", "%(count)d courses published.", n),
        )

    @admin.action(description=_("Close enrolment for the selected courses"))
    def close(self, request, queryset):
        self._set_state(
            request,
            queryset,
            CourseState.CLOSED,
            lambda n: ngettext("%(count)d course closed.", "%(count)d courses closed.", n),
        )

    @admin.action(description=_("Cancel the selected courses (who is enrolled is told)"))
    def cancel(self, request, queryset):
        self._set_state(
            request,
            queryset,
            CourseState.CANCELLED,
            lambda n: ngettext("%(count)d course cancelled.", "%(count)d courses cancelled.", n),
        )

    @admin.action(description=_("Download the enrolment lists (CSV)"))
    def export_enrolments(self, request, queryset):
        return exports.csv_response("iscrizioni.csv", exports.enrolment_rows(queryset))


class EnrolmentAdminForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["amount_paid", "paid_at"]

    def clean(self):
        data = super().clean()
        if self.has_changed() and self.instance.state != EnrolmentState.CONFIRMED:
            raise ValidationError(_("Payments are recorded for confirmed seats only."), code="not_confirmed")
        if data.get("paid_at") and data.get("amount_paid") is None:
            self.add_error("amount_paid", _("Write the amount paid, in euros."))
        return data


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    """Payments are recorded here; a seat changes state only through the actions."""

    form = EnrolmentAdminForm
    formfield_overrides = MONEY_FIELDS
    list_display = ["member", "course", "state", "queued_at", "offer_expires_at", "price", "amount_paid", "paid_at"]
    list_filter = ["state", "course"]
    search_fields = ["member__full_name", "member__email", "course__title"]
    list_select_related = ["member", "course"]
    ordering = ["course", "state", "queued_at"]
    date_hierarchy = "queued_at"
    readonly_fields = [
        "course",
        "member",
        "state",
        "queued_at",
        "confirmed_at",
        "offered_at",
        "offer_expires_at",
        "ended_at",
        "price",
        "feedback_requested_at",
    ]
    fields = [*readonly_fields[:-1], "amount_paid", "paid_at", "feedback_requested_at"]
    actions = ["record_full_payment", "release_unpaid"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if not form.has_changed():
            return
        if obj.amount_paid is None:
            services.clear_payment(obj, actor=request.user)
        else:
            services.record_payment(obj, actor=request.user, amount=obj.amount_paid, paid_at=obj.paid_at)

    def _each(self, request, queryset, act, done):
        count = 0
        for enrolment in queryset.select_related("course", "member"):
            try:
                act(enrolment)
            except ValidationError as error:
                self.message_user(request, f"{enrolment}: {' '.join(error.messages)}", messages.WARNING)
            else:
                count += 1
        self.message_user(request, done(count) % {"count": count})

    @admin.action(description=_("Record the payment of the full price"))
    def record_full_payment(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda e: services.record_payment(e, actor=request.user, amount=e.price),
            lambda n: ngettext("%(count)d payment recorded.", "%(count)d payments recorded.", n),
        )

    @admin.action(description=_("Release the unpaid seats (offered to who waits)"))
    def release_unpaid(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda e: services.release_unpaid_seat(e, actor=request.user),
            lambda n: ngettext("%(count)d seat released.", "%(count)d seats released.", n),
        )


class ProposalReviewInline(admin.TabularInline):
    model = ProposalReview
    extra = 0
    can_delete = False
    fields = ["reviewer", "score", "comment", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrainerProposal)
class TrainerProposalAdmin(admin.ModelAdmin):
    """Reviewed and decided on the portal (/formazione/proposte/), by staff and the training group."""

    formfield_overrides = MONEY_FIELDS
    list_display = ["topic", "proposer", "area", "state", "created_at"]
    list_filter = ["state", "area", "format"]
    search_fields = ["topic", "outline", "proposer__full_name"]
    list_select_related = ["proposer", "area"]
    readonly_fields = ["proposer", "state", "decision_note", "decided_by", "decided_at", "created_at"]
    autocomplete_fields = ["skills"]
    inlines = [ProposalReviewInline]

    def has_add_permission(self, request):
        return False


@admin.register(TrainingInterest)
class TrainingInterestAdmin(admin.ModelAdmin):
    list_display = ["member", "updated_at"]
    search_fields = ["member__full_name", "member__email", "wish"]
    list_select_related = ["member"]
    filter_horizontal = ["areas", "skills"]
    readonly_fields = ["member", "updated_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["course", "rating", "updated_at"]
    list_filter = ["rating", "course"]
    list_select_related = ["course"]
    readonly_fields = ["course", "member", "rating", "comment", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False
