"""What every request and response goes through: NUL bytes refused, headers that
keep members' pages private."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, MemberFactory, StaffFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db

BAD_REQUEST_TEXT = "Richiesta non comprensibile"


@pytest.mark.parametrize(
    "url",
    [
        "/calendario/%00" + "a" * 40 + ".ics",
        "/gruppi/%00/",
        "/gruppi/?q=%00",
        "/account/login/?next=/%00",
        "/profilo/?x%00=1",
    ],
)
def test_nul_byte_in_url_is_bad_request_in_italian(client, url):
    client.force_login(VerifiedMemberFactory())

    response = client.get(url)

    assert response.status_code == 400
    assert BAD_REQUEST_TEXT in response.content.decode()


def test_nul_byte_in_admin_filter_is_bad_request(client):
    client.force_login(StaffFactory())

    response = client.get("/admin/members/member/?status=%00")

    assert response.status_code == 400


def test_nul_byte_in_posted_field_is_bad_request_and_changes_nothing(client):
    member = VerifiedMemberFactory(full_name="Anna Verdi")
    client.force_login(member)

    response = client.post("/profilo/", {"full_name": "Anna\x00", "language": "it", "time_zone": "Europe/Rome"})

    assert response.status_code == 400
    member.refresh_from_db()
    assert member.full_name == "Anna Verdi"


def test_nul_byte_in_session_cookie_is_bad_request(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"

    response = client.get("/")

    assert response.status_code == 400


def test_permissions_policy_on_every_page(client):
    response = client.get("/")

    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_member_pages_are_private_to_caches(client, verified_member):
    client.force_login(verified_member)

    for url in ["/", "/profilo/", "/gruppi/", "/documenti/"]:
        assert "private" in client.get(url)["Cache-Control"], url


def test_visitor_pages_are_not_marked_private(client):
    assert "Cache-Control" not in client.get("/gruppi/")


def test_messages_never_travel_in_a_cookie(client):
    member = MemberFactory(full_name="Giulia Rossi")

    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD}, follow=True)

    assert "Giulia Rossi" in response.content.decode()  # the welcome message was shown
    assert "messages" not in response.cookies
    assert "messages" not in client.cookies
