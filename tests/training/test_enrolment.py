"""Enrolment, the waiting list and offers: the service functions, one rule at a time."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import ActionLog
from notifications.models import OutboxEmail
from tests.factories import CourseFactory, EnrolmentFactory, MemberFactory, SessionFactory, VerifiedMemberFactory
from training import services
from training.enums import EnrolmentState
from training.models import Enrolment

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def _states(course):
    return list(Enrolment.objects.filter(course=course).order_by("pk").values_list("member__email", "state"))


def _emails(kind):
    return list(OutboxEmail.objects.filter(kind=f"training/email/{kind}").order_by("pk").values_list("to", flat=True))


def test_enrol_confirms_while_seats_remain_then_waitlists():
    course = CourseFactory(capacity=2)
    people = [VerifiedMemberFactory() for _ in range(3)]

    states = [services.enrol(course, person, now=NOW).state for person in people]

    assert states == ["confirmed", "confirmed", "waitlisted"]
    assert _emails("confirmed") == [people[0].email, people[1].email]
    assert _emails("waitlisted") == [people[2].email]
    assert list(ActionLog.objects.filter(action__startswith="enrolment.").values_list("action", flat=True)) == [
        "enrolment.waitlisted",
        "enrolment.confirmed",
        "enrolment.confirmed",
    ]


def test_waiting_list_chain_cancel_offer_lapse_next_offer_accept():
    course = CourseFactory(capacity=1, offer_hours=48)
    first, second, third = (VerifiedMemberFactory() for _ in range(3))
    seat = services.enrol(course, first, now=NOW)
    services.enrol(course, second, now=NOW + timedelta(seconds=1))
    services.enrol(course, third, now=NOW + timedelta(seconds=2))

    # The seat holder cancels: the first person waiting gets an offer for 48 hours.
    services.cancel_enrolment(seat, actor=first, now=NOW + timedelta(hours=1))
    offer = Enrolment.objects.get(member=second, course=course)
    assert (offer.state, offer.offer_expires_at) == ("offered", NOW + timedelta(hours=49))
    assert _emails("offer") == [second.email]

    # Nobody answers: the scan lets the offer lapse and offers the seat to the next person.
    assert services.lapse_expired_offers(now=NOW + timedelta(hours=48)) == 0
    assert services.lapse_expired_offers(now=NOW + timedelta(hours=49)) == 1
    assert services.lapse_expired_offers(now=NOW + timedelta(hours=49, minutes=5)) == 0
    assert _states(course) == [
        (first.email, "cancelled"),
        (second.email, "expired"),
        (third.email, "offered"),
    ]
    assert _emails("offer_expired") == [second.email]
    assert _emails("offer") == [second.email, third.email]

    # The third accepts in time: the seat is theirs.
    services.accept_offer(Enrolment.objects.get(member=third), third, now=NOW + timedelta(hours=50))
    assert _states(course)[-1] == (third.email, "confirmed")
    assert _emails("confirmed") == [first.email, third.email]


def test_accepting_an_expired_offer_is_refused_and_keeps_the_state():
    course = CourseFactory(capacity=1)
    offer = EnrolmentFactory(course=course, state="offered", offer_expires_at=NOW)

    with pytest.raises(ValidationError, match="scaduta"):
        services.accept_offer(offer, offer.member, now=NOW)

    offer.refresh_from_db()
    assert offer.state == "offered"  # the scan moves it and offers the seat on


def test_accepting_twice_is_refused_the_second_time():
    course = CourseFactory(capacity=1)
    offer = EnrolmentFactory(course=course, state="offered", offer_expires_at=NOW + timedelta(hours=1))
    services.accept_offer(offer, offer.member, now=NOW)

    with pytest.raises(ValidationError, match="Non hai un'offerta aperta"):
        services.accept_offer(offer, offer.member, now=NOW)


def test_a_free_seat_goes_to_who_waits_not_to_a_newcomer():
    course = CourseFactory(capacity=1)
    seat = services.enrol(course, VerifiedMemberFactory(), now=NOW)
    waiting = services.enrol(course, VerifiedMemberFactory(), now=NOW)
    services.cancel_enrolment(seat, actor=seat.member, now=NOW)

    newcomer = services.enrol(course, VerifiedMemberFactory(), now=NOW)

    waiting.refresh_from_db()
    assert (waiting.state, newcomer.state) == ("offered", "waitlisted")


def test_enrolling_twice_is_refused_with_the_reason():
    course = CourseFactory(capacity=1)
    member = VerifiedMemberFactory()
    services.enrol(course, member, now=NOW)
    other = VerifiedMemberFactory()
    services.enrol(course, other, now=NOW)

    with pytest.raises(ValidationError, match="Sei già iscritto o iscritta"):
        services.enrol(course, member, now=NOW)
    with pytest.raises(ValidationError, match="già nella lista d'attesa"):
        services.enrol(course, other, now=NOW)
    assert Enrolment.objects.count() == 2


def test_enrolling_again_after_cancelling_is_a_new_enrolment_at_the_end():
    course = CourseFactory(capacity=5)
    member = VerifiedMemberFactory()
    first = services.enrol(course, member, now=NOW)
    services.cancel_enrolment(first, actor=member, now=NOW)

    again = services.enrol(course, member, now=NOW + timedelta(minutes=1))

    assert (again.pk != first.pk, again.state) == (True, "confirmed")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"state": "cancelled"}, "è stato annullato"),
        ({"state": "closed"}, "sono chiuse"),
        ({"state": "draft"}, "sono chiuse"),
        ({"enrolment_opens_at": NOW + timedelta(days=1)}, "non sono ancora aperte"),
        ({"enrolment_closes_at": NOW - timedelta(minutes=1)}, "si sono chiuse"),
    ],
)
def test_enrolling_when_enrolment_is_not_open_is_refused(fields, message):
    course = CourseFactory(**fields)

    with pytest.raises(ValidationError, match=message):
        services.enrol(course, VerifiedMemberFactory(), now=NOW)
    assert Enrolment.objects.count() == 0


def test_enrolment_closes_when_the_first_session_starts_unless_staff_set_a_date():
    course = CourseFactory(sessions=0)
    SessionFactory(course=course, starts_at=NOW + timedelta(hours=1))

    with pytest.raises(ValidationError, match="si sono chiuse"):
        services.enrol(course, VerifiedMemberFactory(), now=NOW + timedelta(hours=1))
    assert services.enrol(course, VerifiedMemberFactory(), now=NOW).state == "confirmed"


def test_members_only_course_refuses_who_is_not_a_verified_member():
    course = CourseFactory(audience="members")
    registered = MemberFactory()
    former = VerifiedMemberFactory(status="former")

    for person in (registered, former):
        with pytest.raises(ValidationError, match="riservato ai soci e alle socie"):
            services.enrol(course, person, now=NOW)
    assert Enrolment.objects.count() == 0


def test_open_course_accepts_a_registered_person_at_the_others_price():
    course = CourseFactory(audience="everyone", price_members=Decimal("50"), price_others=Decimal("120"))

    outsider = services.enrol(course, MemberFactory(), now=NOW)
    member = services.enrol(course, VerifiedMemberFactory(), now=NOW)

    assert (outsider.price, member.price) == (Decimal("120.00"), Decimal("50.00"))


def test_open_course_refuses_an_unconfirmed_email():
    course = CourseFactory(audience="everyone")

    with pytest.raises(ValidationError, match="Conferma prima il tuo indirizzo e-mail"):
        services.enrol(course, MemberFactory(verified_email=False), now=NOW)


def test_cancelling_a_waitlisted_place_offers_nothing():
    course = CourseFactory(capacity=1)
    services.enrol(course, VerifiedMemberFactory(), now=NOW)
    waiting = services.enrol(course, VerifiedMemberFactory(), now=NOW)
    last = services.enrol(course, VerifiedMemberFactory(), now=NOW)

    assert services.cancel_enrolment(waiting, actor=waiting.member, now=NOW)
    assert services.cancel_enrolment(waiting, actor=waiting.member, now=NOW) is False

    last.refresh_from_db()
    assert last.state == "waitlisted"
    assert _emails("offer") == []


def test_waiting_position_counts_who_is_ahead():
    course = CourseFactory(capacity=1)
    services.enrol(course, VerifiedMemberFactory(), now=NOW)
    waiting = [services.enrol(course, VerifiedMemberFactory(), now=NOW) for _ in range(3)]

    assert [services.waiting_position(e) for e in waiting] == [1, 2, 3]


def test_no_offer_once_the_course_has_begun():
    course = CourseFactory(capacity=1, sessions=0)
    SessionFactory(course=course, starts_at=NOW + timedelta(hours=2))
    seat = services.enrol(course, VerifiedMemberFactory(), now=NOW)
    waiting = services.enrol(course, VerifiedMemberFactory(), now=NOW)

    services.cancel_enrolment(seat, actor=seat.member, now=NOW + timedelta(hours=3))

    waiting.refresh_from_db()
    assert waiting.state == "waitlisted"


def test_capacity_below_the_seats_held_is_refused():
    course = CourseFactory(capacity=3)
    for _ in range(2):
        services.enrol(course, VerifiedMemberFactory(), now=NOW)
    course.capacity = 1

    with pytest.raises(ValidationError, match="2 posti sono già occupati o offerti"):
        services.save_course(course, actor=None, changed=["capacity"])

    course.refresh_from_db()
    assert course.capacity == 3


def test_raising_capacity_offers_the_new_seats_to_who_waits():
    course = CourseFactory(capacity=1)
    services.enrol(course, VerifiedMemberFactory(), now=NOW)
    waiting = [services.enrol(course, VerifiedMemberFactory(), now=NOW) for _ in range(3)]
    course.capacity = 3

    services.save_course(course, actor=None, changed=["capacity"])

    assert [e.state for e in Enrolment.objects.filter(pk__in=[w.pk for w in waiting]).order_by("pk")] == [
        "offered",
        "offered",
        "waitlisted",
    ]


def test_staff_release_an_unpaid_seat_and_the_next_person_is_offered_it(staff):
    course = CourseFactory(capacity=1, price_members=Decimal("80"))
    seat = services.enrol(course, VerifiedMemberFactory(), now=NOW)
    waiting = services.enrol(course, VerifiedMemberFactory(), now=NOW)

    services.release_unpaid_seat(seat, actor=staff)

    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert (seat.state, waiting.state) == ("cancelled", "offered")
    assert _emails("seat_released") == [seat.member.email]


def test_a_paid_or_free_seat_cannot_be_released(staff):
    paid = services.enrol(CourseFactory(price_members=Decimal("80")), VerifiedMemberFactory(), now=NOW)
    services.record_payment(paid, actor=staff, amount=Decimal("80"))
    free = services.enrol(CourseFactory(), VerifiedMemberFactory(), now=NOW)

    for enrolment in (paid, free):
        with pytest.raises(ValidationError, match="pagato"):
            services.release_unpaid_seat(enrolment, actor=staff)
    assert Enrolment.objects.filter(state=EnrolmentState.CONFIRMED).count() == 2


def test_payment_is_recorded_only_for_a_confirmed_seat(staff):
    course = CourseFactory(capacity=1, price_members=Decimal("80"))
    services.enrol(course, VerifiedMemberFactory(), now=NOW)
    waiting = services.enrol(course, VerifiedMemberFactory(), now=NOW)

    with pytest.raises(ValidationError, match="solo per i posti confermati"):
        services.record_payment(waiting, actor=staff, amount=Decimal("80"))


def test_cancelling_a_course_ends_offers_and_the_waiting_list_and_tells_everyone(staff):
    course = CourseFactory(capacity=1)
    seat = services.enrol(course, VerifiedMemberFactory(), now=NOW)
    waiting = services.enrol(course, VerifiedMemberFactory(), now=NOW)
    session = course.sessions.get()

    services.set_course_state(course, "cancelled", actor=staff)

    assert _states(course) == [(seat.member.email, "confirmed"), (waiting.member.email, "cancelled")]
    assert _emails("course_cancelled") == [seat.member.email, waiting.member.email]
    session.refresh_from_db()
    assert session.sequence == 1
    with pytest.raises(ValidationError, match="è stato annullato"):
        services.enrol(course, VerifiedMemberFactory(), now=NOW)


def test_a_lapsing_offer_in_a_cancelled_course_offers_nothing_more(staff):
    course = CourseFactory(capacity=1)
    offer = EnrolmentFactory(course=course, state="offered", offer_expires_at=NOW)
    EnrolmentFactory(course=course, state="waitlisted")
    course.state = "closed"
    course.save()

    assert services.lapse_expired_offers(now=NOW) == 1

    assert _states(course) == [(offer.member.email, "expired"), (_states(course)[1][0], "waitlisted")]
    assert _emails("offer") == []


@pytest.mark.parametrize(("current", "new"), [("cancelled", "published"), ("draft", "closed"), ("cancelled", "draft")])
def test_course_state_refuses_a_transition_that_does_not_exist(staff, current, new):
    course = CourseFactory(state=current)

    with pytest.raises(ValidationError):
        services.set_course_state(course, new, actor=staff)


def test_publishing_needs_a_session(staff):
    course = CourseFactory(state="draft", sessions=0)

    with pytest.raises(ValidationError, match="almeno un incontro"):
        services.set_course_state(course, "published", actor=staff)
