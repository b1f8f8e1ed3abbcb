"""Every write in the working groups: joining, meetings, answers, date polls,
reminders and documents. Each function checks the rule, saves, logs and
queues the e-mails it causes, in one transaction."""

from datetime import timedelta

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from groups import filetypes, kinds
from groups.enums import Answer, JoinPolicy, MeetingStatus, MembershipState, PollStatus, ReminderKind, Role
from groups.models import (
    RSVP,
    DatePoll,
    DateSlot,
    DateVote,
    Document,
    Meeting,
    MeetingReminder,
    Membership,
    PollReminder,
    WorkingGroup,
)
from members.models import ActionLog
from members.validators import validate_sane_date
from notifications.services import announce, queue_email
from smartprogress.storage import atomic_with_files, save_upload

MIN_SLOTS, MAX_SLOTS = 2, 10
# Reminders are sent by a scan every few minutes. A meeting is due for the
# day-before reminder while it starts 20 to 24 hours from now (a meeting set up
# at shorter notice gets only the hour-before one, never a "tomorrow" that is
# today), and for the hour-before reminder in its last hour.
REMINDER_WINDOWS = {
    ReminderKind.DAY_BEFORE: (timedelta(hours=20), timedelta(hours=24)),
    ReminderKind.HOUR_BEFORE: (timedelta(0), timedelta(hours=1)),
}
REMINDER_PREFERENCE = {
    ReminderKind.DAY_BEFORE: "meeting_reminder_24h",
    ReminderKind.HOUR_BEFORE: "meeting_reminder_1h",
}
POLL_REMINDER_LEAD = timedelta(hours=24)


def _participants(group, **filters):
    """Who takes part in the group: the people its meeting and poll pages are for."""
    memberships = Membership.objects.taking_part().filter(group=group, **filters).select_related("member")
    return [m.member for m in memberships]


def _notify(members, template, context, *, skip=None):
    for member in members:
        if skip is None or member.pk != skip.pk:
            queue_email(member, template, context)


# Joining and leaving


@transaction.atomic
def join_group(group, member):
    """A verified member joins (open group) or asks to join (by request)."""
    group = WorkingGroup.objects.select_for_update().get(pk=group.pk)
    if not member.is_verified_member:
        raise ValidationError(_("Only verified members can join a working group."), code="not_verified")
    if group.archived_at is not None or group.join_policy == JoinPolicy.CLOSED:
        raise ValidationError(_("This group is not taking new participants."), code="closed")
    existing = Membership.objects.filter(group=group, member=member).first()
    if existing is not None:
        return existing
    _check_room(group)
    if group.join_policy == JoinPolicy.BY_REQUEST:
        membership = Membership.objects.create(group=group, member=member, state=MembershipState.PENDING)
        ActionLog.record(membership, "group.join_requested", actor=member)
        facilitators = _participants(group, role=Role.FACILITATOR)
        _notify(facilitators, "groups/email/join_request", {"group": group, "applicant": member})
        return membership
    membership = Membership.objects.create(
        group=group, member=member, state=MembershipState.ACTIVE, joined_at=timezone.now()
    )
    ActionLog.record(membership, "group.joined", actor=member)
    return membership


def _check_room(group):
    """Call with the group row locked: counts the participants, not the pending requests."""
    full = group.max_participants is not None and (
        Membership.objects.taking_part().filter(group=group).count() >= group.max_participants
    )
    if full:
        raise ValidationError(_("This group is full."), code="full")


@transaction.atomic
def leave_group(group, member):
    membership = Membership.objects.filter(group=group, member=member).first()
    if membership is None:
        return False
    ActionLog.record(group, "group.left", actor=member, member=member.pk, role=membership.role)
    membership.delete()
    # Free the seats they had taken; past answers stay as the record of who came.
    RSVP.objects.filter(member=member, meeting__group=group, meeting__starts_at__gt=timezone.now()).delete()
    return True


@transaction.atomic
def approve_request(membership, *, actor):
    if membership.state != MembershipState.PENDING:
        return False
    if not membership.member.is_verified_member:
        # Approved, they would still not take part: their e-mail would promise a group they cannot see.
        raise ValidationError(
            _("%(member)s is no longer a verified member: decline the request.") % {"member": membership.member},
            code="not_verified",
        )
    _check_room(WorkingGroup.objects.select_for_update().get(pk=membership.group_id))
    membership.state = MembershipState.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["state", "joined_at"])
    ActionLog.record(membership, "group.request_approved", actor=actor)
    queue_email(membership.member, "groups/email/request_approved", {"group": membership.group})
    return True


