"""/bandi/'s body is cached for every reader of one kind (calls.views.call_list,
smartprogress/pagecache.py): a write shows at once, through the page, to the member who wrote
and to another, in Italian and English; the calls a member follows are marked for them alone;
drafts stay with the staff; an open call moves to the second list when its deadline passes."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from calls.enums import CallStatus
from tests.factories import FundingCallFactory, SectorFactory, StaffFactory, VerifiedMemberFactory
from tests.pages import client_of, html_of

pytestmark = pytest.mark.django_db


def _list(client, query=""):
    return html_of(client, f"/bandi/{query}")


def _open_section(html):
    return html.split('id="open-title"')[1].split("</section>")[0]


def test_following_through_the_page_marks_the_call_for_the_follower_alone():
    call = FundingCallFactory(title="Cultura Futura")
    follower, other = client_of(VerifiedMemberFactory()), client_of(VerifiedMemberFactory(language="en"))
    assert "Lo segui" not in _list(follower)

    follower.post(f"/bandi/{call.slug}/segui/")

    assert _list(follower).count("Lo segui") == 1
    english = _list(other)
    assert "Cultura Futura" in english and "You follow it" not in english
    assert "Lo segui" not in _list(client_of())
    follower.post(f"/bandi/{call.slug}/segui/", {"follow": "no"})
    assert "Lo segui" not in _list(follower)


def test_call_and_sector_writes_show_at_once_to_every_reader():
    call = FundingCallFactory(title="Cultura Futura")
    reader, other = client_of(VerifiedMemberFactory()), client_of(VerifiedMemberFactory(language="en"))
    assert "Cultura Futura" in _list(reader) and "Cultura Futura" in _list(other)

    call.title = "Cultura Presente"
    call.save()
    sector = SectorFactory(name="Teatro")
    call.sectors.add(sector)

    assert "Cultura Presente" in _list(reader)
    assert "Teatro" in _open_section(_list(reader))
    assert "Cultura Presente" in _list(other)
    sector.name = "Teatro e danza"
    sector.save()
    assert "Teatro e danza" in _open_section(_list(other))
    call.sectors.remove(sector)
    assert "Teatro e danza" not in _open_section(_list(reader))
    call.status = CallStatus.ARCHIVED
    call.save()
    assert "Cultura Presente" not in _list(reader) + _list(other) + _list(client_of())


def test_drafts_stay_with_the_staff():
    FundingCallFactory(title="Bando in preparazione", status=CallStatus.DRAFT)
    assert "Bando in preparazione" in _list(client_of(StaffFactory()))

    assert "Bando in preparazione" not in _list(client_of(VerifiedMemberFactory()))
    assert "Bando in preparazione" not in _list(client_of())


def test_an_open_call_moves_to_the_second_list_when_its_deadline_passes(django_assert_num_queries):
    """The body is kept only until the first open call's internal deadline."""
    soon = FundingCallFactory(title="Scade tra poco", internal_deadline=timezone.now() + timedelta(seconds=2))
    FundingCallFactory(title="Scade tra un mese", internal_deadline=timezone.now() + timedelta(days=30))
    reader = client_of()
    assert "Scade tra poco" in _open_section(_list(reader))
    with django_assert_num_queries(0):
        _list(reader)

    soon.refresh_from_db()
    time.sleep((soon.internal_deadline - timezone.now()).total_seconds() + 0.1)  # no write: only time passes

    html = _list(reader)
    assert "Scade tra poco" not in _open_section(html)
    assert "Scade tra poco" in html and "Scade tra un mese" in _open_section(html)


def test_a_filter_not_among_the_choices_is_answered_but_never_kept(django_assert_num_queries):
    """Bodies for made-up addresses would have no bound: they are built each time."""
    FundingCallFactory(title="Cultura Futura")
    visitor = client_of()
    _list(visitor, "?settore=inventato")
    with django_assert_num_queries(6):
        assert "Cultura Futura" in _list(visitor, "?settore=inventato")
