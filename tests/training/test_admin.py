"""What staff do in the admin and the staff pages: edit courses (seats, Italian prices),
publish, record payments, release unpaid seats, read the waiting list in order, export the
enrolment list as CSV that no spreadsheet runs as a formula."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from members.models import ActionLog
from tests.factories import CourseFactory, EnrolmentFactory, SectorFactory, SessionFactory, VerifiedMemberFactory
from training.models import Course, Enrolment

pytestmark = pytest.mark.django_db


def _course_form(course, **changes):
    data = {
        "title": course.title,
        "slug": course.slug,
        "area": course.area_id,
        "summary": course.summary,
        "description": course.description,
        "format": course.format,
        "capacity": course.capacity,
        "audience": course.audience,
        "price_members": "0",
        "price_others": "0",
        "offer_hours": course.offer_hours,
        "internal_notes": "",
        **{
            f"{prefix}-{key}": value
            for prefix in ("trainers", "sessions", "enrolments")
            for key, value in (
                ("TOTAL_FORMS", "0"),
                ("INITIAL_FORMS", "0"),
                ("MIN_NUM_FORMS", "0"),
                ("MAX_NUM_FORMS", "1000"),
            )
        },
    }
    sessions = list(course.sessions.all()) if course.pk else []
    data["sessions-TOTAL_FORMS"] = data["sessions-INITIAL_FORMS"] = str(len(sessions))
    for index, session in enumerate(sessions):
        local = timezone.localtime(session.starts_at)
        end = timezone.localtime(session.ends_at)
        data.update(
            {
                f"sessions-{index}-id": session.pk,
                f"sessions-{index}-course": course.pk,
                f"sessions-{index}-starts_at_0": local.strftime("%d/%m/%Y"),
                f"sessions-{index}-starts_at_1": local.strftime("%H:%M:%S"),
                f"sessions-{index}-ends_at_0": end.strftime("%d/%m/%Y"),
                f"sessions-{index}-ends_at_1": end.strftime("%H:%M:%S"),
                f"sessions-{index}-location": session.location,
            }
        )
    enrolments = list(course.enrolments.live()) if course.pk else []
    data["enrolments-TOTAL_FORMS"] = data["enrolments-INITIAL_FORMS"] = str(len(enrolments))
    for index, enrolment in enumerate(enrolments):
        data[f"enrolments-{index}-id"] = enrolment.pk
        data[f"enrolments-{index}-course"] = course.pk
    return {**data, **changes}


def test_capacity_below_the_seats_taken_is_refused_in_the_admin(client, staff):
    course = CourseFactory(capacity=3)
    for _ in range(2):
        EnrolmentFactory(course=course)
    client.force_login(staff)

    response = client.post(f"/admin/training/course/{course.pk}/change/", _course_form(course, capacity="1"))

    assert response.status_code == 200
    assert "2 posti sono già occupati o offerti: il corso non può averne di meno." in response.content.decode()
    course.refresh_from_db()
    assert course.capacity == 3


def test_italian_prices_saved_in_the_admin(client, staff):
    course = CourseFactory(audience="everyone")
    client.force_login(staff)

    response = client.post(
        f"/admin/training/course/{course.pk}/change/",
        _course_form(course, price_members="€ 120,00", price_others="1.250,5"),
    )

    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.price_members, course.price_others) == (Decimal("120.00"), Decimal("1250.50"))


def test_a_bad_price_in_the_admin_says_how_to_write_it(client, staff):
    course = CourseFactory()
    client.force_login(staff)

    response = client.post(f"/admin/training/course/{course.pk}/change/", _course_form(course, price_members="dieci"))

    assert "Scrivi un importo in euro, per esempio 120 o 120,50." in response.content.decode()


def test_raising_capacity_in_the_admin_offers_the_seat(client, staff):
    course = CourseFactory(capacity=1)
    EnrolmentFactory(course=course)
    waiting = EnrolmentFactory(course=course, state="waitlisted", confirmed_at=None)
    client.force_login(staff)

    client.post(f"/admin/training/course/{course.pk}/change/", _course_form(course, capacity="2"))

    waiting.refresh_from_db()
    assert waiting.state == "offered"


def test_moving_a_session_in_the_admin_raises_its_revision(client, staff):
    # At noon, Rome time: moving it by a day keeps start and end on one date in every zone.
    noon = timezone.localtime(timezone.now() + timedelta(days=7)).replace(hour=12, minute=0, second=0, microsecond=0)
    course = CourseFactory(sessions=0)
    session = SessionFactory(course=course, starts_at=noon, ends_at=noon + timedelta(hours=2))
    client.force_login(staff)
    later = noon + timedelta(days=1)

    response = client.post(
        f"/admin/training/course/{course.pk}/change/",
        _course_form(
            course,
            **{
                "sessions-0-starts_at_0": later.strftime("%d/%m/%Y"),
                "sessions-0-ends_at_0": later.strftime("%d/%m/%Y"),
            },
        ),
    )
    assert response.status_code == 302

    session.refresh_from_db()
    assert (timezone.localtime(session.starts_at).date(), session.sequence) == (later.date(), 1)


def test_course_page_in_the_admin_shows_the_waiting_list_in_order(client, staff):
    course = CourseFactory(capacity=1)
    now = timezone.now()
    EnrolmentFactory(course=course, member__full_name="Ada Posto")
    for minutes, name in ((3, "Terza Attesa"), (1, "Prima Attesa"), (2, "Seconda Attesa")):
        EnrolmentFactory(
            course=course, state="waitlisted", queued_at=now + timedelta(minutes=minutes), member__full_name=name
        )
    client.force_login(staff)

    html = client.get(f"/admin/training/course/{course.pk}/change/").content.decode()

    names = list(dict.fromkeys(re.findall(r"(Ada Posto|Prima Attesa|Seconda Attesa|Terza Attesa)", html)))
    assert names == ["Ada Posto", "Prima Attesa", "Seconda Attesa", "Terza Attesa"]
    assert re.findall(r'field-waiting_position">\s*<p>([^<]+)</p>', html) == ["–", "1", "2", "3"]


def test_publish_action_without_sessions_warns_and_publishes_the_rest(client, staff):
    ready = CourseFactory(state="draft")
    empty = CourseFactory(state="draft", sessions=0)
    client.force_login(staff)

    response = client.post(
        "/admin/training/course/", {"action": "publish", "_selected_action": [ready.pk, empty.pk]}, follow=True
    )

    assert "Aggiungi almeno un incontro prima di pubblicare il corso." in response.content.decode()
    assert dict(Course.objects.values_list("pk", "state")) == {ready.pk: "published", empty.pk: "draft"}


def test_record_payment_and_release_unpaid_seats_actions(client, staff):
    course = CourseFactory(capacity=2, price_members=Decimal("60"))
    paid, unpaid = (
        EnrolmentFactory(course=course, price=Decimal("60")),
        EnrolmentFactory(course=course, price=Decimal("60")),
    )
    waiting = EnrolmentFactory(course=course, state="waitlisted")
    client.force_login(staff)

    client.post("/admin/training/enrolment/", {"action": "record_full_payment", "_selected_action": [paid.pk]})
    response = client.post(
        "/admin/training/enrolment/",
        {"action": "release_unpaid", "_selected_action": [paid.pk, unpaid.pk]},
        follow=True,
    )

    assert "Questo posto è pagato (o gratuito): non si può liberare." in response.content.decode()
    states = dict(Enrolment.objects.values_list("pk", "state"))
    assert states == {paid.pk: "confirmed", unpaid.pk: "cancelled", waiting.pk: "offered"}
    paid.refresh_from_db()
    assert paid.amount_paid == Decimal("60.00")


def test_payment_typed_in_italian_on_the_enrolment_page(client, staff):
    enrolment = EnrolmentFactory(price=Decimal("60"))
    client.force_login(staff)

    response = client.post(
        f"/admin/training/enrolment/{enrolment.pk}/change/",
        {"amount_paid": "€ 60,00", "paid_at_0": "01/09/2025", "paid_at_1": "10:00:00"},
    )

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.amount_paid == Decimal("60.00")


def test_payment_on_a_waiting_list_place_is_refused_with_a_message(client, staff):
    enrolment = EnrolmentFactory(state="waitlisted")
    client.force_login(staff)

    response = client.post(f"/admin/training/enrolment/{enrolment.pk}/change/", {"amount_paid": "10"})

    assert "I pagamenti si registrano solo per i posti confermati." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.amount_paid is None


def _rows(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_enrolment_csv_is_ordered_and_safe_from_formulas(client, staff):
    course = CourseFactory(capacity=1, title="=Corso")
    EnrolmentFactory(course=course, member__full_name='=HYPERLINK("http://x")', member__email="a@soci.example")
    EnrolmentFactory(course=course, state="waitlisted", member__full_name="+39 Persona", member__email="b@soci.example")
    EnrolmentFactory(course=course, state="cancelled", member__full_name="Via")
    client.force_login(staff)

    response = client.get(f"/formazione/{course.slug}/iscrizioni.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _rows(response)
    assert rows[0][:5] == ["Corso", "Nome", "E-mail", "Numero di socio/a", "Stato"]
    assert [row[:3] for row in rows[1:]] == [
        ["'=Corso", '\'=HYPERLINK("http://x")', "a@soci.example"],
        ["'=Corso", "'+39 Persona", "b@soci.example"],
    ]
    assert [row[4] for row in rows[1:]] == ["Confermata", "In lista d'attesa"]


def test_admin_export_action_covers_several_courses(client, staff):
    first, second = CourseFactory(title="Alfa"), CourseFactory(title="Beta")
    EnrolmentFactory(course=first)
    EnrolmentFactory(course=second)
    client.force_login(staff)

    response = client.post(
        "/admin/training/course/", {"action": "export_enrolments", "_selected_action": [first.pk, second.pk]}
    )

    assert [row[0] for row in _rows(response)[1:]] == ["Alfa", "Beta"]


def test_a_course_slug_that_is_a_page_of_the_portal_is_refused(client, staff):
    client.force_login(staff)
    course = Course(title="Proponi", slug="proponi", area=SectorFactory(), summary="x", description="x")

    response = client.post("/admin/training/course/add/", _course_form(course, area=course.area.pk))

    assert "Questo indirizzo appartiene a una pagina del portale" in response.content.decode()
    assert not Course.objects.filter(slug="proponi").exists()
    VerifiedMemberFactory()


def test_clearing_a_payment_in_the_admin_is_logged(client, staff):
    enrolment = EnrolmentFactory(price=Decimal("60"), amount_paid=Decimal("60"), paid_at=timezone.now())
    client.force_login(staff)

    response = client.post(f"/admin/training/enrolment/{enrolment.pk}/change/", {"amount_paid": "", "paid_at_0": ""})

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.amount_paid, enrolment.paid_at) == (None, None)
    assert ActionLog.objects.get().action == "enrolment.payment_cleared"
