"""The proposal lists' bodies are cached (groups.proposals.views.proposal_list,
smartprogress/pagecache.py): each write that changes them shows at once, through the page, to
the member who wrote and to another, in Italian and in English; what a group's member may do
there never reaches another reader."""

import pytest
from django.test import Client

from groups.proposals import services
from tests.factories import (
    MembershipFactory,
    PublishedProposalFactory,
    StaffFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def _client(member=None):
    client = Client()
    if member is not None:
        client.force_login(member)
    return client


def _list(client, url="/proposte/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_support_through_the_page_shows_at_once_to_the_supporter_and_to_another():
    proposal = PublishedProposalFactory(title="Sportello fiscale")
    supporter = _client(VerifiedMemberFactory())
    other = _client(VerifiedMemberFactory(language="en"))
    assert "0 sostegni" in _list(supporter)
    assert "0 supports" in _list(other)
    assert "0 sostegni" in _list(_client())

    supporter.post(f"/proposte/{proposal.pk}/sostegno/")

    assert "1 sostegno" in _list(supporter)
    assert "1 support" in _list(other) and "0 supports" not in _list(other)
    assert "1 sostegno" in _list(_client())
    assert "1 sostegno" in _list(supporter, "/proposte/?ordina=sostegni")

    supporter.post(f"/proposte/{proposal.pk}/sostegno/", {"azione": "ritira"})

    assert "0 sostegni" in _list(supporter)
    assert "0 supports" in _list(other)


def test_publishing_hiding_renaming_and_editing_show_at_once():
    group = WorkingGroupFactory(name="Fiscalità")
    proposal = PublishedProposalFactory(group=group, title="Sportello fiscale")
    reader = _client(VerifiedMemberFactory())
    assert "Sportello fiscale" in _list(reader) and "Fiscalità" in _list(reader)
    assert "Sportello fiscale" in _list(reader, "/proposte/?q=sportello")

    group.name = "Tasse e contributi"
    group.save()
    # The staff correct the title in the admin, which saves and indexes the text again.
    proposal.title = "Sportello contributi"
    proposal.save()
    services.index_for_search(proposal)

    html = _list(reader)
    assert "Tasse e contributi" in html and "Fiscalità" not in html
    assert "Sportello contributi" in html
    assert "Sportello contributi" in _list(reader, "/proposte/?q=contributi")

    services.hide_proposal(proposal, actor=StaffFactory(), reason="Dati personali nel testo.")

    assert "Sportello contributi" not in _list(reader)
    assert "Sportello contributi" not in _list(_client(), "/proposte/?q=contributi")


def test_the_write_button_of_a_group_stays_with_its_members():
    membership = MembershipFactory()
    group = membership.group
    url = f"/gruppi/{group.slug}/proposte/"
    write = f'href="/gruppi/{group.slug}/proposte/nuova/"'
    assert write in _list(_client(membership.member), url)

    assert write not in _list(_client(VerifiedMemberFactory()), url)
    assert write not in _list(_client(), url)
    assert write in _list(_client(membership.member), url)
