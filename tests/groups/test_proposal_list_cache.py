"""The proposal lists' bodies are cached (groups.proposals.views.proposal_list,
smartprogress/pagecache.py): each write that changes them shows at once, through the page, to
the member who wrote and to another, in Italian and in English; what a group's member may do
there never reaches another reader."""

import pytest

from groups.proposals import services
from tests.factories import (
    MembershipFactory,
    PublishedProposalFactory,
    StaffFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)
from tests.pages import client_of, html_of

pytestmark = pytest.mark.django_db


def _list(client, url="/proposte/"):
    return html_of(client, url)


def test_a_support_through_the_page_shows_at_once_to_the_supporter_and_to_another():
    proposal = PublishedProposalFactory(title="Sportello fiscale")
    supporter = client_of(VerifiedMemberFactory())
    other = client_of(VerifiedMemberFactory(language="en"))
    assert "0 sostegni" in _list(supporter)
    assert "0 supports" in _list(other)
    assert "0 sostegni" in _list(client_of())

    supporter.post(f"/proposte/{proposal.pk}/sostegno/")

    assert "1 sostegno" in _list(supporter)
    assert "1 support" in _list(other) and "0 supports" not in _list(other)
    assert "1 sostegno" in _list(client_of())
    assert "1 sostegno" in _list(supporter, "/proposte/?ordina=sostegni")

    supporter.post(f"/proposte/{proposal.pk}/sostegno/", {"azione": "ritira"})

    assert "0 sostegni" in _list(supporter)
    assert "0 supports" in _list(other)


def test_publishing_hiding_renaming_and_editing_show_at_once():
    group = WorkingGroupFactory(name="Fiscalità")
    proposal = PublishedProposalFactory(group=group, title="Sportello fiscale")
    reader = client_of(VerifiedMemberFactory())
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
    assert "Sportello contributi" not in _list(client_of(), "/proposte/?q=contributi")


def test_the_write_button_of_a_group_stays_with_its_members():
    membership = MembershipFactory()
    group = membership.group
    url = f"/gruppi/{group.slug}/proposte/"
    write = f'href="/gruppi/{group.slug}/proposte/nuova/"'
    assert write in _list(client_of(membership.member), url)

    assert write not in _list(client_of(VerifiedMemberFactory()), url)
    assert write not in _list(client_of(), url)
    assert write in _list(client_of(membership.member), url)


@pytest.mark.parametrize(
    ("query", "queries"),
    # count, page, the groups of the filter; the group asked for, where there is one
    [("?q=sportello", 3), ("?pagina=999", 3), ("?stato=inventato", 3), ("?gruppo=nessuno", 4)],
)
def test_a_search_or_a_query_not_among_the_choices_is_answered_but_never_kept(
    query, queries, django_assert_num_queries
):
    """Bodies for made-up addresses would have no bound: they are built each time."""
    PublishedProposalFactory(title="Sportello fiscale")
    visitor = client_of()
    html_of(visitor, f"/proposte/{query}")
    with django_assert_num_queries(queries):
        assert "Sportello fiscale" in html_of(visitor, f"/proposte/{query}")
