"""Every write that changes a member's standing goes through here."""

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.enums import MemberStatus
from members.models import ActionLog, Member, RosterEntry
from members.validators import normalise_membership_number, validate_membership_number
from notifications.services import queue_email


def number_taken_by_other(member, number):
    return Member.objects.verified().filter(membership_number=number).exclude(pk=member.pk).exists()


def _set_status(member, new_status, *, actor, **log_data):
    old_status = member.status
    member.status = new_status
    member.status_changed_at = timezone.now()
    member.save(update_fields=["status", "status_changed_at", "membership_number", "refusal_reason"])
    ActionLog.record(member, f"member.status.{new_status}", actor=actor, previous=old_status, **log_data)


@transaction.atomic
def request_verification(member, membership_number):
    """A registered person asks to be recognised as a member of the cooperative.

    If the number is on the imported roster (and the roster's e-mail, if any, is
    theirs) the person is verified at once; otherwise staff decide.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status not in MemberStatus.MAY_REQUEST:
        raise ValidationError(_("You cannot ask for verification now."), code="status")
    number = normalise_membership_number(membership_number)
    validate_membership_number(number)
    if number_taken_by_other(member, number):
        raise ValidationError(
            _("This membership number already belongs to another account. Please write to the Smart staff."),
            code="number_taken",
        )
    member.membership_number = number
    member.refusal_reason = ""
    _set_status(member, MemberStatus.VERIFICATION_REQUESTED, actor=member, membership_number=number)
    entry = RosterEntry.objects.filter(membership_number=number).first()
    if entry is not None and entry.matches(member):
        verify_member(member, actor=None, via_roster=True)
    return member


@transaction.atomic
def verify_member(member, *, actor, via_roster=False):
    """Staff (or the roster) recognise the person as a member. Tells them by e-mail."""
    if member.status == MemberStatus.VERIFIED:
        return False
    if not member.membership_number:
        raise ValidationError(_("%(member)s has no membership number yet.") % {"member": member}, code="no_number")
    if number_taken_by_other(member, member.membership_number):
        raise ValidationError(
            _("Membership number %(number)s already belongs to another verified member.")
            % {"number": member.membership_number},
            code="number_taken",
        )
    member.refusal_reason = ""
    _set_status(member, MemberStatus.VERIFIED, actor=actor, via_roster=via_roster)
    queue_email(member, "members/email/verified", {})
    return True


@transaction.atomic
def refuse_member(member, *, actor, reason):
    """Staff decline a verification request; the person is told why."""
    if member.status not in MemberStatus.DECIDABLE:
        return False
    member.refusal_reason = reason
    _set_status(member, MemberStatus.REFUSED, actor=actor, reason=reason)
    queue_email(member, "members/email/refused", {"reason": reason})
    return True


class RosterImport:
    """What a roster import did, for the message shown to staff."""

    def __init__(self):
        self.created = 0
        self.updated = 0
        self.verified = 0
        self.errors = []


@transaction.atomic
def import_roster(csv_file, *, actor):
    """Import membership numbers from a CSV with a `numero` (or `membership_number`)
    column and optional `email` and `nome` columns; then verify the pending
    requests that match. Rows with errors are skipped and reported by line.
    """
    result = RosterImport()
    raw = csv_file.read()
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = {name.strip().lower(): name for name in (reader.fieldnames or [])}
    number_col = fields.get("numero") or fields.get("membership_number") or fields.get("numero_socio")
    if number_col is None:
        raise ValidationError(_("The file has no column named “numero”."), code="no_number_column")
    email_col = fields.get("email") or fields.get("e-mail")
    name_col = fields.get("nome") or fields.get("full_name")
    for line, row in enumerate(reader, start=2):
        number = normalise_membership_number(row.get(number_col))
        try:
            validate_membership_number(number)
        except ValidationError:
            result.errors.append(
                _("Line %(line)d: “%(value)s” is not a membership number.")
                % {"line": line, "value": row.get(number_col)}
            )
            continue
        defaults = {
            "email": (row.get(email_col) or "").strip().lower() if email_col else "",
            "full_name": (row.get(name_col) or "").strip() if name_col else "",
            "imported_at": timezone.now(),
        }
        _entry, created = RosterEntry.objects.update_or_create(membership_number=number, defaults=defaults)
        if created:
            result.created += 1
        else:
            result.updated += 1
    ActionLog.record(actor, "members.roster.imported", actor=actor, created=result.created, updated=result.updated)
    entries = {e.membership_number: e for e in RosterEntry.objects.all()}
    pending = Member.objects.awaiting_verification().filter(membership_number__in=list(entries))
    for member in pending:
        entry = entries.get(member.membership_number)
        if entry is not None and entry.matches(member) and not number_taken_by_other(member, member.membership_number):
            verify_member(member, actor=actor, via_roster=True)
            result.verified += 1
    return result
