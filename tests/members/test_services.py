import pytest
from django.core.exceptions import ValidationError

from members import services
from members.enums import MemberStatus
from members.models import ActionLog, Member, RosterEntry
from members.validators import validate_membership_number
from tests.factories import MemberFactory, RosterEntryFactory, StaffFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db


def test_request_verification_registered_member_waits_for_staff(member):
    services.request_verification(member, " 0123-45 ")

    member.refresh_from_db()
    assert member.status == MemberStatus.VERIFICATION_REQUESTED
    assert member.membership_number == "012345"
    assert list(ActionLog.objects.filter(object_id=member.pk).values_list("action", flat=True)) == [
        "member.status.verification_requested"
    ]


def test_request_verification_number_on_roster_verifies_at_once(member, mailoutbox, django_capture_on_commit_callbacks):
    RosterEntryFactory(membership_number="777777")

    with django_capture_on_commit_callbacks(execute=True):
        services.request_verification(member, "777777")

    member.refresh_from_db()
    assert member.status == MemberStatus.VERIFIED
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert mailoutbox[0].subject == "Sei un socio o una socia verificata di Smart in Progress"


def test_request_verification_roster_email_differs_waits_for_staff(member):
    RosterEntryFactory(membership_number="777777", email="altra.persona@soci.example")

    services.request_verification(member, "777777")

    member.refresh_from_db()
    assert member.status == MemberStatus.VERIFICATION_REQUESTED


def test_request_verification_bad_shape_rejected_and_nothing_changes(member):
    with pytest.raises(ValidationError) as error:
        services.request_verification(member, "12ab")

    assert error.value.code == "membership_number_shape"
    member.refresh_from_db()
    assert (member.status, member.membership_number) == (MemberStatus.REGISTERED, "")


def test_request_verification_number_of_verified_member_rejected(member):
    VerifiedMemberFactory(membership_number="424242")

    with pytest.raises(ValidationError) as error:
        services.request_verification(member, "424242")

    assert error.value.code == "number_taken"


@pytest.mark.parametrize("typed", ["００１００１", "٠٠١٠٠١", "۰۰۱۰۰۱", "00 10 01"])
def test_request_verification_digits_of_any_script_read_as_ascii(member, typed):
    services.request_verification(member, typed)

    member.refresh_from_db()
    assert member.membership_number == "001001"


def test_request_verification_fullwidth_copy_of_verified_number_rejected(member):
    VerifiedMemberFactory(membership_number="001001")

    with pytest.raises(ValidationError) as error:
        services.request_verification(member, "００１００１")

    assert error.value.code == "number_taken"


@pytest.mark.parametrize("typed", ["²²²²", "12³4"])
def test_request_verification_superscript_digits_rejected(member, typed):
    with pytest.raises(ValidationError) as error:
        services.request_verification(member, typed)

    assert error.value.code == "membership_number_shape"


# The model validator guards the admin's forms, where nothing normalises first.
@pytest.mark.parametrize("value", ["００１００１", "٠٠١٠٠١", "1234\n"])
def test_membership_number_validator_takes_ascii_digits_only(value):
    with pytest.raises(ValidationError) as error:
        validate_membership_number(value)

    assert error.value.code == "membership_number_shape"


def test_request_verification_when_already_verified_rejected(verified_member):
    with pytest.raises(ValidationError) as error:
        services.request_verification(verified_member, "123456")

    assert error.value.code == "status"


def test_verify_member_sends_email_in_members_language(mailoutbox, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    english = MemberFactory(language="en", status=MemberStatus.VERIFICATION_REQUESTED, membership_number="5555")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.verify_member(english, actor=staff) is True

    english.refresh_from_db()
    assert english.status == MemberStatus.VERIFIED
    assert mailoutbox[0].subject == "You are a verified member of Smart in Progress"
    log = ActionLog.objects.get(object_id=english.pk, action="member.status.verified")
    assert (log.actor, log.data["previous"]) == (staff, "verification_requested")


def test_verify_member_twice_sends_one_email(mailoutbox, django_capture_on_commit_callbacks, staff):
    pending = MemberFactory(status=MemberStatus.VERIFICATION_REQUESTED, membership_number="5555")

    with django_capture_on_commit_callbacks(execute=True):
        services.verify_member(pending, actor=staff)
        second = services.verify_member(Member.objects.get(pk=pending.pk), actor=staff)

    assert second is False
    assert len(mailoutbox) == 1


def test_verify_member_without_number_rejected(member, staff):
    with pytest.raises(ValidationError) as error:
        services.verify_member(member, actor=staff)

    assert error.value.code == "no_number"


def test_refuse_member_tells_reason(mailoutbox, django_capture_on_commit_callbacks, staff):
    pending = MemberFactory(status=MemberStatus.VERIFICATION_REQUESTED, membership_number="5555")

    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_member(pending, actor=staff, reason="Il numero non risulta nel libro soci.")

    pending.refresh_from_db()
    assert (pending.status, pending.refusal_reason) == (MemberStatus.REFUSED, "Il numero non risulta nel libro soci.")
    assert "Il numero non risulta nel libro soci." in mailoutbox[0].body


def test_refused_member_may_ask_again(staff):
    refused = MemberFactory(status=MemberStatus.REFUSED, membership_number="5555", refusal_reason="No")

    services.request_verification(refused, "5556")

    refused.refresh_from_db()
    assert (refused.status, refused.membership_number, refused.refusal_reason) == (
        MemberStatus.VERIFICATION_REQUESTED,
        "5556",
        "",
    )


def test_import_roster_creates_entries_and_verifies_matching_requests(staff):
    matching = MemberFactory(status=MemberStatus.VERIFICATION_REQUESTED, membership_number="001001")
    other = MemberFactory(status=MemberStatus.VERIFICATION_REQUESTED, membership_number="009999")
    csv_text = "numero;email;nome\n001001;;Anna\n001002;X@Y.example;Bruno\n"

    result = services.import_roster(_upload(csv_text), actor=staff)

    assert (result.created, result.updated, result.verified) == (2, 0, 1)
    assert RosterEntry.objects.get(membership_number="001002").email == "x@y.example"
    matching.refresh_from_db()
    other.refresh_from_db()
    assert (matching.status, other.status) == (MemberStatus.VERIFIED, MemberStatus.VERIFICATION_REQUESTED)


def test_import_roster_twice_updates_instead_of_duplicating(staff):
    services.import_roster(_upload("numero,nome\n001001,Anna\n"), actor=staff)

    result = services.import_roster(_upload("numero,nome\n001001,Anna Maria\n"), actor=staff)

    assert (result.created, result.updated) == (0, 1)


def test_import_roster_with_one_wrong_row_writes_nothing(staff):
    pending = MemberFactory(status=MemberStatus.VERIFICATION_REQUESTED, membership_number="001001")

    with pytest.raises(ValidationError) as error:
        services.import_roster(_upload("numero,nome\n001001,Anna\nabc,Sbagliato\n"), actor=staff)

    assert error.value.messages == ["Riga 3: “abc” non è un numero di socio/a."]
    assert not RosterEntry.objects.exists()
    pending.refresh_from_db()
    assert pending.status == MemberStatus.VERIFICATION_REQUESTED


def test_import_roster_without_number_column_rejected(staff):
    with pytest.raises(ValidationError) as error:
        services.import_roster(_upload("email,nome\nx@y.example,Anna\n"), actor=staff)

    assert error.value.code == "no_number_column"


def _upload(text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("soci.csv", text.encode("utf-8"), content_type="text/csv")
