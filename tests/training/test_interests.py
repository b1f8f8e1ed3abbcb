"""Training interests: what members want to learn, the ranked demand page, and the e-mail
when a matching course opens; training's section of the digest."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from groups.enums import GroupTheme
from notifications.models import OutboxEmail
from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    MemberFactory,
    SectorFactory,
    SkillFactory,
    StaffFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)
from training import digest, services
from training.models import InterestNotice, TrainingInterest

pytestmark = pytest.mark.django_db


def _wants(member, areas=(), skills=(), wish=""):
    return services.save_interests(member, areas=areas, skills=skills, wish=wish)


def test_member_saves_interests_through_the_page(client, verified_member):
    area, skill = SectorFactory(), SkillFactory()
    client.force_login(verified_member)

    client.post("/formazione/interessi/", {"areas": [area.pk], "skills": [skill.pk], "wish": "Fotografia di scena"})
    response = client.get("/formazione/interessi/")

    interest = TrainingInterest.objects.get(member=verified_member)
    assert (list(interest.areas.all()), list(interest.skills.all()), interest.wish) == (
        [area],
        [skill],
        "Fotografia di scena",
    )
    assert re.search(rf'<input[^>]*value="{area.pk}"[^>]*checked', response.content.decode())


def test_an_unknown_area_is_refused_with_a_message(client, verified_member):
    client.force_login(verified_member)

    response = client.post("/formazione/interessi/", {"areas": ["999999"], "wish": "x" * 1001})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert TrainingInterest.objects.count() == 0


def test_publishing_tells_who_asked_for_its_area_or_skill_once(staff):
    area, skill = SectorFactory(), SkillFactory()
    by_area = _wants(VerifiedMemberFactory(), areas=[area]).member
    by_skill = _wants(VerifiedMemberFactory(), skills=[skill]).member
    _wants(VerifiedMemberFactory(), areas=[SectorFactory()])  # something else
    already = _wants(VerifiedMemberFactory(), areas=[area]).member
    registered = _wants(MemberFactory(), areas=[area]).member  # members-only course
    course = CourseFactory(state="draft", area=area)
    course.skills.add(skill)
    EnrolmentFactory(course=course, member=already)

    services.set_course_state(course, "published", actor=staff)
    services.set_course_state(course, "closed", actor=staff)
    services.set_course_state(course, "published", actor=staff)

    told = OutboxEmail.objects.filter(kind="training/email/course_matches_interest")
    assert sorted(told.values_list("to", flat=True)) == sorted([by_area.email, by_skill.email])
    assert registered.email not in told.values_list("to", flat=True)
    assert InterestNotice.objects.count() == 2


def test_open_course_tells_a_registered_person_too(staff):
    area = SectorFactory()
    registered = _wants(MemberFactory(), areas=[area]).member
    course = CourseFactory(state="draft", area=area, audience="everyone")

    services.set_course_state(course, "published", actor=staff)

    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [registered.email]


@pytest.fixture
def reviewer(db):
    return FacilitatorFactory(group=WorkingGroupFactory(theme=GroupTheme.TRAINING)).member


def test_demand_page_ranks_areas_and_skills(client, reviewer, django_assert_num_queries):
    music, video, photo = (SectorFactory(name=n) for n in ("Musica", "Video", "Foto"))
    editing = SkillFactory(name="Montaggio")
    _wants(VerifiedMemberFactory(), areas=[music, video], skills=[editing], wish="Mixare dal vivo")
    _wants(VerifiedMemberFactory(), areas=[video])
    _wants(VerifiedMemberFactory(), areas=[video, photo])
    CourseFactory(area=video)
    client.force_login(reviewer)
    with django_assert_num_queries(7):
        html = client.get("/formazione/domanda/").content.decode()

    rows = [line.split("</td><td>") for line in html.split("<tr><td>")[1:]]
    areas = [(r[1].strip(), r[2], r[3].split("<")[0]) for r in rows[:3]]
    assert areas == [("Video", "3", "1"), ("Foto", "1", "0"), ("Musica", "1", "0")]
    assert "Mixare dal vivo" in html
    for _ in range(5):
        _wants(VerifiedMemberFactory(), areas=[SectorFactory()], skills=[SkillFactory()], wish="Altro")
    with django_assert_num_queries(7):
        client.get("/formazione/domanda/")


def test_demand_page_is_for_staff_and_the_training_group(client, reviewer):
    for person, status in ((VerifiedMemberFactory(), 403), (StaffFactory(), 200), (reviewer, 200)):
        client.force_login(person)
        assert client.get("/formazione/domanda/").status_code == status


def test_digest_section_lists_new_courses_matching_interests():
    area = SectorFactory()
    member = _wants(VerifiedMemberFactory(), areas=[area]).member
    since = timezone.now() - timedelta(days=7)
    new = CourseFactory(area=area)
    CourseFactory(area=area, published_at=since - timedelta(days=1))  # before the period
    CourseFactory()  # another area
    CourseFactory(area=area, state="draft", published_at=None)

    assert digest.section_for(member, since) == [new]
