"""The catalogue's body is cached for every reader of one kind (training.views.catalogue,
smartprogress/pagecache.py): each write that changes it shows at once, through the page, to
the member who wrote and to another; a reviewer's links never reach a member; Italian and
English never share a body; a cached body costs no query of its own."""

from datetime import timedelta

import pytest
from django.test import Client

from groups.enums import GroupTheme
from tests.factories import (
    CourseFactory,
    CourseTrainerFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    MemberFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)
from tests.pages import client_of, html_of
from training.models import Course

pytestmark = pytest.mark.django_db


def _page(member=None, query=""):
    return html_of(client_of(member), f"/formazione/{query}")


def test_an_enrolment_through_the_page_shows_at_once_to_the_member_and_to_another():
    course = CourseFactory(title="Montaggio audio", capacity=2)
    writer, other = VerifiedMemberFactory(), VerifiedMemberFactory(language="en")
    assert "2 posti liberi" in _page(writer)
    assert "2 seats left" in _page(other)
    assert "2 posti liberi" in _page()

    client_of(writer).post(f"/formazione/{course.slug}/iscriviti/")

    assert "1 posto libero" in _page(writer)
    assert "1 seat left" in _page(other)
    assert "1 posto libero" in _page()
    client_of(other).post(f"/formazione/{course.slug}/iscriviti/")
    assert "completo" in _page(writer)
    client_of(VerifiedMemberFactory()).post(f"/formazione/{course.slug}/iscriviti/")
    assert "full, 1 person on the waiting list" in _page(other)

    client_of(writer).post(f"/formazione/{course.slug}/annulla/")

    # The seat is offered to the person waiting: still full, nobody waits any more.
    assert "completo, 0 persone in lista d" in _page(writer)
    assert Course.objects.values_list("seats_taken", "waiting_count").get(pk=course.pk) == (2, 0)


def test_course_session_trainer_and_group_changes_show_at_once():
    course = CourseFactory(title="Fotografia di scena")
    trainer = CourseTrainerFactory(course=course, member__full_name="Lucia Neri")
    member = VerifiedMemberFactory()
    assert "Lucia Neri" in _page(member)

    trainer.member.full_name = "Lucia Bianchi"
    trainer.member.save(update_fields=["full_name"])
    course.title = "Fotografia di palcoscenico"
    course.save()
    session = course.sessions.get()
    session.starts_at = session.starts_at.replace(year=session.starts_at.year + 1)
    session.ends_at = session.starts_at + timedelta(hours=2)
    session.save()
    WorkingGroupFactory(name="Gruppo formazione", theme=GroupTheme.TRAINING)

    html = _page(member)
    assert "Lucia Bianchi" in html and "Lucia Neri" not in html
    assert "Fotografia di palcoscenico" in html
    assert str(session.starts_at.year) in html
    assert "Gruppo formazione" in html


def test_a_log_in_does_not_retire_the_body_but_a_new_course_does(django_assert_num_queries):
    CourseFactory(title="Primo corso")
    member = MemberFactory()
    _page()
    member.save(update_fields=["last_login"])
    with django_assert_num_queries(0):
        assert "Primo corso" in _page()

    CourseFactory(title="Secondo corso")

    assert "Secondo corso" in _page()


def test_a_reviewers_links_and_filters_stay_with_their_readers():
    reviewer = FacilitatorFactory(group=WorkingGroupFactory(theme=GroupTheme.TRAINING)).member
    CourseFactory(title="Canto corale", format="online")
    CourseFactory(title="Regia", format="in_person")
    assert 'href="/formazione/domanda/"' in _page(reviewer)

    member_page = _page(VerifiedMemberFactory())
    visitor_page = _page()

    assert 'href="/formazione/domanda/"' not in member_page + visitor_page
    assert 'href="/formazione/iscrizioni/"' in member_page and 'href="/formazione/iscrizioni/"' not in visitor_page
    online = _page(query="?formato=online")
    assert "Canto corale" in online and "Regia" not in online
    assert "Regia" in _page()


def test_a_cached_body_costs_no_query_and_does_not_grow_with_the_courses(django_assert_num_queries):
    member = VerifiedMemberFactory()
    client = client_of(member)
    CourseTrainerFactory(course=CourseFactory())
    client.get("/formazione/")
    Client().get("/formazione/")
    # Visitor: none. Member: session, member, whether they review proposals.
    with django_assert_num_queries(0):
        Client().get("/formazione/")
    with django_assert_num_queries(3):
        client.get("/formazione/")
    for _ in range(6):
        course = CourseFactory()
        CourseTrainerFactory(course=course)
        EnrolmentFactory(course=course)
    client.get("/formazione/")
    Client().get("/formazione/")

    with django_assert_num_queries(0):
        Client().get("/formazione/")
    with django_assert_num_queries(3):
        html = client.get("/formazione/").content.decode()
    assert html.count('class="card h-100 course-card"') == 7


@pytest.mark.parametrize("query", ["?area=nessuna", "?formato=%FF", "?competenza=" + "x" * 500])
def test_a_filter_not_among_the_choices_is_answered_but_never_kept(query, django_assert_num_queries):
    """Bodies for made-up addresses would have no bound: they are built each time."""
    CourseFactory(title="Regia")
    for _ in range(2):
        with django_assert_num_queries(6):
            assert "Regia" in _page(query=query)
