import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# The cooperative's membership numbers are 4 to 8 digits (leading zeros kept).
MEMBERSHIP_NUMBER_RE = re.compile(r"^\d{4,8}$")


def normalise_membership_number(raw):
    """Strip the spaces and dashes people type when copying the number from a card."""
    return re.sub(r"[\s\-.]", "", raw or "")


def validate_membership_number(value):
    if not MEMBERSHIP_NUMBER_RE.match(value or ""):
        raise ValidationError(
            _("A membership number is made of 4 to 8 digits, for example 012345."),
            code="membership_number_shape",
        )


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's validator with a message our catalogue translates: Django 5.2's
    Italian catalogue misses this string, so a too-short password was refused in English."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
