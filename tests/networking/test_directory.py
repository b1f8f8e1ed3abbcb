"""The member directory: who appears (only who chose to, verified, not private), what shows
(only the fields chosen), the search (full text, skill, sector, region) and who may browse."""

import pytest
from django.core.cache import cache
from django.db import connection

from members.directory import directory_text_of, refresh_directory_text
from members.enums import Visibility
from members.models import Member
from tests.factories import MemberFactory, SectorFactory, SkillFactory, StaffFactory, VerifiedMemberFactory
from tests.networking.factories import listed_member

pytestmark = pytest.mark.django_db


def _names(response):
    return [member.full_name for member in response.context["page"].object_list]


def test_directory_lists_only_members_who_chose_to_appear(client):
    shown = listed_member(full_name="Giulia Rossi")
    VerifiedMemberFactory(full_name="Marco Nascosto")  # never chose
    listed_member(full_name="Sara Privata", visibility=Visibility.PRIVATE)
    MemberFactory(full_name="Luca Nonverificato", in_directory=True)
    client.force_login(VerifiedMemberFactory())

    response = client.get("/rete/")

    assert _names(response) == [shown.full_name]


def test_directory_search_by_skill_finds_only_who_shows_skills(client):
    video = SkillFactory(name="Montaggio video")
    shown = listed_member(full_name="Elena Ricci", skills=[video])
    listed_member(full_name="Davide Marino", skills=[video], shows=("region",))
    client.force_login(VerifiedMemberFactory())

    by_skill = client.get("/rete/", {"skill": video.pk})
    by_words = client.get("/rete/", {"q": "montaggio"})

    assert _names(by_skill) == [shown.full_name]
    assert _names(by_words) == [shown.full_name]


