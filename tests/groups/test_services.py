from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from groups import services
from groups.enums import Answer, JoinPolicy, MeetingStatus, MembershipState, PollStatus, Role
from groups.models import DateVote, Meeting, MeetingReminder, Membership
from tests.factories import (
    DatePollFactory,
    DateSlotFactory,
    FacilitatorFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db
LINK = "https://meet.example/prossimo-incontro"


def test_join_open_group_makes_active_participant(verified_member):
    group = WorkingGroupFactory()

    membership = services.join_group(group, verified_member)

    assert (membership.state, membership.role) == (MembershipState.ACTIVE, Role.PARTICIPANT)


def test_join_twice_keeps_one_membership(verified_member):
    group = WorkingGroupFactory()

    services.join_group(group, verified_member)
    services.join_group(group, verified_member)

    assert Membership.objects.filter(group=group).count() == 1


def test_join_by_request_is_pending_and_tells_facilitators(mailoutbox, django_capture_on_commit_callbacks):
    group = WorkingGroupFactory(join_policy=JoinPolicy.BY_REQUEST)
    facilitator = FacilitatorFactory(group=group)
    applicant = VerifiedMemberFactory(full_name="Anna Verdi")

    with django_capture_on_commit_callbacks(execute=True):
        membership = services.join_group(group, applicant)

    assert membership.state == MembershipState.PENDING
    assert [m.to for m in mailoutbox] == [[facilitator.member.email]]
    assert "Anna Verdi" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("group_fields", "code"),
    [({"join_policy": JoinPolicy.CLOSED}, "closed"), ({"max_participants": 1}, "full")],
)
def test_join_closed_or_full_group_refused(group_fields, code):
    group = WorkingGroupFactory(**group_fields)
    MembershipFactory(group=group)

    with pytest.raises(ValidationError) as error:
        services.join_group(group, VerifiedMemberFactory())

    assert error.value.code == code


def test_join_unverified_refused():
    with pytest.raises(ValidationError) as error:
        services.join_group(WorkingGroupFactory(), MemberFactory())

    assert error.value.code == "not_verified"


def test_approve_request_activates_and_tells_member(mailoutbox, django_capture_on_commit_callbacks):
    pending = MembershipFactory(state=MembershipState.PENDING, joined_at=None)
    facilitator = FacilitatorFactory(group=pending.group)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.approve_request(pending, actor=facilitator.member) is True

    pending.refresh_from_db()
    assert pending.state == MembershipState.ACTIVE and pending.joined_at is not None
    assert [m.to for m in mailoutbox] == [[pending.member.email]]


def test_appoint_facilitator():
    membership = MembershipFactory()

    services.appoint_facilitator(membership, actor=membership.member)

    membership.refresh_from_db()
    assert membership.role == Role.FACILITATOR


def test_create_meeting_ending_before_start_refused():
    start = timezone.now() + timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        services.create_meeting(WorkingGroupFactory(), actor=None, title="X", starts_at=start, ends_at=start)

    assert list(error.value.message_dict) == ["ends_at"]
    assert Meeting.objects.count() == 0


def test_create_meeting_tells_other_participants(mailoutbox, django_capture_on_commit_callbacks):
    facilitator = FacilitatorFactory()
    other = MembershipFactory(group=facilitator.group)
    start = timezone.now() + timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.create_meeting(
            facilitator.group,
            actor=facilitator.member,
            title="Incontro",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )

    assert [m.to for m in mailoutbox] == [[other.member.email]]


def test_move_meeting_tells_who_answered_and_resets_reminders(mailoutbox, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    came = MembershipFactory(group=meeting.group)
    silent = MembershipFactory(group=meeting.group)
    services.answer_meeting(meeting, came.member, Answer.NO)
    MeetingReminder.objects.create(meeting=meeting, member=silent.member, kind="24h")

    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            meeting,
            actor=None,
            starts_at=meeting.starts_at + timedelta(days=1),
            ends_at=meeting.ends_at + timedelta(days=1),
        )

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert MeetingReminder.objects.count() == 0
    assert [m.to for m in mailoutbox] == [[came.member.email]]
    assert mailoutbox[0].subject.startswith("Incontro spostato")


