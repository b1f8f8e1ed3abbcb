from django.contrib import admin

from groups.models import DiscussionPrompt, WorkingGroup


class DiscussionPromptInline(admin.TabularInline):
    model = DiscussionPrompt
    extra = 1


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "theme", "position", "archived_at"]
    list_filter = ["theme", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "summary", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DiscussionPromptInline]
