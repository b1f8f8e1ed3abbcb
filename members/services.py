"""Every write that changes a member's standing goes through here."""

import codecs
import csv
import io
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from members import privacy
from members.enums import MemberStatus, Visibility
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


# Problems listed at most, so a wholly wrong file gives a readable page.
ROSTER_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class RosterRow:
    membership_number: str
    email: str
    full_name: str


def _line_at(prefix):
    """The line (from 1) of what follows `prefix`, counting \n, \r\n and \r line ends as csv does."""
    newline, carriage = ("\n", "\r") if isinstance(prefix, str) else (b"\n", b"\r")
    return prefix.count(newline) + prefix.count(carriage) - prefix.count(carriage + newline) + 1


def _roster_text(raw):
    """The file as text, or a ValidationError naming the line of the first unreadable byte."""
    if isinstance(raw, str):
        text = raw
    else:
        raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = _line_at(raw[: error.start])
            raise ValidationError(
                _(
                    "The file is not in UTF-8: line %(line)d has a character that cannot be read. "
                    "Save the file again from your spreadsheet as “CSV UTF-8”."
                )
                % {"line": line},
                code="not_utf8",
            ) from None
    # Python's csv module reads NUL bytes (since 3.11) but PostgreSQL cannot store them,
    # and a text file never has one: the file is binary, or UTF-16.
    if "\x00" in text:
        raise ValidationError(
            _(
                "Line %(line)d contains a NUL character, which a text file never has. "
                "Save the file again from your spreadsheet as “CSV UTF-8”."
            )
            % {"line": _line_at(text[: text.index("\x00")])},
            code="nul",
        )
    if not text.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    return text


def _shown(value):
    return Truncator(value).chars(40)


def _check_roster_row(number, email, name):
    """The problems of one row (an empty list if it is good)."""
    problems = []
    try:
        validate_membership_number(number)
    except ValidationError:
        problems.append(_("“%(value)s” is not a membership number.") % {"value": _shown(number)})
    email_field_length = RosterEntry._meta.get_field("email").max_length
    if len(email) > email_field_length:
        problems.append(_("the e-mail address is longer than %(limit)d characters.") % {"limit": email_field_length})
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(value)s” is not an e-mail address.") % {"value": _shown(email)})
    name_length = RosterEntry._meta.get_field("full_name").max_length
    if len(name) > name_length:
        problems.append(_("the name is longer than %(limit)d characters.") % {"limit": name_length})
    return problems


def _roster_columns(fieldnames):
    """The names of the number, e-mail and name columns as the file spells them."""
    fields = {name.strip().lower(): name for name in (fieldnames or []) if name}
    number_col = fields.get("numero") or fields.get("membership_number") or fields.get("numero_socio")
    if number_col is None:
        raise ValidationError(
            _(
                "The first line of the file must name the columns, one of them “numero” "
                "(for example: numero,email,nome)."
            ),
            code="no_number_column",
        )
    return number_col, fields.get("email") or fields.get("e-mail"), fields.get("nome") or fields.get("full_name")


def _problems_summary(problems):
    shown = problems[:ROSTER_PROBLEMS_SHOWN]
    hidden = len(problems) - len(shown)
    if hidden:
        shown.append(
            ngettext("… and %(count)d more problem.", "… and %(count)d more problems.", hidden) % {"count": hidden}
        )
    return shown


def read_roster(raw):
    """Every row of a roster CSV, checked. A file with any wrong row raises a ValidationError
    listing each problem by line, so that staff fix the file and nothing is half-imported."""
    text = _roster_text(raw)
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": the csv module reads \r\n, \n and an old Mac's \r line ends itself.
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    rows, problems, first_line_of = [], [], {}
    # Where the record being read starts: a csv error is reported there, where a quote
    # left open begins, not thousands of lines further where the reader gave up.
    next_line = 1
    try:
        number_col, email_col, name_col = _roster_columns(reader.fieldnames)
        next_line = reader.line_num + 1
        for record in reader:
            line, next_line = reader.line_num, reader.line_num + 1
            values = {key: (value or "").strip() for key, value in record.items() if isinstance(value, str)}
            if not any(values.values()):
                continue  # spreadsheets end with empty rows like ",,"
            number = normalise_membership_number(values.get(number_col, ""))
            email = values.get(email_col, "").lower() if email_col else ""
            name = values.get(name_col, "") if name_col else ""
            row_problems = _check_roster_row(number, email, name)
            if not row_problems and number in first_line_of:
                row_problems.append(
                    _("number %(number)s is already on line %(other)d.")
                    % {"number": number, "other": first_line_of[number]}
                )
            first_line_of.setdefault(number, line)
            problems.extend(
                _("Line %(line)d: %(problem)s") % {"line": line, "problem": problem} for problem in row_problems
            )
            rows.append(RosterRow(number, email, name))
    except csv.Error:
        # With newline="" and a lenient dialect the one error left is a field over the
        # csv module's limit (128 KiB), nearly always a quote left open.
        raise ValidationError(
            _('Line %(line)d has a field longer than %(limit)d characters: perhaps a quote (") was left open.')
            % {"line": next_line, "limit": csv.field_size_limit()},
            code="csv",
        ) from None
    if problems:
        raise ValidationError(_problems_summary(problems), code="rows")
    if not rows:
        raise ValidationError(_("The file has no rows after the line with the column names."), code="no_rows")
    return rows


