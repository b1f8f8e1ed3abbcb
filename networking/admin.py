"""The network in the admin: common projects, for staff to see and close. Messages between
members are private and are not shown here; surveys are built in networking/surveys/admin.py."""

from django.contrib import admin

from networking.models import CommonProject
from networking.surveys import admin as surveys_admin  # noqa: F401 (registers the surveys)


@admin.register(CommonProject)
class CommonProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "created_at", "closed_at"]
    list_filter = ["closed_at"]
    search_fields = ["title", "description"]
    raw_id_fields = ["author"]
    filter_horizontal = ["skills"]
    date_hierarchy = "created_at"
