"""Every write in training: courses and their states, enrolment and the waiting list,
sessions, attendance, ratings, the call for trainers and training interests. One function
per change of state; each checks the rule, saves, logs and queues the e-mails it causes,
in one transaction.

Seats are never oversold. Every function that takes, holds or frees a seat first locks the
course row (SELECT ... FOR UPDATE), always before any enrolment row, and counts the seats
held (confirmed and offered) under that lock: the decision never reads a stored number. The
course row also stores the seats held, the waiting list and the first and last session for
the lists (Course.seats_taken and the others): each enrolment or session write recounts them
in its own transaction, under the same lock (training/signals.py; the update()s below call
`recount` themselves). Offers are also claimed row by row with a
conditional UPDATE (state still "offered", deadline passed or not), so an acceptance and
the lapse scan can never both win the same offer.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from groups.ics import personal_feeds_changed
from groups.services import REMINDER_PREFERENCE, send_due_reminders
from members.enums import MemberStatus
from members.models import ActionLog
from notifications.services import notify, queue_email
from training import kinds, permissions
from training.enums import COURSE_TRANSITIONS, Audience, CourseState, EnrolmentState, ProposalState
from training.models import (
    RESERVED_SLUGS,
    Attendance,
    Course,
    CourseTrainer,
    Enrolment,
    Feedback,
    InterestNotice,
    ProposalReview,
    Session,
    SessionReminder,
    TrainerProposal,
    TrainingInterest,
)
from training.signals import recount

# Ratings open when the last session ends and stay open (and editable) this long: long
# enough for a busy freelancer, short enough that what trainers read is settled.
FEEDBACK_WINDOW = timedelta(days=30)
# Fields of a session that calendar programs and participants must hear about.
SESSION_TIMES = ("starts_at", "ends_at")
SESSION_WHERE = ("location", "online_url")


def _locked(course):
    return Course.objects.select_for_update().get(pk=course.pk)


def _seats_held(course):
    """Call with the course row locked."""
    return Enrolment.objects.filter(course=course).holding_seat().count()


def first_session_start(course):
    return course.sessions.order_by("starts_at").values_list("starts_at", flat=True).first()


def last_session_end(course):
    return course.sessions.aggregate(last=Max("ends_at"))["last"]


def enrolment_closes_at(course, first_start=None):
    """The end of the enrolment window: the date staff set, else the start of the first session."""
    return course.enrolment_closes_at or first_start or first_session_start(course)


def enrolment_closed_reason(course, now=None, *, first_start=None):
    """Why nobody can enrol now (a sentence), or None while enrolment is open."""
    now = now or timezone.now()
    if course.state == CourseState.CANCELLED:
        return _("This course has been cancelled.")
    if course.state != CourseState.PUBLISHED:
        return _("Enrolment for this course is closed.")
    if course.enrolment_opens_at is not None and now < course.enrolment_opens_at:
        return _("Enrolment for this course is not open yet.")
    closes = enrolment_closes_at(course, first_start)
    if closes is not None and now >= closes:
        return _("Enrolment for this course has closed.")
    return None


def _notify_enrolment(enrolment, template):
    context = {"enrolment": enrolment, "course": enrolment.course}
    notify([enrolment.member], kinds.ENROLMENT, enrolment, context, template=f"training/email/{template}")


# Enrolment and the waiting list


ALREADY = {
    EnrolmentState.CONFIRMED: gettext_lazy("You are already enrolled in this course."),
    EnrolmentState.WAITLISTED: gettext_lazy("You are already on the waiting list of this course."),
    EnrolmentState.OFFERED: gettext_lazy("A seat is already offered to you: accept it on the course page."),
}


@transaction.atomic
def enrol(course, member, *, now=None):
    """Take a seat while one is free and nobody waits; else join the end of the waiting list."""
    now = now or timezone.now()
    course = _locked(course)
    refusal = permissions.enrolment_refusal(member, course) or enrolment_closed_reason(course, now)
    if refusal:
        raise ValidationError(refusal, code="refused")
    existing = Enrolment.objects.live().filter(course=course, member=member).first()
    if existing is not None:
        raise ValidationError(str(ALREADY[existing.state]), code="already")
    # Nobody jumps the queue: with people waiting, a free seat is theirs (it is being offered).
    free = course.capacity - _seats_held(course)
    waiting = Enrolment.objects.filter(course=course).waiting_list().exists()
    confirmed = free > 0 and not waiting
    enrolment = Enrolment.objects.create(
        course=course,
        member=member,
        state=EnrolmentState.CONFIRMED if confirmed else EnrolmentState.WAITLISTED,
        queued_at=now,
        confirmed_at=now if confirmed else None,
        price=course.price_for(member),
    )
    ActionLog.record(enrolment, f"enrolment.{enrolment.state}", actor=member)
    _notify_enrolment(enrolment, "confirmed" if confirmed else "waitlisted")
    return enrolment


def waiting_position(enrolment):
    """1 for the first on the waiting list."""
    ahead = (
        Enrolment.objects.filter(course=enrolment.course_id)
        .waiting_list()
        .filter(Q(queued_at__lt=enrolment.queued_at) | Q(queued_at=enrolment.queued_at, pk__lt=enrolment.pk))
    )
    return ahead.count() + 1


def _offer_free_seats(course, now):
    """Call with the course row locked: each free seat goes, as an offer, to the next on the
    waiting list. Nothing is offered in a course that is not open or has already begun."""
    if course.state != CourseState.PUBLISHED:
        return []
    first_start = first_session_start(course)
    if first_start is not None and first_start <= now:
        return []
    free = course.capacity - _seats_held(course)
    if free <= 0:
        return []
    offered = list(Enrolment.objects.filter(course=course).waiting_list().select_related("member")[:free])
    for enrolment in offered:
        enrolment.state = EnrolmentState.OFFERED
        enrolment.offered_at = now
        enrolment.offer_expires_at = now + timedelta(hours=course.offer_hours)
        enrolment.course = course
        enrolment.save(update_fields=["state", "offered_at", "offer_expires_at"])
        ActionLog.record(enrolment, "enrolment.offered", expires_at=enrolment.offer_expires_at.isoformat())
        _notify_enrolment(enrolment, "offer")
    return offered


@transaction.atomic
def cancel_enrolment(enrolment, *, actor, now=None):
    """The person gives up their seat, their offer or their place on the waiting list; a seat
    they held is offered to the next person waiting."""
    now = now or timezone.now()
    course = _locked(enrolment.course)
    enrolment = Enrolment.objects.select_related("member").get(pk=enrolment.pk)
    if enrolment.state not in EnrolmentState.LIVE:
        return False
    previous = enrolment.state
    enrolment.state, enrolment.ended_at = EnrolmentState.CANCELLED, now
    enrolment.save(update_fields=["state", "ended_at"])
    ActionLog.record(enrolment, "enrolment.cancelled", actor=actor, previous=previous)
    if previous in EnrolmentState.HOLDING_SEAT:
        _offer_free_seats(course, now)
    return True


@transaction.atomic
def accept_offer(enrolment, member, *, now=None):
    now = now or timezone.now()
    course = _locked(enrolment.course)
    if course.state != CourseState.PUBLISHED:
        raise ValidationError(enrolment_closed_reason(course, now), code="closed")
    refusal = permissions.enrolment_refusal(member, course)
    if refusal:
        raise ValidationError(refusal, code="refused")
    # The claim: only an offer still open and still in time becomes a seat. The lapse scan
    # claims the same row with the opposite condition on the deadline.
    accepted = Enrolment.objects.filter(
        pk=enrolment.pk, member=member, state=EnrolmentState.OFFERED, offer_expires_at__gt=now
    ).update(state=EnrolmentState.CONFIRMED, confirmed_at=now)
    personal_feeds_changed()  # an update() sends no signal: the course joins the member's feed
    recount([course.pk])
    if accepted != 1:
        current = Enrolment.objects.get(pk=enrolment.pk)
        if current.state in (EnrolmentState.OFFERED, EnrolmentState.EXPIRED):
            raise ValidationError(
                _("This offer has expired: the seat goes to the next person on the waiting list."), code="expired"
            )
        raise ValidationError(_("There is no open offer for you in this course."), code="no_offer")
    enrolment = Enrolment.objects.select_related("member", "course").get(pk=enrolment.pk)
    ActionLog.record(enrolment, "enrolment.offer_accepted", actor=member)
    _notify_enrolment(enrolment, "confirmed")
    return enrolment


def lapse_expired_offers(now=None):
    """The periodic scan: each offer past its deadline expires, once, and its seat is offered
    to the next person waiting, in the same transaction. Safe to run twice or on two workers."""
    now = now or timezone.now()
    lapsed = 0
    for pk, course_id in Enrolment.objects.lapsed_offers(now).values_list("pk", "course_id"):
        with transaction.atomic():
            course = Course.objects.select_for_update().get(pk=course_id)
            claimed = (
                Enrolment.objects.lapsed_offers(now).filter(pk=pk).update(state=EnrolmentState.EXPIRED, ended_at=now)
            )
            if claimed != 1:
                continue  # accepted in time, or another scan took it
            recount([course.pk])  # an update() sends no signal
            personal_feeds_changed()  # an update() sends no signal: the dashboard lists live seats and offers
            enrolment = Enrolment.objects.select_related("member", "course").get(pk=pk)
            ActionLog.record(enrolment, "enrolment.expired")
            if course.state == CourseState.PUBLISHED:
                _notify_enrolment(enrolment, "offer_expired")
            _offer_free_seats(course, now)
            lapsed += 1
    return lapsed


@transaction.atomic
def release_unpaid_seat(enrolment, *, actor, now=None):
    """Staff free a confirmed seat that was never paid; the next person waiting is offered it."""
    now = now or timezone.now()
    course = _locked(enrolment.course)
    enrolment = Enrolment.objects.select_related("member", "course").get(pk=enrolment.pk)
    if enrolment.state != EnrolmentState.CONFIRMED:
        raise ValidationError(_("Only a confirmed seat can be released."), code="not_confirmed")
    if enrolment.is_paid:
        raise ValidationError(_("This seat is paid (or free): it cannot be released."), code="paid")
    enrolment.state, enrolment.ended_at = EnrolmentState.CANCELLED, now
    enrolment.save(update_fields=["state", "ended_at"])
    ActionLog.record(enrolment, "enrolment.released_unpaid", actor=actor)
    _notify_enrolment(enrolment, "seat_released")
    _offer_free_seats(course, now)
    return enrolment


@transaction.atomic
def clear_payment(enrolment, *, actor):
    """Staff undo a payment recorded by mistake."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.paid_at is None and enrolment.amount_paid is None:
        return False
    enrolment.amount_paid = enrolment.paid_at = None
    enrolment.save(update_fields=["amount_paid", "paid_at"])
    ActionLog.record(enrolment, "enrolment.payment_cleared", actor=actor)
    return True


