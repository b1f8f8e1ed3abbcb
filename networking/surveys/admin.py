"""Staff build surveys here: a survey with its questions, then each question's possible
answers. Answers are never shown here: results and the CSV export are on the site, where an
anonymous survey never names anyone."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from networking.surveys.models import Choice, Question, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ["position", "text", "kind", "required", "help_text"]
    show_change_link = True


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 3
    fields = ["position", "label"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "opens_at", "closes_at", "anonymous", "results_link"]
    list_filter = ["anonymous"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionInline]
    date_hierarchy = "opens_at"

    @admin.display(description=_("results"))
    def results_link(self, survey):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("surveys:results", args=[survey.slug]),
            _("Results"),
            reverse("surveys:export", args=[survey.slug]),
            _("CSV"),
        )


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "survey", "kind", "required", "position"]
    list_filter = ["kind", "survey"]
    search_fields = ["text"]
    inlines = [ChoiceInline]
