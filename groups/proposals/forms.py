from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import Membership, WorkingGroup
from groups.proposals.enums import ProposalOrder, ProposalState
from groups.proposals.models import ANSWER_LENGTH, COMMENT_LENGTH, REASON_LENGTH, Proposal
from groups.proposals.services import MAX_ATTACHMENTS
from members.models import Member

MARKDOWN_HELP = _("Plain text; *italics*, **bold**, lists with “-” and links work too.")
ACCEPTED_FILES = ".pdf,.odt,.ods,.odp,.docx,.xlsx,.pptx,.png,.jpg,.jpeg,.gif,.webp"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (type, size)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES, "multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads if upload]


class ProposalForm(forms.ModelForm):
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Optional: up to %(count)d files, PDF, ODT/ODS, DOCX/XLSX or images, at most 20 MB each.")
        % {"count": MAX_ATTACHMENTS},
    )
    coauthors = forms.ModelMultipleChoiceField(
        label=_("Co-authors"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Other participants of the group who wrote it with you: each is asked to accept."),
    )

    class Meta:
        model = Proposal
        fields = ["title", "problem", "solution", "benefit"]
        labels = {
            "title": _("Title"),
            "problem": _("The problem"),
            "solution": _("The proposed solution"),
            "benefit": _("The expected benefit"),
        }
        help_texts = {
            "title": _("One line that says what you propose."),
            "problem": MARKDOWN_HELP,
            "solution": _("What should change, concretely, and who would do it."),
            "benefit": _("For whom, and how we will know it worked."),
        }
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 6}),
            "solution": forms.Textarea(attrs={"rows": 6}),
            "benefit": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, group, author, may_choose_coauthors=True, **kwargs):
        super().__init__(*args, **kwargs)
        if may_choose_coauthors:
            # Whom the author may invite: the group's participants whose names they may see.
            taking_part = Membership.objects.taking_part().filter(group=group).values("member")
            self.fields["coauthors"].queryset = (
                Member.objects.visible_to(author).filter(pk__in=taking_part).exclude(pk=author.pk).order_by("full_name")
            )
            if self.instance.pk:
                self.fields["coauthors"].initial = [row.member_id for row in self.instance.coauthors.all()]
        else:
            del self.fields["coauthors"]


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write something before sending.")},
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the staff look at it?"),
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the reason: the staff will read it.")},
    )


class ReasonForm(forms.Form):
    """Staff say why they refuse or hide something; the author reads it."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The authors receive it by e-mail and read it on the portal."),
        error_messages={"required": _("Write the reason: the author will read it.")},
    )


class AnswerForm(forms.Form):
    state = forms.ChoiceField(label=_("Answer"), widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Public text"),
        max_length=ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Everyone reads it on the proposal's page; the authors and supporters receive it by e-mail."),
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = proposal.answers_allowed()
        self.fields["state"].choices = [(value, label) for value, label in ProposalState.choices if value in allowed]


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("Where we are"),
        max_length=ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Public and dated today; the authors and supporters receive it by e-mail."),
    )


class ProposalFilterForm(forms.Form):
    """The lists' filters, from the query string. A value that is not one of the choices is
    ignored, never an error page."""

    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )
    gruppo = forms.ModelChoiceField(
        label=_("Working group"),
        queryset=WorkingGroup.objects.active(),
        to_field_name="slug",
        required=False,
        empty_label=_("All groups"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    stato = forms.ChoiceField(label=_("State"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    ordina = forms.ChoiceField(
        label=_("Sort by"),
        choices=ProposalOrder.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, with_group=True, **kwargs):
        super().__init__(*args, **kwargs)
        public = [(value, label) for value, label in ProposalState.choices if value in ProposalState.PUBLIC]
        self.fields["stato"].choices = [("", _("Every state")), *public]
        if not with_group:
            del self.fields["gruppo"]

    def value(self, name, default=""):
        self.is_valid()
        return self.cleaned_data.get(name) or default
