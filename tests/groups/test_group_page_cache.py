"""The group page and the meeting list keep their shared parts in Redis (groups/pagecache.py):
every write to what they show must show at once, through the page, to every reader, and no
reader may get a part meant for another kind of reader or another language."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from groups import services
from groups.enums import DocumentVisibility, PollStatus
from groups.proposals import services as proposal_services
from tests.factories import (
    DatePollFactory,
    DiscussionPromptFactory,
    DocumentFactory,
    FacilitatorFactory,
    MeetingFactory,
    MembershipFactory,
    PublishedProposalFactory,
    StaffFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return WorkingGroupFactory()


@pytest.fixture
def facilitator(group):
    return FacilitatorFactory(group=group).member


@pytest.fixture
def participant(group):
    return MembershipFactory(group=group).member


def _page(client, reader, url):
    client.force_login(reader)
    html = client.get(url).content.decode()
    client.logout()
    return html


def _both(client, readers, url):
    return [_page(client, reader, url) for reader in readers]


def test_a_new_meeting_shows_at_once_on_both_pages_to_every_reader(client, group, facilitator, participant):
    pages = (f"/gruppi/{group.slug}/", f"/gruppi/{group.slug}/incontri/")
    for url in pages:
        assert all("Assemblea di primavera" not in html for html in _both(client, (facilitator, participant), url))
    start = timezone.now() + timedelta(days=5)
    services.create_meeting(
        group, actor=facilitator, title="Assemblea di primavera", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    for url in pages:
        assert all("Assemblea di primavera" in html for html in _both(client, (facilitator, participant), url))


def test_an_edited_then_cancelled_meeting_shows_at_once(client, group, facilitator, participant):
    meeting = MeetingFactory(group=group, title="Riunione di giugno")
    url = f"/gruppi/{group.slug}/"
    assert "Riunione di giugno" in _page(client, participant, url)
    assert "Riunione di giugno" in _page(client, participant, f"{url}incontri/")
    services.update_meeting(meeting, actor=facilitator, title="Riunione di luglio")
    for page in (url, f"{url}incontri/"):
        html = _page(client, participant, page)
        assert "Riunione di luglio" in html and "Riunione di giugno" not in html
    services.cancel_meeting(meeting, actor=facilitator)
    for page in (url, f"{url}incontri/"):  # a cancelled meeting to come is in neither list
        assert "Riunione di luglio" not in _page(client, participant, page)


def test_a_meeting_moves_to_the_past_and_a_poll_closes_when_their_time_comes(client, group, participant):
    now = timezone.now()
    # Under way, ending in two seconds; a poll whose voting closes then too.
    MeetingFactory(
        group=group, title="Incontro in corso", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(seconds=2)
    )
    DatePollFactory(group=group, title="Quando ci vediamo", closes_at=now + timedelta(seconds=2))
    for url in (f"/gruppi/{group.slug}/", f"/gruppi/{group.slug}/incontri/"):
        html = _page(client, participant, url)
        assert "Incontro in corso" in html and "Nessun incontro in programma" not in html
    assert "vota entro" in _page(client, participant, f"/gruppi/{group.slug}/")
    time.sleep(2.1)
    for url in (f"/gruppi/{group.slug}/", f"/gruppi/{group.slug}/incontri/"):
        html = _page(client, participant, url)
        assert "Nessun incontro in programma" in html
        assert html.index("Incontri passati") < html.index("Incontro in corso")
    html = _page(client, participant, f"/gruppi/{group.slug}/")
    assert "vota entro" not in html and "il voto è chiuso" in html


def test_polls_open_and_close_at_once_with_links_only_for_members(client, group, facilitator, participant):
    url = f"/gruppi/{group.slug}/"
    outsider = StaffFactory(is_staff=False)  # signed in, not a verified member: no poll links
    assert "Scegliamo la data" not in _page(client, participant, url)
    poll = DatePollFactory(group=group, title="Scegliamo la data")
    link = f'href="/gruppi/{group.slug}/date/{poll.pk}/"'
    member_html, outsider_html = _both(client, (participant, outsider), url)
    assert "Scegliamo la data" in member_html and link in member_html
    assert "Scegliamo la data" in outsider_html and link not in outsider_html
    assert link not in client.get(url).content.decode()  # a visitor
    services.cancel_poll(poll, actor=facilitator)
    assert poll.__class__.objects.get(pk=poll.pk).status == PollStatus.CANCELLED
    assert all("Scegliamo la data" not in html for html in _both(client, (participant, outsider), url))


def test_proposals_and_their_supports_show_at_once(client, group, participant):
    url = f"/gruppi/{group.slug}/"
    assert "Una mensa comune" not in _page(client, participant, url)
    proposal = PublishedProposalFactory(group=group, title="Una mensa comune")
    html = _page(client, participant, url)
    assert "Una mensa comune" in html and "0 sostegni" in html
    supporter = MembershipFactory(group=group).member
    proposal_services.support(proposal, supporter)
    assert "1 sostegno" in _page(client, participant, url)
    proposal_services.withdraw_support(proposal, supporter)
    assert "0 sostegni" in _page(client, participant, url)


def test_documents_by_visibility_never_leak_between_kinds_of_reader(client, group, facilitator, participant):
    url = f"/gruppi/{group.slug}/"
    other_member = VerifiedMemberFactory()  # verified, not in the group
    staff = StaffFactory()
    readers = (participant, other_member, staff)
    for html in _both(client, readers, url):
        assert "Verbale riservato" not in html
    services.add_document(
        group,
        actor=facilitator,
        title="Verbale riservato",
        visibility=DocumentVisibility.GROUP,
        url="https://example.org/verbale",
    )
    DocumentFactory(group=group, title="Regolamento per i soci", visibility=DocumentVisibility.MEMBERS)
    participant_html, other_html, staff_html = _both(client, readers, url)
    visitor_html = client.get(url).content.decode()
    assert "Verbale riservato" in participant_html and "Regolamento per i soci" in participant_html
    assert "Verbale riservato" not in other_html and "Regolamento per i soci" in other_html
    assert "Verbale riservato" in staff_html
    assert "Verbale riservato" not in visitor_html and "Regolamento per i soci" not in visitor_html
    # Joining changes the reader's kind: the group's documents show at once.
    services.join_group(group, other_member)
    assert "Verbale riservato" in _page(client, other_member, url)


def test_description_and_prompts_show_at_once(client, group, participant):
    url = f"/gruppi/{group.slug}/"
    assert "Primo paragrafo." in _page(client, participant, url)
    DiscussionPromptFactory(group=group, text="Come dividiamo i compiti?")
    group.description = "Una descrizione nuova."
    group.save()
    html = _page(client, participant, url)
    assert "Come dividiamo i compiti?" in html and "Una descrizione nuova." in html
    assert "Primo paragrafo." not in html


def test_italian_and_english_readers_get_their_own_parts(client, group, participant):
    MeetingFactory(group=group, title="Incontro bilingue")
    english = MembershipFactory(group=group, member__language="en").member
    url = f"/gruppi/{group.slug}/"
    for _ in range(2):  # the second time from Redis
        italian_html, english_html = _both(client, (participant, english), url)
        assert "Prossimi incontri" in italian_html and "Coming up" not in italian_html
        assert "Coming up" in english_html and "Prossimi incontri" not in english_html
        italian_list, english_list = _both(client, (participant, english), f"{url}incontri/")
        assert "Incontri passati" in italian_list and "Past meetings" in english_list
        assert "Past meetings" not in italian_list and "Incontri passati" not in english_list


def test_meeting_page_shows_answers_and_documents_at_once_by_kind_of_reader(client, group, facilitator, participant):
    meeting = MeetingFactory(group=group, title="Incontro con documenti")
    other_member = VerifiedMemberFactory()  # verified, not in the group
    url = f"/incontri/{meeting.pk}/"
    readers = (participant, other_member)
    for html in _both(client, readers, url):
        assert "Scaletta riservata" not in html and "Sì</strong> (0)" in html
    services.add_document(
        group,
        actor=facilitator,
        title="Scaletta riservata",
        visibility=DocumentVisibility.GROUP,
        url="https://example.org/scaletta",
        meeting=meeting,
    )
    services.answer_meeting(meeting, participant, "yes")
    participant_html, other_html = _both(client, readers, url)
    assert "Scaletta riservata" in participant_html and "Scaletta riservata" not in other_html
    assert "Sì</strong> (1)" in participant_html and "Sì</strong> (1)" in other_html
    assert 'aria-pressed="true">Sì' in participant_html
    english = MembershipFactory(group=group, member__language="en").member
    english_html = _page(client, english, url)
    assert "Scaletta riservata" in english_html and "Yes</strong> (1)" in english_html
    services.answer_meeting(meeting, participant, "no")
    assert "Sì</strong> (0)" in _page(client, participant, url)
