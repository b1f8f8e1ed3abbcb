"""Every URL of the working groups, tried by each kind of person.

A: anonymous, U: registered but not verified, O: verified member outside the
group, P: participant, F: facilitator, S: staff (not in the group).
"login" means a redirect to the login page; an outsider never gets the object.
A meeting's public part (title, date, place, agenda) is for everyone; date polls,
who answers and the minutes are for verified members and staff.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from groups import services
from groups.enums import Answer, DocumentVisibility, MeetingStatus, MembershipState
from groups.models import DatePoll, Meeting
from tests.factories import (
    DatePollFactory,
    DateSlotFactory,
    FacilitatorFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    StaffFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)

ROLES = ["A", "U", "O", "P", "F", "S"]

# (method, url template, data, expected per role in ROLES order)
MATRIX = [
    ("get", "/gruppi/", {}, [200, 200, 200, 200, 200, 200]),
    ("get", "/gruppi/{group}/", {}, [200, 200, 200, 200, 200, 200]),
    ("get", "/formazione/", {}, [200, 200, 200, 200, 200, 200]),
    ("post", "/gruppi/{group}/partecipa/", {}, ["login", 302, 302, 302, 302, 302]),
    ("post", "/gruppi/{group}/lascia/", {}, ["login", 302, 302, 302, 302, 302]),
    ("get", "/gruppi/{group}/incontri/", {}, [200, 200, 200, 200, 200, 200]),
    ("get", "/gruppi/{group}/incontri/nuovo/", {}, ["login", 403, 403, 403, 200, 200]),
    ("get", "/incontri/{meeting}/", {}, [200, 200, 200, 200, 200, 200]),
    ("get", "/incontri/{meeting}.ics", {}, [200, 200, 200, 200, 200, 200]),
    ("post", "/incontri/{meeting}/risposta/", {"answer": "yes"}, ["login", 403, 403, 302, 302, 403]),
    ("get", "/incontri/{meeting}/modifica/", {}, ["login", 403, 403, 403, 200, 200]),
    ("get", "/incontri/{meeting}/verbale/", {}, ["login", 403, 403, 403, 200, 200]),
    ("post", "/incontri/{meeting}/annulla/", {}, ["login", 403, 403, 403, 302, 302]),
    ("get", "/gruppi/{group}/date/", {}, ["login", 403, 200, 200, 200, 200]),
    ("get", "/gruppi/{group}/date/nuovo/", {}, ["login", 403, 403, 200, 200, 403]),
    ("get", "/gruppi/{group}/date/{poll}/", {}, ["login", 403, 200, 200, 200, 200]),
    ("post", "/gruppi/{group}/date/{poll}/", {"slot_{slot}": "yes"}, ["login", 403, 403, 302, 302, 403]),
    ("post", "/gruppi/{group}/date/{poll}/chiudi/", {"slot": "{slot}"}, ["login", 403, 403, 403, 302, 302]),
    ("get", "/gruppi/{group}/documenti/nuovo/", {}, ["login", 403, 403, 403, 200, 200]),
    ("get", "/documenti/", {}, [200, 200, 200, 200, 200, 200]),
    ("get", "/documenti/{document}/scarica/", {}, [404, 404, 404, 200, 200, 200]),
    ("post", "/gruppi/{group}/richieste/{pending}/", {"decision": "approve"}, ["login", 403, 403, 403, 302, 302]),
    ("get", "/gruppi/{group}/partecipanti/", {}, ["login", 403, 403, 403, 200, 200]),
    ("post", "/gruppi/{group}/partecipanti/{participant}/facilitatore/", {}, ["login", 403, 403, 403, 302, 302]),
    ("get", "/profilo/preferenze/", {}, ["login", 200, 200, 200, 200, 200]),
    # The secret address is the key, whoever holds it: here the participant's.
    ("get", "/calendario/{feed}.ics", {}, [200, 200, 200, 200, 200, 200]),
]


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    group = WorkingGroupFactory()
    facilitator = FacilitatorFactory(group=group)
    participant = MembershipFactory(group=group)
    pending = MembershipFactory(group=group, state=MembershipState.PENDING)
    slot = DateSlotFactory(poll=DatePollFactory(group=group))
    pdf = SimpleUploadedFile("v.pdf", b"%PDF-1.4 verbale")
    document = services.add_document(
        group, actor=facilitator.member, title="Verbale", visibility=DocumentVisibility.GROUP, upload=pdf
    )
    people = {
        "A": None,
        "U": MemberFactory(),
        "O": VerifiedMemberFactory(),
        "P": participant.member,
        "F": facilitator.member,
        "S": StaffFactory(),
    }
    ids = {
        "group": group.slug,
        "meeting": MeetingFactory(group=group).pk,
        "meeting_group": group.pk,
        "poll": slot.poll_id,
        "slot": slot.pk,
        "document": document.pk,
        "pending": pending.pk,
        "participant": participant.pk,
        "feed": participant.member.ensure_calendar_token(),
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
    data = {key.format(**ids): value.format(**ids) for key, value in data.items()}

    response = getattr(client, method)(url.format(**ids), data)

    if outcome == "login":
        assert response.status_code == 302
        assert response.url.startswith("/account/login/")
    else:
        assert response.status_code == outcome
        if outcome == 302:
            assert not response.url.startswith("/account/login/")


@pytest.mark.parametrize("role", ROLES)
def test_archived_group_and_its_meetings_are_gone_for_everyone(client, world, role):
    people, ids = world
    meeting = MeetingFactory(group=WorkingGroupFactory(archived_at=timezone.now()))
    if people[role] is not None:
        client.force_login(people[role])

    assert client.get(f"/gruppi/{meeting.group.slug}/").status_code == 404
    assert client.get(f"/gruppi/{meeting.group.slug}/incontri/").status_code == 404
    assert client.get(f"/incontri/{meeting.pk}/").status_code == 404
    assert client.get(f"/incontri/{meeting.pk}.ics").status_code == 404


@pytest.mark.parametrize(("role", "sees_link"), list(zip(ROLES, [False, False, False, True, True, True], strict=True)))
def test_online_link_only_in_what_the_group_receives(client, world, role, sees_link):
    people, ids = world
    meeting = MeetingFactory(group_id=ids["meeting_group"], location="", online_url="https://meet.example/segreto")
    if people[role] is not None:
        client.force_login(people[role])

    received = [
        client.get(f"/incontri/{meeting.pk}/").content,
        client.get(f"/incontri/{meeting.pk}.ics").content,
        client.get(f"/gruppi/{ids['group']}/").content,
        client.get(f"/gruppi/{ids['group']}/incontri/").content,
    ]

    assert [b"meet.example/segreto" in body for body in received] == [sees_link, sees_link, False, False]


@pytest.mark.parametrize("role", ["A", "U"])
def test_meeting_page_shows_outsiders_its_public_part_only(client, world, role):
    people, ids = world
    meeting = MeetingFactory(
        group_id=ids["meeting_group"],
        title="Regole per i bandi",
        location="Via Example 1, Milano",
        agenda="Bozza delle regole.",
        minutes="Verbale riservato.",
    )
    services.answer_meeting(meeting, people["P"], Answer.MAYBE)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    if people[role] is not None:
        client.force_login(people[role])

    html = client.get(f"/incontri/{meeting.pk}/").content.decode()

    public = ["Regole per i bandi", "Via Example 1, Milano", "Bozza delle regole.", "incontro è stato annullato"]
    private = ["Verbale riservato.", people["P"].full_name, "Chi viene", 'name="answer"']
    assert [text in html for text in public] == [True] * len(public)
    assert [text in html for text in private] == [False] * len(private)


def test_meeting_form_tells_who_will_read_what(client, world):
    people, ids = world
    client.force_login(people["F"])

    html = client.get(f"/gruppi/{ids['group']}/incontri/nuovo/").content.decode()

    assert "Titolo, data, luogo e ordine del giorno sono pubblici" in html


def test_meeting_place_shown_to_visitors_on_group_page(client, world):
    people, ids = world
    MeetingFactory(group__slug="aperto", location="Via Example 1")

    assert "Via Example 1" in client.get("/gruppi/aperto/").content.decode()


@pytest.mark.parametrize(("role", "linked"), list(zip(ROLES, [False, False, True, True, True, True], strict=True)))
def test_date_polls_linked_only_for_who_may_open_them(client, world, role, linked):
    people, ids = world
    if people[role] is not None:
        client.force_login(people[role])

    html = client.get(f"/gruppi/{ids['group']}/").content.decode()

    poll_links = [f'href="/gruppi/{ids["group"]}/date/{ids["poll"]}/"', f'href="/gruppi/{ids["group"]}/date/"']
    assert [link in html for link in poll_links] == [linked, linked]
    assert escape(DatePoll.objects.get(pk=ids["poll"]).title) in html
