import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.enums import MemberStatus
from members.models import RosterEntry
from tests.factories import MemberFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db


def _pending(**fields):
    return MemberFactory(status=MemberStatus.VERIFICATION_REQUESTED, membership_number="002002", **fields)


def test_admin_verify_button_verifies_and_emails(client, staff, mailoutbox, django_capture_on_commit_callbacks):
    pending = _pending()
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:members_member_verify", args=[pending.pk]))

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == MemberStatus.VERIFIED
    assert [m.to for m in mailoutbox] == [[pending.email]]


def test_admin_change_page_shows_verify_button_for_pending(client, staff):
    pending = _pending()
    client.force_login(staff)

    response = client.get(reverse("admin:members_member_change", args=[pending.pk]))

    assert reverse("admin:members_member_verify", args=[pending.pk]) in response.content.decode()


def test_admin_bulk_verify_action(client, staff):
    first, second = _pending(), MemberFactory(status=MemberStatus.VERIFICATION_REQUESTED, membership_number="003003")
    client.force_login(staff)

    client.post(
        reverse("admin:members_member_changelist"),
        {"action": "verify_selected", "_selected_action": [first.pk, second.pk]},
    )

    assert sorted(
        MemberStatus(m.status) for m in [first.__class__.objects.get(pk=p) for p in (first.pk, second.pk)]
    ) == [MemberStatus.VERIFIED, MemberStatus.VERIFIED]


def test_admin_bulk_verify_reports_taken_number(client, staff):
    VerifiedMemberFactory(membership_number="002002")
    pending = _pending()
    client.force_login(staff)

    response = client.post(
        reverse("admin:members_member_changelist"),
        {"action": "verify_selected", "_selected_action": [pending.pk]},
        follow=True,
    )

    assert "002002" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == MemberStatus.VERIFICATION_REQUESTED


def test_admin_refuse_asks_reason_then_refuses(client, staff, mailoutbox, django_capture_on_commit_callbacks):
    pending = _pending()
    client.force_login(staff)
    url = reverse("admin:members_member_refuse")

    form_page = client.get(f"{url}?ids={pending.pk}")
    assert pending.email in form_page.content.decode()
    empty = client.post(url, {"ids": str(pending.pk), "reason": ""})
    assert empty.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"ids": str(pending.pk), "reason": "Numero non trovato."})

    pending.refresh_from_db()
    assert (pending.status, pending.refusal_reason) == (MemberStatus.REFUSED, "Numero non trovato.")
    assert len(mailoutbox) == 1


def test_admin_roster_import_verifies_matching_request(client, staff):
    pending = _pending()
    client.force_login(staff)
    upload = SimpleUploadedFile("soci.csv", b"numero,nome\n002002,Anna\n004004,Bruno\n", content_type="text/csv")

    response = client.post(reverse("admin:members_rosterentry_import"), {"file": upload})

    assert response.status_code == 302
    assert sorted(RosterEntry.objects.values_list("membership_number", flat=True)) == ["002002", "004004"]
    pending.refresh_from_db()
    assert pending.status == MemberStatus.VERIFIED


def test_admin_roster_import_binary_file_gets_message(client, staff):
    client.force_login(staff)
    upload = SimpleUploadedFile("soci.csv", b"\xff\xfe\x00\x00garbage" * 10, content_type="text/csv")

    response = client.post(reverse("admin:members_rosterentry_import"), {"file": upload})

    assert response.status_code == 200
    assert RosterEntry.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "member", "verified_member"])
def test_admin_member_urls_closed_to_non_staff(client, who, request):
    target = _pending()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    urls = [
        reverse("admin:members_member_verify", args=[target.pk]),
        reverse("admin:members_member_refuse") + f"?ids={target.pk}",
        reverse("admin:members_rosterentry_import"),
        reverse("admin:members_member_change", args=[target.pk]),
    ]

    for url in urls:
        response = client.post(url, {"ids": str(target.pk), "reason": "x"})
        assert response.status_code == 302, url
        assert "/account/login/" in response.url or "/admin/login/" in response.url
    target.refresh_from_db()
    assert target.status == MemberStatus.VERIFICATION_REQUESTED


# Ids from request input: ASCII digits only ("²".isdigit() is True, int("١٢") is 12),
# and short enough for PostgreSQL's bigint.
ODD_IDS = ["²", "١٢", "99999999999999999999999", "%00", "12abc", ""]


def _arabic_indic(number):
    return "".join(chr(0x0660 + int(digit)) for digit in str(number))


@pytest.mark.parametrize("raw", ODD_IDS)
def test_admin_refuse_with_odd_ids_lists_nobody(client, staff, raw):
    _pending()
    client.force_login(staff)

    response = client.get(f"{reverse('admin:members_member_refuse')}?ids={raw}")

    assert response.status_code == 200
    assert "Nessuna delle persone selezionate ha una richiesta" in response.content.decode()


@pytest.mark.parametrize("raw", ["²", "١٢", "99999999999999999999999", "\x00"])
def test_admin_refuse_post_with_odd_ids_refuses_nobody(client, staff, raw):
    pending = _pending()
    client.force_login(staff)

    response = client.post(reverse("admin:members_member_refuse"), {"ids": raw, "reason": "Numero non trovato."})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == MemberStatus.VERIFICATION_REQUESTED


def test_admin_refuse_id_in_arabic_indic_digits_is_not_read_as_that_id(client, staff):
    pending = _pending()
    client.force_login(staff)

    response = client.get(f"{reverse('admin:members_member_refuse')}?ids={_arabic_indic(pending.pk)}")

    assert pending.email not in response.content.decode()
