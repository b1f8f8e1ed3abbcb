import pytest

from members.enums import MemberStatus, Visibility
from members.matching import members_with_skills
from tests.factories import MemberFactory, SkillFactory, StaffFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db


def _with(*skills, **fields):
    member = VerifiedMemberFactory(**fields)
    member.skills.add(*skills)
    return member


def test_members_with_more_of_the_skills_come_first():
    video, sound, light = SkillFactory(), SkillFactory(), SkillFactory()
    one = _with(video, full_name="Bea Una")
    two = _with(video, sound, full_name="Zeno Due")
    _with(light, full_name="Carlo Altro")

    found = members_with_skills([video, sound], viewer=VerifiedMemberFactory())

    assert [(m.full_name, m.matched_skills) for m in found] == [(two.full_name, 2), (one.full_name, 1)]


@pytest.mark.parametrize("viewer_kind", ["member", "staff"])
def test_who_keeps_a_private_profile_is_never_suggested(viewer_kind):
    skill = SkillFactory()
    _with(skill, visibility=Visibility.PRIVATE)
    shown = _with(skill, visibility=Visibility.MEMBERS)
    viewer = StaffFactory() if viewer_kind == "staff" else VerifiedMemberFactory()

    assert members_with_skills([skill], viewer=viewer) == [shown]


def test_only_verified_members_are_suggested():
    skill = SkillFactory()
    MemberFactory(status=MemberStatus.VERIFICATION_REQUESTED).skills.add(skill)
    _with(skill, is_active=False)
    verified = _with(skill)

    assert members_with_skills([skill], viewer=VerifiedMemberFactory()) == [verified]


def test_excluded_members_and_no_skills_give_no_suggestion():
    skill = SkillFactory()
    team = _with(skill)

    assert members_with_skills([skill], viewer=team, exclude=[team]) == []
    assert members_with_skills([], viewer=team) == []


def test_suggestions_are_limited():
    skill = SkillFactory()
    for _ in range(4):
        _with(skill)

    assert len(members_with_skills([skill], viewer=VerifiedMemberFactory(), limit=3)) == 3
