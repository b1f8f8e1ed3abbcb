"""Dates as the cooperative writes them: "martedì 7 luglio 2020, 18:30" in Italian
(Django's Italian catalogue capitalises month and day names), "Tuesday 7 July 2020,
18:30" in English. Always in the reader's active time zone."""

from datetime import UTC

from django import template
from django.utils import dateformat, timezone, translation

register = template.Library()

FORMATS = {
    "day": "j F Y",
    "weekday": "l j F Y",
    "day_time": "j F Y, H:i",
    "weekday_time": "l j F Y, H:i",
    "clock": "H:i",
}


def _local(value):
    """The value in the reader's time zone, and a note to show after its time.

    A date stored before dates were bounded (members.validators.validate_sane_date) may
    fall past the year 9999 in a time zone east of UTC, which Python cannot represent;
    it is shown in UTC, and says so, rather than failing the page or the e-mail.
    Django's own |date and |time filters convert first and fail: templates use these."""
    if not timezone.is_aware(value):
        return value, ""
    try:
        return timezone.localtime(value), ""
    except OverflowError:
        return value.astimezone(UTC), " UTC"


def _format(value, style):
    if not value:
        return ""
    value, note = _local(value)
    text = dateformat.format(value, FORMATS[style])
    text = text.lower() if translation.get_language() == "it" else text
    return text + note if "H" in FORMATS[style] else text


@register.filter
def day(value):
    return _format(value, "day")


@register.filter
def weekday(value):
    return _format(value, "weekday")


@register.filter
def day_time(value):
    return _format(value, "day_time")


@register.filter
def weekday_time(value):
    return _format(value, "weekday_time")


@register.filter
def clock(value):
    """The time of day, 18:30."""
    return _format(value, "clock")


@register.filter
def iso(value):
    """For <time datetime="…">: the moment with its offset, 2020-07-06T18:30:00+02:00
    (whole seconds: the HTML checker refuses microseconds there)."""
    return _local(value)[0].isoformat(timespec="seconds") if value else ""


@register.filter
def euro(value):
    """An amount in euro as the reader writes it: "12.500,50 €" in Italian, "€12,500.50" in English."""
    if value is None or value == "":
        return ""
    grouped = f"{value:,.2f}"
    if translation.get_language() == "it":
        return grouped.replace(",", " ").replace(".", ",").replace(" ", ".") + "\u00a0€"
    return f"€{grouped}"
