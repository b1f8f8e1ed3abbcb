"""One rule for "takes part in this group", asked by the pages (permissions.is_participant)
and by every e-mail about the group (Membership.objects.taking_part()): whoever the page
refuses is never sent its content.

The people: F facilitator (the one acting), P participant, D participant whose account was
deactivated, and participants whose membership status changed afterwards (X-former,
X-refused, X-registered, X-requested); DF a facilitator deactivated, XF a facilitator
no longer verified; R a pending request, L someone who left, O a verified member outside
the group, S staff outside the group.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups import permissions, services
from groups.enums import Answer, JoinPolicy, MembershipState
from groups.models import Membership
from members.enums import MemberStatus
from members.models import Member
from notifications.models import OutboxEmail
from notifications.services import fan_out_pending
from tests.factories import (
    DatePollFactory,
    DateSlotFactory,
    FacilitatorFactory,
    MeetingFactory,
    MembershipFactory,
    StaffFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db

LINK = "https://meet.example/solo-per-il-gruppo"
NOW = timezone.now().replace(microsecond=0)
NO_LONGER_VERIFIED = {
    "X-former": MemberStatus.FORMER,
    "X-refused": MemberStatus.REFUSED,
    "X-registered": MemberStatus.REGISTERED,
    "X-requested": MemberStatus.VERIFICATION_REQUESTED,
}


class World:
    """A by-request group with one of each kind of person. Everyone who could answer the
    meeting did, while still verified; then accounts and statuses changed."""

    def __init__(self, *, meeting_in=timedelta(days=3)):
        self.group = WorkingGroupFactory(join_policy=JoinPolicy.BY_REQUEST)
        start = NOW + meeting_in
        self.meeting = MeetingFactory(
            group=self.group, starts_at=start, ends_at=start + timedelta(hours=2), location="", online_url=LINK
        )
        self.people = {"F": FacilitatorFactory(group=self.group).member}
        for label in ("P", "D", "L", *NO_LONGER_VERIFIED):
            self.people[label] = MembershipFactory(group=self.group).member
        for label in ("DF", "XF"):
            self.people[label] = FacilitatorFactory(group=self.group).member
        for person in self.people.values():
            services.answer_meeting(self.meeting, person, Answer.YES)
        services.leave_group(self.group, self.people["L"])
        Member.objects.filter(pk__in=[self.people["D"].pk, self.people["DF"].pk]).update(is_active=False)
        for label, status in {**NO_LONGER_VERIFIED, "XF": MemberStatus.FORMER}.items():
            Member.objects.filter(pk=self.people[label].pk).update(status=status)
        self.people["R"] = MembershipFactory(group=self.group, state=MembershipState.PENDING).member
        self.people["O"] = VerifiedMemberFactory()
        self.people["S"] = StaffFactory()
        for person in self.people.values():
            person.refresh_from_db()

    def allowed(self, predicate):
        return {
            label
            for label, person in self.people.items()
            if predicate(person, permissions.membership_for(person, self.group))
        }

    def recipients(self, kind):
        # Group events are fanned out by a task after commit; the tests run inside one transaction.
        fan_out_pending()
        by_pk = {person.pk: label for label, person in self.people.items()}
        emails = OutboxEmail.objects.filter(kind=f"groups/email/{kind}")
        return {by_pk.get(pk, pk) for pk in emails.values_list("recipient_id", flat=True)}


def test_taking_part_is_the_twin_of_is_participant():
    world = World()

    in_the_database = {
        label
        for label, person in world.people.items()
        if Membership.objects.taking_part().filter(group=world.group, member=person).exists()
    }

    assert world.allowed(permissions.is_participant) == in_the_database == {"F", "P"}


# Each event: what happens, the e-mail it sends, and the page predicate its readers pass.
def _meeting_created(world):
    start = NOW + timedelta(days=5)
    services.create_meeting(
        world.group, actor=world.people["F"], title="Nuovo", starts_at=start, ends_at=start + timedelta(hours=1)
    )


def _meeting_moved(world):
    services.update_meeting(
        world.meeting,
        actor=world.people["F"],
        starts_at=world.meeting.starts_at + timedelta(days=1),
        ends_at=world.meeting.ends_at + timedelta(days=1),
    )


def _meeting_cancelled(world):
    services.cancel_meeting(world.meeting, actor=world.people["F"])


def _poll_created(world):
    services.create_poll(
        world.group,
        actor=world.people["F"],
        title="Prossimo incontro",
        closes_at=NOW + timedelta(days=1),
        slots=[NOW + timedelta(days=4), NOW + timedelta(days=5)],
    )


def _poll_closed(world):
    slot = DateSlotFactory(poll=DatePollFactory(group=world.group))
    services.close_poll(slot.poll, slot, actor=world.people["F"], online_url=LINK)


def _reminders(world):
    services.send_due_meeting_reminders(now=world.meeting.starts_at - timedelta(hours=22))
    services.send_due_meeting_reminders(now=world.meeting.starts_at - timedelta(minutes=30))


def _poll_reminder(world):
    DateSlotFactory(poll=DatePollFactory(group=world.group, closes_at=NOW + timedelta(hours=3)))
    services.send_due_poll_reminders(now=NOW)


def _join_requested(world):
    services.join_group(world.group, VerifiedMemberFactory())


EVENTS = [
    # (event, e-mail kinds, predicate of the page the e-mail talks about, the actor is told too)
    (_meeting_created, ["meeting_created"], permissions.is_participant, False),
    (_meeting_moved, ["meeting_moved"], permissions.is_participant, False),
    (_meeting_cancelled, ["meeting_cancelled"], permissions.is_participant, False),
    (_poll_created, ["poll_created"], permissions.is_participant, False),
    (_poll_closed, ["poll_closed"], permissions.is_participant, True),
    (_reminders, ["reminder_24h", "reminder_1h"], permissions.is_participant, True),
    (_poll_reminder, ["poll_reminder"], permissions.is_participant, True),
    # The requests are on the group page for whoever manages it; facilitators are told.
    (_join_requested, ["join_request"], permissions.is_facilitator, True),
]


@pytest.mark.parametrize(
    ("event", "kinds", "predicate", "actor_told"), EVENTS, ids=[event.__name__.strip("_") for event, *_ in EVENTS]
)
def test_group_email_goes_exactly_to_who_may_see_its_page(event, kinds, predicate, actor_told):
    world = World(meeting_in=timedelta(days=1))

    event(world)

    expected = world.allowed(predicate) - (set() if actor_told else {"F"})
    assert expected
    for kind in kinds:
        assert world.recipients(kind) == expected, kind


def test_online_link_reaches_only_who_sees_it_on_the_meeting_page(client):
    world = World(meeting_in=timedelta(days=1))
    for event in (_reminders, _meeting_moved, _meeting_cancelled, _poll_closed):
        event(world)
    fan_out_pending()
    sent_the_link = {
        label
        for label, person in world.people.items()
        if OutboxEmail.objects.filter(recipient=person, body_text__contains=LINK).exists()
    }

    sees_the_link = set()
    for label, person in world.people.items():
        client.force_login(person)
        if LINK in client.get(f"/incontri/{world.meeting.pk}/").content.decode():
            sees_the_link.add(label)

    # Staff see every meeting's link but take part in no group, so they get no e-mail.
    assert sent_the_link == sees_the_link - {"S"} == {"F", "P"}


def test_group_pages_list_and_count_only_who_takes_part(client):
    world = World()
    client.force_login(world.people["F"])

    detail = client.get(f"/gruppi/{world.group.slug}/")
    page = client.get(f"/gruppi/{world.group.slug}/partecipanti/")
    listed = client.get("/gruppi/").content.decode()

    names = {world.people[label].full_name for label in ("F", "P")}
    assert {m.full_name for m in detail.context["participants"]} == names
    assert detail.context["participant_count"] == 2
    assert {m.member.full_name for m in page.context["page"]} == names
    assert "2 partecipanti" in listed


def test_dashboard_lists_no_meeting_of_a_group_its_reader_left_the_cooperative_from(client):
    world = World()

    client.force_login(world.people["X-former"])
    former = client.get("/")
    client.force_login(world.people["P"])
    participant = client.get("/")

    assert list(former.context["meetings"]) == []
    assert list(participant.context["meetings"]) == [world.meeting]


def test_request_of_who_is_no_longer_verified_cannot_be_approved(client):
    world = World()
    request = Membership.objects.get(member=world.people["R"])
    Member.objects.filter(pk=world.people["R"].pk).update(status=MemberStatus.FORMER)
    client.force_login(world.people["F"])

    response = client.post(f"/gruppi/{world.group.slug}/richieste/{request.pk}/", {"decision": "approve"}, follow=True)

    request.refresh_from_db()
    assert request.state == MembershipState.PENDING
    assert "non è più tra i soci e le socie verificati" in response.content.decode()
    assert not OutboxEmail.objects.filter(kind="groups/email/request_approved").exists()


def test_who_no_longer_takes_part_cannot_be_made_facilitator():
    world = World()
    memberships = Membership.objects.filter(member__in=[world.people["D"], world.people["X-former"]])

    assert [services.appoint_facilitator(m, actor=world.people["F"]) for m in memberships] == [False, False]
    assert not OutboxEmail.objects.filter(kind="groups/email/facilitator_appointed").exists()
