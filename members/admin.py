from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as AuthGroupAdmin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members import services
from members.enums import MemberStatus
from members.forms import RefusalForm, RosterUploadForm
from members.models import ActionLog, Member, RosterEntry, Sector, Skill
from members.validators import parse_id

# Django stores a permission's name in the database in English ("Can add member"),
# made once from the model's name; its action and model are read back from the
# codename and the content type instead, both of which translate.
PERMISSION_ACTIONS = {
    "add": _("Can add"),
    "change": _("Can change"),
    "delete": _("Can delete"),
    "view": _("Can view"),
}


def permission_label(permission):
    action, _sep, model_name = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model_name == permission.content_type.model:
        return f"{permission.content_type} | {PERMISSION_ACTIONS[action]}"
    return str(permission)  # a permission a model declares itself: its name is what the model gave


class ItalianPermissionsMixin:
    """Permission lists (user and group) labelled in the reader's language."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs.setdefault("queryset", db_field.remote_field.model.objects.select_related("content_type"))
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = permission_label
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ItalianPermissionsMixin, AuthGroupAdmin):
    pass


class MemberPasswordChangeForm(AdminPasswordChangeForm):
    # Django glues this warning to a lazy string with "+", which translates the
    # help text once, at import, and leaves the warning untranslatable.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


@admin.register(Member)
class MemberAdmin(ItalianPermissionsMixin, UserAdmin):
    list_display = ["email", "full_name", "membership_number", "status", "status_changed_at", "is_staff"]
    list_filter = ["status", "is_staff", "is_active", "language", "region"]
    search_fields = ["email", "full_name", "membership_number"]
    ordering = ["-date_joined"]
    readonly_fields = ["status", "status_changed_at", "refusal_reason", "last_login", "date_joined"]
    filter_horizontal = ["sectors", "skills", "groups", "user_permissions"]
    actions = ["verify_selected", "refuse_selected"]
    change_form_template = "admin/members/member/change_form.html"
    change_password_form = MemberPasswordChangeForm
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language", "time_zone", "region", "bio", "sectors", "skills"]}),
        (_("Membership"), {"fields": ["membership_number", "status", "status_changed_at", "refusal_reason"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]

    def get_urls(self):
        own = [
            path("<int:pk>/verifica/", self.admin_site.admin_view(self.verify_view), name="members_member_verify"),
            path("rifiuta/", self.admin_site.admin_view(self.refuse_view), name="members_member_refuse"),
        ]
        return own + super().get_urls()

    def _require_change(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied

    @admin.action(description=_("Verify the selected people"))
    def verify_selected(self, request, queryset):
        self._require_change(request)
        done, problems = 0, []
        for member in queryset:
            try:
                done += services.verify_member(member, actor=request.user)
            except ValidationError as error:
                problems.extend(error.messages)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d person verified.", "%(count)d people verified.", done) % {"count": done},
                messages.SUCCESS,
            )
        for problem in problems:
            self.message_user(request, problem, messages.ERROR)

    @admin.action(description=_("Refuse the selected requests…"))
    def refuse_selected(self, request, queryset):
        self._require_change(request)
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(f"{reverse('admin:members_member_refuse')}?ids={ids}")

    def verify_view(self, request, pk):
        """The one-click "Verify" button on a member's page (POST only)."""
        self._require_change(request)
        if request.method != "POST":
            return redirect("admin:members_member_change", pk)
        member = get_object_or_404(Member, pk=pk)
        try:
            if services.verify_member(member, actor=request.user):
                self.message_user(request, _("%(member)s is now a verified member.") % {"member": member})
        except ValidationError as error:
            for problem in error.messages:
                self.message_user(request, problem, messages.ERROR)
        return redirect("admin:members_member_change", pk)

    def refuse_view(self, request):
        self._require_change(request)
        raw_ids = request.POST.get("ids") or request.GET.get("ids") or ""
        ids = [pk for pk in map(parse_id, raw_ids.split(",")) if pk is not None]
        members = Member.objects.filter(pk__in=ids, status__in=MemberStatus.DECIDABLE)
        form = RefusalForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            count = sum(
                services.refuse_member(member, actor=request.user, reason=form.cleaned_data["reason"])
                for member in members
            )
            self.message_user(
                request,
                ngettext("%(count)d request refused.", "%(count)d requests refused.", count) % {"count": count},
            )
            return redirect("admin:members_member_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refuse verification"),
            "form": form,
            "members": members,
            "ids": ",".join(str(m.pk) for m in members),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/members/member/refuse.html", context)


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    list_display = ["membership_number", "full_name", "email", "imported_at"]
    search_fields = ["membership_number", "full_name", "email"]
    # Set by the import, never typed: a typed year 9999 would break this list east of UTC.
    readonly_fields = ["imported_at"]
    change_list_template = "admin/members/rosterentry/change_list.html"

    def get_urls(self):
        own = [path("importa/", self.admin_site.admin_view(self.import_view), name="members_rosterentry_import")]
        return own + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RosterUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.import_roster(form.cleaned_data["file"], actor=request.user)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                self.message_user(
                    request,
                    _("Roster imported: %(created)d new numbers, %(updated)d updated, %(verified)d requests verified.")
                    % {"created": result.created, "updated": result.updated, "verified": result.verified},
                )
                return redirect("admin:members_rosterentry_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import the membership roster"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/members/rosterentry/import.html", context)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, sector):
        return sector.member_count


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "sector"]
    list_filter = ["sector"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ActionLog)
class ActionLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "content_type", "object_id", "actor"]
    list_filter = ["action", "content_type"]
    search_fields = ["action"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