@transaction.atomic
def decline_request(membership, *, actor):
    if membership.state != MembershipState.PENDING:
        return False
    ActionLog.record(membership.group, "group.request_declined", actor=actor, member=membership.member_id)
    queue_email(membership.member, "groups/email/request_declined", {"group": membership.group})
    membership.delete()
    return True


@transaction.atomic
def appoint_facilitator(membership, *, actor):
    if membership.role == Role.FACILITATOR or not Membership.objects.taking_part().filter(pk=membership.pk).exists():
        return False
    membership.role = Role.FACILITATOR
    membership.save(update_fields=["role"])
    ActionLog.record(membership, "group.facilitator_appointed", actor=actor)
    queue_email(membership.member, "groups/email/facilitator_appointed", {"group": membership.group})
    return True


# Meetings


def _check_times(starts_at, ends_at):
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")}, code="ends_before_start")


def _check_fields(fields):
    """What any caller passes must fit the columns (a place of 10,000 characters, a link
    that is not one), or the database would refuse it with an error page."""
    errors = {}
    for name, value in fields.items():
        try:
            Meeting._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            errors[name] = error.error_list
    if errors:
        raise ValidationError(errors)


MEETING_FIELDS = ("title", "agenda", "starts_at", "ends_at", "location", "online_url", "capacity")


@transaction.atomic
def create_meeting(group, *, actor, notify=True, **fields):
    _check_fields(fields)
    _check_times(fields["starts_at"], fields["ends_at"])
    meeting = Meeting.objects.create(group=group, created_by=actor, **fields)
    ActionLog.record(meeting, "meeting.created", actor=actor)
    if notify:
        announce(kinds.MEETING_CREATED, meeting, actor=actor)
    return meeting


@transaction.atomic
def update_meeting(meeting, *, actor, **fields):
    """Change a meeting; if its time moves, everyone who answered is told and the
    reminders start afresh for the new time."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting has been cancelled."), code="cancelled")
    _check_fields(fields)
    _check_times(fields.get("starts_at", meeting.starts_at), fields.get("ends_at", meeting.ends_at))
    new_start = fields.get("starts_at", meeting.starts_at) != meeting.starts_at
    moved = new_start or fields.get("ends_at", meeting.ends_at) != meeting.ends_at
    for name, value in fields.items():
        setattr(meeting, name, value)
    if moved:
        meeting.sequence += 1
    if new_start:
        # Reminders are about the start: only a new start time earns new ones.
        MeetingReminder.objects.filter(meeting=meeting).delete()
    meeting.save(update_fields=[*fields, "sequence"])
    ActionLog.record(meeting, "meeting.updated", actor=actor, moved=moved)
    if moved:
        announce(kinds.MEETING_MOVED, meeting, actor=actor)
    return meeting


@transaction.atomic
def cancel_meeting(meeting, *, actor):
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        return False
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence"])
    ActionLog.record(meeting, "meeting.cancelled", actor=actor)
    announce(kinds.MEETING_CANCELLED, meeting, actor=actor)
    return True


@transaction.atomic
def answer_meeting(meeting, member, answer):
    """RSVP. A "yes" takes a seat: the meeting row is locked so two last-minute
    answers cannot both take the last seat."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting has been cancelled."), code="cancelled")
    if meeting.is_past:
        raise ValidationError(_("This meeting is over."), code="past")
    if answer not in Answer.values:
        raise ValidationError(_("Choose yes, maybe or no."), code="answer")
    if answer == Answer.YES and meeting.capacity is not None:
        taken = meeting.rsvps.filter(answer=Answer.YES).exclude(member=member).count()
        if taken >= meeting.capacity:
            raise ValidationError(_("This meeting is full: you can still answer maybe."), code="full")
    rsvp, _created = RSVP.objects.update_or_create(meeting=meeting, member=member, defaults={"answer": answer})
    ActionLog.record(meeting, "meeting.answered", actor=member, answer=answer)
    return rsvp


@transaction.atomic
def save_minutes(meeting, *, actor, minutes):
    meeting.minutes = minutes
    meeting.minutes_updated_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_updated_at"])
    ActionLog.record(meeting, "meeting.minutes_saved", actor=actor)
    return meeting


# Date polls


