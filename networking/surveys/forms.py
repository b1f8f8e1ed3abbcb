from django import forms
from django.utils.translation import gettext_lazy as _

from networking.surveys.enums import SCALE_VALUES, QuestionKind


def field_name(question):
    return f"q{question.pk}"


class SurveyAnswerForm(forms.Form):
    """One field per question, built from the survey; `initial` from the member's answer."""

    def __init__(self, *args, survey, questions, initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        initial_answers = initial_answers or {}
        for question in questions:
            field = self._field_for(question)
            field.label = question.text
            field.help_text = question.help_text
            field.required = question.required
            field.initial = initial_answers.get(question.pk)
            self.fields[field_name(question)] = field

    def _field_for(self, question):
        messages = {"required": _("Please answer this question.")}
        if question.kind == QuestionKind.SINGLE:
            return forms.ModelChoiceField(
                queryset=question.choices.all(),
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={**messages, "invalid_choice": _("Choose one of the answers shown.")},
            )
        if question.kind == QuestionKind.MULTIPLE:
            return forms.ModelMultipleChoiceField(
                queryset=question.choices.all(),
                widget=forms.CheckboxSelectMultiple,
                error_messages={**messages, "invalid_choice": _("Choose among the answers shown.")},
            )
        if question.kind == QuestionKind.SCALE:
            return forms.TypedChoiceField(
                choices=[(value, str(value)) for value in SCALE_VALUES],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={**messages, "invalid_choice": _("Choose a value from 1 to 5.")},
            )
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), error_messages=messages)

    def answers(self):
        """{question: cleaned value} for the survey service."""
        return {question: self.cleaned_data.get(field_name(question)) for question in self.questions}