@transaction.atomic
def record_payment(enrolment, *, actor, amount, paid_at=None):
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.state != EnrolmentState.CONFIRMED:
        raise ValidationError(_("Payments are recorded for confirmed seats only."), code="not_confirmed")
    if amount is None or amount < 0:
        raise ValidationError(_("Write the amount paid, in euros."), code="amount")
    enrolment.amount_paid, enrolment.paid_at = amount, paid_at or timezone.now()
    enrolment.save(update_fields=["amount_paid", "paid_at"])
    ActionLog.record(enrolment, "enrolment.paid", actor=actor, amount=str(amount))
    return enrolment


# Courses


def check_capacity(course, capacity):
    """Call with the course row locked (the admin's form does, in the transaction that saves)."""
    held = _seats_held(course)
    if capacity is not None and capacity < held:
        message = ngettext(
            "%(held)d seat is already taken or offered: the course cannot have fewer seats.",
            "%(held)d seats are already taken or offered: the course cannot have fewer seats.",
            held,
        )
        raise ValidationError(message % {"held": held}, code="capacity_below_seats")


def lock_for_edit(course):
    """Lock the course row until the end of the transaction that edits it (the admin's form)."""
    return _locked(course)


@transaction.atomic
def save_course(course, *, actor, changed, now=None):
    """After staff edit a course (admin): log it, and if seats were added, offer them."""
    now = now or timezone.now()
    locked = _locked(course) if course.pk else None
    if locked is not None:
        check_capacity(locked, course.capacity)
    created = course.pk is None
    course.save()
    ActionLog.record(course, "course.created" if created else "course.updated", actor=actor, fields=sorted(changed))
    if not created and "capacity" in changed:
        _offer_free_seats(course, now)
    return course


