"""A date poll's tallies are stored (each slot's yes, maybe and no, the poll's voters) and
must always equal what counting the votes gives: after answers, changes, concurrent voters,
a deleted voter or a deleted date, and after the migration's recount."""

import pytest
from django.db.models import Count, Q

from groups import services
from groups.enums import Answer
from groups.models import DatePoll, DateSlot, DateVote
from tests.concurrency import run_together
from tests.factories import DatePollFactory, DateSlotFactory, MembershipFactory


def _counted(poll):
    """What the page showed before the tallies were stored: counted from the votes."""
    slots = {
        slot.pk: (slot.yes, slot.maybe, slot.no)
        for slot in DateSlot.objects.filter(poll=poll).annotate(
            yes=Count("votes", filter=Q(votes__answer=Answer.YES)),
            maybe=Count("votes", filter=Q(votes__answer=Answer.MAYBE)),
            no=Count("votes", filter=Q(votes__answer=Answer.NO)),
        )
    }
    voters = DateVote.objects.filter(slot__poll=poll).values("member").distinct().count()
    return slots, voters


def _stored(poll):
    slots = {slot.pk: (slot.yes_count, slot.maybe_count, slot.no_count) for slot in DateSlot.objects.filter(poll=poll)}
    return slots, DatePoll.objects.get(pk=poll.pk).voter_count


@pytest.mark.django_db
def test_answers_and_changes_keep_the_tallies():
    poll = DatePollFactory()
    first, second = DateSlotFactory(poll=poll), DateSlotFactory(poll=poll)
    ada, ben = (MembershipFactory(group=poll.group).member for _ in range(2))

    services.vote(poll, ada, {first.pk: Answer.YES})
    services.vote(poll, ben, {first.pk: Answer.MAYBE, second.pk: Answer.NO})
    services.vote(poll, ada, {first.pk: Answer.NO, second.pk: Answer.YES})  # a change and a new answer
    services.vote(poll, ben, {first.pk: Answer.MAYBE})  # the same answer again: nothing moves

    assert _stored(poll) == ({first.pk: (0, 1, 1), second.pk: (1, 0, 1)}, 2)
    assert _stored(poll) == _counted(poll)


@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_keep_the_tallies_exact():
    poll = DatePollFactory()
    slots = [DateSlotFactory(poll=poll) for _ in range(3)]
    voters = [MembershipFactory(group=poll.group).member for _ in range(12)]
    answers = (Answer.YES, Answer.MAYBE, Answer.NO)
    # Half of them have answered already and change every answer at the same instant as the
    # others answer for the first time.
    for n, voter in enumerate(voters[:6]):
        services.vote(poll, voter, {slot.pk: answers[n % 3] for slot in slots})

    def job(n, voter):
        return lambda: services.vote(poll, voter, {slot.pk: answers[(n + i + 1) % 3] for i, slot in enumerate(slots)})

    results = run_together([job(n, voter) for n, voter in enumerate(voters)])

    assert results == [None] * 12
    stored, voter_count = _stored(poll)
    assert voter_count == 12
    assert sum(sum(tally) for tally in stored.values()) == 36
    assert (stored, voter_count) == _counted(poll)


@pytest.mark.django_db
def test_a_deleted_voter_or_date_leaves_the_tallies():
    poll = DatePollFactory()
    first, second = DateSlotFactory(poll=poll), DateSlotFactory(poll=poll)
    ada, ben, cleo = (MembershipFactory(group=poll.group).member for _ in range(3))
    services.vote(poll, ada, {first.pk: Answer.YES, second.pk: Answer.YES})
    services.vote(poll, ben, {first.pk: Answer.NO, second.pk: Answer.MAYBE})
    services.vote(poll, cleo, {second.pk: Answer.NO})

    ada.delete()  # two votes go with her: one voter less, not two
    assert _stored(poll) == ({first.pk: (0, 0, 1), second.pk: (0, 1, 1)}, 2)

    second.delete()  # cleo answered only this date: she no longer counts as a voter
    assert _stored(poll) == ({first.pk: (0, 0, 1)}, 1)
    assert _stored(poll) == _counted(poll)


@pytest.mark.django_db
def test_recount_stores_what_bulk_inserted_votes_say():
    """The demo, the bench and the migration insert votes in bulk, then recount."""
    poll, other = DatePollFactory(), DatePollFactory()
    slots = [DateSlotFactory(poll=poll) for _ in range(2)]
    voters = [MembershipFactory(group=poll.group).member for _ in range(3)]
    DateVote.objects.bulk_create(
        DateVote(slot=slot, member=voter, answer=(Answer.YES, Answer.NO)[(n + i) % 2])
        for n, voter in enumerate(voters)
        for i, slot in enumerate(slots)
    )
    assert _stored(poll)[1] == 0

    DatePoll.objects.filter(pk__in=[poll.pk, other.pk]).recount_tallies()

    assert _stored(poll) == _counted(poll)
    assert _stored(poll)[1] == 3
    assert _stored(other) == ({}, 0)
