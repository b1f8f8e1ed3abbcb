from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import registry
from notifications.enums import DigestFrequency, Weekday
from notifications.models import Preferences

INVALID_CHOICE = _("Choose one of the options in the list.")


class PreferencesForm(forms.ModelForm):
    """The reminders, one switch per kind of notification e-mail the apps registered, and
    the digest. Kinds that cannot be turned off (a time-limited offer) are not offered."""

    digest_frequency = forms.ChoiceField(
        label=_("Digest"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": INVALID_CHOICE, "required": INVALID_CHOICE},
        help_text=_("One e-mail with what happened in your groups, proposals, calls and courses."),
    )
    digest_weekday = forms.TypedChoiceField(
        label=_("Day of the weekly digest"),
        choices=Weekday.choices,
        coerce=int,
        error_messages={"invalid_choice": INVALID_CHOICE, "required": INVALID_CHOICE},
    )

    class Meta:
        model = Preferences
        fields = ["meeting_reminder_24h", "meeting_reminder_1h", "poll_reminder", "digest_frequency", "digest_weekday"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = registry.optional_kinds()
        for kind in self.kinds:
            self.fields[self.field_name(kind)] = forms.BooleanField(
                label=kind.label, required=False, initial=kind.key not in self.instance.emails_off
            )

    @staticmethod
    def field_name(kind):
        return "email_" + kind.key.replace(".", "_")

    def kind_fields(self):
        return [self[self.field_name(kind)] for kind in self.kinds]

    def save(self, commit=True):
        preferences = super().save(commit=False)
        # Kinds of apps not installed here stay as the member left them.
        shown = {kind.key for kind in self.kinds}
        off = {key for key in preferences.emails_off if key not in shown}
        off |= {kind.key for kind in self.kinds if not self.cleaned_data[self.field_name(kind)]}
        preferences.emails_off = sorted(off)
        if preferences.digest_frequency == DigestFrequency.NONE:
            preferences.digest_consent_at = None
        elif preferences.digest_consent_at is None or "digest_frequency" in self.changed_data:
            # The date the member chose to receive digests: their consent.
            preferences.digest_consent_at = timezone.now()
        if commit:
            preferences.save()
        return preferences