@transaction.atomic
def set_course_state(course, new_state, *, actor, now=None):
    now = now or timezone.now()
    course = _locked(course)
    if course.state == new_state:
        return False
    if new_state not in COURSE_TRANSITIONS[course.state]:
        raise ValidationError(
            _("A course that is %(current)s cannot become %(new)s.")
            % {"current": course.get_state_display().lower(), "new": CourseState(new_state).label.lower()},
            code="transition",
        )
    if new_state == CourseState.PUBLISHED and not course.sessions.exists():
        raise ValidationError(_("Add at least one session before publishing the course."), code="no_sessions")
    previous, course.state = course.state, new_state
    if new_state == CourseState.PUBLISHED and course.published_at is None:
        course.published_at = now
    course.save(update_fields=["state", "published_at"])
    ActionLog.record(course, f"course.{new_state}", actor=actor, previous=previous)
    if new_state == CourseState.PUBLISHED:
        tell_interested_members(course)
        _offer_free_seats(course, now)
    elif new_state == CourseState.CANCELLED:
        _cancel_course(course, now)
    return True


def _cancel_course(course, now):
    """Who held a seat keeps it on record and is told; offers and the waiting list end.
    The sessions' revision rises, so calendar programs show them cancelled."""
    Session.objects.filter(course=course).update(sequence=F("sequence") + 1)
    personal_feeds_changed()  # an update() sends no signal
    enrolments = list(Enrolment.objects.filter(course=course).live().select_related("member"))
    for enrolment in enrolments:
        enrolment.course = course
        if enrolment.state != EnrolmentState.CONFIRMED:
            enrolment.state, enrolment.ended_at = EnrolmentState.CANCELLED, now
            enrolment.save(update_fields=["state", "ended_at"])
        _notify_enrolment(enrolment, "course_cancelled")


