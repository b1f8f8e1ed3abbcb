from datetime import timedelta

import pytest
from django.utils import timezone

from calls.digest import section_for
from calls.enums import CallStatus
from tests.factories import FundingCallFactory, SectorFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db


def test_digest_section_has_open_calls_of_the_members_sectors_due_within_30_days():
    now = timezone.now()
    music, theatre = SectorFactory(), SectorFactory()
    member = VerifiedMemberFactory()
    member.sectors.add(music)
    soon = FundingCallFactory(title="Musica, presto", internal_deadline=now + timedelta(days=5))
    soon.sectors.add(music, theatre)
    everyone = FundingCallFactory(title="Per tutti", internal_deadline=now + timedelta(days=10))
    FundingCallFactory(title="Teatro", internal_deadline=now + timedelta(days=5)).sectors.add(theatre)
    FundingCallFactory(title="Lontano", internal_deadline=now + timedelta(days=40)).sectors.add(music)
    FundingCallFactory(title="Bozza", status=CallStatus.DRAFT, internal_deadline=now + timedelta(days=5))

    found = section_for(member, since=now - timedelta(days=7))

    assert found == [soon, everyone]
    assert [call.is_new for call in found] == [True, True]
    assert [call.is_new for call in section_for(member, since=now + timedelta(minutes=1))] == [False, False]
