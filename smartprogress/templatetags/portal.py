"""Dates as the cooperative writes them: "martedì 7 luglio 2020, 18:30" in Italian
(Django's Italian catalogue capitalises month and day names), "Tuesday 7 July 2020,
18:30" in English. Always in the reader's active time zone."""

from django import template
from django.utils import dateformat, timezone, translation

register = template.Library()

FORMATS = {
    "day": "j F Y",
    "weekday": "l j F Y",
    "day_time": "j F Y, H:i",
    "weekday_time": "l j F Y, H:i",
}


def _format(value, style):
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    text = dateformat.format(value, FORMATS[style])
    return text.lower() if translation.get_language() == "it" else text


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
