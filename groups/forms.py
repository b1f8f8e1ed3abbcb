from datetime import UTC, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from groups.enums import Answer
from groups.models import DateSlot, Document, Meeting
from groups.services import MAX_SLOTS
from members.validators import validate_sane_date


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker; the value is read in the member's time zone."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class LocalDateTimeField(forms.DateTimeField):
    def prepare_value(self, value):
        """The value in the reader's time zone; as stored (UTC) for a date stored before dates
        were bounded that this zone would carry past the year 9999, so the page still opens
        and a facilitator can correct it."""
        try:
            return super().prepare_value(value)
        except OverflowError:
            return timezone.make_naive(value, UTC)


def datetime_field(label, **kwargs):
    return LocalDateTimeField(
        label=label,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M"],
        validators=[validate_sane_date],
        **kwargs,
    )


def link_field(label, help_text, *, model_field):
    """A link typed without a scheme (meet.example/abc) is taken as https; as long as the
    column that stores it allows, so a long link gets a message, not an error page."""
    return forms.URLField(
        label=label, help_text=help_text, required=False, assume_scheme="https", max_length=model_field.max_length
    )


def meeting_link_field():
    online_url = Meeting._meta.get_field("online_url")
    return link_field(_("Online link"), _("Link to the video call, if any."), model_field=online_url)


LOCATION_HELP = _("Address, or leave empty for an online meeting.")


class MeetingForm(forms.ModelForm):
    starts_at = datetime_field(_("Starts at"))
    ends_at = datetime_field(_("Ends at"))
    online_url = meeting_link_field()

    class Meta:
        model = Meeting
        fields = ["title", "agenda", "starts_at", "ends_at", "location", "online_url", "capacity"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"location": LOCATION_HELP}

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if starts_at and self.instance.pk is None and starts_at <= timezone.now():
            self.add_error("starts_at", _("A new meeting cannot start in the past."))
        return data


class PollCloseForm(forms.Form):
    """A facilitator closes a poll on one of its dates and says where the group meets."""

    slot = forms.ModelChoiceField(
        label=_("Date"),
        queryset=DateSlot.objects.none(),
        error_messages={
            "required": _("Choose one of the proposed dates."),
            "invalid_choice": _("Choose one of the proposed dates."),
        },
    )
    location = forms.CharField(
        label=capfirst(Meeting._meta.get_field("location").verbose_name),
        max_length=Meeting._meta.get_field("location").max_length,
        required=False,
        help_text=LOCATION_HELP,
    )
    online_url = meeting_link_field()

    def __init__(self, poll, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = poll.slots.all()


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 14})}
        help_texts = {"minutes": _("What was said and decided. Participants read it on the meeting page.")}


DURATIONS = [
    (60, _("1 hour")),
    (90, _("1 hour and a half")),
    (120, _("2 hours")),
    (180, _("3 hours")),
    (240, _("4 hours")),
]


class DatePollForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, initial=_("Next meeting"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the meeting is about; it becomes the meeting's agenda."),
    )
    duration = forms.TypedChoiceField(label=_("Meeting length"), choices=DURATIONS, coerce=int, initial=120)
    closes_at = datetime_field(_("Voting closes at"), help_text=_("Before the first proposed date."))

    visible_slots = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(1, MAX_SLOTS + 1):
            self.fields[f"slot_{index}"] = datetime_field(_("Date %(number)d") % {"number": index}, required=False)

    def slot_fields(self):
        return [self[f"slot_{index}"] for index in range(1, MAX_SLOTS + 1)]

    def clean(self):
        data = super().clean()
        slots = [data[f"slot_{i}"] for i in range(1, MAX_SLOTS + 1) if data.get(f"slot_{i}")]
        if len(slots) != len(set(slots)):
            raise ValidationError(_("The same date is proposed twice."), code="duplicate")
        now = timezone.now()
        for index in range(1, MAX_SLOTS + 1):
            value = data.get(f"slot_{index}")
            if value and value <= now:
                self.add_error(f"slot_{index}", _("This date is in the past."))
        data["slots"] = slots
        data["duration"] = timedelta(minutes=data.get("duration") or 120)
        return data


class VoteForm(forms.Form):
    """One yes / maybe / no choice per proposed date."""

    def __init__(self, slots, *args, **kwargs):
        """`slots` carry the reader's current answer as `my_answer` (DateSlotQuerySet.with_answer_of)."""
        super().__init__(*args, **kwargs)
        self.slots = list(slots)
        for slot in self.slots:
            self.fields[f"slot_{slot.pk}"] = forms.ChoiceField(
                label=slot.starts_at,
                choices=Answer.choices,
                widget=forms.RadioSelect,
                initial=slot.my_answer,
                required=False,
            )

    def rows(self):
        """Each date with its three radios as plain values (id, value, label, checked), for the
        poll page to write the inputs from: iterating the bound fields built a widget context
        for each of the thirty radios of a ten-date poll, a fifth of the page's own time."""
        choices = [(value, str(label)) for value, label in Answer.choices]
        for slot in self.slots:
            name, current = self._checked(slot)
            radios = [
                (f"id_{name}_{index}", value, label, value == current) for index, (value, label) in enumerate(choices)
            ]
            yield slot, name, radios

    def _checked(self, slot):
        """The field's name and the answer its radios show checked (None for none)."""
        name = self.add_prefix(f"slot_{slot.pk}")
        current = self.data.get(name) if self.is_bound else slot.my_answer
        return name, current if current in Answer.values else None

    def rows_key(self):
        """All the radios show, for the key of their cached fragment: each date and the answer
        checked. Readers with the same answers (all who have not voted yet) share it."""
        return ",".join(f"{slot.pk}@{slot.starts_at.isoformat()}={self._checked(slot)[1]}" for slot in self.slots)

    def answers(self):
        return {
            slot.pk: self.cleaned_data[f"slot_{slot.pk}"]
            for slot in self.slots
            if self.cleaned_data.get(f"slot_{slot.pk}")
        }

    def clean(self):
        data = super().clean()
        if not any(data.get(f"slot_{slot.pk}") for slot in self.slots):
            raise ValidationError(_("Answer at least one date."), code="empty")
        return data


class DocumentForm(forms.ModelForm):
    url = link_field(_("Link"), _("Or a link, instead of a file."), model_field=Document._meta.get_field("url"))
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, ODT/ODS, DOCX/XLSX or an image, at most 20 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.odt,.ods,.odp,.docx,.xlsx,.pptx,.png,.jpg,.jpeg,.gif,.webp"}
        ),
    )

    class Meta:
        model = Document
        fields = ["title", "description", "visibility", "file", "url", "meeting"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = group.meetings.order_by("-starts_at")
        self.fields["meeting"].required = False

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise ValidationError(_("Attach a file or give a link (one of the two)."), code="file_or_link")
        return data
