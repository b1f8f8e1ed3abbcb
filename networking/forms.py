from django import forms
from django.utils.translation import gettext_lazy as _

from members.enums import Region
from members.models import Sector, Skill
from networking.models import CommonProject


class DirectorySearchForm(forms.Form):
    """The directory's search. Every field is optional; a wrong value is simply ignored with a
    message, never an error page."""

    q = forms.CharField(label=_("Name or words"), required=False, max_length=200)
    skill = forms.ModelChoiceField(
        label=_("Skill"),
        queryset=Skill.objects.all(),
        required=False,
        empty_label=_("Any skill"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sector = forms.ModelChoiceField(
        label=_("Activity sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("Any sector"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    region = forms.ChoiceField(
        label=_("Region"),
        choices=[("", _("Any region")), *Region.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())


class ContactForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("At most 2000 characters. Your e-mail address is not shown unless you tick the box below."),
    )
    shares_address = forms.BooleanField(
        label=_("Share my e-mail address so they can answer me directly"), required=False
    )


class ProjectForm(forms.ModelForm):
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills the project needs"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Members with these skills see your project on their dashboard."),
    )

    class Meta:
        model = CommonProject
        fields = ["title", "description", "skills"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"description": _("The idea, what it needs and who you are looking for. At most 5000 characters.")}


class InterestForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the author (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
