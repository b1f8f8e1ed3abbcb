import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# The cooperative's membership numbers are 4 to 8 ASCII digits (leading zeros kept).
# Not \d: in Python it also matches "０" or "١", and a number that merely looks like
# 001001 would sidestep the one-account-per-number rule.
MEMBERSHIP_NUMBER_RE = re.compile(r"[0-9]{4,8}")

# An id typed in a URL or a form: ASCII digits, and at most 18 of them so that it always
# fits PostgreSQL's bigint (a longer number is an error in the database, not "no such row").
ID_RE = re.compile(r"[0-9]{1,18}")


def normalise_membership_number(raw):
    """Strip the spaces, dashes and dots people type when copying the number from a card,
    and read every decimal digit of any script (fullwidth "０", Arabic-Indic "١") as the
    ASCII digit it means."""
    stripped = re.sub(r"[\s\-.]", "", raw or "")
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in stripped)


def validate_membership_number(value):
    if not MEMBERSHIP_NUMBER_RE.fullmatch(value or ""):
        raise ValidationError(
            _("A membership number is made of 4 to 8 digits, for example 012345."),
            code="membership_number_shape",
        )


# The dates people type (meetings, polls; calls and courses too) stay in a range where every
# time zone's local time exists: Python's datetime ends with the year 9999, so 31 December
# 9999 at 22:00 in Rome is already the year 10000 for a reader in Moscow, and every page or
# e-mail showing it fails. Nothing the cooperative plans is more than ten years ahead, and a
# date before 2000 is a typo (0202 for 2020); the bound moves with the clock, so it never
# needs a new release.
EARLIEST_DATE = date(2000, 1, 1)
YEARS_AHEAD = 10


def validate_sane_date(value):
    """A date, or a date-time in its own time zone, from 1 January 2000 to 31 December ten
    years from now."""
    day = value.date() if isinstance(value, datetime) else value
    latest_year = timezone.now().year + YEARS_AHEAD
    if not EARLIEST_DATE <= day <= date(latest_year, 12, 31):
        raise ValidationError(
            _("Choose a date between the year %(earliest)d and the year %(latest)d."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.year, "latest": latest_year},
        )


def parse_id(raw):
    """The id in request input (a query string, a form field), or None if it is not one.

    str.isdigit() is no guard: "²".isdigit() is True and int("²") raises, and
    int("١٢") is 12, an id nobody wrote."""
    if isinstance(raw, str) and ID_RE.fullmatch(raw):
        return int(raw)
    return None


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's validator with a message our catalogue translates: Django 5.2's
    Italian catalogue misses this string, so a too-short password was refused in English."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


# An amount in euro as people in Italy type it: "12.500,50", "12500,5", "€ 12.500", "12 500".
# Dots (or spaces) only between groups of three digits, a comma before at most two decimals;
# "12.5" is refused rather than guessed (twelve and a half, or twelve thousand five hundred?).
EURO_RE = re.compile(r"(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:,[0-9]{1,2})?")


def parse_euro(raw, *, max_digits=12):
    """The Decimal (two decimal places) that `raw` names, or a ValidationError saying how to write it."""
    text = " ".join((raw or "").replace("€", " ").replace("\u00a0", " ").split())
    if not EURO_RE.fullmatch(text):
        raise ValidationError(
            _("Write an amount in euro with digits, a comma before the cents: for example 12.500,50."),
            code="not_an_amount",
        )
    amount = Decimal(text.replace(".", "").replace(" ", "").replace(",", ".")).quantize(Decimal("0.01"))
    if len(amount.as_tuple().digits) > max_digits:
        raise ValidationError(
            _("This amount is too large: at most %(limit)s euro."),
            code="too_large",
            params={"limit": f"{10 ** (max_digits - 2) - 1:,}".replace(",", ".") + ",99"},
        )
    return amount
