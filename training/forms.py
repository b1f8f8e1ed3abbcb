import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from members.models import Sector, Skill
from training.enums import Audience, CourseFormat, PriceFilter
from training.models import ZERO, TrainerProposal

CURRENCY = re.compile(r"€|\beur(?:o|i)?\b", re.IGNORECASE)
# ASCII digits in groups split by dots or commas: "120", "120,50", "1.200,50", "1,200.50".
AMOUNT = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
INVALID_AMOUNT = _("Write an amount in euros, for example 120 or 120,50.")


def parse_euros(raw):
    """An amount in euros as people write it, Italian first: "120", "120,00", "€ 120",
    "1.200,50"; also "1200.50". Returns a Decimal, or raises a ValidationError that says how
    to write it. A lone dot followed by three digits ("1.200") separates thousands, as in
    Italian; a lone comma is always the decimal comma."""
    text = "".join(CURRENCY.sub("", raw).split())
    if text.startswith("-"):
        raise ValidationError(_("The amount cannot be negative."), code="min_value")
    if not AMOUNT.fullmatch(text):
        raise ValidationError(INVALID_AMOUNT, code="invalid")
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
    elif commas == 1:
        decimal = ","
    elif dots == 1 and len(text.rpartition(".")[2]) != 3:
        decimal = "."
    else:
        decimal = None  # "1.200", "1.200.000", "1,200,000": thousands only
    if decimal is None:
        return Decimal(_whole(text, "." if dots else ","))
    whole, _sep, cents = text.rpartition(decimal)
    return Decimal(f"{_whole(whole, ',' if decimal == '.' else '.')}.{cents}")


def _whole(text, thousands):
    """The digits of `text`, whose only separators are `thousands` between groups of three."""
    groups = text.split(thousands)
    well_formed = all(group.isdigit() for group in groups) and (
        len(groups) == 1 or (1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:]))
    )
    if not well_formed:
        raise ValidationError(INVALID_AMOUNT, code="invalid")
    return "".join(groups)


class MoneyField(forms.DecimalField):
    """Euros with cents, written the Italian way or the English one."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": INVALID_AMOUNT,
        "min_value": _("The amount cannot be negative."),
        "max_digits": _("The amount is too large: at most 999.999,99 euros."),
        "max_whole_digits": _("The amount is too large: at most 999.999,99 euros."),
        "max_decimal_places": _("Use at most two decimals (the cents)."),
    }

    def __init__(self, **kwargs):
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        kwargs.setdefault("min_value", ZERO)
        super().__init__(max_digits=8, decimal_places=2, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        return parse_euros(str(value))

    def widget_attrs(self, widget):
        # A text field (the comma is allowed): no number-input step or min attributes.
        return forms.Field.widget_attrs(self, widget)

    def prepare_value(self, value):
        """Shown back the Italian way: 120,00."""
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters, in the query string: /formazione/?area=musica&formato=online."""

    area = forms.ChoiceField(label=_("Area"), required=False)
    competenza = forms.ChoiceField(label=_("Skill"), required=False)
    formato = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("Any format")), *CourseFormat.choices]
    )
    prezzo = forms.ChoiceField(
        label=_("Price"), required=False, choices=[("", _("Free or paid")), *PriceFilter.choices]
    )
    pubblico = forms.ChoiceField(
        label=_("Who may enrol"), required=False, choices=[("", _("Anyone")), *Audience.choices]
    )

    def __init__(self, data, *, areas, skills):
        super().__init__(data)
        self.fields["area"].choices = [("", _("Every area")), *((a.slug, a.name) for a in areas)]
        self.fields["competenza"].choices = [("", _("Every skill")), *((s.slug, s.name) for s in skills)]

    def filters(self):
        """The valid filters only: a wrong value in the address is reported, not obeyed."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value and name not in self.errors}


class InterestForm(forms.Form):
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas"),
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
    wish = forms.CharField(
        label=_("Anything else you would like to learn?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProposalForm(forms.ModelForm):
    expected_fee = MoneyField(
        label=_("Expected fee"),
        required=False,
        help_text=_("In euros, for the whole course: what you would ask to teach it. Optional."),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills taught"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd on a Mac) to choose more than one."),
    )

    class Meta:
        model = TrainerProposal
        fields = ["topic", "area", "skills", "outline", "format", "bio", "expected_fee"]
        widgets = {"outline": forms.Textarea(attrs={"rows": 8}), "bio": forms.Textarea(attrs={"rows": 4})}
        labels = {"topic": _("Title of the course")}
        help_texts = {
            "outline": _("What participants learn, session by session, and for whom the course is meant."),
            "bio": _("A few lines about you and your experience as a trainer."),
        }


SCORES = [(n, str(n)) for n in range(1, 6)]


class ReviewForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Score"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: not for us; 5: let us do it."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Answer to the proposer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The proposer receives this text by e-mail; required when you decline."),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: not useful; 5: very useful."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What worked, what you would change. The trainers and the Smart staff read it."),
    )
