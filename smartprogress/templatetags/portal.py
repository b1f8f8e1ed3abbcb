"""Dates as the cooperative writes them: "martedì 7 luglio 2020, 18:30" in Italian
(Django's Italian catalogue capitalises month and day names), "Tuesday 7 July 2020,
18:30" in English. Always in the reader's active time zone."""

from datetime import UTC, datetime

from django import template
from django.utils import dateformat, timezone, translation
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.html import format_html

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


# The five styles written out directly: the same text as dateformat.format with FORMATS
# (tests/smartprogress/test_dates.py compares them), at a fifth of the cost. A list of 50
# meetings formats some 400 dates, which took a third of the page's time through the
# general format parser.
_STYLES = {
    "day": lambda d: f"{d.day} {MONTHS[d.month]} {d.year:04d}",
    "weekday": lambda d: f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month]} {d.year:04d}",
    "day_time": lambda d: f"{d.day} {MONTHS[d.month]} {d.year:04d}, {d.hour:02d}:{d.minute:02d}",
    "weekday_time": lambda d: (
        f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month]} {d.year:04d}, {d.hour:02d}:{d.minute:02d}"
    ),
    "clock": lambda d: f"{d.hour:02d}:{d.minute:02d}",
}


def _format(value, style):
    if not value:
        return ""
    value, note = _local(value)
    text = _STYLES[style](value) if isinstance(value, datetime) else dateformat.format(value, FORMATS[style])
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


@register.simple_tag
def when(starts_at, ends_at):
    """A meeting's or a session's span, "lunedì 6 luglio 2020, 18:30–20:30", as two <time>
    elements; the end's day only when it differs. One tag instead of an include with eight
    filters for each row of a list."""
    ends_other_day = _format(starts_at, "day") != _format(ends_at, "day")
    return format_html(
        '<time datetime="{}">{}, {}</time>–<time datetime="{}">{}{}</time>',
        iso(starts_at),
        _format(starts_at, "weekday"),
        _format(starts_at, "clock"),
        iso(ends_at),
        _format(ends_at, "day") + ", " if ends_other_day else "",
        _format(ends_at, "clock"),
    )
