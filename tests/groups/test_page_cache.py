"""The group page's stored participant count and its participant list cached in Redis never
show stale data: every test writes, then reads back through the page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from groups.enums import JoinPolicy, Role
from groups.models import WorkingGroup
from members.enums import Visibility
from tests.factories import (
    CourseFactory,
    DatePollFactory,
    DateSlotFactory,
    DocumentFactory,
    FacilitatorFactory,
    MeetingFactory,
    MembershipFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def _page(client, group):
    response = client.get(f"/gruppi/{group.slug}/")
    assert response.status_code == 200
    return response


def _names(response):
    return [row.full_name for row in response.context["participants"]]


@pytest.fixture
def reader(client):
    person = VerifiedMemberFactory(full_name="Lettrice Fissa")
    client.force_login(person)
    return person


def test_joining_and_leaving_show_at_once_in_name_and_count(client, reader):
    group = WorkingGroupFactory(join_policy=JoinPolicy.OPEN)
    MembershipFactory(group=group, member=VerifiedMemberFactory(full_name="Anna Prima", visibility="members"))
    assert _page(client, group).context["participant_count"] == 1  # the list is now in Redis

    client.post(f"/gruppi/{group.slug}/partecipa/")
    page = _page(client, group)
    assert page.context["participant_count"] == 2
    assert "Lettrice Fissa" in _names(page)
    assert "2 partecipanti" in page.content.decode()

    client.post(f"/gruppi/{group.slug}/lascia/")
    page = _page(client, group)
    assert page.context["participant_count"] == 1
    assert "Lettrice Fissa" not in _names(page)


def test_a_renamed_or_hidden_participant_changes_the_cached_list(client, reader):
    group = WorkingGroupFactory()
    other = MembershipFactory(group=group, member=VerifiedMemberFactory(full_name="Bruno Vecchio")).member
    assert _names(_page(client, group)) == ["Bruno Vecchio"]

    other.full_name = "Bruno Nuovo"
    other.save()
    assert _names(_page(client, group)) == ["Bruno Nuovo"]

    other.visibility = Visibility.PRIVATE
    other.save(update_fields=["visibility"])
    page = _page(client, group)
    assert _names(page) == []
    assert "Bruno" not in page.content.decode()
    assert page.context["others_count"] == 1


def test_a_member_who_leaves_the_cooperative_leaves_count_and_list(client, reader):
    group = WorkingGroupFactory()
    gone = MembershipFactory(group=group, member=VerifiedMemberFactory(full_name="Carla Uscente")).member
    assert _page(client, group).context["participant_count"] == 1

    gone.is_active = False
    gone.save(update_fields=["is_active"])
    page = _page(client, group)
    assert page.context["participant_count"] == 0
    assert _names(page) == []
    assert WorkingGroup.objects.get(pk=group.pk).participant_count == 0


def test_an_appointed_facilitator_shows_with_the_badge(client):
    facilitator = FacilitatorFactory(member=VerifiedMemberFactory())
    group = facilitator.group
    row = MembershipFactory(group=group, member=VerifiedMemberFactory(full_name="Dario Nominato"))
    client.force_login(facilitator.member)
    before = _page(client, group)
    assert [r.role for r in before.context["participants"] if r.full_name == "Dario Nominato"] == [Role.PARTICIPANT]

    client.post(f"/gruppi/{group.slug}/partecipanti/{row.pk}/facilitatore/")
    after = _page(client, group)
    assert [r.role for r in after.context["participants"] if r.full_name == "Dario Nominato"] == [Role.FACILITATOR]


def test_each_kind_of_reader_gets_its_own_list(client, reader):
    group = WorkingGroupFactory()
    for name, visibility in (("Ester Pubblica", "public"), ("Fabio Soci", "members"), ("Gina Riservata", "private")):
        MembershipFactory(group=group, member=VerifiedMemberFactory(full_name=name, visibility=visibility))
    facilitator = FacilitatorFactory(group=group, member=VerifiedMemberFactory(full_name="Hana Facilitatrice"))

    assert sorted(_names(_page(client, group))) == ["Ester Pubblica", "Fabio Soci", "Hana Facilitatrice"]
    client.logout()
    assert _names(_page(client, group)) == ["Ester Pubblica"]
    client.force_login(facilitator.member)
    assert "Gina Riservata" in _names(_page(client, group))


def test_a_private_participant_sees_themselves_but_others_do_not(client, reader):
    group = WorkingGroupFactory()
    MembershipFactory(group=group, member=VerifiedMemberFactory(full_name="Ivo Pubblico", visibility="public"))
    hidden = MembershipFactory(
        group=group, member=VerifiedMemberFactory(full_name="Lia Nascosta", visibility="private")
    )
    assert _names(_page(client, group)) == ["Ivo Pubblico"]

    client.force_login(hidden.member)
    assert sorted(_names(_page(client, group))) == ["Ivo Pubblico", "Lia Nascosta"]
    client.force_login(reader)
    assert _names(_page(client, group)) == ["Ivo Pubblico"]


def test_signing_in_does_not_recount(client):
    membership = MembershipFactory(member=VerifiedMemberFactory())
    version = WorkingGroup.objects.get(pk=membership.group_id).participants_version

    client.force_login(membership.member)  # saves last_login only

    assert WorkingGroup.objects.get(pk=membership.group_id).participants_version == version


# The personal calendar feed is cached in Redis; every write that changes it shows at once.


def _feed(client, member):
    response = client.get(f"/calendario/{member.ensure_calendar_token()}.ics")
    assert response.status_code == 200
    return response.content.decode()


def test_feed_follows_new_changed_and_cancelled_meetings(client, verified_member):
    group = WorkingGroupFactory()
    MembershipFactory(group=group, member=verified_member)
    meeting = MeetingFactory(group=group, title="Primo incontro")
    assert "Primo incontro" in _feed(client, verified_member)

    MeetingFactory(group=group, title="Secondo incontro")
    assert "Secondo incontro" in _feed(client, verified_member)

    meeting.title = "Incontro spostato"
    meeting.save()
    body = _feed(client, verified_member)
    assert "Incontro spostato" in body and "Primo incontro" not in body

    meeting.delete()
    assert "Incontro spostato" not in _feed(client, verified_member)


def test_feed_follows_joining_leaving_and_archiving(client, verified_member, staff):
    group = WorkingGroupFactory()
    MeetingFactory(group=group, title="Incontro del gruppo")
    assert "Incontro del gruppo" not in _feed(client, verified_member)

    membership = MembershipFactory(group=group, member=verified_member)
    assert "Incontro del gruppo" in _feed(client, verified_member)

    client.force_login(staff)
    client.post("/admin/groups/workinggroup/", {"action": "archive", "_selected_action": [group.pk]})
    assert "Incontro del gruppo" not in _feed(client, verified_member)
    client.post("/admin/groups/workinggroup/", {"action": "restore", "_selected_action": [group.pk]})
    assert "Incontro del gruppo" in _feed(client, verified_member)

    membership.delete()
    assert "Incontro del gruppo" not in _feed(client, verified_member)


def test_feed_follows_a_seat_taken_in_a_course(client, verified_member):
    from training import services as training_services

    course = CourseFactory(title="Corso di montaggio")
    assert "Corso di montaggio" not in _feed(client, verified_member)

    training_services.enrol(course, verified_member)
    assert "Corso di montaggio" in _feed(client, verified_member)


def test_feed_version_lost_from_redis_is_never_reused(client, verified_member):
    from django.core.cache import cache

    from groups import ics

    group = WorkingGroupFactory()
    MembershipFactory(group=group, member=verified_member)
    MeetingFactory(group=group, title="Prima")
    assert "Prima" in _feed(client, verified_member)
    cache.delete(ics.FEED_VERSION_KEY)  # evicted, or Redis restarted without its data
    MeetingFactory(group=group, title="Dopo")
    assert "Dopo" in _feed(client, verified_member)


# Fragments cached under a digest of what they show (smartprogress/templatetags/fragments.py):
# a write shows at once, with no invalidation.


def test_group_cards_show_a_changed_group_count_and_next_meeting_at_once(client, reader):
    group = WorkingGroupFactory(summary="Il primo riassunto.")
    assert "Il primo riassunto." in client.get("/gruppi/").content.decode()

    group.summary = "Il riassunto nuovo."
    group.save()
    MembershipFactory(group=group)
    MeetingFactory(group=group)
    for path in ("/gruppi/", "/"):
        page = client.get(path).content.decode()
        assert "Il riassunto nuovo." in page and "Il primo riassunto." not in page
        assert "1 partecipante" in page
        assert "prossimo incontro" in page


def test_group_cards_follow_the_readers_time_zone(client):
    group = WorkingGroupFactory()
    MeetingFactory(
        group=group,
        starts_at=timezone.make_aware(datetime(2030, 5, 6, 18, 30), ZoneInfo("Europe/Rome")),
        ends_at=timezone.make_aware(datetime(2030, 5, 6, 20, 30), ZoneInfo("Europe/Rome")),
    )
    assert "6 maggio 2030, 18:30" in client.get("/gruppi/").content.decode()
    far = VerifiedMemberFactory(time_zone="America/New_York")
    client.force_login(far)
    assert "6 maggio 2030, 12:30" in client.get("/gruppi/").content.decode()


def test_poll_results_follow_the_readers_time_zone(client):
    poll = DatePollFactory(closes_at=timezone.make_aware(datetime(2030, 5, 1, 12, 0), ZoneInfo("Europe/Rome")))
    DateSlotFactory(poll=poll, starts_at=timezone.make_aware(datetime(2030, 5, 6, 18, 30), ZoneInfo("Europe/Rome")))
    url = f"/gruppi/{poll.group.slug}/date/{poll.pk}/"
    client.force_login(VerifiedMemberFactory())
    for _ in range(2):  # the second time from the cache
        results = client.get(url).content.decode().split('id="results-title"')[1]
        assert "6 maggio 2030, 18:30" in results
    client.force_login(VerifiedMemberFactory(time_zone="America/New_York"))
    results = client.get(url).content.decode().split('id="results-title"')[1]
    assert "6 maggio 2030, 12:30" in results and "18:30" not in results


def test_documents_list_shows_a_renamed_or_restricted_document_at_once(client):
    document = DocumentFactory(title="Verbale vecchio", visibility="public")
    assert "Verbale vecchio" in client.get("/documenti/").content.decode()

    document.title = "Verbale nuovo"
    document.save()
    page = client.get("/documenti/").content.decode()
    assert "Verbale nuovo" in page and "Verbale vecchio" not in page

    document.visibility = "members"
    document.save()
    assert "Verbale nuovo" not in client.get("/documenti/").content.decode()


def test_documents_list_read_back_through_the_pages_by_each_audience_in_both_languages(client):
    """/documenti/ is cached per audience: a document shared for the group through the
    facilitator's form shows at once to both participants (one reads in Italian, one in
    English), never to a verified member outside the group, nor to a visitor; a participant
    who leaves through the group page stops seeing it; a renamed group and a deleted
    document show at once."""
    facilitator = FacilitatorFactory(group__name="Teatro")
    group = facilitator.group
    italian = MembershipFactory(group=group).member
    english = MembershipFactory(group=group, member__language="en").member
    outsider = VerifiedMemberFactory()
    DocumentFactory(group=group, title="Regolamento", visibility="public")

    def page(user=None):
        client.logout()
        if user:
            client.force_login(user)
        return client.get("/documenti/").content.decode()

    for user in (italian, english, outsider, None, italian, english):  # the second round from the cache
        assert "Regolamento" in page(user)

    client.force_login(facilitator.member)
    response = client.post(
        f"/gruppi/{group.slug}/documenti/nuovo/",
        {"title": "Scaletta riservata", "description": "", "visibility": "group", "url": "https://example.org/s"},
    )
    assert response.status_code == 302
    assert "Scaletta riservata" in page(italian) and "Chi partecipa al gruppo" in page(italian)
    assert "Scaletta riservata" in page(english) and "Participants of the group" in page(english)
    assert "Scaletta riservata" not in page(outsider) and "Scaletta riservata" not in page(None)

    client.force_login(english)
    client.post(f"/gruppi/{group.slug}/lascia/")
    assert "Scaletta riservata" not in page(english) and "Regolamento" in page(english)
    assert "Scaletta riservata" in page(italian)

    group.name = "Teatro di comunità"
    group.save()
    assert "Teatro di comunità" in page(italian) and "Teatro di comunità" in page(None)
    group.documents.get(title="Regolamento").delete()
    assert "Regolamento" not in page(italian) and "Regolamento" not in page(None)


def test_meeting_list_shows_a_changed_or_cancelled_meeting_at_once(client):
    meeting = MeetingFactory(title="Incontro di maggio")
    path = f"/gruppi/{meeting.group.slug}/incontri/"
    assert "Incontro di maggio" in client.get(path).content.decode()

    meeting.title = "Incontro di giugno"
    meeting.location = "Bologna, via Indipendenza 1"
    meeting.save()
    page = client.get(path).content.decode()
    assert "Incontro di giugno" in page and "Incontro di maggio" not in page
    assert "Bologna, via Indipendenza 1" in page

    meeting.status = "cancelled"
    meeting.save()
    assert "Incontro di giugno" not in client.get(path).content.decode()
