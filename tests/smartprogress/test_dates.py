from datetime import UTC, datetime

from django.utils import timezone, translation

from smartprogress.templatetags.portal import clock, day, iso, weekday_time

JULY_6 = datetime(2020, 7, 6, 16, 30, tzinfo=UTC)  # 18:30 in Rome (summer time)


def test_dates_italian_as_the_cooperative_writes_them():
    with translation.override("it"), timezone.override("Europe/Rome"):
        assert (day(JULY_6), weekday_time(JULY_6)) == ("6 luglio 2020", "lunedì 6 luglio 2020, 18:30")


def test_dates_english_keep_capitals_and_follow_the_time_zone():
    with translation.override("en"), timezone.override("America/New_York"):
        assert weekday_time(JULY_6) == "Monday 6 July 2020, 12:30"


def test_dates_past_year_9999_in_readers_zone_shown_in_utc():
    # Stored before dates were bounded: year 10000 in Moscow, which Python cannot represent.
    late = datetime(9999, 12, 31, 22, 0, tzinfo=UTC)

    with translation.override("it"), timezone.override("Europe/Moscow"):
        shown = (day(late), weekday_time(late), clock(late), iso(late))

    assert shown == (
        "31 dicembre 9999",
        "venerdì 31 dicembre 9999, 22:00 UTC",
        "22:00 UTC",
        "9999-12-31T22:00:00+00:00",
    )


def test_clock_and_iso_in_readers_zone():
    with timezone.override("Europe/Rome"):
        assert (clock(JULY_6), iso(JULY_6)) == ("18:30", "2020-07-06T18:30:00+02:00")


def test_the_fast_formats_write_what_django_writes():
    from datetime import timedelta

    from django.utils import dateformat

    from smartprogress.templatetags.portal import FORMATS, _format

    moments = [datetime(2020, 1, 1, 0, 5, tzinfo=UTC) + timedelta(days=n * 37, hours=n * 5) for n in range(60)]
    for language in ("it", "en"):
        with translation.override(language), timezone.override("Europe/Rome"):
            for moment in moments:
                local = timezone.localtime(moment)
                for style, pattern in FORMATS.items():
                    expected = dateformat.format(local, pattern)
                    expected = expected.lower() if language == "it" else expected
                    assert _format(moment, style) == expected, (language, moment, style)
    with translation.override("it"), timezone.override("Europe/Rome"):
        assert _format(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "weekday_time") == "domenica 29 marzo 2026, 03:30"