@transaction.atomic
def create_poll(group, *, actor, title, closes_at, slots, description="", duration=timedelta(hours=2)):
    now = timezone.now()
    slots = sorted(set(slots))
    errors = {}
    if not MIN_SLOTS <= len(slots) <= MAX_SLOTS:
        errors["slots"] = _("Propose from %(min)d to %(max)d different dates.") % {"min": MIN_SLOTS, "max": MAX_SLOTS}
    elif slots[0] <= now:
        errors["slots"] = _("Every proposed date must be in the future.")
    if closes_at <= now:
        errors["closes_at"] = _("The poll must close in the future.")
    elif slots and closes_at > slots[0]:
        errors["closes_at"] = _("The poll must close before the first proposed date.")
    if errors:
        raise ValidationError(errors)
    poll = DatePoll.objects.create(
        group=group, title=title, description=description, duration=duration, closes_at=closes_at, created_by=actor
    )
    DateSlot.objects.bulk_create(DateSlot(poll=poll, starts_at=start) for start in slots)
    ActionLog.record(poll, "poll.created", actor=actor, slots=len(slots))
    announce(kinds.POLL_CREATED, poll, actor=actor)
    return poll


@transaction.atomic
def vote(poll, member, answers):
    """Record a member's answers: {slot id: "yes" | "maybe" | "no"}. Slots left out keep
    their previous answer."""
    poll = DatePoll.objects.select_for_update().get(pk=poll.pk)
    if not poll.is_open:
        raise ValidationError(_("This poll is closed: votes can no longer change."), code="closed")
    slots = {slot.pk: slot for slot in poll.slots.all()}
    for slot_id, answer in answers.items():
        if slot_id not in slots or answer not in Answer.values:
            raise ValidationError(_("That answer does not belong to this poll."), code="bad_answer")
    # The tallies stored on the slots and the poll move with each answer, in this transaction
    # and under the poll's lock taken above, so concurrent voters never lose a count.
    before = dict(DateVote.objects.filter(slot__poll=poll, member=member).values_list("slot_id", "answer"))
    for slot_id, answer in answers.items():
        previous = before.get(slot_id)
        if previous == answer:
            continue
        counts = {f"{answer}_count": F(f"{answer}_count") + 1}
        if previous is None:
            DateVote.objects.create(slot=slots[slot_id], member=member, answer=answer)
        else:
            DateVote.objects.filter(slot=slot_id, member=member).update(answer=answer)
            counts[f"{previous}_count"] = F(f"{previous}_count") - 1
        DateSlot.objects.filter(pk=slot_id).update(**counts)
    if answers and not before:
        DatePoll.objects.filter(pk=poll.pk).update(voter_count=F("voter_count") + 1)
    ActionLog.record(poll, "poll.voted", actor=member)


@transaction.atomic
def close_poll(poll, slot, *, actor, location="", online_url=""):
    """A facilitator closes the poll on a date, saying where the group meets: the meeting
    is created and the group told."""
    poll = DatePoll.objects.select_for_update().get(pk=poll.pk)
    if poll.status != PollStatus.OPEN:
        raise ValidationError(_("This poll is already closed."), code="closed")
    if slot.poll_id != poll.pk:
        raise ValidationError(_("That date does not belong to this poll."), code="bad_slot")
    if slot.starts_at <= timezone.now():
        raise ValidationError(_("That date is already past: choose another one."), code="past_slot")
    # A slot stored before dates were bounded (9999-12-31) would give a meeting that
    # cannot even end within Python's calendar.
    validate_sane_date(slot.starts_at)
    meeting = create_meeting(
        poll.group,
        actor=actor,
        notify=False,
        title=poll.title,
        agenda=poll.description,
        starts_at=slot.starts_at,
        ends_at=slot.starts_at + poll.duration,
        location=location,
        online_url=online_url,
    )
    poll.status, poll.chosen_slot, poll.meeting = PollStatus.CLOSED, slot, meeting
    poll.save(update_fields=["status", "chosen_slot", "meeting"])
    ActionLog.record(poll, "poll.closed", actor=actor, slot=slot.pk, meeting=meeting.pk)
    # The facilitator who closed it is told too: the e-mail carries the meeting's details.
    announce(kinds.POLL_CLOSED, poll)
    return meeting


@transaction.atomic
def cancel_poll(poll, *, actor):
    """Close a poll without choosing a date (no date suits, or every date has passed)."""
    poll = DatePoll.objects.select_for_update().get(pk=poll.pk)
    if poll.status != PollStatus.OPEN:
        return False
    poll.status = PollStatus.CANCELLED
    poll.save(update_fields=["status"])
    ActionLog.record(poll, "poll.cancelled", actor=actor)
    return True


# Reminders (run by the periodic scan; safe to run twice, or on two workers at once)


