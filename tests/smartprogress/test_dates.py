from datetime import UTC, datetime

from django.utils import timezone, translation

from smartprogress.templatetags.portal import day, weekday_time

JULY_6 = datetime(2020, 7, 6, 16, 30, tzinfo=UTC)  # 18:30 in Rome (summer time)


def test_dates_italian_as_the_cooperative_writes_them():
    with translation.override("it"), timezone.override("Europe/Rome"):
        assert (day(JULY_6), weekday_time(JULY_6)) == ("6 luglio 2020", "lunedì 6 luglio 2020, 18:30")


def test_dates_english_keep_capitals_and_follow_the_time_zone():
    with translation.override("en"), timezone.override("America/New_York"):
        assert weekday_time(JULY_6) == "Monday 6 July 2020, 12:30"
