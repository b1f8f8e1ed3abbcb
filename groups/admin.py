from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groups import services
from groups.ics import personal_feeds_changed
from groups.models import (
    RSVP,
    DatePoll,
    DateSlot,
    DiscussionPrompt,
    Document,
    Meeting,
    Membership,
    WorkingGroup,
)
from groups.pagecache import overview_changed


class DiscussionPromptInline(admin.TabularInline):
    model = DiscussionPrompt
    extra = 1


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["member"]
    fields = ["member", "role", "state", "joined_at"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "theme", "join_policy", "position", "archived_at"]
    list_filter = ["theme", "join_policy", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "summary", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DiscussionPromptInline, MembershipInline]
    actions = ["archive", "restore"]

    @admin.action(description=_("Archive the selected groups (they disappear from the portal)"))
    def archive(self, request, queryset):
        count = queryset.filter(archived_at=None).update(archived_at=timezone.now())
        personal_feeds_changed()  # an update() sends no signal: feeds leave out archived groups
        overview_changed()
        self.message_user(
            request, ngettext("%(count)d group archived.", "%(count)d groups archived.", count) % {"count": count}
        )

    @admin.action(description=_("Bring the selected groups back"))
    def restore(self, request, queryset):
        count = queryset.exclude(archived_at=None).update(archived_at=None)
        personal_feeds_changed()  # an update() sends no signal: feeds leave out archived groups
        overview_changed()
        self.message_user(
            request, ngettext("%(count)d group restored.", "%(count)d groups restored.", count) % {"count": count}
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "group", "role", "state", "joined_at"]
    list_filter = ["group", "role", "state"]
    search_fields = ["member__full_name", "member__email", "group__name"]
    autocomplete_fields = ["member"]
    list_select_related = ["member", "group"]


class RSVPInline(admin.TabularInline):
    model = RSVP
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "starts_at", "status"]
    list_filter = ["group", "status"]
    search_fields = ["title", "agenda", "minutes", "location"]
    date_hierarchy = "starts_at"
    list_select_related = ["group"]
    inlines = [RSVPInline]
    readonly_fields = ["sequence", "created_by", "created_at"]


class DateSlotInline(admin.TabularInline):
    model = DateSlot
    extra = 0


@admin.register(DatePoll)
class DatePollAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "status", "closes_at"]
    list_filter = ["group", "status"]
    search_fields = ["title", "description"]
    list_select_related = ["group"]
    inlines = [DateSlotInline]
    raw_id_fields = ["meeting", "chosen_slot"]


class DocumentAdminForm(forms.ModelForm):
    """Staff uploads pass the same content check as the facilitators' ones."""

    class Meta:
        model = Document
        fields = ["group", "meeting", "title", "description", "visibility", "file", "url"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            try:
                self.instance.content_type = services.check_upload(upload)
            except ValidationError as error:
                raise ValidationError(error.message_dict["file"]) from None
            self.instance.size = upload.size
        return upload


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    list_display = ["title", "group", "visibility", "content_type", "created_at"]
    list_filter = ["group", "visibility", "content_type"]
    search_fields = ["title", "description"]
    list_select_related = ["group"]
    readonly_fields = ["content_type", "size", "uploaded_by"]


# The proposals' admin pages (moderation) are registered by their own module.
import groups.proposals.admin  # noqa: E402, F401
