from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members.directory import refresh_directory_text
from members.enums import DirectoryField, Visibility
from members.models import Member, Sector, Skill
from members.validators import normalise_membership_number, validate_membership_number


class SignupDetailsForm(forms.Form):
    """The fields allauth's sign-up form adds to e-mail and password."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my data is processed to run my account."),
        required=True,
        error_messages={"required": _("To sign up you need to accept the privacy notice.")},
    )

    field_order = ["full_name", "email", "password1", "password2", "privacy"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["privacy"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("privacy"), _("Read the privacy notice")
        )

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        user.language = getattr(request, "LANGUAGE_CODE", "it")
        user.save(update_fields=["full_name", "language"])


class VerificationRequestForm(forms.Form):
    membership_number = forms.CharField(
        label=_("Membership number"),
        max_length=20,
        help_text=_("You find it on your membership card and in your contract with Smart: 4 to 8 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_membership_number(self):
        number = normalise_membership_number(self.cleaned_data["membership_number"])
        validate_membership_number(number)
        return number


class ProfileForm(forms.ModelForm):
    sectors = forms.ModelMultipleChoiceField(
        label=_("Activity sectors"),
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Hold Ctrl (or Cmd on a Mac) to choose more than one."),
    )

    shown = forms.MultipleChoiceField(
        label=_("What the directory shows besides your name"),
        choices=DirectoryField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only verified members see the directory. Nothing you leave unticked is shown or searchable."),
    )

    class Meta:
        model = Member
        fields = [
            "full_name",
            "language",
            "time_zone",
            "visibility",
            "region",
            "work_mode",
            "bio",
            "offers",
            "looks_for",
            "sectors",
            "skills",
            "in_directory",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "offers": forms.Textarea(attrs={"rows": 3}),
            "looks_for": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "bio": _("A few lines about your work, at most 1000 characters."),
            "offers": _("What you can do for other members or bring to a common project."),
            "looks_for": _("Collaborations, skills or contacts you are looking for."),
            "in_directory": _("Verified members can find you by name, skill, sector and region, and write to you."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown"].initial = [field for field in DirectoryField.values if self.instance.shows(field)]

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise ValidationError(_("Please write your name."), code="required")
        return name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("in_directory") and cleaned.get("visibility") == Visibility.PRIVATE:
            self.add_error(
                "in_directory",
                _("To appear in the directory, let at least the verified members see your name and profile."),
            )
        return cleaned

    def save(self, commit=True):
        member = super().save(commit=False)
        shown = set(self.cleaned_data.get("shown") or ())
        for field in DirectoryField.values:
            setattr(member, f"shows_{field}", field in shown)
        if commit:
            member.save()
            self.save_m2m()
            refresh_directory_text(member)
        return member


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A column “numero” with the membership numbers; optional columns “email” and “nome”."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 5 MB."), code="too_large")
        return upload


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The person receives this text by e-mail."),
    )


class ErasureForm(forms.Form):
    """Erasing an account cannot be undone: the person confirms with their password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.member.check_password(password):
            raise ValidationError(_("This is not your password."), code="wrong_password")
        return password
