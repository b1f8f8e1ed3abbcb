"""Common projects: posting, interest, accepting collaborators, and matching both ways (the
project suggests directory members; the member's dashboard lists projects for their skills)."""

import pytest
from django.core.exceptions import ValidationError

from members.matching import directory_members_with_skills
from networking import services
from networking.enums import InterestState
from networking.models import CommonProject, ProjectInterest
from notifications.models import OutboxEmail
from tests.factories import MemberFactory, SkillFactory, VerifiedMemberFactory
from tests.networking.factories import CommonProjectFactory, listed_member

pytestmark = pytest.mark.django_db


def test_member_posts_a_project_with_the_skills_it_needs(client):
    video = SkillFactory()
    author = VerifiedMemberFactory()
    client.force_login(author)

    response = client.post(
        "/rete/progetti/nuovo/", {"title": "L'archivio & il festival", "description": "Idea.", "skills": [video.pk]}
    )

    project = CommonProject.objects.get()
    assert response["Location"] == f"/rete/progetti/{project.pk}/"
    assert (project.author, list(project.skills.all())) == (author, [video])


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": " ", "description": "x"}, "Questo campo è obbligatorio."),
        ({"title": "x" * 10_000, "description": "x"}, "non contenga più di 200"),
        ({"title": "Titolo", "description": "x", "skills": ["abc"]}, "non è un valore valido"),
    ],
)
def test_bad_project_gets_a_clear_error(client, data, error):
    client.force_login(VerifiedMemberFactory())

    response = client.post("/rete/progetti/nuovo/", data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert CommonProject.objects.count() == 0


def test_interest_then_acceptance_makes_a_collaborator(client):
    project = CommonProjectFactory()
    other = listed_member(full_name="Elena Ricci")
    client.force_login(other)

    client.post(f"/rete/progetti/{project.pk}/interesse/", {"note": "Ci sto!"})

    interest = ProjectInterest.objects.get()
    assert interest.state == InterestState.INTERESTED
    assert OutboxEmail.objects.get().to == project.author.email
    client.force_login(project.author)
    client.post(f"/rete/progetti/{project.pk}/collaboratori/{interest.pk}/accetta/")
    interest.refresh_from_db()
    assert interest.state == InterestState.ACCEPTED
    assert OutboxEmail.objects.filter(to=other.email).count() == 1
    client.force_login(VerifiedMemberFactory())
    assert "Elena Ricci" in client.get(f"/rete/progetti/{project.pk}/").content.decode()


def test_interest_twice_or_by_the_author_is_refused():
    project = CommonProjectFactory()
    member = VerifiedMemberFactory()
    services.express_interest(project, member)

    with pytest.raises(ValidationError, match="Hai già detto che ti interessa"):
        services.express_interest(project, member)
    with pytest.raises(ValidationError, match="Non puoi partecipare"):
        services.express_interest(project, project.author)


def test_only_the_author_accepts(client):
    project = CommonProjectFactory()
    interest = services.express_interest(project, VerifiedMemberFactory())
    client.force_login(VerifiedMemberFactory())

    assert client.post(f"/rete/progetti/{project.pk}/collaboratori/{interest.pk}/accetta/").status_code == 404
    assert client.post(f"/rete/progetti/{project.pk}/chiudi/").status_code == 404
    interest.refresh_from_db()
    assert interest.state == InterestState.INTERESTED


def test_project_suggests_directory_members_with_the_skills():
    video, sound = SkillFactory(), SkillFactory()
    both = listed_member(skills=[video, sound])
    one = listed_member(skills=[sound])
    listed_member(skills=[video], shows=("region",))  # hides skills
    VerifiedMemberFactory().skills.set([video])  # not in the directory
    project = CommonProjectFactory(skills=[video, sound])

    found = directory_members_with_skills(project.skills.all(), exclude=[project.author])

    assert found == [both, one]
    assert [member.matched_skills for member in found] == [2, 1]


def test_project_page_never_names_a_hidden_member(client):
    video = SkillFactory()
    hidden = VerifiedMemberFactory(full_name="Persona Nascosta")
    hidden.skills.set([video])
    shown = listed_member(full_name="Persona Visibile", skills=[video])
    project = CommonProjectFactory(skills=[video])
    client.force_login(VerifiedMemberFactory())

    page = client.get(f"/rete/progetti/{project.pk}/").content.decode()

    assert "Persona Visibile" in page
    assert f"/rete/soci/{shown.pk}/" in page
    assert "Persona Nascosta" not in page


def test_dashboard_lists_projects_needing_my_skills(client):
    video = SkillFactory()
    me = VerifiedMemberFactory()
    me.skills.set([video])
    wanted = CommonProjectFactory(title="Serve un montatore", skills=[video])
    CommonProjectFactory(title="Altro progetto", skills=[SkillFactory()])
    CommonProjectFactory(title="Il mio progetto", skills=[video], author=me)
    client.force_login(me)

    response = client.get("/")

    assert list(response.context["projects_for_me"]) == [wanted]


def test_dashboard_query_count_does_not_grow_with_projects(client, django_assert_max_num_queries):
    video = SkillFactory()
    me = VerifiedMemberFactory()
    me.skills.set([video])
    CommonProjectFactory(skills=[video])
    client.force_login(me)
    with django_assert_max_num_queries(20) as first:
        client.get("/")
    for _ in range(5):
        CommonProjectFactory(skills=[video])
    with django_assert_max_num_queries(len(first)):
        client.get("/")


def test_project_list_query_count_does_not_grow(client, django_assert_num_queries):
    CommonProjectFactory(skills=[SkillFactory()])
    client.force_login(VerifiedMemberFactory())
    # session, user, count, page, skills, projects for me
    with django_assert_num_queries(6):
        client.get("/rete/progetti/")
    for _ in range(5):
        CommonProjectFactory(skills=[SkillFactory()])
    with django_assert_num_queries(6):
        client.get("/rete/progetti/")


@pytest.mark.parametrize("path", ["/rete/progetti/", "/rete/progetti/nuovo/", "/rete/messaggi/"])
def test_network_pages_are_for_verified_members(client, path):
    assert client.get(path).status_code == 302
    client.force_login(MemberFactory())
    assert client.get(path).status_code == 403


def test_project_of_nobody_is_not_found(client):
    client.force_login(VerifiedMemberFactory())

    assert client.get("/rete/progetti/99999999999999999999/").status_code == 404