@transaction.atomic
def import_roster(csv_file, *, actor):
    """Import membership numbers from a CSV with a `numero` (or `membership_number`)
    column and optional `email` and `nome` columns; then verify the pending requests
    that match. The whole file is checked first: if any row is wrong nothing is written.
    """
    rows = read_roster(csv_file.read())
    result = RosterImport()
    now = timezone.now()
    for row in rows:
        _entry, created = RosterEntry.objects.update_or_create(
            membership_number=row.membership_number,
            defaults={"email": row.email, "full_name": row.full_name, "imported_at": now},
        )
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


# Privacy: the member's data, taken away or erased. What counts as the member's data is
# the registry in members/privacy.py, filled by each app.


def _exported_value(obj, field):
    value = field.value_from_object(obj)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def _shown_value(obj, field):
    if field.choices:
        return getattr(obj, f"get_{field.attname}_display")()
    return _exported_value(obj, field)


@dataclass
class ExportSection:
    key: str
    title: str
    fate: privacy.Fate
    columns: list
    rows: list
    records: list


def export_member(member):
    """Everything the portal holds about `member`: their account, then one section per kind
    of row that points at them. One query per kind, whatever the number of rows."""
    account_fields = privacy.member_fields(Member)
    account = {field.name: _exported_value(member, field) for field in account_fields}
    account["sectors"] = [sector.name for sector in member.sectors.all()]
    account["skills"] = [skill.name for skill in member.skills.all()]
    account_rows = [(str(field.verbose_name), _shown_value(member, field)) for field in account_fields]
    account_rows += [
        (_("activity sectors"), ", ".join(account["sectors"])),
        (_("skills"), ", ".join(account["skills"])),
    ]
    sections = []
    for relation in privacy.relations():
        fields = relation.exported_fields()
        records, rows = [], []
        for obj in relation.rows(member):
            records.append({field.name: _exported_value(obj, field) for field in fields})
            rows.append([_shown_value(obj, field) for field in fields])
        if records:
            meta = relation.model._meta
            sections.append(
                ExportSection(
                    key=relation.key,
                    title=str(meta.verbose_name_plural),
                    fate=relation.fate,
                    columns=[str(field.verbose_name) for field in fields],
                    rows=rows,
                    records=records,
                )
            )
    return account, account_rows, sections


def export_as_json(member):
    account, _rows, sections = export_member(member)
    data = {
        "exported_at": timezone.now(),
        "account": account,
        "records": {section.key: section.records for section in sections},
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def former_member_name():
    """The name an erased account shows, in the portal's language (it is stored)."""
    with translation.override(settings.LANGUAGE_CODE):
        return pgettext("name of an erased account", "former member")


@transaction.atomic
def erase_member(member, *, actor):
    """The person's personal data is deleted; what they wrote in shared spaces and the records
    the cooperative keeps stay, pointing at this account, emptied, which reads "ex socio/a".
    The account can never log in again."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status == MemberStatus.ERASED:
        return False
    for step in privacy.erasure_steps():
        step(member)
    for relation in privacy.relations():
        rows = relation.rows(member)
        if relation.fate is privacy.Fate.DELETE:
            rows.delete()
        elif relation.blank:
            rows.update(**dict.fromkeys(relation.blank, ""))
    # The history stays, without the details that named the person (a number, a reason).
    member_type = ContentType.objects.get_for_model(Member)
    ActionLog.objects.filter(content_type=member_type, object_id=member.pk).update(data={})
    LogEntry.objects.filter(content_type=member_type, object_id=str(member.pk)).update(
        object_repr=former_member_name(), change_message=""
    )
    for field in Member._meta.many_to_many:
        getattr(member, field.name).clear()
    previous = member.status
    member.email = f"erased-{member.pk}@invalid.invalid"
    member.full_name = former_member_name()
    member.membership_number = ""
    member.refusal_reason = ""
    member.bio = ""
    member.region = ""
    member.work_mode = ""
    member.offers = ""
    member.looks_for = ""
    member.directory_text = ""
    # Out of the directory, every part of the profile hidden.
    for field in Member._meta.concrete_fields:
        if field.name == "in_directory" or field.name.startswith("shows_"):
            setattr(member, field.name, False)
    member.calendar_token = ""
    # "Everyone": what stays of them reads "ex socio/a" instead of "a member".
    member.visibility = Visibility.PUBLIC
    member.is_active = False
    member.is_staff = False
    member.is_superuser = False
    member.last_login = None
    member.status = MemberStatus.ERASED
    member.status_changed_at = timezone.now()
    member.set_unusable_password()
    member.save()
    ActionLog.record(member, "member.erased", actor=actor, previous=previous)
    return True


def remove_unconfirmed_accounts(now=None):
    """Accounts whose e-mail address was never confirmed, older than UNCONFIRMED_ACCOUNT_DAYS:
    deleted outright when nothing kept points at them, otherwise erased. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.UNCONFIRMED_ACCOUNT_DAYS)
    # Signed up through the portal (an address row), never confirmed it, so never logged in:
    # accounts made by staff in the admin, without an address row, are left alone.
    stale = (
        Member.objects.filter(
            date_joined__lt=cutoff,
            status=MemberStatus.REGISTERED,
            last_login=None,
            is_staff=False,
            emailaddress__verified=False,
        )
        .exclude(emailaddress__verified=True)
        .distinct()
    )
    removed = 0
    for member in stale.iterator():
        try:
            with transaction.atomic():
                member.delete()
        except ProtectedError:
            erase_member(member, actor=None)
        removed += 1
    return removed