def test_edit_meeting_title_only_tells_nobody(mailoutbox, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    services.answer_meeting(meeting, MembershipFactory(group=meeting.group).member, Answer.YES)

    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(meeting, actor=None, title="Nuovo titolo")

    meeting.refresh_from_db()
    assert (meeting.title, meeting.sequence, mailoutbox) == ("Nuovo titolo", 0, [])


def test_cancel_meeting_tells_who_answered(mailoutbox, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    answered = MembershipFactory(group=meeting.group)
    services.answer_meeting(meeting, answered.member, Answer.MAYBE)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting, actor=None)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert [m.to for m in mailoutbox] == [[answered.member.email]]


def test_answer_full_meeting_refused_but_maybe_allowed():
    meeting = MeetingFactory(capacity=1)
    first, second = MembershipFactory(group=meeting.group), MembershipFactory(group=meeting.group)
    services.answer_meeting(meeting, first.member, Answer.YES)

    with pytest.raises(ValidationError) as error:
        services.answer_meeting(meeting, second.member, Answer.YES)
    services.answer_meeting(meeting, second.member, Answer.MAYBE)

    assert error.value.code == "full"
    assert dict(meeting.rsvps.values_list("member_id", "answer")) == {
        first.member_id: Answer.YES,
        second.member_id: Answer.MAYBE,
    }


def test_answer_cancelled_or_past_meeting_refused():
    cancelled = MeetingFactory(status=MeetingStatus.CANCELLED)
    past = MeetingFactory(starts_at=timezone.now() - timedelta(days=2))
    member = VerifiedMemberFactory()

    for meeting, code in ((cancelled, "cancelled"), (past, "past")):
        with pytest.raises(ValidationError) as error:
            services.answer_meeting(meeting, member, Answer.YES)
        assert error.value.code == code


def _future(days, hour=18):
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def test_create_poll_needs_two_to_ten_future_slots():
    group, member = WorkingGroupFactory(), VerifiedMemberFactory()
    cases = [[_future(3)], [_future(3 + i) for i in range(11)], [_future(-1), _future(3)]]
    for slots in cases:
        with pytest.raises(ValidationError) as error:
            services.create_poll(group, actor=member, title="T", closes_at=_future(1, 9), slots=slots)
        assert "slots" in error.value.message_dict


def test_create_poll_closing_after_first_slot_refused():
    with pytest.raises(ValidationError) as error:
        services.create_poll(
            WorkingGroupFactory(), actor=None, title="T", closes_at=_future(4), slots=[_future(3), _future(5)]
        )

    assert list(error.value.message_dict) == ["closes_at"]


def test_poll_results_best_first_most_yes_then_most_maybe():
    poll = DatePollFactory()
    early, middle, late = (DateSlotFactory(poll=poll) for _ in range(3))
    voters = [MembershipFactory(group=poll.group).member for _ in range(3)]
    services.vote(poll, voters[0], {early.pk: Answer.YES, middle.pk: Answer.YES, late.pk: Answer.NO})
    services.vote(poll, voters[1], {early.pk: Answer.NO, middle.pk: Answer.YES, late.pk: Answer.YES})
    services.vote(poll, voters[2], {early.pk: Answer.MAYBE, middle.pk: Answer.NO, late.pk: Answer.YES})

    ranking = [(s.pk, s.yes_count, s.maybe_count) for s in poll.slots.best_first()]

    # middle and late both have 2 yes; late wins nothing on maybe (0 vs 0) so the earlier one comes first;
    # early has 1 yes and 1 maybe.
    assert ranking == [(middle.pk, 2, 0), (late.pk, 2, 0), (early.pk, 1, 1)]


def test_vote_again_replaces_answer():
    slot = DateSlotFactory()
    member = VerifiedMemberFactory()

    services.vote(slot.poll, member, {slot.pk: Answer.YES})
    services.vote(slot.poll, member, {slot.pk: Answer.NO})

    assert list(DateVote.objects.values_list("answer", flat=True)) == [Answer.NO]


def test_vote_on_closed_poll_refused_and_previous_vote_kept():
    slot = DateSlotFactory()
    member = VerifiedMemberFactory()
    services.vote(slot.poll, member, {slot.pk: Answer.YES})
    slot.poll.closes_at = timezone.now() - timedelta(minutes=1)
    slot.poll.save()

    with pytest.raises(ValidationError) as error:
        services.vote(slot.poll, member, {slot.pk: Answer.NO})

    assert error.value.code == "closed"
    assert list(DateVote.objects.values_list("answer", flat=True)) == [Answer.YES]


def test_vote_on_slot_of_another_poll_refused():
    slot, other = DateSlotFactory(), DateSlotFactory()

    with pytest.raises(ValidationError) as error:
        services.vote(slot.poll, VerifiedMemberFactory(), {other.pk: Answer.YES})

    assert error.value.code == "bad_answer"


def test_close_poll_creates_meeting_and_tells_group(mailoutbox, django_capture_on_commit_callbacks):
    facilitator = FacilitatorFactory()
    participant = MembershipFactory(group=facilitator.group)
    slot = DateSlotFactory(poll=DatePollFactory(group=facilitator.group, title="Scelta della data"))

    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.close_poll(slot.poll, slot, actor=facilitator.member)

    slot.poll.refresh_from_db()
    assert (slot.poll.status, slot.poll.meeting, slot.poll.chosen_slot) == (PollStatus.CLOSED, meeting, slot)
    assert (meeting.title, meeting.starts_at, meeting.ends_at) == (
        "Scelta della data",
        slot.starts_at,
        slot.starts_at + timedelta(hours=2),
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted([facilitator.member.email, participant.member.email])


def test_close_poll_with_place_and_link_tells_group_where(mailoutbox, django_capture_on_commit_callbacks):
    facilitator = FacilitatorFactory()
    participant = MembershipFactory(group=facilitator.group)
    slot = DateSlotFactory(poll=DatePollFactory(group=facilitator.group))

    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.close_poll(
            slot.poll, slot, actor=facilitator.member, location="Smart, via Ripamonti 1", online_url=LINK
        )

    assert (meeting.location, meeting.online_url) == ("Smart, via Ripamonti 1", LINK)
    [email] = [m for m in mailoutbox if m.to == [participant.member.email]]
    assert "Dove: Smart, via Ripamonti 1\n" in email.body
    assert f"Online: {LINK}\n" in email.body


@pytest.mark.parametrize(
    ("place", "field"),
    [
        ({"online_url": "non è un link"}, "online_url"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"online_url": "https://meet.example/" + "a" * 300}, "online_url"),
        ({"location": "Milano " * 1500}, "location"),
    ],
)
def test_close_poll_with_bad_place_refused_and_poll_stays_open(place, field):
    slot = DateSlotFactory()

    with pytest.raises(ValidationError) as error:
        services.close_poll(slot.poll, slot, actor=None, **place)

    slot.poll.refresh_from_db()
    assert list(error.value.error_dict) == [field]
    assert (slot.poll.status, Meeting.objects.count()) == (PollStatus.OPEN, 0)


def test_close_poll_twice_refused():
    slot = DateSlotFactory()
    services.close_poll(slot.poll, slot, actor=None)

    with pytest.raises(ValidationError) as error:
        services.close_poll(slot.poll, slot, actor=None)

    assert error.value.code == "closed"
    assert Meeting.objects.count() == 1


def test_leaving_frees_the_seat_taken():
    meeting = MeetingFactory(capacity=1)
    leaver = MembershipFactory(group=meeting.group)
    services.answer_meeting(meeting, leaver.member, Answer.YES)

    services.leave_group(meeting.group, leaver.member)
    services.answer_meeting(meeting, MembershipFactory(group=meeting.group).member, Answer.YES)

    assert meeting.rsvps.filter(answer=Answer.YES).count() == 1


def test_approving_a_request_into_a_full_group_refused():
    group = WorkingGroupFactory(join_policy=JoinPolicy.BY_REQUEST, max_participants=1)
    MembershipFactory(group=group)
    pending = MembershipFactory(group=group, state=MembershipState.PENDING)

    with pytest.raises(ValidationError) as error:
        services.approve_request(pending, actor=None)

    assert error.value.code == "full"


def test_cancelled_meeting_cannot_be_moved():
    meeting = MeetingFactory(status=MeetingStatus.CANCELLED)

    with pytest.raises(ValidationError) as error:
        services.update_meeting(meeting, actor=None, title="Di nuovo")

    assert error.value.code == "cancelled"


def test_cancel_poll_without_a_date():
    poll = DatePollFactory()

    assert services.cancel_poll(poll, actor=None) is True

    poll.refresh_from_db()
    assert (poll.status, poll.meeting) == (PollStatus.CANCELLED, None)
