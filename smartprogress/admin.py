"""The admin pages of Django and django-celery-beat, with nothing left in English.

Their catalogues are completed in locale_vendor/. What a catalogue cannot reach
is changed here. Django's yes/no icons read "True"/"False" to a screen reader.
django-celery-beat's crontab description comes from cron_descriptor, which follows
the process locale, not the reader's (its "Italian" still says "solo il Monday"),
so it is left out; the cron expression stays. Columns it labels from a field
name or a property ("Task Name", "Scheduler") get translated labels.
"""

from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)


def boolean_icon(value):
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    label = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), label)


# Django builds the alt text from the value itself and imports this function
# each time it draws an icon (changelist columns, read-only fields).
admin_list._boolean_icon = boolean_icon


class ProcedureFilter(admin.AllValuesFieldListFilter):
    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("procedure")


class PeriodicTaskInline(beat_admin.PeriodicTaskInline):
    fields = readonly_fields = ("name", "procedure", "args", "kwargs")

    @admin.display(description=_("procedure"))
    def procedure(self, task):
        return task.task


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    list_display = ("name", "enabled", "schedule", "start_time", "last_run_at", "one_off")
    list_filter = ["enabled", "one_off", ("task", ProcedureFilter), "start_time", "last_run_at"]
    fieldsets = [
        (name, {**options, "fields": [f for f in options["fields"] if f != "crontab_translation"]})
        for name, options in beat_admin.PeriodicTaskAdmin.fieldsets
    ]
    readonly_fields = ("last_run_at",)
    # The library's form template only adds an inline script, which our Content
    # Security Policy blocks, to show the crontab description left out above.
    change_form_template = None
    changeform_view = admin.ModelAdmin.changeform_view

    @admin.display(description=_("schedule"))
    def schedule(self, task):
        return task.scheduler


for model, library_admin in [
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, type(library_admin.__name__, (library_admin,), {"inlines": [PeriodicTaskInline]}))

admin.site.unregister(CrontabSchedule)


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    inlines = [PeriodicTaskInline]
    list_display = ("__str__",)
    fields = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")
    readonly_fields = ()