@transaction.atomic
def save_session(session, *, actor, changed):
    """A session added or changed by staff. A new time or place raises its revision for
    calendar programs and is told to who holds a seat; a new start time earns new reminders."""
    created = session.pk is None
    moved = not created and bool(set(changed) & set(SESSION_TIMES + SESSION_WHERE))
    if moved:
        session.sequence += 1
    session.save()
    if not created and "starts_at" in changed:
        SessionReminder.objects.filter(session=session).delete()
    ActionLog.record(session, "session.created" if created else "session.updated", actor=actor, moved=moved)
    if moved and session.course.state == CourseState.PUBLISHED:
        enrolments = Enrolment.objects.filter(course=session.course_id).confirmed().select_related("member")
        for enrolment in enrolments:
            queue_email(enrolment.member, "training/email/session_moved", {"session": session})
    return session


# Session reminders: the meetings' scan, windows, preferences and claim rows.


def _sessions_due(kind, after, until):
    sessions = Session.objects.starting_between(after, until).select_related("course")
    for session in sessions:
        enrolments = (
            Enrolment.objects.filter(course=session.course_id)
            .confirmed()
            .exclude(**{f"member__notification_preferences__{REMINDER_PREFERENCE[kind]}": False})
            .exclude(member__in=SessionReminder.objects.filter(session=session, kind=kind).values("member"))
            .select_related("member")
        )
        yield session, [enrolment.member for enrolment in enrolments]


def send_due_session_reminders(now=None):
    return send_due_reminders(
        _sessions_due, claim_model=SessionReminder, subject_field="session", template="training/email/reminder", now=now
    )


