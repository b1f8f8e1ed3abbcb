"""A query compiled once per process (smartprogress/compiled.py) gives, for every run's values,
what the queryset itself would give."""

import pytest

from groups.enums import Role
from groups.models import DatePoll, DateSlot
from groups.views import _with_reader
from smartprogress.compiled import CompiledQuery
from tests.factories import DatePollFactory, DateSlotFactory, MembershipFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db


def _polls(reader, slug, pk):
    polls = DatePoll.objects.select_related("group", "meeting").filter(group__slug=slug, pk=pk)
    return _with_reader(polls, reader).order_by("pk")


def test_each_run_reads_with_its_own_values_as_the_queryset_does():
    compiled = CompiledQuery(_polls, reader=-1, slug="-stand-in-", pk=-2)
    first, second = DatePollFactory(), DatePollFactory()
    facilitator = MembershipFactory(group=first.group, role=Role.FACILITATOR).member
    outsider = VerifiedMemberFactory()
    for poll in (first, second):
        for reader in (facilitator, outsider):
            [got] = compiled.objects(reader=reader.pk, slug=poll.group.slug, pk=poll.pk)
            [want] = _polls(reader.pk, poll.group.slug, poll.pk)
            assert (got.pk, got.title, got.group.slug, got.meeting) == (want.pk, want.title, want.group.slug, None)
            assert (got.reader_membership, got.reader_role) == (want.reader_membership, want.reader_role)
    [managed] = compiled.objects(reader=facilitator.pk, slug=first.group.slug, pk=first.pk)
    assert managed.reader_role == Role.FACILITATOR
    assert compiled.objects(reader=outsider.pk, slug=first.group.slug, pk=first.pk)[0].reader_membership is None
    # Another group's slug, a key no row has, a key beyond any integer column: no row.
    assert compiled.objects(reader=outsider.pk, slug=second.group.slug, pk=first.pk) == []
    assert compiled.objects(reader=outsider.pk, slug=first.group.slug, pk=first.pk + 1000) == []
    assert compiled.objects(reader=outsider.pk, slug=first.group.slug, pk=10**20) == []


def test_rows_keep_the_querysets_order_and_annotations():
    poll = DatePollFactory()
    late, early = DateSlotFactory(poll=poll), DateSlotFactory(poll=poll)
    DateSlot.objects.filter(pk=late.pk).update(yes_count=2)
    compiled = CompiledQuery(
        lambda poll, member: DateSlot.objects.filter(poll=poll).best_first().with_answer_of(member), poll=-1, member=-2
    )
    slots = compiled.objects(poll=poll.pk, member=VerifiedMemberFactory().pk)
    assert [s.pk for s in slots] == [late.pk, early.pk]
    assert slots[0].yes_count == 2 and slots[0].my_answer is None


def test_a_stand_in_the_query_does_not_use_is_refused():
    compiled = CompiledQuery(lambda poll, unused: DateSlot.objects.filter(poll=poll), poll=-1, unused=-2)
    with pytest.raises(ValueError, match="unused"):
        compiled.objects(poll=1, unused=2)
