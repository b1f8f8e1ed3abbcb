"""No dead ends: every link a person sees opens for them, visitors and people not yet
verified included (a meeting's public part is for everyone, so are published proposals)."""

import pytest

from groups.proposals.models import Proposal
from tests.crawl import LOGIN, SIGNUP, crawl, demo_world, shape

# A visitor, U registered but not verified, O verified outside the groups, P participant,
# F facilitator, S staff.
ROLES = ["A", "U", "O", "P", "F", "S"]
OUTSIDERS = ["A", "U"]


@pytest.fixture
def people(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return demo_world()


def _log_in(client, people, role):
    if role != "A":
        client.force_login(people[role])


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_person_sees_opens_for_them(client, people, role):
    _log_in(client, people, role)

    visits = crawl(client)

    dead_ends = [
        (visit.found_on, visit.url, visit.status)
        for visit in visits
        if visit.found_on is not None
        and not visit.url.startswith((LOGIN, SIGNUP))
        and (visit.status in (403, 404) or visit.redirects_to_login)
    ]
    assert dead_ends == []
    # The crawl went where the links are: the public part of meetings and their calendar files.
    reached = {shape(visit.url) for visit in visits if visit.status == 200}
    expected = {"gruppi/<slug:slug>/incontri/", "incontri/<int:pk>/", "incontri/<int:pk>.ics"}
    expected |= {
        "formazione/",
        "formazione/<slug:slug>/",
        "formazione/<slug:slug>.ics",
        "formazione/programmi/<slug:slug>/",
        "proposte/",
        "gruppi/<slug:slug>/proposte/",
        "proposte/<int:pk>/",
    }
    assert expected - reached == set()


@pytest.mark.parametrize("role", OUTSIDERS)
def test_nothing_an_outsider_receives_carries_an_online_link(client, people, role):
    _log_in(client, people, role)

    visits = crawl(client)

    pages = [visit for visit in visits if not visit.response.streaming]
    assert [visit.url for visit in pages if b"meet.example" in visit.response.content] == []
    assert [visit for visit in pages if visit.url.endswith(".ics")] != []


@pytest.mark.parametrize("role", ["A", "U", "O", "F"])
def test_nobody_but_the_authors_and_staff_reaches_an_unpublished_proposal(client, people, role):
    _log_in(client, people, role)

    visits = crawl(client, per_shape=20)

    titles = " ".join(visit.response.content.decode() for visit in visits if visit.is_html)
    private = ["Proposta: bozza", "Proposta: In attesa di moderazione", "Proposta: Non pubblicata", "Proposta nascosta"]
    assert Proposal.objects.filter(title__in=private).count() == len(private)
    assert [title for title in private if title in titles] == []
    assert "Proposta: Accolta" in titles


def test_the_author_reaches_every_one_of_their_proposals(client, people):
    _log_in(client, people, "P")

    visits = crawl(client, per_shape=20)

    reached = {visit.url for visit in visits if visit.status == 200 and shape(visit.url) == "proposte/<int:pk>/"}
    assert len(reached) == 10


# The calls' pages each kind of person reaches by links (besides /bandi/ and the calls).
CALL_PAGES = {
    "A": {"bandi/<slug:slug>/", "bandi/<slug:slug>/scadenza.ics", "bandi/regolamento/<int:number>/"},
    "P": {
        "bandi/<slug:slug>/candidatura/<int:pk>/",
        "bandi/<slug:slug>/graduatoria/",
        "bandi/<slug:slug>/ruoli/<int:role>/",
        "bandi/<slug:slug>/candidatura/<int:pk>/documenti/<int:document>/scarica/",
        "bandi/mie/",
    },
    "F": {
        "bandi/<slug:slug>/valutazione/",
        "bandi/<slug:slug>/graduatoria/",
        "bandi/<slug:slug>/candidatura/<int:pk>/",
    },
    "S": {
        "bandi/<slug:slug>/selezione/",
        "bandi/scadenze/",
        "bandi/capofila/<int:pk>/",
        "bandi/rendicontazione/<int:milestone>/scarica/",
    },
}


@pytest.mark.parametrize("role", sorted(CALL_PAGES))
def test_crawl_reaches_the_calls_pages_of_each_person(client, people, role):
    _log_in(client, people, role)

    reached = {shape(visit.url) for visit in crawl(client, "/bandi/") if visit.status == 200}

    assert CALL_PAGES[role] - reached == set()


# The network's pages each kind of person reaches by links from /rete/.
NETWORK_PAGES = {
    "A": {"rete/"},
    "U": {"rete/"},
    "P": {
        "rete/",
        "rete/soci/<int:pk>/",
        "rete/soci/<int:pk>/contatta/",
        "rete/messaggi/",
        "rete/progetti/",
        "rete/progetti/nuovo/",
        "rete/progetti/<int:pk>/",
        "questionari/",
        "questionari/<slug:slug>/",
        "questionari/<slug:slug>/risultati/",
    },
    "S": {"rete/", "questionari/<slug:slug>/risultati/", "questionari/<slug:slug>/risposte.csv"},
}


@pytest.mark.parametrize("role", sorted(NETWORK_PAGES))
def test_crawl_reaches_the_network_pages_of_each_person(client, people, role):
    _log_in(client, people, role)

    reached = {shape(visit.url) for visit in crawl(client, "/rete/") if visit.status == 200}

    assert NETWORK_PAGES[role] - reached == set()