# Attendance and ratings


@transaction.atomic
def mark_attendance(session, *, actor, present, now=None):
    """`present`: the enrolment ids of who came; every other confirmed participant is absent."""
    now = now or timezone.now()
    if session.starts_at > now:
        raise ValidationError(_("Attendance can be marked once the session has started."), code="future")
    enrolments = Enrolment.objects.filter(course=session.course_id).confirmed()
    came = 0
    for enrolment in enrolments:
        here = enrolment.pk in present
        came += here
        Attendance.objects.update_or_create(
            session=session, enrolment=enrolment, defaults={"present": here, "marked_by": actor}
        )
    ActionLog.record(session, "session.attendance_marked", actor=actor, present=came)
    return came


def feedback_open_reason(course, member, now=None, *, last_end=None):
    """Why this person cannot rate the course now (a sentence), or None."""
    now = now or timezone.now()
    if not Enrolment.objects.filter(course=course, member=member).confirmed().exists():
        return _("Only who took part in the course can rate it.")
    last_end = last_end or last_session_end(course)
    if last_end is None or last_end > now:
        return _("You can rate the course after its last session.")
    if now > last_end + FEEDBACK_WINDOW:
        return _("Ratings for this course closed 30 days after its last session.")
    return None


@transaction.atomic
def rate_course(course, member, *, rating, comment="", now=None):
    """One rating per person and course, which they may change while ratings are open."""
    refusal = feedback_open_reason(course, member, now)
    if refusal:
        raise ValidationError(refusal, code="closed")
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")}, code="rating")
    feedback, created = Feedback.objects.update_or_create(
        course=course, member=member, defaults={"rating": rating, "comment": comment}
    )
    ActionLog.record(feedback, "feedback.given" if created else "feedback.changed", actor=member, rating=rating)
    return feedback


def ask_for_feedback(now=None):
    """The periodic scan: after a course's last session, each participant is asked once for
    a rating; the request is claimed on the enrolment row (feedback_requested_at)."""
    now = now or timezone.now()
    last_end = (
        Session.objects.filter(course=OuterRef("course"))
        .order_by()
        .values("course")
        .annotate(last=Max("ends_at"))
        .values("last")
    )
    due = (
        Enrolment.objects.confirmed()
        .filter(feedback_requested_at=None, course__state__in=CourseState.TAKING_PLACE)
        .annotate(last_end=Subquery(last_end))
        .filter(last_end__lte=now, last_end__gt=now - FEEDBACK_WINDOW)
    )
    asked = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            if Enrolment.objects.filter(pk=pk, feedback_requested_at=None).update(feedback_requested_at=now) != 1:
                continue
            enrolment = Enrolment.objects.select_related("member", "course").get(pk=pk)
            if not Feedback.objects.filter(course=enrolment.course_id, member=enrolment.member_id).exists():
                _notify_enrolment(enrolment, "feedback_request")
                asked += 1
    return asked


# Call for trainers


@transaction.atomic
def propose_course(member, *, topic, area, outline, format, bio, skills=(), expected_fee=None):
    if not permissions.can_propose(member):
        raise ValidationError(_("Only verified members can propose a course."), code="not_verified")
    proposal = TrainerProposal.objects.create(
        proposer=member, topic=topic, area=area, outline=outline, format=format, bio=bio, expected_fee=expected_fee
    )
    proposal.skills.set(skills)
    ActionLog.record(proposal, "proposal.submitted", actor=member)
    queue_email(member, "training/email/proposal_received", {"proposal": proposal})
    for membership in permissions.training_facilitators().select_related("member"):
        if membership.member_id != member.pk:
            queue_email(membership.member, "training/email/proposal_to_review", {"proposal": proposal})
    return proposal


def _undecided(proposal, actor):
    proposal = TrainerProposal.objects.select_for_update().select_related("proposer").get(pk=proposal.pk)
    if proposal.state != ProposalState.SUBMITTED:
        raise ValidationError(_("This proposal has already been decided."), code="decided")
    if proposal.proposer_id == actor.pk:
        raise ValidationError(_("Your own proposal is reviewed and decided by the others."), code="own")
    return proposal


