"""The enrolment list as a spreadsheet (CSV), for the staff's page and the admin action."""

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from training.models import Enrolment

# A cell a spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return
# before one) gets a leading quote: a name typed as "=HYPERLINK(...)" stays text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _when(value, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else ""


def _euros(value):
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def enrolment_rows(courses):
    """A header, then for each course its seats and its waiting list, in order."""
    yield [
        _("Course"),
        _("Name"),
        _("E-mail"),
        _("Membership number"),
        _("State"),
        _("Enrolled at"),
        _("Offer valid until"),
        _("Price"),
        _("Amount paid"),
        _("Paid at"),
    ]
    # "confirmed" < "offered" < "waitlisted": the seats first, then the waiting list in order.
    enrolments = (
        Enrolment.objects.filter(course__in=courses)
        .live()
        .select_related("member", "course")
        .order_by("course__title", "course", "state", "queued_at", "pk")
    )
    for enrolment in enrolments:
        member = enrolment.member
        yield [
            safe_cell(value)
            for value in (
                enrolment.course.title,
                member.full_name,
                member.email,
                member.membership_number,
                enrolment.get_state_display(),
                _when(enrolment.queued_at),
                _when(enrolment.offer_expires_at),
                _euros(enrolment.price),
                _euros(enrolment.amount_paid),
                _when(enrolment.paid_at, "%Y-%m-%d"),
            )
        ]


def csv_response(filename, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark and semicolons: what spreadsheet programs set to Italian expect.
    response.write("\ufeff")
    csv.writer(response, delimiter=";").writerows(rows)
    return response
