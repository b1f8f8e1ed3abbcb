"""The network's digest section for a whole chunk agrees with the one-member version, and
leaves out members with nothing new."""

from datetime import timedelta

import pytest
from django.utils import timezone

from networking.digest import build, section_for
from networking.models import ContactMessage
from tests.factories import SkillFactory, VerifiedMemberFactory
from tests.networking.factories import CommonProjectFactory, listed_member

pytestmark = pytest.mark.django_db


def test_chunk_section_matches_each_members_own_and_leaves_out_the_quiet():
    video = SkillFactory()
    busy, reader, quiet = listed_member(skills=[video]), VerifiedMemberFactory(), VerifiedMemberFactory()
    since = timezone.now() - timedelta(days=7)
    new = CommonProjectFactory(skills=[video])
    CommonProjectFactory(skills=[SkillFactory()])
    ContactMessage.objects.create(sender=VerifiedMemberFactory(), recipient=reader, body="Ciao")
    members = [busy, reader, quiet]

    sections = build(members, {m.pk: since for m in members})

    assert sections == {
        busy.pk: {"projects": [new], "unread_messages": 0},
        reader.pk: {"projects": [], "unread_messages": 1},
    }
    assert sections[busy.pk] == section_for(busy, since)
    assert sections[reader.pk] == section_for(reader, since)
