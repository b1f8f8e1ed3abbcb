from django import forms

from notifications.models import Preferences


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["meeting_reminder_24h", "meeting_reminder_1h", "poll_reminder"]
