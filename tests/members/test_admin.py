import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.enums import MemberStatus
from members.models import RosterEntry
from tests.factories import MemberFactory, RosterEntryFactory, VerifiedMemberFactory

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


def _import(client, staff, content):
    """Post a roster file to the admin's import page; the roster already holds 001001."""
    client.force_login(staff)
    upload = SimpleUploadedFile("soci.csv", content, content_type="text/csv")
    return client.post(reverse("admin:members_rosterentry_import"), {"file": upload})


def _roster():
    return list(RosterEntry.objects.values_list("membership_number", "full_name"))


def _file_errors(response):
    assert response.status_code == 200
    return response.context["form"].errors["file"]


NOT_UTF8 = (
    "Il file non è in UTF-8: alla riga %d c'è un carattere che non si riesce a leggere. "
    "Salva di nuovo il file dal tuo foglio di calcolo come “CSV UTF-8”."
)


@pytest.fixture
def roster(db):
    RosterEntryFactory(membership_number="001001", full_name="Anna Prima")
    return [("001001", "Anna Prima")]


def test_admin_roster_import_binary_file_gets_message(client, staff, roster):
    response = _import(client, staff, b"\xff\xfe\x00\x00garbage" * 10)

    assert _file_errors(response) == [NOT_UTF8 % 1]
    assert _roster() == roster


def test_admin_roster_import_nul_byte_names_its_line(client, staff, roster):
    response = _import(client, staff, b"numero,nome\n001002,Bruno\n001003,Car\x00la\n")

    assert _file_errors(response) == [
        "La riga 3 contiene un carattere NUL, che in un file di testo non c'è mai. "
        "Salva di nuovo il file dal tuo foglio di calcolo come “CSV UTF-8”."
    ]
    assert _roster() == roster


def test_admin_roster_import_name_too_long_imports_nothing(client, staff, roster):
    response = _import(client, staff, b"numero,nome\n001002,Bruno\n001003," + b"A" * 151 + b"\n")

    assert _file_errors(response) == ["Riga 3: il nome supera i 150 caratteri."]
    assert _roster() == roster


def test_admin_roster_import_email_too_long_imports_nothing(client, staff, roster):
    address = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 54 + ".example"
    assert len(address) == 255

    response = _import(client, staff, f"numero,email\n001002,{address}\n".encode())

    assert _file_errors(response) == ["Riga 2: l'indirizzo e-mail supera i 254 caratteri."]
    assert _roster() == roster


def test_admin_roster_import_bad_email_imports_nothing(client, staff, roster):
    response = _import(client, staff, b"numero,email\n001002,bruno@\n")

    assert _file_errors(response) == ["Riga 2: “bruno@” non è un indirizzo e-mail."]
    assert _roster() == roster


def test_admin_roster_import_invalid_utf8_after_first_4_kib_names_its_line(client, staff, roster):
    good = "".join(f"{100000 + n:06d},Persona {n}\n" for n in range(300)).encode()
    assert len(good) > 4096

    response = _import(client, staff, b"numero,nome\n" + good + "009999,Niccolò\n".encode("latin-1"))

    assert _file_errors(response) == [NOT_UTF8 % 302]
    assert _roster() == roster


def test_admin_roster_import_short_latin1_file_names_its_line(client, staff, roster):
    response = _import(client, staff, "numero,nome\n001002,Niccolò\n".encode("latin-1"))

    assert _file_errors(response) == [NOT_UTF8 % 2]
    assert _roster() == roster


def test_admin_roster_import_field_over_csv_limit_names_its_line(client, staff, roster):
    response = _import(client, staff, b"numero,nome\n001002,Bruno\n001003," + b"A" * (128 * 1024 + 1) + b"\n")

    assert _file_errors(response) == [
        'La riga 3 ha un campo più lungo di 131072 caratteri: forse una virgoletta (") è rimasta aperta.'
    ]
    assert _roster() == roster


def test_admin_roster_import_empty_file_gets_message(client, staff, roster):
    assert _file_errors(_import(client, staff, b"")) == ["Il file inviato è vuoto."]
    assert _file_errors(_import(client, staff, b"\xef\xbb\xbf\n \n")) == ["Il file è vuoto."]
    assert _roster() == roster


def test_admin_roster_import_without_header_gets_message(client, staff, roster):
    response = _import(client, staff, b"001002,Bruno\n001003,Carla\n")

    assert _file_errors(response) == [
        "La prima riga del file deve dare i nomi delle colonne, e una deve chiamarsi “numero” "
        "(per esempio: numero,email,nome)."
    ]
    assert _roster() == roster


def test_admin_roster_import_header_only_gets_message(client, staff, roster):
    response = _import(client, staff, b"numero,email,nome\n")

    assert _file_errors(response) == ["Il file non ha righe dopo quella con i nomi delle colonne."]
    assert _roster() == roster


def test_admin_roster_import_lists_every_problem_up_to_twenty(client, staff, roster):
    rows = "".join(f"numero{n},Persona\n" for n in range(25))

    response = _import(client, staff, f"numero,nome\n001002,Bruno\n{rows}".encode())

    errors = list(_file_errors(response))
    assert errors[:2] == [
        "Riga 3: “numero0” non è un numero di socio/a.",
        "Riga 4: “numero1” non è un numero di socio/a.",
    ]
    assert errors[19:] == ["Riga 22: “numero19” non è un numero di socio/a.", "… e ancora 5 problemi."]
    assert _roster() == roster


def test_admin_roster_import_same_number_twice_imports_nothing(client, staff, roster):
    response = _import(client, staff, b"numero,nome\n001002,Bruno\n1002,Bruna\n001002,Bruno Bis\n")

    assert _file_errors(response) == ["Riga 4: il numero 001002 è già alla riga 2."]
    assert _roster() == roster


def test_admin_roster_import_reads_old_mac_line_ends_and_any_script_digits(client, staff, roster):
    response = _import(client, staff, "numero,nome\r００１００２,Bruno\r001003,Carla\r".encode())

    assert response.status_code == 302
    assert _roster() == [*roster, ("001002", "Bruno"), ("001003", "Carla")]


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
# and short enough for PostgreSQL's bigint. A NUL byte: tests/members/test_validators.py.
ODD_IDS = ["²", "١٢", "99999999999999999999999", "12abc", ""]


def _arabic_indic(number):
    return "".join(chr(0x0660 + int(digit)) for digit in str(number))


@pytest.mark.parametrize("raw", ODD_IDS)
def test_admin_refuse_with_odd_ids_lists_nobody(client, staff, raw):
    _pending()
    client.force_login(staff)

    response = client.get(f"{reverse('admin:members_member_refuse')}?ids={raw}")

    assert response.status_code == 200
    assert "Nessuna delle persone selezionate ha una richiesta" in response.content.decode()


@pytest.mark.parametrize("raw", ODD_IDS)
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


def test_admin_roster_import_quote_left_open_names_the_line_it_opens(client, staff, roster):
    response = _import(client, staff, b'numero,nome\n001002,"Bruno\n' + b"001003,Carla\n" * 12000)

    assert _file_errors(response) == [
        'La riga 2 ha un campo più lungo di 131072 caratteri: forse una virgoletta (") è rimasta aperta.'
    ]
    assert _roster() == roster


def test_admin_roster_entry_import_time_is_not_typed(client, staff):
    client.force_login(staff)

    response = client.get(reverse("admin:members_rosterentry_add"))

    assert list(response.context["adminform"].form.fields) == ["membership_number", "email", "full_name"]
