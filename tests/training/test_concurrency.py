"""Seats under concurrency, on PostgreSQL: many people press "Enrol" for the last seat at
the same instant, and an offer is accepted at the very moment the lapse scan lets it
expire (tests.concurrency.run_together: a thread and a connection each, released at once)."""

from collections import Counter
from datetime import timedelta
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import OutboxEmail
from tests.concurrency import run_together
from tests.factories import CourseFactory, EnrolmentFactory, VerifiedMemberFactory
from training import services
from training.models import Course, Enrolment

THREADS = 24
ROUNDS = 5


def assert_stored_counts_exact(course):
    """The counts stored on the course row (training/signals.py) are what a count finds now."""
    stored = Course.objects.values_list("seats_taken", "waiting_count").get(pk=course.pk)
    enrolments = Enrolment.objects.filter(course=course)
    assert stored == (enrolments.holding_seat().count(), enrolments.waiting_list().count())


@pytest.mark.django_db(transaction=True)
def test_many_people_enrolling_at_the_last_seat_get_exactly_one_seat():
    """24 threads at once for the last seat, 5 times over: one seat, 23 on the waiting list."""
    outcomes = Counter()
    for _round in range(ROUNDS):
        course = CourseFactory(capacity=5)
        for _ in range(4):
            EnrolmentFactory(course=course)
        people = [VerifiedMemberFactory() for _ in range(THREADS)]

        results = run_together([partial(services.enrol, course, person) for person in people])

        states = Counter(result.state for result in results)
        outcomes.update(states)
        assert states == {"confirmed": 1, "waitlisted": THREADS - 1}
        assert Enrolment.objects.filter(course=course, state="confirmed").count() == course.capacity
        waiting = Enrolment.objects.filter(course=course).waiting_list()
        assert [services.waiting_position(e) for e in waiting] == list(range(1, THREADS))
        assert Course.objects.values_list("seats_taken", "waiting_count").get(pk=course.pk) == (5, THREADS - 1)
    assert outcomes == {"confirmed": ROUNDS, "waitlisted": ROUNDS * (THREADS - 1)}


@pytest.mark.django_db(transaction=True)
def test_one_person_enrolling_many_times_at_once_gets_one_enrolment():
    """A double click, many times over: one enrolment, every other attempt told why."""
    course = CourseFactory(capacity=5)
    person = VerifiedMemberFactory()

    results = run_together([lambda: services.enrol(course, person)] * THREADS)

    assert [type(r).__name__ for r in results].count("Enrolment") == 1
    assert {e.code for e in results if isinstance(e, ValidationError)} == {"already"}
    assert Enrolment.objects.filter(course=course, member=person).count() == 1


ACCEPTS = 10
SCANS = 10
OFFER_ROUNDS = 20


@pytest.mark.django_db(transaction=True)
def test_offer_accepted_as_it_expires_while_the_scan_runs_has_exactly_one_outcome():
    """The person accepts (10 threads: clicks from two tabs and a phone) a hair before the
    deadline while the lapse scan (10 threads: beats on several workers) runs at the
    deadline: both sides think they are in time. 20 rounds; each ends one way only: the
    seat is theirs and nobody else hears of it, or it lapsed once and the next person got
    exactly one offer."""
    outcomes = Counter()
    for _round in range(OFFER_ROUNDS):
        deadline = timezone.now().replace(microsecond=0) + timedelta(hours=1)
        course = CourseFactory(capacity=1)
        offer = EnrolmentFactory(course=course, state="offered", offer_expires_at=deadline, confirmed_at=None)
        next_one = EnrolmentFactory(course=course, state="waitlisted", confirmed_at=None)
        before = OutboxEmail.objects.count()
        in_time = deadline - timedelta(microseconds=1)
        jobs = [partial(services.accept_offer, offer, offer.member, now=in_time)] * ACCEPTS
        jobs += [partial(services.lapse_expired_offers, now=deadline)] * SCANS

        results = run_together(jobs)

        accepted = sum(isinstance(r, Enrolment) for r in results[:ACCEPTS])
        refused = [r.code for r in results[:ACCEPTS] if isinstance(r, ValidationError)]
        lapsed = sum(results[ACCEPTS:])
        offer.refresh_from_db()
        next_one.refresh_from_db()
        emails = sorted(OutboxEmail.objects.filter(pk__gt=0).order_by("pk")[before:].values_list("kind", "to"), key=str)
        if accepted:
            assert (accepted, lapsed, offer.state, next_one.state) == (1, 0, "confirmed", "waitlisted")
            assert set(refused) == {"no_offer"} and len(refused) == ACCEPTS - 1
            assert emails == [("training/email/confirmed", offer.member.email)]
            outcomes["accepted"] += 1
        else:
            assert (lapsed, offer.state, next_one.state) == (1, "expired", "offered")
            assert refused == ["expired"] * ACCEPTS
            assert emails == [
                ("training/email/offer", next_one.member.email),
                ("training/email/offer_expired", offer.member.email),
            ]
            outcomes["lapsed"] += 1
        assert Enrolment.objects.filter(course=course).holding_seat().count() == 1
        assert_stored_counts_exact(course)
    assert sum(outcomes.values()) == OFFER_ROUNDS
    print(f"\noffer race, {OFFER_ROUNDS} rounds of {ACCEPTS} accepts + {SCANS} scans: {dict(outcomes)}")


@pytest.mark.django_db(transaction=True)
def test_stored_counts_stay_exact_while_people_enrol_and_cancel_at_once():
    """12 people enrol while the 12 who hold seats or wait cancel, all at the same instant, 3
    times over: seats offered, confirmed and freed in any order; the stored counts on the
    course row are exactly what counting the enrolments finds afterwards."""
    for _round in range(3):
        course = CourseFactory(capacity=6)
        holding = [EnrolmentFactory(course=course) for _ in range(6)]
        waiting = [EnrolmentFactory(course=course, state="waitlisted", confirmed_at=None) for _ in range(6)]
        assert_stored_counts_exact(course)
        newcomers = [VerifiedMemberFactory() for _ in range(12)]
        jobs = [partial(services.enrol, course, person) for person in newcomers]
        jobs += [partial(services.cancel_enrolment, e, actor=e.member) for e in holding + waiting]

        results = run_together(jobs)

        assert not [r for r in results if isinstance(r, Exception)]
        assert_stored_counts_exact(course)
        assert Course.objects.get(pk=course.pk).seats_taken == 6
