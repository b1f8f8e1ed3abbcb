"""The dashboard's lists and the groups' overview come from Redis (smartprogress/dashboard.py,
groups/pagecache.py): every write to what they show must show at once, through the page, to
the member it concerns and to no one else, in their language."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from groups import services
from groups.proposals import services as proposal_services
from groups.proposals.enums import ProposalState
from networking import services as network_services
from tests.factories import (
    PROPOSAL_TEXT,
    CourseFactory,
    MeetingFactory,
    MembershipFactory,
    SkillFactory,
    StaffFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
    proposal_in,
)
from tests.networking.factories import CommonProjectFactory
from training import services as training_services

pytestmark = pytest.mark.django_db


def _dashboard(client, member):
    client.force_login(member)
    response = client.get("/")
    client.logout()
    assert response.status_code == 200
    return response.content.decode()


def _section(html, title_id):
    """The text of the dashboard's section headed by `title_id`, or "" when it is not shown."""
    match = re.search(rf'<section aria-labelledby="{title_id}".*?</section>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def group():
    return WorkingGroupFactory(name="Gruppo Alfa")


@pytest.fixture
def me(group):
    return MembershipFactory(group=group).member


@pytest.fixture
def other(group):
    """Another participant of the same group."""
    return MembershipFactory(group=group).member


def test_a_new_meeting_of_my_group_shows_at_once_and_only_to_its_participants(client, group, me, other):
    outsider = VerifiedMemberFactory()
    for person in (me, other, outsider):
        assert "Assemblea di autunno" not in _dashboard(client, person)  # now cached
    start = timezone.now() + timedelta(days=2)
    services.create_meeting(
        group, actor=StaffFactory(), title="Assemblea di autunno", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    for person in (me, other):
        assert "Assemblea di autunno" in _section(_dashboard(client, person), "meetings-title")
    assert "Assemblea di autunno" not in _dashboard(client, outsider)


def test_a_cancelled_meeting_and_one_that_ends_leave_the_list(client, group, me):
    now = timezone.now()
    MeetingFactory(
        group=group,
        title="Incontro che finisce",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(seconds=2),
    )
    cancelled = MeetingFactory(group=group, title="Incontro annullato")
    meetings = _section(_dashboard(client, me), "meetings-title")
    assert "Incontro che finisce" in meetings and "Incontro annullato" in meetings
    services.cancel_meeting(cancelled, actor=StaffFactory())
    assert "Incontro annullato" not in _dashboard(client, me)
    time.sleep(2.1)
    assert "Incontro che finisce" not in _dashboard(client, me)


def test_joining_and_leaving_move_the_group_and_its_meetings(client, group, other):
    newcomer = VerifiedMemberFactory()
    MeetingFactory(group=group, title="Riunione del gruppo Alfa")
    html = _dashboard(client, newcomer)
    assert "Gruppo Alfa" in _section(html, "groups-title") and "Riunione del gruppo Alfa" not in html
    services.join_group(group, newcomer)
    html = _dashboard(client, newcomer)
    assert "Gruppo Alfa" in _section(html, "my-groups-title")
    assert "Riunione del gruppo Alfa" in _section(html, "meetings-title")
    # The other participant sees the new count on the card at once (the shared overview).
    assert "2 partecipanti" in _section(_dashboard(client, other), "my-groups-title")
    services.leave_group(group, newcomer)
    html = _dashboard(client, newcomer)
    assert "Gruppo Alfa" not in _section(html, "my-groups-title")
    assert "Riunione del gruppo Alfa" not in html
    assert "1 partecipante" in _section(_dashboard(client, other), "my-groups-title")


def test_a_member_who_is_no_longer_verified_loses_the_meetings(client, group, me):
    MeetingFactory(group=group, title="Solo per i soci")
    assert "Solo per i soci" in _dashboard(client, me)
    me.status = "refused"
    me.save()
    assert "Solo per i soci" not in _dashboard(client, me)


def test_an_invitation_to_co_sign_and_its_answer_show_at_once_only_to_the_invited(client, group, me, other):
    for person in (me, other):
        _dashboard(client, person)
    proposal = proposal_services.create_proposal(
        group, author=other, coauthors=[me], **{**PROPOSAL_TEXT, "title": "Orto condiviso"}
    )
    assert "Orto condiviso" in _section(_dashboard(client, me), "invitations-title")
    other_html = _dashboard(client, other)
    assert "Orto condiviso" not in _section(other_html, "invitations-title")
    assert "Orto condiviso" in _section(other_html, "my-proposals-title")
    proposal_services.answer_invitation(proposal.coauthors.get(member=me), accept=True)
    html = _dashboard(client, me)
    assert "Orto condiviso" not in _section(html, "invitations-title")
    assert "Orto condiviso" in _section(html, "my-proposals-title")


def test_a_proposal_state_decided_by_staff_shows_at_once(client, group, me):
    proposal = proposal_in(ProposalState.SUBMITTED, group=group, author=me)
    assert "In attesa di moderazione" in _section(_dashboard(client, me), "my-proposals-title")
    proposal_services.publish_proposal(proposal, actor=StaffFactory())
    mine = _section(_dashboard(client, me), "my-proposals-title")
    assert "Pubblicata" in mine and "In attesa di moderazione" not in mine


def test_a_seat_taken_and_given_up_shows_at_once(client, me, other):
    course = CourseFactory(title="Corso di doppiaggio")
    for person in (me, other):
        _dashboard(client, person)
    enrolment = training_services.enrol(course, me)
    assert "Corso di doppiaggio" in _section(_dashboard(client, me), "courses-title")
    assert "Corso di doppiaggio" not in _dashboard(client, other)
    training_services.cancel_enrolment(enrolment, actor=me)
    assert "Corso di doppiaggio" not in _dashboard(client, me)


def test_projects_that_need_my_skills_follow_projects_interest_and_my_skills(client, me, other):
    video = SkillFactory()
    me.skills.set([video])
    assert _section(_dashboard(client, me), "projects-for-me-title") == ""
    project = CommonProjectFactory(title="Archivio video", skills=[video])
    assert "Archivio video" in _section(_dashboard(client, me), "projects-for-me-title")
    assert "Archivio video" not in _dashboard(client, other)  # other has no such skill
    network_services.express_interest(project, me)
    assert "Archivio video" not in _dashboard(client, me)
    other.skills.add(video)
    assert "Archivio video" in _section(_dashboard(client, other), "projects-for-me-title")
    other.skills.clear()
    assert "Archivio video" not in _dashboard(client, other)


def test_italian_and_english_members_each_get_their_language(client, group, me):
    english = MembershipFactory(group=group, member__language="en").member
    MeetingFactory(group=group, title="Incontro bilingue")
    for _ in range(2):  # the second time from Redis
        italian_html, english_html = _dashboard(client, me), _dashboard(client, english)
        assert "I tuoi prossimi incontri" in italian_html and "I tuoi gruppi di lavoro" in italian_html
        assert "Your next meetings" in english_html and "Your working groups" in english_html
        assert "Your working groups" not in italian_html and "I tuoi gruppi di lavoro" not in english_html
