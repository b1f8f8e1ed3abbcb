"""Every URL of the calls, tried by each kind of person.

A: anonymous, U: registered but not verified, O: verified member outside, T: the applicant,
I: a member invited to T's team, R: an appointed reviewer, C: a reviewer who declared a
conflict with T's candidacy, S: staff. "login" means a redirect to the login page. An outsider
never gets a candidacy: 404; who may see it but not do the thing gets 403.

The world: `call` is in scoring (limit 1), T's candidacy is eligible; `ranked` has a published
ranking with T's funded candidacy, which has a delivered reporting milestone; T asked Smart to
lead a project; the rules have a published version 1 and a draft version 2.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve
from django.utils import timezone

from calls import services
from calls.enums import CallStatus, CandidacyState, MilestoneKind, TaskOwner, TeamMemberState
from calls.models import JoinOffer, OpenRole, RankingEntry, ResponsibilityTask
from calls.urls import urlpatterns
from tests.factories import (
    CallReviewerFactory,
    CandidacyFactory,
    CriterionFactory,
    FundingCallFactory,
    LeadPartnerRequestFactory,
    MemberFactory,
    RequiredDocumentFactory,
    RulesVersionFactory,
    StaffFactory,
    TeamMemberFactory,
    VerifiedMemberFactory,
)

ROLES = ["A", "U", "O", "T", "I", "R", "C", "S"]
LOGIN = "login"
CAND = "/bandi/{call}/candidatura/{candidacy}"

# (method, url, data, expected per role in ROLES order)
MATRIX = [
    ("get", "/bandi/", {}, [200] * 8),
    ("get", "/bandi/{call}/", {}, [200] * 8),
    ("get", "/bandi/{call}/scadenza.ics", {}, [200] * 8),
    ("post", "/bandi/{call}/segui/", {}, [LOGIN, 302, 302, 302, 302, 302, 302, 302]),
    ("get", "/bandi/{call}/candidatura/", {}, [LOGIN, 200, 200, 302, 200, 200, 200, 200]),
    ("post", "/bandi/{call}/candidatura/", {"title": "Nuovo"}, [LOGIN, 403, 200, 302, 200, 200, 200, 403]),
    ("get", CAND + "/", {}, [404, 404, 404, 200, 200, 200, 404, 200]),
    ("get", CAND + "/modifica/", {}, [LOGIN, 404, 404, 200, 403, 403, 404, 403]),
    ("post", CAND + "/invia/", {}, [LOGIN, 404, 404, 302, 403, 403, 404, 403]),
    ("get", CAND + "/ritira/", {}, [LOGIN, 404, 404, 200, 403, 403, 404, 403]),
    ("post", CAND + "/documenti/{requirement}/", {}, [LOGIN, 404, 404, 302, 403, 403, 404, 403]),
    ("get", CAND + "/documenti/{document}/scarica/", {}, [404, 404, 404, 200, 200, 200, 404, 200]),
    ("post", CAND + "/squadra/", {"email": "x@soci.example"}, [LOGIN, 404, 404, 302, 403, 403, 404, 403]),
    ("post", CAND + "/invito/", {"answer": "decline"}, [LOGIN, 404, 404, 403, 302, 403, 404, 403]),
    ("post", CAND + "/ruoli/", {"title": "Fonico"}, [LOGIN, 404, 404, 302, 403, 403, 404, 403]),
    ("post", CAND + "/ruoli/{role}/chiudi/", {}, [LOGIN, 404, 404, 302, 403, 403, 404, 403]),
    ("post", CAND + "/offerte/{offer}/", {"answer": "accept"}, [LOGIN, 404, 404, 302, 403, 403, 404, 403]),
    ("get", "/bandi/{call}/ruoli/{role}/", {}, [LOGIN, 403, 200, 200, 200, 200, 200, 200]),
    ("get", CAND + "/valutazione/", {}, [LOGIN, 404, 404, 403, 403, 200, 404, 403]),
    ("post", CAND + "/conflitto/", {}, [LOGIN, 403, 403, 403, 403, 302, 302, 403]),
    ("post", CAND + "/stato/", {"state": "waitlisted"}, [LOGIN, 404, 404, 403, 403, 403, 404, 302]),
    ("post", CAND + "/rendicontazione/", {}, [LOGIN, 404, 404, 403, 403, 403, 404, 302]),
    ("get", "/bandi/{call}/valutazione/", {}, [LOGIN, 403, 403, 403, 403, 200, 200, 403]),
    ("get", "/bandi/{call}/selezione/", {}, [LOGIN, 403, 403, 403, 403, 403, 403, 200]),
    ("post", "/bandi/{call}/selezione/azione/", {"action": "x"}, [LOGIN, 403, 403, 403, 403, 403, 403, 302]),
    ("get", "/bandi/{call}/graduatoria/", {}, [404] * 8),
    ("get", "/bandi/{ranked}/graduatoria/", {}, [404, 404, 404, 200, 404, 200, 404, 200]),
    ("post", "/bandi/compiti/{team_task}/", {"done": "yes"}, [LOGIN, 404, 404, 302, 403, 403, 404, 403]),
    ("post", "/bandi/compiti/{staff_task}/", {"done": "yes"}, [LOGIN, 404, 404, 403, 403, 403, 404, 302]),
    ("post", "/bandi/rendicontazione/{milestone}/consegna/", {}, [LOGIN, 404, 404, 302, 404, 403, 404, 403]),
    ("post", "/bandi/rendicontazione/{milestone}/approva/", {}, [LOGIN, 404, 404, 403, 404, 403, 404, 302]),
    ("get", "/bandi/rendicontazione/{milestone}/scarica/", {}, [LOGIN, 404, 404, 200, 404, 200, 404, 200]),
    ("get", "/bandi/mie/", {}, [LOGIN, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/bandi/scadenze/", {}, [LOGIN, 403, 403, 403, 403, 403, 403, 200]),
    ("get", "/bandi/capofila/", {}, [200] * 8),
    ("get", "/bandi/capofila/nuova/", {}, [LOGIN, 403, 200, 200, 200, 200, 200, 403]),
    ("get", "/bandi/capofila/{lead}/", {}, [LOGIN, 404, 404, 200, 404, 404, 404, 200]),
    ("post", "/bandi/capofila/{lead}/", {}, [LOGIN, 404, 404, 403, 404, 404, 404, 200]),
    ("post", "/bandi/capofila/{lead}/stato/", {"state": "withdrawn"}, [LOGIN, 404, 404, 302, 404, 404, 404, 403]),
    ("post", "/bandi/capofila/{lead}/rendicontazione/", {}, [LOGIN, 404, 404, 403, 404, 404, 404, 302]),
    ("get", "/bandi/regolamento/", {}, [200] * 8),
    ("get", "/bandi/regolamento/1/", {}, [200] * 8),
    ("get", "/bandi/regolamento/2/", {}, [404, 404, 200, 200, 200, 200, 200, 200]),
    # A draft is not there for visitors: it says so before asking them to log in.
    ("post", "/bandi/regolamento/2/", {"text": "Bene!"}, [404, 404, 302, 302, 302, 302, 302, 403]),
    ("post", "/bandi/regolamento/2/pubblica/", {}, [LOGIN, 403, 403, 403, 403, 403, 403, 302]),
]


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people = {
        "A": None,
        "U": MemberFactory(),
        "O": VerifiedMemberFactory(),
        "T": VerifiedMemberFactory(),
        "I": VerifiedMemberFactory(),
        "R": VerifiedMemberFactory(),
        "C": VerifiedMemberFactory(),
        "S": StaffFactory(),
    }
    call = FundingCallFactory(max_candidacies=1)
    CriterionFactory(call=call)
    requirement = RequiredDocumentFactory(call=call)
    candidacy = CandidacyFactory(call=call, applicant=people["T"])
    document = services.upload_document(
        candidacy, requirement, SimpleUploadedFile("p.pdf", b"%PDF-1.4 p"), actor=people["T"]
    )
    TeamMemberFactory(candidacy=candidacy, member=people["I"], state=TeamMemberState.INVITED)
    role = OpenRole.objects.create(candidacy=candidacy, title="Grafica")
    offer = JoinOffer.objects.create(role=role, member=VerifiedMemberFactory())
    team_task, staff_task = (
        ResponsibilityTask.objects.create(
            candidacy=candidacy, title=f"Compito {owner}", owner=owner, due_at=timezone.now() + timedelta(days=2)
        )
        for owner in (TaskOwner.TEAM, TaskOwner.STAFF)
    )
    CandidacyFactory(call=call, state=CandidacyState.ELIGIBLE)
    candidacy.state = CandidacyState.ELIGIBLE
    candidacy.save(update_fields=["state"])
    for reviewer in ("R", "C"):
        CallReviewerFactory(call=call, member=people[reviewer])
    FundingCallFactory._meta.model.objects.filter(pk=call.pk).update(
        internal_deadline=timezone.now() - timedelta(days=1), funder_deadline=timezone.now() + timedelta(days=9)
    )
    services.open_scoring(call, actor=people["S"])
    services.declare_conflict(candidacy, people["C"])

    ranked = FundingCallFactory(max_candidacies=1, status=CallStatus.DECIDED, ranking_published_at=timezone.now())
    CallReviewerFactory(call=ranked, member=people["R"])
    funded = CandidacyFactory(call=ranked, applicant=people["T"], state=CandidacyState.FUNDED)
    RankingEntry.objects.create(call=ranked, candidacy=funded, position=1, draw_key="a" * 64, selected=True)
    milestone = services.add_milestone(
        funded,
        actor=people["S"],
        kind=MilestoneKind.EXPENSE_REPORT,
        title="Rendiconto",
        due_at=timezone.now() + timedelta(days=30),
    )
    services.deliver_milestone(milestone, SimpleUploadedFile("r.pdf", b"%PDF-1.4 r"), actor=people["T"])
    lead = LeadPartnerRequestFactory(requester=people["T"])
    RulesVersionFactory(number=1, status="published", published_at=timezone.now())
    RulesVersionFactory(number=2)
    ids = {
        "call": call.slug,
        "ranked": ranked.slug,
        "candidacy": candidacy.pk,
        "requirement": requirement.pk,
        "document": document.pk,
        "role": role.pk,
        "offer": offer.pk,
        "team_task": team_task.pk,
        "staff_task": staff_task.pk,
        "milestone": milestone.pk,
        "lead": lead.pk,
    }
    return people, ids


def _cases():
    for method, url, data, expected in MATRIX:
        for role, outcome in zip(ROLES, expected, strict=True):
            yield pytest.param(method, url, data, role, outcome, id=f"{method} {url} {role}")


def test_matrix_tries_every_url_of_the_calls():
    any_ids = dict.fromkeys(("candidacy", "requirement", "document", "role", "offer", "milestone", "lead"), "1")
    any_ids |= {"call": "bando", "ranked": "bando", "team_task": "1", "staff_task": "1"}

    tried = {resolve(url.format(**any_ids)).url_name for _method, url, _data, _expected in MATRIX}

    assert {pattern.name for pattern in urlpatterns} - tried == set()


@pytest.mark.parametrize(("method", "url", "data", "role", "outcome"), list(_cases()))
def test_url_answers_each_person_as_expected(client, world, method, url, data, role, outcome):
    people, ids = world
    if people[role] is not None:
        client.force_login(people[role])

    response = getattr(client, method)(url.format(**ids), data)

    if outcome == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith("/account/login/")
    else:
        assert response.status_code == outcome
        if outcome == 302:
            assert not response.url.startswith("/account/login/")