def _claim(model, **fields):
    """Insert the row that says "this reminder is sent". Only the first inserter wins."""
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return False
    return True


def send_due_reminders(due, *, claim_model, subject_field, template, now=None):
    """The reminder scan that meetings and course sessions share. For each kind of reminder
    (REMINDER_WINDOWS), `due(kind, after, until)` yields (event, members): an event starting
    in that window and who is to be reminded of it (without those who turned this kind off
    in REMINDER_PREFERENCE, or were already reminded). Each reminder is claimed by inserting
    `claim_model(<subject_field>=event, member, kind)`, in the same transaction as its
    outbox e-mail `<template>_<kind>`, which reads the event as `subject_field`."""
    now = now or timezone.now()
    sent = 0
    for kind, (nearest, farthest) in REMINDER_WINDOWS.items():
        for event, members in due(kind, now + nearest, now + farthest):
            for member in members:
                with transaction.atomic():
                    if _claim(claim_model, **{subject_field: event, "member": member, "kind": kind}):
                        queue_email(member, f"{template}_{kind}", {subject_field: event})
                        sent += 1
    return sent


def _meetings_due(kind, after, until):
    meetings = Meeting.objects.starting_between(after, until).filter(group__archived_at=None).select_related("group")
    for meeting in meetings:
        said_no = meeting.rsvps.filter(answer=Answer.NO).values("member")
        memberships = (
            Membership.objects.taking_part()
            .filter(group=meeting.group)
            .exclude(member__in=said_no)
            .exclude(**{f"member__notification_preferences__{REMINDER_PREFERENCE[kind]}": False})
            .exclude(member__in=MeetingReminder.objects.filter(meeting=meeting, kind=kind).values("member"))
            .select_related("member")
        )
        yield meeting, [membership.member for membership in memberships]


def send_due_meeting_reminders(now=None):
    return send_due_reminders(
        _meetings_due, claim_model=MeetingReminder, subject_field="meeting", template="groups/email/reminder", now=now
    )


def send_due_poll_reminders(now=None):
    now = now or timezone.now()
    sent = 0
    polls = DatePoll.objects.open().filter(
        closes_at__gt=now, closes_at__lte=now + POLL_REMINDER_LEAD, group__archived_at=None
    )
    for poll in polls.select_related("group"):
        voters = DateVote.objects.filter(slot__poll=poll).values("member")
        memberships = (
            Membership.objects.taking_part()
            .filter(group=poll.group)
            .exclude(member__in=voters)
            .exclude(member__notification_preferences__poll_reminder=False)
            .exclude(member__in=PollReminder.objects.filter(poll=poll).values("member"))
            .select_related("member")
        )
        for membership in memberships:
            with transaction.atomic():
                if _claim(PollReminder, poll=poll, member=membership.member):
                    queue_email(membership.member, "groups/email/poll_reminder", {"poll": poll})
                    sent += 1
    return sent


# Documents


@atomic_with_files
def add_document(group, *, actor, title, visibility, description="", upload=None, url="", meeting=None):
    if bool(upload) == bool(url):
        raise ValidationError(_("Attach a file or give a link (one of the two)."), code="file_or_link")
    document = Document(
        group=group,
        meeting=meeting,
        title=title,
        description=description,
        visibility=visibility,
        url=url,
        uploaded_by=actor,
    )
    if upload:
        document.content_type, document.size = check_upload(upload), upload.size
        save_upload(document.file, _safe_name(upload.name, document.content_type), upload)
    document.save()
    ActionLog.record(document, "document.added", actor=actor)
    return document


def check_upload(upload):
    """The file's real type, or a ValidationError (on the "file" field) saying why it is refused."""
    # The code goes on the inner error: ValidationError ignores `code` next to a dict.
    if upload.size > filetypes.MAX_DOCUMENT_SIZE:
        raise ValidationError({"file": ValidationError(_("The file is larger than 20 MB."), code="too_large")})
    mime = filetypes.sniff(upload)
    if mime is None:
        message = _("This kind of file cannot be shared: use PDF, ODT/ODS, DOCX/XLSX or an image.")
        raise ValidationError({"file": ValidationError(message, code="file_type")})
    return mime


def _safe_name(name, mime):
    """Keep the person's file name, but with the extension its content deserves."""
    stem = (name or "").rsplit("/", 1)[-1].rsplit(".", 1)[0][:100]
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:  # nothing usable left, e.g. "###.pdf"
        stem = "documento"
    return f"{stem}.{filetypes.EXTENSIONS[mime]}"
