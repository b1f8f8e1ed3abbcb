"""Every training URL, tried by each kind of person.

A: anonymous, U: registered but not verified, O: verified member, P: participant (a confirmed
seat in the course), T: trainer of the course (and of the draft), F: facilitator of the
training working group, S: staff (not a verified member,
so no proposing). "login" is a redirect to the login page; an outsider never
gets the object (a draft is a 404 for whoever may not prepare it).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.enums import GroupTheme
from members.models import Member
from tests.factories import (
    CourseFactory,
    CourseTrainerFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    MemberFactory,
    ProgrammeFactory,
    SectorFactory,
    SessionFactory,
    StaffFactory,
    TrainerProposalFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)
from training import permissions

ROLES = ["A", "U", "O", "P", "T", "F", "S"]
L = "login"

# (method, url template, data, expected per role in ROLES order)
MATRIX = [
    ("get", "/formazione/", {}, [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/formazione/{course}/", {}, [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/formazione/{course}.ics", {}, [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/formazione/{draft}/", {}, [404, 404, 404, 404, 200, 200, 200]),
    ("get", "/formazione/{draft}.ics", {}, [404, 404, 404, 404, 200, 200, 200]),
    ("get", "/formazione/nessun-corso/", {}, [404, 404, 404, 404, 404, 404, 404]),
    ("post", "/formazione/{course}/iscriviti/", {}, [L, 302, 302, 302, 302, 302, 302]),
    ("post", "/formazione/{draft}/iscriviti/", {}, [L, 404, 404, 404, 404, 404, 404]),
    ("post", "/formazione/{course}/annulla/", {}, [L, 404, 404, 302, 404, 404, 404]),
    ("post", "/formazione/{course}/accetta/", {}, [L, 404, 404, 302, 404, 404, 404]),
    ("get", "/formazione/{done}/valutazione/", {}, [L, 302, 302, 200, 302, 302, 302]),
    ("post", "/formazione/{done}/valutazione/", {"rating": "5"}, [L, 302, 302, 302, 302, 302, 302]),
    ("get", "/formazione/{course}/presenze/", {}, [L, 403, 403, 403, 200, 403, 200]),
    ("get", "/formazione/{course}/presenze/foglio/", {}, [L, 403, 403, 403, 200, 403, 200]),
    ("post", "/formazione/{course}/presenze/{session}/", {}, [L, 403, 403, 403, 302, 403, 302]),
    ("get", "/formazione/{draft}/presenze/", {}, [L, 404, 404, 404, 200, 403, 200]),
    ("get", "/formazione/{course}/iscrizioni.csv", {}, [L, 403, 403, 403, 403, 403, 200]),
    ("get", "/formazione/{draft}/iscrizioni.csv", {}, [L, 404, 404, 404, 403, 403, 200]),
    ("get", "/formazione/proponi/", {}, [L, 200, 200, 200, 200, 200, 200]),
    ("post", "/formazione/proponi/", "proposal", [L, 403, 302, 302, 302, 302, 403]),
    ("get", "/formazione/proposte/", {}, [L, 403, 403, 403, 403, 200, 200]),
    ("get", "/formazione/proposte/{proposal}/", {}, [L, 403, 403, 403, 403, 200, 200]),
    ("post", "/formazione/proposte/{proposal}/valuta/", {"score": "4"}, [L, 403, 403, 403, 403, 302, 302]),
    (
        "post",
        "/formazione/proposte/{proposal}/decidi/",
        {"decision": "decline", "note": "Non ora."},
        [L, 403, 403, 403, 403, 302, 302],
    ),
    ("get", "/formazione/proposte/999999/", {}, [L, 403, 403, 403, 403, 404, 404]),
    ("get", "/formazione/interessi/", {}, [L, 200, 200, 200, 200, 200, 200]),
    ("post", "/formazione/interessi/", {"wish": "Fotografia"}, [L, 302, 302, 302, 302, 302, 302]),
    ("get", "/formazione/domanda/", {}, [L, 403, 403, 403, 403, 200, 200]),
    ("get", "/formazione/iscrizioni/", {}, [L, 200, 200, 200, 200, 200, 200]),
    ("get", "/formazione/programmi/{programme}/", {}, [200, 200, 200, 200, 200, 200, 200]),
    ("get", "/formazione/programmi/nessuno/", {}, [404, 404, 404, 404, 404, 404, 404]),
]


@pytest.fixture
def world(db):
    course = CourseFactory(programme=ProgrammeFactory())
    session = course.sessions.get()
    session.starts_at, session.ends_at = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1)
    session.save()
    participant = EnrolmentFactory(course=course).member
    done = CourseFactory(sessions=0)
    SessionFactory(
        course=done, starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    EnrolmentFactory(course=done, member=participant)
    trainer = CourseTrainerFactory(course=course).member
    draft = CourseTrainerFactory(course=CourseFactory(state="draft"), member=trainer).course
    area = SectorFactory()
    people = {
        "A": None,
        "U": MemberFactory(),
        "O": VerifiedMemberFactory(),
        "P": participant,
        "T": trainer,
        "F": FacilitatorFactory(group=WorkingGroupFactory(theme=GroupTheme.TRAINING)).member,
        "S": StaffFactory(),
    }
    ids = {
        "course": course.slug,
        "draft": draft.slug,
        "done": done.slug,
        "session": session.pk,
        "proposal": TrainerProposalFactory().pk,
        "programme": course.programme.slug,
    }
    proposal_form = {"topic": "Luce", "area": str(area.pk), "outline": "Luce.", "format": "online", "bio": "Io."}
    return people, ids, proposal_form


def _cases():
    for method, url, data, expected in MATRIX:
        for role, outcome in zip(ROLES, expected, strict=True):
            yield pytest.param(method, url, data, role, outcome, id=f"{method} {url} {role}")


@pytest.mark.parametrize(("method", "url", "data", "role", "outcome"), list(_cases()))
def test_url_answers_each_person_as_expected(client, world, method, url, data, role, outcome):
    people, ids, proposal_form = world
    if people[role] is not None:
        client.force_login(people[role])
    data = proposal_form if data == "proposal" else data

    response = getattr(client, method)(url.format(**ids), data)

    if outcome == L:
        assert response.status_code == 302
        assert response.url.startswith("/account/login/")
    else:
        assert response.status_code == outcome
        if outcome == 302:
            assert not response.url.startswith("/account/login/")


@pytest.mark.parametrize(
    "url",
    [
        "/formazione/proposte/99999999999999999999999/",
        "/formazione/{course}/presenze/99999999999999999999999/",
        "/formazione/programmi/%C3%A0gora/",
        "/formazione/corso%20con%20spazi/",
    ],
)
def test_odd_addresses_are_not_found(client, world, url):
    people, ids, _form = world
    client.force_login(people["S"])

    response = client.post(url.format(**ids)) if "presenze" in url else client.get(url.format(**ids))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("membership", "member", "group"),
    [
        ({}, {}, {}),
        ({"role": "participant"}, {}, {}),
        ({"state": "pending"}, {}, {}),
        ({}, {"status": "verification_requested"}, {}),
        ({}, {"is_active": False}, {}),
        ({}, {}, {"theme": "calls"}),
        ({}, {}, {"archived_at": timezone.now()}),
    ],
)
@pytest.mark.django_db
def test_is_training_facilitator_says_what_training_facilitators_lists(membership, member, group):
    """The predicate reads the member's own row instead of joining it: the same answer as the list."""
    row = FacilitatorFactory(
        group=WorkingGroupFactory(**{"theme": GroupTheme.TRAINING, **group}), **membership, **_prefixed(member)
    )
    person = Member.objects.get(pk=row.member_id)

    listed = permissions.training_facilitators().filter(member=person).exists()
    assert permissions.is_training_facilitator(person) == listed
    assert listed == (not membership and not member and not group)


def _prefixed(fields):
    return {f"member__{name}": value for name, value in fields.items()}