def test_directory_search_ignores_accents_and_case(client):
    listed_member(full_name="Niccolò Attività", offers="Organizzazione di eventi all'aperto")
    client.force_login(VerifiedMemberFactory())

    assert _names(client.get("/rete/", {"q": "NICCOLO"})) == ["Niccolò Attività"]
    assert _names(client.get("/rete/", {"q": "eventi"})) == ["Niccolò Attività"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's")
def test_directory_search_stems_italian_words(client):
    listed_member(full_name="Anna Verdi", offers="Organizzo festival musicali")
    client.force_login(VerifiedMemberFactory())

    assert _names(client.get("/rete/", {"q": "festival musicale"})) == ["Anna Verdi"]


def test_directory_search_by_sector_and_region_respects_the_choice(client):
    music = SectorFactory(name="Musica", slug="musica")
    shown = listed_member(full_name="Giulia Rossi", sectors=[music], region="lombardia")
    listed_member(full_name="Paolo Conti", sectors=[music], region="lombardia", shows=("skills",))
    client.force_login(VerifiedMemberFactory())

    assert _names(client.get("/rete/", {"sector": music.pk})) == [shown.full_name]
    assert _names(client.get("/rete/", {"region": "lombardia"})) == [shown.full_name]


def test_hidden_field_never_leaks_by_search_or_page(client):
    listed_member(full_name="Chiara Romano", bio="Suono il theremin", shows=("skills",))
    client.force_login(VerifiedMemberFactory())

    found = client.get("/rete/", {"q": "theremin"})

    assert _names(found) == []
    member = Member.objects.get(full_name="Chiara Romano")
    assert "theremin" not in member.directory_text
    assert "theremin" not in client.get(f"/rete/soci/{member.pk}/").content.decode()


@pytest.mark.parametrize(
    "query",
    ["'\"&<>*:!()|", "a" * 10_000, "montaggio & | ! ( :*", "١٢٣", "' OR 1=1 --", "\u202e\u200b", "@@ !! <->"],
)
def test_directory_odd_search_is_never_an_error(client, query):
    listed_member(full_name="Giulia Rossi")
    client.force_login(VerifiedMemberFactory())

    response = client.get("/rete/", {"q": query, "skill": "abc", "sector": "99999999999", "region": "marte"})

    assert response.status_code == 200


def test_directory_nul_in_search_is_refused_cleanly(client):
    client.force_login(VerifiedMemberFactory())

    assert client.get("/rete/", {"q": "a\x00b"}).status_code == 400


def test_directory_outsiders_see_what_the_network_is(client):
    listed_member(full_name="Giulia Rossi")
    visitor = client.get("/rete/")
    client.force_login(MemberFactory())
    registered = client.get("/rete/")

    for response in (visitor, registered):
        assert response.status_code == 200
        assert "Giulia Rossi" not in response.content.decode()
        assert "networking/outside.html" in [t.name for t in response.templates]


def test_directory_staff_may_browse(client):
    listed_member(full_name="Giulia Rossi")
    client.force_login(StaffFactory())

    assert _names(client.get("/rete/")) == ["Giulia Rossi"]


def _listed_names(response):
    """The names the page shows (read from the HTML, which may come from the cache)."""
    html = response.content.decode()
    return [member.full_name for member in Member.objects.all() if f">{member.full_name}</a>" in html]


def test_directory_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    skill = SkillFactory()
    sector = SectorFactory()
    listed_member(skills=[skill], sectors=[sector])
    client.force_login(VerifiedMemberFactory())
    # session, user, the chosen skill, count, page, its skills and sectors, the two lists of the form
    # (with nothing cached; the page is then read from the cache, see the tests below)
    cache.clear()
    with django_assert_num_queries(9):
        response = client.get("/rete/", {"skill": skill.pk})
    assert response.content.decode().count('class="list-group-item"') == 1
    for _ in range(30):
        listed_member(skills=[skill], sectors=[sector])
    cache.clear()
    with django_assert_num_queries(9):
        response = client.get("/rete/", {"skill": skill.pk})
    assert response.content.decode().count('class="list-group-item"') == 24
    # The same search again: session and user only.
    with django_assert_num_queries(2):
        again = client.get("/rete/", {"skill": skill.pk})
    assert again.content.decode().count('class="list-group-item"') == 24
    # A parameter the search does not read is no new page to cache.
    with django_assert_num_queries(2):
        client.get("/rete/", {"skill": skill.pk, "utm_source": "newsletter"})


def _count(response):
    return response.context["page"].paginator.count


def test_directory_count_is_read_from_the_cache_until_the_directory_changes(client, django_assert_num_queries):
    skill = SkillFactory()
    listed_member(skills=[skill])
    client.force_login(VerifiedMemberFactory())
    with django_assert_num_queries(9):
        client.get("/rete/", {"skill": skill.pk})
    listed_member(skills=[skill])  # a new version: the page is searched again, the lists are not
    with django_assert_num_queries(7):
        assert "2 persone trovate" in client.get("/rete/", {"skill": skill.pk}).content.decode()
    with django_assert_num_queries(2):
        assert "2 persone trovate" in client.get("/rete/", {"skill": skill.pk}).content.decode()


def test_directory_page_read_back_after_each_write_by_other_readers_in_both_languages(client):
    """The cached page is never stale and never one reader's: a member changes their profile
    through the profile page and two other members, one reading in Italian and one in
    English, see each change at once, each in their own language."""
    video = SkillFactory(name="Montaggio video")
    elena = listed_member(full_name="Elena Ricci", skills=[video], region="lombardia", shows=("skills", "region"))
    italian, english = VerifiedMemberFactory(), VerifiedMemberFactory(language="en")

    def page(reader, **search):
        client.force_login(reader)
        return client.get("/rete/", search).content.decode()

    for reader in (italian, english, italian, english):  # the second round is read from the cache
        assert "Elena Ricci" in page(reader, skill=video.pk)
    assert "1 persona trovata" in page(italian) and "1 member found" in page(english)
    badge = 'me-1">Montaggio video</span>'
    assert badge in page(italian, q="elena")

    # Elena keeps her region but hides her skills, through her profile page.
    client.force_login(elena)
    profile = {"full_name": "Elena Ricci", "language": "it", "time_zone": "Europe/Rome", "visibility": "members"}
    response = client.post(
        "/profilo/",
        {**profile, "region": "lombardia", "skills": [video.pk], "in_directory": "on", "shown": ["region"]},
    )
    assert response.status_code == 302
    for reader in (italian, english):
        assert "Elena Ricci" not in page(reader, skill=video.pk)
        listed = page(reader, q="elena")
        assert "Elena Ricci" in listed and "Lombardia" in listed and badge not in listed

    # She renames herself, then leaves the directory.
    client.force_login(elena)
    client.post("/profilo/", {**profile, "full_name": "Elena R.", "in_directory": "on", "shown": ["region"]})
    assert "Elena R.</a>" in page(english) and "Elena Ricci" not in page(italian)
    client.force_login(elena)
    client.post("/profilo/", {**profile, "full_name": "Elena R."})
    for reader in (italian, english):
        assert "Elena R." not in page(reader) and "Elena R." not in page(reader, q="elena")
    assert "0 persone trovate" in page(italian) and "0 members found" in page(english)


def test_directory_page_cached_for_a_member_is_never_shown_to_an_outsider(client):
    listed_member(full_name="Giulia Rossi")
    client.force_login(VerifiedMemberFactory())
    assert "Giulia Rossi" in client.get("/rete/").content.decode()
    assert "Giulia Rossi" in client.get("/rete/").content.decode()  # now from the cache

    for outsider in (MemberFactory(), None):
        client.logout()
        if outsider:
            client.force_login(outsider)
        response = client.get("/rete/")
        assert "Giulia Rossi" not in response.content.decode()
        assert "networking/outside.html" in [t.name for t in response.templates]


def test_directory_page_says_to_each_reader_whether_they_are_listed(client):
    listed = listed_member(full_name="Giulia Rossi")
    unlisted = VerifiedMemberFactory()
    for _ in range(2):  # the second round from the cache
        client.force_login(unlisted)
        assert "Non sei nell" in client.get("/rete/").content.decode()
        client.force_login(listed)
        assert "Non sei nell" not in client.get("/rete/").content.decode()


def test_directory_form_lists_follow_a_new_or_renamed_skill_at_once(client):
    SkillFactory(name="Montaggio video")
    client.force_login(VerifiedMemberFactory())
    assert "Montaggio video" in client.get("/rete/").content.decode()

    renamed = SkillFactory(name="Fonica")
    assert "Fonica" in client.get("/rete/").content.decode()
    renamed.name = "Fonica e presa diretta"
    renamed.save()
    page = client.get("/rete/", {"skill": renamed.pk}).content.decode()
    assert f'<option value="{renamed.pk}" selected>Fonica e presa diretta</option>' in page
    renamed.delete()
    assert "Fonica" not in client.get("/rete/").content.decode()


def test_directory_count_follows_every_write_at_once(client):
    """A cached count is never stale: each write is read back through the page."""
    video = SkillFactory(name="Montaggio video")
    music = SectorFactory(name="Musica", slug="musica")
    first = listed_member(full_name="Elena Ricci", skills=[video], sectors=[music])
    client.force_login(VerifiedMemberFactory())
    assert _count(client.get("/rete/", {"skill": video.pk})) == 1
    assert _count(client.get("/rete/")) == 1

    second = listed_member(full_name="Davide Marino")
    assert _count(client.get("/rete/")) == 2
    second.skills.add(video)
    assert _count(client.get("/rete/", {"skill": video.pk})) == 2
    second.sectors.add(music)
    assert _count(client.get("/rete/", {"sector": music.pk})) == 2

    second.skills.remove(video)
    assert _count(client.get("/rete/", {"skill": video.pk})) == 1
    first.in_directory = False
    first.save()
    assert _count(client.get("/rete/", {"skill": video.pk})) == 0
    assert _count(client.get("/rete/", {"sector": music.pk})) == 1
    assert _names(client.get("/rete/")) == ["Davide Marino"]
    second.delete()
    assert _count(client.get("/rete/")) == 0


def test_directory_pages(client):
    for number in range(30):
        listed_member(full_name=f"Persona {number:02d}")
    client.force_login(VerifiedMemberFactory())

    second = client.get("/rete/", {"pagina": "2"})
    nonsense = client.get("/rete/", {"pagina": "duemila"})

    assert len(second.context["page"].object_list) == 6
    assert nonsense.status_code == 200


def test_directory_text_holds_only_the_shown_fields():
    skill = SkillFactory(name="Fotografia")
    member = listed_member(full_name="Elena Ricci", skills=[skill], bio="Biografia segreta", shows=("skills",))

    assert directory_text_of(member) == "Elena Ricci\nFotografia"
    member.shows_skills = False
    member.save()
    refresh_directory_text(member)
    assert member.directory_text == "Elena Ricci"


def test_profile_page_shows_only_chosen_fields(client):
    skill = SkillFactory(name="Fonica")
    member = listed_member(
        full_name="Marco Bianchi",
        skills=[skill],
        offers="Registrazioni in studio",
        looks_for="Una cantante",
        bio="Vivo a Roma",
        region="lazio",
        shows=("skills", "offers"),
    )
    client.force_login(VerifiedMemberFactory())

    page = client.get(f"/rete/soci/{member.pk}/").content.decode()

    assert "Fonica" in page
    assert "Registrazioni in studio" in page
    assert "Una cantante" not in page
    assert "Vivo a Roma" not in page
    assert "Lazio" not in page


@pytest.mark.parametrize("who", ["hidden", "private", "not_verified"])
def test_profile_of_a_member_outside_the_directory_is_not_found(client, who):
    target = {
        "hidden": lambda: VerifiedMemberFactory(),
        "private": lambda: listed_member(visibility=Visibility.PRIVATE),
        "not_verified": lambda: MemberFactory(in_directory=True),
    }[who]()
    client.force_login(VerifiedMemberFactory())

    assert client.get(f"/rete/soci/{target.pk}/").status_code == 404
    assert client.get(f"/rete/soci/{target.pk}/contatta/").status_code == 404


def test_profile_for_outsiders(client):
    member = listed_member()
    assert client.get(f"/rete/soci/{member.pk}/").status_code == 302
    client.force_login(MemberFactory())
    assert client.get(f"/rete/soci/{member.pk}/").status_code == 403


def test_profile_of_oneself_opens_even_outside_the_directory(client):
    me = VerifiedMemberFactory()
    client.force_login(me)

    assert client.get(f"/rete/soci/{me.pk}/").status_code == 200


def test_profile_form_puts_a_member_in_the_directory(client):
    skill = SkillFactory(name="Danza")
    me = VerifiedMemberFactory(full_name="Sara Esposito")
    client.force_login(me)

    response = client.post(
        "/profilo/",
        {
            "full_name": "Sara Esposito",
            "language": "it",
            "time_zone": "Europe/Rome",
            "visibility": "members",
            "skills": [skill.pk],
            "in_directory": "on",
            "shown": ["skills", "offers"],
            "offers": "Laboratori di danza",
            "work_mode": "alone",
        },
    )

    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.in_directory, me.shows_skills, me.shows_bio, me.work_mode) == (True, True, False, "alone")
    assert me.directory_text == "Sara Esposito\nDanza\nLaboratori di danza"


def test_profile_form_refuses_a_private_profile_in_the_directory(client):
    me = VerifiedMemberFactory()
    client.force_login(me)

    response = client.post(
        "/profilo/",
        {"full_name": "X", "language": "it", "time_zone": "Europe/Rome", "visibility": "private", "in_directory": "on"},
    )

    assert response.status_code == 200
    assert "almeno i soci e le socie verificati" in response.content.decode()
    me.refresh_from_db()
    assert me.in_directory is False
