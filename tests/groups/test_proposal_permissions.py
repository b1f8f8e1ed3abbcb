"""Every URL of the proposals, tried by each kind of person, in each state that matters.

A: anonymous, U: registered but not verified, O: verified member outside the group,
P: participant, F: facilitator, W: the author, C: a co-author (accepted), S: staff (not in
the group). "login" means a redirect to the login page. A proposal not yet public is a 404 to
everyone but its authors and staff, so nobody learns it exists.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from groups.proposals import permissions, services
from groups.proposals.enums import ProposalState
from groups.proposals.models import CoAuthor, Proposal
from tests.factories import (
    PROPOSAL_TEXT,
    FacilitatorFactory,
    MemberFactory,
    MembershipFactory,
    StaffFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)

ROLES = ["A", "U", "O", "P", "F", "W", "C", "S"]
AUTHORS_ONLY = [404, 404, 404, 404, 404, 200, 200, 200]
EVERYONE = [200] * 8

# (method, url template, data, expected per role in ROLES order)
MATRIX = [
    ("get", "/proposte/", {}, EVERYONE),
    ("get", "/proposte/?q=calendario&stato=published&ordina=sostegni", {}, EVERYONE),
    ("get", "/gruppi/{group}/proposte/", {}, EVERYONE),
    ("get", "/gruppi/{group}/proposte/nuova/", {}, ["login", 403, 403, 200, 200, 200, 200, 403]),
    ("get", "/proposte/{draft}/", {}, AUTHORS_ONLY),
    ("get", "/proposte/{submitted}/", {}, AUTHORS_ONLY),
    ("get", "/proposte/{rejected}/", {}, AUTHORS_ONLY),
    ("get", "/proposte/{withdrawn}/", {}, AUTHORS_ONLY),
    ("get", "/proposte/{hidden}/", {}, AUTHORS_ONLY),
    ("get", "/proposte/{published}/", {}, EVERYONE),
    ("get", "/proposte/{accepted}/", {}, EVERYONE),
    ("get", "/proposte/{draft}/allegati/{draft_file}/", {}, AUTHORS_ONLY),
    ("get", "/proposte/{published}/allegati/{published_file}/", {}, EVERYONE),
    # Another proposal's attachment through this proposal's address: not found.
    ("get", "/proposte/{published}/allegati/{draft_file}/", {}, [404] * 8),
    ("get", "/proposte/{draft}/modifica/", {}, ["login", 404, 404, 404, 404, 200, 200, 403]),
    ("get", "/proposte/{submitted}/modifica/", {}, ["login", 404, 404, 404, 404, 403, 403, 403]),
    ("get", "/proposte/{published}/modifica/", {}, ["login", 403, 403, 403, 403, 403, 403, 403]),
    ("post", "/proposte/{draft}/invia/", {}, ["login", 404, 404, 404, 404, 302, 302, 403]),
    ("post", "/proposte/{submitted}/invia/", {}, ["login", 404, 404, 404, 404, 403, 403, 403]),
    ("post", "/proposte/{submitted}/ritira/", {}, ["login", 404, 404, 404, 404, 302, 302, 403]),
    ("post", "/proposte/{published}/ritira/", {}, ["login", 403, 403, 403, 403, 403, 403, 403]),
    ("post", "/proposte/{withdrawn}/riapri/", {}, ["login", 404, 404, 404, 404, 302, 302, 403]),
    ("post", "/proposte/{draft}/allegati/{draft_file}/rimuovi/", {}, ["login", 404, 404, 404, 404, 302, 302, 403]),
    ("post", "/proposte/{published}/invito/", {"risposta": "accetta"}, ["login", 403, 403, 403, 403, 403, 403, 403]),
    ("post", "/proposte/{published}/sostegno/", {"azione": "sostieni"}, ["login", 403, 302, 302, 302, 302, 302, 403]),
    ("post", "/proposte/{draft}/sostegno/", {"azione": "sostieni"}, ["login", 404, 404, 404, 404, 302, 302, 403]),
    ("post", "/proposte/{published}/commenti/", {"text": "Ciao!"}, ["login", 403, 302, 302, 302, 302, 302, 403]),
    ("post", "/proposte/{hidden}/commenti/", {"text": "Ciao!"}, ["login", 404, 404, 404, 404, 200, 200, 403]),
    ("get", "/proposte/{published}/commenti/{comment}/modifica/", {}, ["login", 403, 403, 200, 403, 403, 403, 403]),
    ("post", "/proposte/{published}/commenti/{comment}/rimuovi/", {}, ["login", 403, 403, 302, 403, 403, 403, 403]),
    ("get", "/proposte/{published}/segnala/", {}, ["login", 403, 200, 200, 200, 200, 200, 403]),
    ("get", "/proposte/{published}/commenti/{comment}/segnala/", {}, ["login", 403, 200, 200, 200, 200, 200, 403]),
    ("get", "/proposte/{draft}/segnala/", {}, ["login", 404, 404, 404, 404, 403, 403, 403]),
]


def _written(group, author, coauthor, state, staff, *, upload=None):
    proposal = services.create_proposal(
        group, author=author, coauthors=[coauthor], uploads=[upload] if upload else [], **PROPOSAL_TEXT
    )
    services.answer_invitation(CoAuthor.objects.get(proposal=proposal), accept=True)
    if state == ProposalState.DRAFT:
        return proposal
    if state == ProposalState.WITHDRAWN:
        return services.withdraw_proposal(proposal, actor=author)
    proposal = services.submit_proposal(proposal, actor=author)
    if state == ProposalState.SUBMITTED:
        return proposal
    if state == ProposalState.REJECTED:
        return services.reject_proposal(proposal, actor=staff, reason="Fuori tema.")
    proposal = services.publish_proposal(proposal, actor=staff)
    if state == ProposalState.ACCEPTED:
        return services.answer_proposal(proposal, actor=staff, state=state, text="La realizziamo.")
    return proposal


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PROPOSALS_PER_HOUR = 100
    group = WorkingGroupFactory()
    people = {
        "A": None,
        "U": MemberFactory(),
        "O": VerifiedMemberFactory(),
        "P": MembershipFactory(group=group).member,
        "F": FacilitatorFactory(group=group).member,
        "W": MembershipFactory(group=group).member,
        "C": MembershipFactory(group=group).member,
        "S": StaffFactory(),
    }
    write = {"group": group, "author": people["W"], "coauthor": people["C"], "staff": people["S"]}

    def pdf():
        return SimpleUploadedFile("analisi.pdf", b"%PDF-1.4 analisi")

    draft = _written(state=ProposalState.DRAFT, upload=pdf(), **write)
    published = _written(state=ProposalState.PUBLISHED, upload=pdf(), **write)
    hidden = _written(state=ProposalState.PUBLISHED, **write)
    services.hide_proposal(hidden, actor=people["S"], reason="Dati personali.")
    comment = services.add_comment(published, author=people["P"], text="Sono d'accordo.")
    ids = {
        "group": group.slug,
        "draft": draft.pk,
        "submitted": _written(state=ProposalState.SUBMITTED, **write).pk,
        "rejected": _written(state=ProposalState.REJECTED, **write).pk,
        "withdrawn": _written(state=ProposalState.WITHDRAWN, **write).pk,
        "published": published.pk,
        "accepted": _written(state=ProposalState.ACCEPTED, **write).pk,
        "hidden": hidden.pk,
        "draft_file": draft.attachments.get().pk,
        "published_file": published.attachments.get().pk,
        "comment": comment.pk,
    }
    return people, ids


def _cases():
    for method, url, data, expected in MATRIX:
        for role, outcome in zip(ROLES, expected, strict=True):
            yield pytest.param(method, url, data, role, outcome, id=f"{method} {url} {role}")


@pytest.mark.parametrize(("method", "url", "data", "role", "outcome"), list(_cases()))
def test_url_answers_each_person_as_expected(client, world, method, url, data, role, outcome):
    people, ids = world
    if people[role] is not None:
        client.force_login(people[role])

    response = getattr(client, method)(url.format(**ids), data)
    if response.streaming:
        b"".join(response.streaming_content)

    if outcome == "login":
        assert response.status_code == 302
        assert response.url.startswith("/account/login/")
    else:
        assert response.status_code == outcome
        if outcome == 302:
            assert not response.url.startswith("/account/login/")


@pytest.mark.parametrize("role", ROLES)
def test_unpublished_proposals_appear_in_no_list_count_or_search(client, world, role):
    people, ids = world
    if people[role] is not None:
        client.force_login(people[role])

    pages = [
        client.get("/proposte/").content.decode(),
        client.get("/proposte/?q=calendario").content.decode(),
        client.get(f"/gruppi/{ids['group']}/proposte/").content.decode(),
        client.get(f"/gruppi/{ids['group']}/").content.decode(),
    ]

    public = {ids["published"], ids["accepted"]}
    assert [{int(pk) for pk in re.findall(r'href="/proposte/(\d+)/"', page)} for page in pages] == [public] * 4


@pytest.mark.parametrize("role", ROLES)
def test_python_and_sql_agree_on_who_sees_each_proposal(world, role):
    """permissions.can_see and Proposal.objects.visible_to are twins."""
    people, _ids = world
    person = people[role]
    user = person or AnonymousUser()
    in_sql = set(Proposal.objects.visible_to(user).values_list("pk", flat=True))
    in_python = {
        proposal.pk
        for proposal in Proposal.objects.all()
        if permissions.can_see(user, proposal, list(proposal.coauthors.all()))
    }

    assert in_python == in_sql
    assert len(in_sql) == {"S": 7, "W": 7, "C": 7}.get(role, 2)


def test_invited_coauthor_reads_the_draft_and_answers_then_declining_loses_it(client, world):
    people, ids = world
    draft = Proposal.objects.get(pk=ids["draft"])
    invitee = MembershipFactory(group=draft.group).member
    services.update_proposal(draft, actor=people["W"], coauthors=[people["C"], invitee], **PROPOSAL_TEXT)
    client.force_login(invitee)

    page = client.get(f"/proposte/{draft.pk}/")
    answered = client.post(f"/proposte/{draft.pk}/invito/", {"risposta": "rifiuta"})

    assert page.status_code == 200
    assert "Sei invitato o invitata a firmare questa proposta" in page.content.decode()
    assert answered.url == "/"
    assert client.get(f"/proposte/{draft.pk}/").status_code == 404
