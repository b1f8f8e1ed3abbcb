"""The group cards of /gruppi/ and the visitor's home are cached under a digest PostgreSQL
computes from the rows they show (notifications/listkeys.py): every write, and the time
passing a meeting's end, shows at once; the query count does not grow with the groups."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from groups.models import Meeting, WorkingGroup, group_cards
from notifications.listkeys import DigestedRows
from tests.factories import MeetingFactory, MembershipFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db

PAGES = ("/gruppi/", "/")


def _pages(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200
        yield response.content.decode()


def test_a_renamed_reordered_archived_or_joined_group_shows_at_once_to_visitors():
    first = WorkingGroupFactory(name="Gruppo Alfa", position=1)
    second = WorkingGroupFactory(name="Gruppo Beta", position=2)
    client = Client()
    for page in _pages(client):
        assert page.index("Gruppo Alfa") < page.index("Gruppo Beta")

    first.name = "Gruppo Gamma"
    first.save()
    for page in _pages(client):
        assert "Gruppo Gamma" in page and "Gruppo Alfa" not in page

    WorkingGroup.objects.filter(pk=first.pk).update(position=3)
    for page in _pages(client):
        assert page.index("Gruppo Beta") < page.index("Gruppo Gamma")

    MembershipFactory(group=second)
    for page in _pages(client):
        assert "1 partecipante" in page

    WorkingGroup.objects.filter(pk=second.pk).update(archived_at=timezone.now())
    for page in _pages(client):
        assert "Gruppo Beta" not in page


def test_a_new_moved_or_cancelled_meeting_shows_at_once():
    group = WorkingGroupFactory()
    client = Client()
    for page in _pages(client):
        assert "nessun incontro in programma" in page
    meeting = MeetingFactory(group=group)
    for page in _pages(client):
        assert "prossimo incontro" in page
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    for page in _pages(client):
        assert "nessun incontro in programma" in page


def test_a_meeting_that_ends_is_no_longer_the_next_one_with_no_write():
    group = WorkingGroupFactory()
    now = timezone.now()
    MeetingFactory(group=group, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(seconds=1))
    client = Client()
    for page in _pages(client):
        assert "prossimo incontro" in page
    time.sleep(1.2)
    for page in _pages(client):
        assert "nessun incontro in programma" in page


def test_the_digest_covers_the_fields_named_and_only_the_rows_shown():
    group = WorkingGroupFactory(summary="Uno.")
    rows = DigestedRows(group_cards)
    before = rows.digest(["pk", "summary"])
    assert before == DigestedRows(group_cards).digest(["pk", "summary"])
    group.description = "Non mostrata sulle schede."
    group.save()
    assert DigestedRows(group_cards).digest(["pk", "summary"]) == before
    group.summary = "Due."
    group.save()
    assert DigestedRows(group_cards).digest(["pk", "summary"]) != before
    assert [row.pk for row in rows] == [group.pk]


def test_the_cards_cost_one_query_once_cached_with_one_or_many_groups(django_assert_num_queries):
    client = Client()
    WorkingGroupFactory()
    # The first reader: the digest, then the rows to render; every reader after: the digest.
    with django_assert_num_queries(2):
        client.get("/gruppi/")
    with django_assert_num_queries(1):
        client.get("/gruppi/")
    for _ in range(5):
        MeetingFactory(group=WorkingGroupFactory())
    client.get("/")
    with django_assert_num_queries(1):
        response = client.get("/")
    assert response.content.decode().count("prossimo incontro") == 5
