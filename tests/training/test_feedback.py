"""Attendance marked by trainers and staff; ratings after the last session, once per person
and course, editable for 30 days, shown in aggregate to trainers and staff only."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import OutboxEmail
from tests.factories import CourseFactory, CourseTrainerFactory, EnrolmentFactory, SessionFactory, StaffFactory
from training import services
from training.models import Attendance, Feedback

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def _finished_course(days_ago=1, **fields):
    course = CourseFactory(sessions=0, **fields)
    end = NOW - timedelta(days=days_ago)
    SessionFactory(course=course, starts_at=end - timedelta(hours=2), ends_at=end)
    return course


def test_trainer_marks_attendance_for_a_started_session(client):
    trainer = CourseTrainerFactory(course=_finished_course())
    course = trainer.course
    came, absent = EnrolmentFactory(course=course), EnrolmentFactory(course=course)
    EnrolmentFactory(course=course, state="waitlisted")
    session = course.sessions.get()
    client.force_login(trainer.member)

    response = client.post(
        f"/formazione/{course.slug}/presenze/{session.pk}/", {"presente": [str(came.pk), "abc", "²"]}, follow=True
    )

    assert "Presenze salvate: 1 presente." in response.content.decode()
    assert dict(Attendance.objects.values_list("enrolment_id", "present")) == {came.pk: True, absent.pk: False}


def test_attendance_cannot_be_marked_before_the_session_starts():
    course = CourseFactory()
    EnrolmentFactory(course=course)

    with pytest.raises(ValidationError, match="dall'inizio dell'incontro"):
        services.mark_attendance(course.sessions.get(), actor=None, present=set(), now=NOW)
    assert Attendance.objects.count() == 0


def test_attendance_page_and_sheet_keep_constant_queries(client, django_assert_num_queries):
    course = _finished_course()
    staff = StaffFactory()
    EnrolmentFactory(course=course)
    client.force_login(staff)
    with django_assert_num_queries(9):
        client.get(f"/formazione/{course.slug}/presenze/")
    for _ in range(5):
        EnrolmentFactory(course=course)
    SessionFactory(course=course, starts_at=NOW - timedelta(hours=5), ends_at=NOW - timedelta(hours=4))

    with django_assert_num_queries(9):
        client.get(f"/formazione/{course.slug}/presenze/")
    with django_assert_num_queries(9):
        html = client.get(f"/formazione/{course.slug}/presenze/foglio/").content.decode()

    assert html.count('class="signature"></td>') == 12
    assert "data-print" in html


def test_a_participant_rates_once_and_can_change_it():
    course = _finished_course()
    member = EnrolmentFactory(course=course).member

    services.rate_course(course, member, rating=4, comment="Utile", now=NOW)
    services.rate_course(course, member, rating=5, comment="Molto utile", now=NOW + timedelta(days=1))

    assert list(Feedback.objects.values_list("member_id", "rating", "comment")) == [(member.pk, 5, "Molto utile")]


@pytest.mark.parametrize(
    ("days_ago", "state", "message"),
    [
        (-2, "confirmed", "dopo il suo ultimo incontro"),
        (31, "confirmed", "si sono chiuse 30 giorni dopo"),
        (1, "waitlisted", "solo chi ha partecipato"),
        (1, "cancelled", "solo chi ha partecipato"),
    ],
)
def test_rating_is_refused_outside_its_window_or_without_a_seat(days_ago, state, message):
    course = _finished_course(days_ago=days_ago)
    member = EnrolmentFactory(course=course, state=state).member

    with pytest.raises(ValidationError, match=message):
        services.rate_course(course, member, rating=4, now=NOW)
    assert Feedback.objects.count() == 0


@pytest.mark.parametrize("rating", ["0", "6", "cinque", ""])
def test_rating_form_refuses_a_bad_rating_with_a_message(client, rating):
    course = _finished_course()
    member = EnrolmentFactory(course=course).member
    client.force_login(member)

    response = client.post(f"/formazione/{course.slug}/valutazione/", {"rating": rating})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert Feedback.objects.count() == 0


def test_rating_through_the_page(client):
    course = _finished_course()
    member = EnrolmentFactory(course=course).member
    client.force_login(member)
    assert client.get(f"/formazione/{course.slug}/valutazione/").status_code == 200

    response = client.post(f"/formazione/{course.slug}/valutazione/", {"rating": "5", "comment": "Bello"}, follow=True)

    assert "Grazie per la tua valutazione." in response.content.decode()
    assert Feedback.objects.get().rating == 5


def test_ratings_in_aggregate_for_trainers_and_staff_only(client):
    course = _finished_course()
    trainer = CourseTrainerFactory(course=course).member
    participant = None
    for rating, comment in ((5, "Ottimo"), (3, ""), (4, "Chiaro")):
        participant = EnrolmentFactory(course=course).member
        services.rate_course(course, participant, rating=rating, comment=comment, now=NOW)
    seen = {}
    for name, person in (
        ("visitor", None),
        ("participant", participant),
        ("trainer", trainer),
        ("staff", StaffFactory()),
    ):
        client.logout()
        if person:
            client.force_login(person)
        html = client.get(f"/formazione/{course.slug}/").content.decode()
        seen[name] = ("Media 4,0 su 5, da 3 valutazioni." in html, "Ottimo" in html)

    assert seen == {
        "visitor": (False, False),
        "participant": (False, False),
        "trainer": (True, True),
        "staff": (True, True),
    }


def test_feedback_requested_once_after_the_last_session():
    course = _finished_course(days_ago=0)
    asked = EnrolmentFactory(course=course).member
    rated = EnrolmentFactory(course=course).member
    services.rate_course(course, rated, rating=4, now=NOW)
    EnrolmentFactory(course=course, state="cancelled")
    CourseFactory()  # not over yet
    EnrolmentFactory(course=_finished_course(days_ago=40))  # too long ago

    assert services.ask_for_feedback(now=NOW) == 1
    assert services.ask_for_feedback(now=NOW + timedelta(hours=1)) == 0

    emails = OutboxEmail.objects.filter(kind="training/email/feedback_request")
    assert list(emails.values_list("to", flat=True)) == [asked.email]
    assert f"/formazione/{course.slug}/valutazione/" in emails.get().body_text
