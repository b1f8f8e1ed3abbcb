from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from calls.enums import (
    CANDIDACY_TRANSITIONS,
    CandidacyState,
    FunderKind,
    MilestoneKind,
)
from calls.models import MAX_BUDGET_DIGITS, Candidacy, LeadPartnerRequest, OpenRole, ReportingMilestone
from calls.ranking import MAX_SCORE, MIN_SCORE
from groups.forms import datetime_field
from members.models import Sector, Skill
from members.validators import parse_euro

UPLOAD_ACCEPT = ".pdf,.odt,.ods,.odp,.docx,.xlsx,.pptx,.png,.jpg,.jpeg,.gif,.webp"
UPLOAD_HELP = _("PDF, ODT/ODS, DOCX/XLSX or an image, at most 20 MB.")


class EuroField(forms.Field):
    """An amount in euro typed the Italian way ("12.500,50", "€ 12.500"); a Decimal, never a float."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        kwargs.setdefault("help_text", _("In euro, for example 12.500,50."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        whole, cents = f"{value:.2f}".split(".")
        return f"{int(whole):,}".replace(",", ".") + f",{cents}"

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        return parse_euro(str(value), max_digits=MAX_BUDGET_DIGITS)


def file_field():
    widget = forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT})
    return forms.FileField(label=_("File"), help_text=UPLOAD_HELP, widget=widget)


class CallFilterForm(forms.Form):
    """The filters of /bandi/; a value that is not a choice is ignored, never an error page."""

    settore = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Every sector"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    tipo = forms.ChoiceField(
        label=_("Funder"),
        choices=[("", _("Public and private")), *FunderKind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self):
        if not self.is_valid():
            return {}
        found = {}
        if self.cleaned_data.get("settore"):
            found["sectors"] = self.cleaned_data["settore"]
        if self.cleaned_data.get("tipo"):
            found["funder_kind"] = self.cleaned_data["tipo"]
        return found


class CandidacyStartForm(forms.ModelForm):
    budget = EuroField(label=_("Budget (euro)"), required=False)

    class Meta:
        model = Candidacy
        fields = ["title", "summary", "budget"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}


class CandidacyForm(forms.ModelForm):
    budget = EuroField(label=_("Budget (euro)"), required=False)
    declares_no_conflict = forms.BooleanField(
        label=_(
            "I declare that neither I nor the members of my team have a conflict of interest with the call, "
            "its funder or the cooperative's reviewers."
        ),
        required=False,
    )
    accepts_ethics = forms.BooleanField(
        label=_("I accept the ethical criteria of the call and of the cooperative's rules."), required=False
    )

    class Meta:
        model = Candidacy
        fields = ["title", "summary", "budget", "declares_no_conflict", "accepts_ethics"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"summary": _("What the project does, for whom, with whom. At most 5000 characters.")}


class DocumentUploadForm(forms.Form):
    file = file_field()


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the member"),
        help_text=_("The address they use on Smart in Progress."),
    )
    role = forms.CharField(label=_("Role in the project"), max_length=200, required=False)


class OpenRoleForm(forms.ModelForm):
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills needed"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd on a Mac) to choose more than one."),
    )

    class Meta:
        model = OpenRole
        fields = ["title", "description", "skills"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class OfferForm(forms.Form):
    message = forms.CharField(
        label=_("A few words for the team"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you would bring to the project."),
    )


SCORE_CHOICES = [(value, str(value)) for value in range(MIN_SCORE, MAX_SCORE + 1)]


class ScoreForm(forms.Form):
    """A score 0-5 and a comment for each criterion of the call."""

    def __init__(self, criteria, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        current = current or {}
        for criterion in self.criteria:
            value, comment = current.get(criterion.pk, (None, ""))
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Score"),
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                initial=value,
                error_messages={
                    "required": _("Give a score from 0 to 5."),
                    "invalid_choice": _("A score goes from 0 to 5."),
                },
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                max_length=2000,
                required=False,
                initial=comment,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("The team reads it once the ranking is published, without your name."),
            )

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self):
        return {c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"]) for c in self.criteria}


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the staff (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StateForm(forms.Form):
    """Staff move a candidacy on: only to the states its current one allows."""

    state = forms.ChoiceField(label=_("New state"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The team reads it; required for “not eligible”."),
    )

    def __init__(self, candidacy, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = CANDIDACY_TRANSITIONS[candidacy.state] - {CandidacyState.SUBMITTED, CandidacyState.WITHDRAWN}
        self.fields["state"].choices = [(s.value, s.label) for s in CandidacyState if s in allowed]

    def clean(self):
        data = super().clean()
        if data.get("state") == CandidacyState.INELIGIBLE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the candidacy is not eligible: the team reads it."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MilestoneForm(forms.ModelForm):
    due_at = datetime_field(capfirst(ReportingMilestone._meta.get_field("due_at").verbose_name))

    class Meta:
        model = ReportingMilestone
        fields = ["kind", "title", "description", "due_at"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = MilestoneKind.choices


class DeliverForm(forms.Form):
    file = file_field()


class SignOffForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the team (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LeadRequestForm(forms.ModelForm):
    budget = EuroField(label=_("Budget (euro)"))
    deadline = datetime_field(
        capfirst(LeadPartnerRequest._meta.get_field("deadline").verbose_name),
        help_text=LeadPartnerRequest._meta.get_field("deadline").help_text,
    )

    class Meta:
        model = LeadPartnerRequest
        fields = ["title", "summary", "partners", "funder", "budget", "deadline"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8}), "partners": forms.Textarea(attrs={"rows": 3})}


YES_NO = [("yes", _("Met")), ("no", _("Not met"))]


class LeadAssessmentForm(forms.Form):
    """Staff assess each published criterion (met or not, with a note) and may decide."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Not yet: save the assessment")), ("accepted", _("Accept")), ("declined", _("Decline"))],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reasons of the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to decide: the member reads them."),
    )

    def __init__(self, criteria, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        current = current or {}
        for criterion in self.criteria:
            met, note = current.get(criterion.pk, (None, ""))
            self.fields[f"met_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                choices=YES_NO,
                widget=forms.RadioSelect,
                initial=None if met is None else ("yes" if met else "no"),
                error_messages={"required": _("Say whether the project meets this criterion.")},
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Note"), max_length=2000, required=False, initial=note
            )

    def rows(self):
        return [(c, self[f"met_{c.pk}"], self[f"note_{c.pk}"]) for c in self.criteria]

    def assessments(self):
        return {
            c.pk: (self.cleaned_data[f"met_{c.pk}"] == "yes", self.cleaned_data[f"note_{c.pk}"]) for c in self.criteria
        }

    def clean(self):
        data = super().clean()
        if data.get("decision") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reasons of the decision: the member reads them."))
        return data


class RulesCommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Write your comment."), code="empty")
        return text
