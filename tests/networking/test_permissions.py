"""Who reaches each page of the network: a visitor, a registered person not yet verified, a
verified member and staff; the network's digest section."""

from datetime import timedelta

import pytest
from django.utils import timezone

from networking.digest import section_for
from networking.models import ContactMessage
from tests.factories import MemberFactory, SkillFactory, StaffFactory, VerifiedMemberFactory
from tests.networking.factories import CommonProjectFactory, listed_member, survey_with_every_kind

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "registered", "verified", "staff"]
#                         visitor registered verified staff
EXPECTED = {
    "/rete/": (200, 200, 200, 200),
    "/rete/messaggi/": (302, 403, 200, 200),
    "/rete/progetti/": (302, 403, 200, 200),
    "/rete/progetti/{project}/": (302, 403, 200, 200),
    "/rete/soci/{listed}/": (302, 403, 200, 200),
    "/rete/soci/{hidden}/": (302, 403, 404, 404),
    "/questionari/": (302, 403, 200, 200),
    "/questionari/{open}/": (302, 403, 200, 200),
    "/questionari/{open}/risultati/": (302, 403, 404, 200),
    "/questionari/{closed}/risultati/": (302, 403, 200, 200),
    "/questionari/{open}/risposte.csv": (302, 403, 404, 200),
    "/questionari/{future}/": (302, 403, 404, 200),
}


@pytest.fixture
def world():
    past = timezone.now() - timedelta(days=30)
    return {
        "project": CommonProjectFactory().pk,
        "listed": listed_member().pk,
        "hidden": VerifiedMemberFactory().pk,
        "open": survey_with_every_kind()[0].slug,
        "closed": survey_with_every_kind(opens_at=past, closes_at=past + timedelta(days=1))[0].slug,
        "future": survey_with_every_kind(opens_at=timezone.now() + timedelta(days=2))[0].slug,
    }


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    person = {"visitor": None, "registered": MemberFactory, "verified": VerifiedMemberFactory, "staff": StaffFactory}
    if person[role] is not None:
        client.force_login(person[role]())

    answers = {path: client.get(path.format(**world)).status_code for path in EXPECTED}

    assert answers == {path: statuses[ROLES.index(role)] for path, statuses in EXPECTED.items()}


def test_digest_section_lists_new_projects_for_my_skills_and_unread_messages():
    video = SkillFactory()
    me = listed_member(skills=[video])
    since = timezone.now() - timedelta(days=7)
    old = CommonProjectFactory(skills=[video])
    old.created_at = since - timedelta(days=1)
    old.save()
    new = CommonProjectFactory(skills=[video])
    CommonProjectFactory(skills=[SkillFactory()])
    ContactMessage.objects.create(sender=VerifiedMemberFactory(), recipient=me, body="Ciao")
    ContactMessage.objects.create(sender=VerifiedMemberFactory(), recipient=me, body="Letto", read_at=timezone.now())

    section = section_for(me, since)

    assert section == {"projects": [new], "unread_messages": 1}
