import pytest
from django.urls import reverse

from members.enums import MemberStatus
from tests.factories import PASSWORD, MemberFactory, SectorFactory, SkillFactory

pytestmark = pytest.mark.django_db


def test_verification_page_anonymous_redirected_to_login(client):
    response = client.get(reverse("members:verification"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_verification_request_bad_number_shows_message_and_keeps_input(client, member):
    client.force_login(member)

    response = client.post(reverse("members:verification"), {"membership_number": "12ab"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Il numero di socio/a è fatto di 4-8 cifre, per esempio 012345." in html
    assert 'value="12ab"' in html
    assert 'aria-invalid="true"' in html
    assert 'role="alert"' in html
    member.refresh_from_db()
    assert member.status == MemberStatus.REGISTERED


def test_verification_request_valid_number_marks_request(client, member):
    client.force_login(member)

    response = client.post(reverse("members:verification"), {"membership_number": "004321"}, follow=True)

    assert "Grazie: lo staff Smart controllerà la tua richiesta e ti scriverà." in response.content.decode()
    member.refresh_from_db()
    assert (member.status, member.membership_number) == (MemberStatus.VERIFICATION_REQUESTED, "004321")


def test_verification_request_in_english_when_chosen(client):
    english = MemberFactory(language="en")
    client.force_login(english)

    response = client.post(reverse("members:verification"), {"membership_number": "1"})

    assert "A membership number is made of 4 to 8 digits, for example 012345." in response.content.decode()


def test_profile_saves_skills_and_sectors(client, member):
    sector, skill = SectorFactory(), SkillFactory()
    client.force_login(member)

    response = client.post(
        reverse("members:profile"),
        {
            "full_name": "Anna Verdi",
            "language": "it",
            "time_zone": "Europe/Rome",
            "visibility": "members",
            "region": "lazio",
            "bio": "Fotografa.",
            "sectors": [sector.pk],
            "skills": [skill.pk],
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.full_name, member.region, list(member.skills.all()), list(member.sectors.all())) == (
        "Anna Verdi",
        "lazio",
        [skill],
        [sector],
    )


def test_profile_bad_time_zone_keeps_other_input(client, member):
    client.force_login(member)

    response = client.post(
        reverse("members:profile"),
        {"full_name": "Anna Verdi", "language": "it", "time_zone": "Mars/Olympus", "bio": "Testo mio"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Testo mio" in html
    assert "Anna Verdi" in html
    member.refresh_from_db()
    assert member.full_name != "Anna Verdi"


def test_set_language_saves_choice_on_member(client, member):
    client.force_login(member)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/profilo/"})

    assert response.status_code == 302
    assert response.url == "/profilo/"
    member.refresh_from_db()
    assert member.language == "en"
    page = client.get("/profilo/")
    assert "Your profile" in page.content.decode()


def test_set_language_rejects_foreign_next_url(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})

    assert response.url == "/"


def test_set_language_visitor_cookie_switches_pages(client):
    client.post(reverse("set_language"), {"language": "en"})

    response = client.get("/")

    assert response.headers["Content-Language"] == "en"
    assert "The working groups" in response.content.decode()


def test_visitor_with_english_browser_still_gets_italian(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "it"


def test_login_with_wrong_password_is_rate_limited(client):
    person = MemberFactory()
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": person.email, "password": "sbagliata"})

    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})

    # Even the right password is held back until the window passes.
    assert response.status_code == 200
    assert "Troppi tentativi di accesso. Riprova più tardi." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_rate_limited_login(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