@transaction.atomic
def review_proposal(proposal, reviewer, *, score, comment=""):
    proposal = _undecided(proposal, reviewer)
    if score not in range(1, 6):
        raise ValidationError({"score": _("Choose a score from 1 to 5.")}, code="score")
    review, _created = ProposalReview.objects.update_or_create(
        proposal=proposal, reviewer=reviewer, defaults={"score": score, "comment": comment}
    )
    ActionLog.record(proposal, "proposal.reviewed", actor=reviewer, score=score)
    return review


def _free_slug(title):
    base = slugify(title)[:140].strip("-") or "corso"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Course.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def accept_proposal(proposal, *, actor, note=""):
    """The proposal becomes a draft course with what it says already filled in; staff add
    sessions, seats and price and publish it. The proposer is told."""
    proposal = _undecided(proposal, actor)
    fee = (
        _("Expected fee in the proposal: € %(fee)s.") % {"fee": proposal.expected_fee} if proposal.expected_fee else ""
    )
    course = Course.objects.create(
        title=proposal.topic,
        slug=_free_slug(proposal.topic),
        area=proposal.area,
        summary=Truncator(" ".join(proposal.outline.split())).chars(300),
        description=proposal.outline,
        format=proposal.format,
        audience=Audience.MEMBERS,
        internal_notes=fee,
        proposal=proposal,
        created_by=actor,
    )
    course.skills.set(proposal.skills.all())
    CourseTrainer.objects.create(course=course, member=proposal.proposer, bio=proposal.bio)
    proposal.state, proposal.decision_note = ProposalState.ACCEPTED, note
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
    ActionLog.record(proposal, "proposal.accepted", actor=actor, course=course.pk)
    ActionLog.record(course, "course.created", actor=actor, proposal=proposal.pk)
    queue_email(proposal.proposer, "training/email/proposal_accepted", {"proposal": proposal, "course": course})
    return course


@transaction.atomic
def decline_proposal(proposal, *, actor, note):
    if not note.strip():
        raise ValidationError({"note": _("Tell the proposer why: they receive this text.")}, code="no_reason")
    proposal = _undecided(proposal, actor)
    proposal.state, proposal.decision_note = ProposalState.DECLINED, note
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
    ActionLog.record(proposal, "proposal.declined", actor=actor)
    queue_email(proposal.proposer, "training/email/proposal_declined", {"proposal": proposal})
    return proposal


# Training interests


@transaction.atomic
def save_interests(member, *, areas, skills, wish=""):
    interest, _created = TrainingInterest.objects.get_or_create(member=member)
    interest.wish = wish
    interest.save(update_fields=["wish", "updated_at"])
    interest.areas.set(areas)
    interest.skills.set(skills)
    ActionLog.record(interest, "training_interest.saved", actor=member)
    return interest


def interested_in(course):
    """Who said they want to learn the course's area or one of its skills, and may enrol."""
    through_areas = TrainingInterest.areas.through.objects.filter(sector=course.area_id)
    through_skills = TrainingInterest.skills.through.objects.filter(skill__in=course.skills.values("pk"))
    interests = TrainingInterest.objects.filter(
        Q(pk__in=through_areas.values("traininginterest")) | Q(pk__in=through_skills.values("traininginterest")),
        member__is_active=True,
    )
    if course.members_only:
        interests = interests.filter(member__status=MemberStatus.VERIFIED)
    return interests.exclude(member__in=Enrolment.objects.filter(course=course).live().values("member"))


def tell_interested_members(course):
    """A course opens: who asked to learn its area or skills is told, once per course.
    Each is told under the bell and, unless they turned this kind off, by e-mail."""
    told = 0
    for interest in interested_in(course).select_related("member"):
        try:
            with transaction.atomic():
                InterestNotice.objects.create(course=course, member=interest.member)
                notify([interest.member], kinds.COURSE_MATCHES_INTEREST, course, {"course": course})
        except IntegrityError:
            continue
        told += 1
    return told
