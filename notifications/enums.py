from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestFrequency(models.TextChoices):
    NONE = "none", _("never")
    DAILY = "daily", _("every day")
    WEEKLY = "weekly", _("every week")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
