"""Every write about funding calls: following a call, candidacies and their state machine,
teams and open roles, the selection and its ranking, responsibilities, reporting,
lead-partner requests and the rules. Each function checks the rule, saves, logs and queues
the e-mails it causes, in one transaction."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from calls import kinds, permissions, ranking
from calls.enums import (
    CANDIDACY_TRANSITIONS,
    LEAD_REQUEST_TRANSITIONS,
    CallStatus,
    CandidacyState,
    LeadRequestState,
    MilestoneReminderKind,
    OfferState,
    RulesStatus,
    TaskOwner,
    TeamMemberState,
)
from calls.models import (
    CallFollower,
    CallReminder,
    Candidacy,
    CandidacyDocument,
    ConflictDeclaration,
    FundingCall,
    JoinOffer,
    LeadAssessment,
    LeadCriterion,
    LeadPartnerRequest,
    MilestoneReminder,
    OpenRole,
    RankingEntry,
    ReportingMilestone,
    ResponsibilityTask,
    ResponsibilityTemplateItem,
    RulesComment,
    RulesVersion,
    Score,
    TaskReminder,
    TeamMember,
)
from groups.filetypes import EXTENSIONS
from groups.services import _claim, check_upload
from members.models import ActionLog, Member
from notifications.services import notify, queue_email
from smartprogress.storage import atomic_with_files, save_upload

# A follower hears of a call's internal deadline once, this long before it.
DEADLINE_REMINDER_LEAD = timedelta(days=7)
# Reporting milestones are reminded a week and a day before they are due.
MILESTONE_REMINDER_LEADS = {
    MilestoneReminderKind.WEEK_BEFORE: timedelta(days=7),
    MilestoneReminderKind.DAY_BEFORE: timedelta(days=1),
}


# Who is told


def team_of(candidacy):
    """The applicant and the members who accepted, while they are verified members: the people
    the candidacy's page is for, so the only ones its e-mails go to."""
    accepted = TeamMember.objects.filter(candidacy=candidacy, state=TeamMemberState.ACCEPTED).values("member")
    return list(Member.objects.verified().filter(Q(pk=candidacy.applicant_id) | Q(pk__in=accepted)))


def project_team(project):
    if isinstance(project, Candidacy):
        return team_of(project)
    return list(Member.objects.verified().filter(pk=project.requester_id))


def _staff_for(project):
    """Who is reminded of the staff's tasks: the call's contact (or the staff member who
    accepted a lead-partner request), else every active member of the staff."""
    contact = project.call.staff_contact if isinstance(project, Candidacy) else project.decided_by
    if contact is not None and contact.is_active and contact.is_staff:
        return [contact]
    return list(Member.objects.filter(is_staff=True, is_active=True))


def _notify(members, template, context, *, skip=None):
    for member in members:
        if skip is None or member.pk != skip.pk:
            queue_email(member, template, context)


def _check_fields(instance, fields):
    """What a caller passes must fit the model's columns (lengths, bounded dates, amounts), or
    the database would refuse it with an error page."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.name not in fields])


def _store_file(field_file, upload):
    """Check the upload (type from its content, size, ZIP bombs) and save it under a name of
    our making with the extension its content deserves. Returns (content type, size)."""
    content_type = check_upload(upload)
    stem = slugify((upload.name or "").rsplit("/", 1)[-1].rsplit(".", 1)[0])[:80] or "documento"
    save_upload(field_file, f"{stem}.{EXTENSIONS[content_type]}", upload)
    return content_type, upload.size


# Calls


@transaction.atomic
def publish_call(call, *, actor):
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.DRAFT:
        return False
    call.status = CallStatus.OPEN
    call.published_at = timezone.now()
    call.save(update_fields=["status", "published_at"])
    ActionLog.record(call, "call.published", actor=actor)
    return True


@transaction.atomic
def archive_call(call, *, actor):
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    if call.status == CallStatus.ARCHIVED:
        return False
    previous = call.status
    call.status = CallStatus.ARCHIVED
    call.save(update_fields=["status"])
    ActionLog.record(call, "call.archived", actor=actor, previous=previous)
    return True


def follow_call(call, member):
    _follower, created = CallFollower.objects.get_or_create(call=call, member=member)
    if created:
        ActionLog.record(call, "call.followed", actor=member)
    return created


def unfollow_call(call, member):
    deleted, _rows = CallFollower.objects.filter(call=call, member=member).delete()
    if deleted:
        ActionLog.record(call, "call.unfollowed", actor=member)
    return bool(deleted)


# Candidacies


def _teams_in_call(call, member):
    """The member's live candidacies in the call, as applicant or accepted team member."""
    return Candidacy.objects.with_member(member).filter(call=call, state__in=CandidacyState.LIVE)


def _check_one_per_member(call, members, *, exclude=None):
    if not call.one_per_member:
        return
    for member in members:
        others = _teams_in_call(call, member)
        if exclude is not None:
            others = others.exclude(pk=exclude.pk)
        if others.exists():
            raise ValidationError(
                _("%(member)s is already on the team of a candidacy for this call, which allows one per member.")
                % {"member": member},
                code="one_per_member",
            )


def _check_accepting(call):
    if call.status != CallStatus.OPEN or call.internal_deadline <= timezone.now():
        raise ValidationError(
            _("This call no longer accepts candidacies: its internal deadline has passed."), code="deadline"
        )


@transaction.atomic
def start_candidacy(call, member, *, title, summary="", budget=None):
    """A verified member starts a draft candidacy."""
    # The call's row is the lock that serialises "one candidacy per member".
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    if not member.is_verified_member:
        raise ValidationError(_("Only verified members can apply to a call."), code="not_verified")
    _check_accepting(call)
    _check_one_per_member(call, [member])
    candidacy = Candidacy(call=call, applicant=member)
    _check_fields(candidacy, {"title": title, "summary": summary, "budget": budget})
    candidacy.save()
    ActionLog.record(candidacy, "candidacy.started", actor=member)
    return candidacy


def _check_editable(candidacy):
    if candidacy.state == CandidacyState.WITHDRAWN:
        raise ValidationError(_("This candidacy has been withdrawn: it can no longer change."), code="withdrawn")
    if candidacy.state != CandidacyState.DRAFT:
        raise ValidationError(
            _("This candidacy has been submitted: it can no longer change. Write to the staff if something is wrong."),
            code="submitted",
        )


CANDIDACY_FIELDS = ("title", "summary", "budget", "declares_no_conflict", "accepts_ethics")


@transaction.atomic
def update_candidacy(candidacy, *, actor, **fields):
    candidacy = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    _check_editable(candidacy)
    fields = {name: value for name, value in fields.items() if name in CANDIDACY_FIELDS}
    _check_fields(candidacy, fields)
    candidacy.save(update_fields=[*fields, "updated_at"])
    ActionLog.record(candidacy, "candidacy.updated", actor=actor, fields=sorted(fields))
    return candidacy


@atomic_with_files
def upload_document(candidacy, requirement, upload, *, actor):
    """A file against a line of the call's checklist; a new upload replaces the old one."""
    candidacy = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    _check_editable(candidacy)
    if requirement.call_id != candidacy.call_id:
        raise ValidationError(_("That document is not on this call's checklist."), code="bad_requirement")
    document = CandidacyDocument(candidacy=candidacy, requirement=requirement, uploaded_by=actor)
    document.content_type, document.size = _store_file(document.file, upload)
    old = CandidacyDocument.objects.filter(candidacy=candidacy, requirement=requirement).first()
    if old is not None:
        old_file = old.file
        old.delete()
        # The old file goes only once the new row is safely in.
        transaction.on_commit(lambda: old_file.delete(save=False))
    document.save()
    ActionLog.record(candidacy, "candidacy.document_uploaded", actor=actor, requirement=requirement.pk)
    return document


@transaction.atomic
def invite_team_member(candidacy, member, *, actor, role=""):
    candidacy = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    if candidacy.state not in CandidacyState.LIVE or candidacy.state == CandidacyState.CLOSED:
        raise ValidationError(_("This candidacy no longer takes new team members."), code="closed")
    if not member.is_verified_member:
        raise ValidationError(_("Only verified members can join a team."), code="not_verified")
    if member.pk == candidacy.applicant_id or TeamMember.objects.filter(candidacy=candidacy, member=member).exists():
        raise ValidationError(_("%(member)s is already on this team, or invited.") % {"member": member}, code="already")
    team_member = TeamMember(candidacy=candidacy, member=member, invited_by=actor)
    _check_fields(team_member, {"role": role})
    team_member.save()
    ActionLog.record(candidacy, "candidacy.member_invited", actor=actor, member=member.pk)
    queue_email(member, "calls/email/team_invitation", {"candidacy": candidacy, "inviter": actor, "role": role})
    return team_member


@transaction.atomic
def answer_invitation(team_member, *, accept):
    team_member = TeamMember.objects.select_for_update().select_related("candidacy__call").get(pk=team_member.pk)
    if team_member.state != TeamMemberState.INVITED:
        return False
    candidacy = team_member.candidacy
    if accept:
        if candidacy.state not in CandidacyState.LIVE:
            raise ValidationError(_("This candidacy is no longer going ahead."), code="closed")
        FundingCall.objects.select_for_update().get(pk=candidacy.call_id)
        _check_one_per_member(candidacy.call, [team_member.member], exclude=candidacy)
    team_member.state = TeamMemberState.ACCEPTED if accept else TeamMemberState.DECLINED
    team_member.answered_at = timezone.now()
    team_member.save(update_fields=["state", "answered_at"])
    ActionLog.record(candidacy, f"candidacy.invitation_{team_member.state}", actor=team_member.member)
    queue_email(
        candidacy.applicant,
        "calls/email/invitation_answered",
        {"candidacy": candidacy, "team_member": team_member, "accepted": accept},
    )
    return True


# The state machine


def _check_submittable(candidacy):
    _check_accepting(candidacy.call)
    problems = []
    if candidacy.budget is None:
        problems.append(_("Give the budget of the project."))
    if not candidacy.summary.strip():
        problems.append(_("Describe the project in the summary."))
    if not candidacy.declares_no_conflict:
        problems.append(_("Declare that you have no conflict of interest."))
    if not candidacy.accepts_ethics:
        problems.append(_("Accept the ethical criteria of the call."))
    uploaded = set(candidacy.documents.values_list("requirement_id", flat=True))
    for requirement in candidacy.call.required_documents.all():
        if requirement.pk not in uploaded:
            problems.append(_("Upload the required document “%(name)s”.") % {"name": requirement.name})
    if problems:
        raise ValidationError(problems, code="incomplete")
    _check_one_per_member(candidacy.call, team_of(candidacy), exclude=candidacy)


def _check_room(candidacy):
    """Never more selected than the call allows, and while more are eligible than the limit
    only the published ranking selects; the call's row is locked by the caller."""
    limit = candidacy.call.max_candidacies
    if limit is None:
        return
    if not candidacy.call.ranking_is_published and limit_bites(candidacy.call):
        raise ValidationError(
            _("More candidacies are eligible than the call allows: the ranking decides which are selected."),
            code="ranking_decides",
        )
    taken = (
        Candidacy.objects.filter(call=candidacy.call_id, state__in=CandidacyState.SELECTED_OR_LATER)
        .exclude(pk=candidacy.pk)
        .count()
    )
    if taken >= limit:
        raise ValidationError(
            _("This call allows %(limit)d candidacies and %(taken)d are already selected.")
            % {"limit": limit, "taken": taken},
            code="full",
        )


def _check_reporting_done(candidacy):
    if candidacy.milestones.filter(signed_off_at__isnull=True).exists():
        raise ValidationError(
            _("Every reporting milestone must be signed off before the candidacy is closed."), code="reporting_open"
        )


def _make_checklist(project, items):
    deadline = project.deadline if isinstance(project, LeadPartnerRequest) else project.call.internal_deadline
    owner = {"lead_request": project} if isinstance(project, LeadPartnerRequest) else {"candidacy": project}
    ResponsibilityTask.objects.bulk_create(
        ResponsibilityTask(
            title=item.title,
            description=item.description,
            owner=item.owner,
            due_at=deadline - timedelta(days=item.days_before),
            **owner,
        )
        for item in items
    )


@transaction.atomic
def set_candidacy_state(candidacy, new, *, actor, reason="", promoted=False):
    """Move a candidacy along CANDIDACY_TRANSITIONS; every path through the machine passes here.

    It checks the move and the rule that guards its target (complete before submission, room
    under the limit before selection, a reason for "not eligible", reporting signed off before
    closing), saves, logs, and tells the team."""
    # The call first, then the candidacy: the order every writer takes, so none deadlocks.
    call = FundingCall.objects.select_for_update().get(pk=candidacy.call_id)
    candidacy = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    candidacy.call = call
    old = candidacy.state
    if new not in CANDIDACY_TRANSITIONS[old]:
        raise ValidationError(
            _("A candidacy cannot go from “%(old)s” to “%(new)s”.")
            % {"old": CandidacyState(old).label, "new": CandidacyState(new).label},
            code="transition",
        )
    reason = reason.strip()
    now = timezone.now()
    changed = ["state", "state_changed_at", "state_reason", "updated_at"]
    if new == CandidacyState.SUBMITTED:
        _check_submittable(candidacy)
        candidacy.submitted_at = now
        changed.append("submitted_at")
    elif new == CandidacyState.INELIGIBLE and not reason:
        raise ValidationError(_("Say why the candidacy is not eligible: the team reads it."), code="reason")
    elif new == CandidacyState.SELECTED:
        _check_room(candidacy)
        candidacy.selected_at = now
        changed.append("selected_at")
    elif new == CandidacyState.CLOSED:
        _check_reporting_done(candidacy)
    candidacy.state, candidacy.state_changed_at, candidacy.state_reason = new, now, reason
    candidacy.save(update_fields=changed)
    ActionLog.record(candidacy, f"candidacy.{new}", actor=actor, previous=old, reason=reason, promoted=promoted)
    if new == CandidacyState.SUBMITTED:
        _make_checklist(candidacy, call.responsibility_template.all())
    position = getattr(RankingEntry.objects.filter(candidacy=candidacy).first(), "position", None)
    context = {"candidacy": candidacy, "reason": reason, "promoted": promoted, "position": position}
    notify(
        [m for m in team_of(candidacy) if actor is None or m.pk != actor.pk], kinds.CANDIDACY_STATE, candidacy, context
    )
    if old == CandidacyState.SELECTED and new == CandidacyState.WITHDRAWN:
        _promote_next(call, actor=actor)
    return candidacy


def submit_candidacy(candidacy, *, actor):
    return set_candidacy_state(candidacy, CandidacyState.SUBMITTED, actor=actor)


def withdraw_candidacy(candidacy, *, actor, reason=""):
    return set_candidacy_state(candidacy, CandidacyState.WITHDRAWN, actor=actor, reason=reason)


def _promote_next(call, *, actor):
    """A selected candidacy withdrew: the first on the waiting list takes its place."""
    following = (
        Candidacy.objects.filter(call=call, state=CandidacyState.WAITLISTED).order_by("ranking_entry__position").first()
    )
    if following is not None:
        set_candidacy_state(following, CandidacyState.SELECTED, actor=actor, promoted=True)
    return following


# The selection


def _check_deadline_passed(call):
    if call.internal_deadline > timezone.now():
        raise ValidationError(
            _("Candidacies can still arrive until the internal deadline: the selection starts after it."),
            code="too_early",
        )


def _check_all_decided(call):
    undecided = call.candidacies.filter(state=CandidacyState.SUBMITTED).count()
    if undecided:
        raise ValidationError(
            _("%(count)d submitted candidacies still wait for the eligibility check.") % {"count": undecided},
            code="undecided",
        )


def limit_bites(call):
    return call.max_candidacies is not None and (
        call.candidacies.filter(state=CandidacyState.ELIGIBLE).count() > call.max_candidacies
    )


@transaction.atomic
def open_scoring(call, *, actor):
    """More candidacies are eligible than the call allows: reviewers score them. The draw's
    seed is made now and its hash published on the call's page, before any score is seen."""
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.OPEN:
        raise ValidationError(_("Scoring can open only once, on an open call."), code="status")
    _check_deadline_passed(call)
    if not limit_bites(call):
        raise ValidationError(
            _("No more candidacies are eligible than the call allows: select them all, no ranking is needed."),
            code="no_need",
        )
    if not call.criteria.exists():
        raise ValidationError(_("Give the call its selection criteria first."), code="no_criteria")
    call.draw_seed = secrets.token_hex(32)
    call.draw_seed_hash = ranking.seed_hash(call.draw_seed)
    call.scoring_opened_at = timezone.now()
    call.status = CallStatus.SCORING
    call.save(update_fields=["draw_seed", "draw_seed_hash", "scoring_opened_at", "status"])
    ActionLog.record(call, "call.scoring_opened", actor=actor, seed_hash=call.draw_seed_hash)
    return call


def _check_may_score(candidacy, reviewer):
    if candidacy.call.status != CallStatus.SCORING:
        raise ValidationError(_("Scoring is not open for this call."), code="not_scoring")
    standing = permissions.standing_in(reviewer, candidacy)
    if not standing.reviewer:
        raise ValidationError(_("Only the call's reviewers score its candidacies."), code="not_reviewer")
    if standing.conflicted:
        raise ValidationError(
            _("You have a conflict of interest with this candidacy: you cannot score it."), code="conflict"
        )
    if candidacy.state != CandidacyState.ELIGIBLE:
        raise ValidationError(_("Only eligible candidacies are scored."), code="not_eligible")


@transaction.atomic
def submit_scores(candidacy, reviewer, scores):
    """A reviewer's scores for every criterion: {criterion id: (score 0-5, comment)}."""
    candidacy = Candidacy.objects.select_related("call").get(pk=candidacy.pk)
    _check_may_score(candidacy, reviewer)
    criteria = {c.pk: c for c in candidacy.call.criteria.all()}
    if set(scores) != set(criteria):
        raise ValidationError(_("Score every criterion."), code="incomplete")
    for criterion_id, (value, comment) in scores.items():
        if not isinstance(value, int) or not ranking.MIN_SCORE <= value <= ranking.MAX_SCORE:
            raise ValidationError(
                _("“%(criterion)s”: a score goes from 0 to 5.") % {"criterion": criteria[criterion_id].name},
                code="out_of_range",
            )
        score = Score(candidacy=candidacy, reviewer=reviewer, criterion=criteria[criterion_id])
        _check_fields(score, {"value": value, "comment": comment})
    for criterion_id, (value, comment) in scores.items():
        Score.objects.update_or_create(
            candidacy=candidacy,
            reviewer=reviewer,
            criterion=criteria[criterion_id],
            defaults={"value": value, "comment": comment},
        )
    ActionLog.record(candidacy, "candidacy.scored", actor=reviewer)


@transaction.atomic
def declare_conflict(candidacy, reviewer, *, note=""):
    if not permissions.is_call_reviewer(reviewer, candidacy.call):
        raise ValidationError(_("Only the call's reviewers declare conflicts."), code="not_reviewer")
    declaration = ConflictDeclaration(candidacy=candidacy, reviewer=reviewer)
    _check_fields(declaration, {"note": note})
    try:
        with transaction.atomic():
            declaration.save()
    except IntegrityError:
        return False
    ActionLog.record(candidacy, "candidacy.conflict_declared", actor=reviewer)
    return True


def ranking_input(call, now):
    """The plain data the ranking is computed from, read from the database."""
    eligible = list(call.candidacies.filter(state=CandidacyState.ELIGIBLE))
    accepted = TeamMember.objects.filter(candidacy__in=eligible, state=TeamMemberState.ACCEPTED)
    teams = {candidacy.pk: {candidacy.applicant_id} for candidacy in eligible}
    for candidacy_id, member_id in accepted.values_list("candidacy_id", "member_id"):
        teams[candidacy_id].add(member_id)
    everyone = set().union(*teams.values()) if teams else set()
    # Selected elsewhere, by any member of any team: as applicant or accepted team member.
    elsewhere = (
        Candidacy.objects.exclude(call=call)
        .filter(state__in=CandidacyState.SELECTED_OR_LATER, selected_at__gte=now - ranking.RECENT_SELECTION)
        .filter(Q(applicant__in=everyone) | Q(team__member__in=everyone, team__state=TeamMemberState.ACCEPTED))
        .distinct()
    )
    previous = []
    for candidacy in elsewhere.prefetch_related("team"):
        members = {candidacy.applicant_id} | {
            t.member_id for t in candidacy.team.all() if t.state == TeamMemberState.ACCEPTED
        }
        previous += [(member, candidacy.selected_at) for member in members & everyone]
    return {
        "applicants": [
            ranking.Applicant(id=c.pk, public_id=str(c.public_id), team=frozenset(teams[c.pk])) for c in eligible
        ],
        "scores": [
            ranking.ReviewerScore(*row)
            for row in Score.objects.filter(candidacy__in=eligible).values_list(
                "reviewer_id", "candidacy_id", "criterion_id", "value"
            )
        ],
        "weights": dict(call.criteria.values_list("pk", "weight")),
        "conflicts": set(
            ConflictDeclaration.objects.filter(candidacy__in=eligible).values_list("reviewer_id", "candidacy_id")
        ),
        "previous_selections": previous,
    }


def compute_ranking(call, now=None):
    """The ranking as it would be published now (the staff's preview)."""
    now = now or timezone.now()
    data = ranking_input(call, now)
    return ranking.rank(
        data["applicants"],
        data["scores"],
        weights=data["weights"],
        conflicts=data["conflicts"],
        previous_selections=data["previous_selections"],
        limit=call.max_candidacies,
        seed=call.draw_seed,
        ranked_at=now,
    )


def _fraction_text(value):
    return "" if value is None else f"{value.numerator}/{value.denominator}"


@transaction.atomic
def publish_ranking(call, *, actor, now=None):
    """Staff confirm the ranking: the first ones are selected, the others wait in order, the
    seed is published and everyone who applied is told."""
    now = now or timezone.now()
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.SCORING:
        raise ValidationError(_("The ranking is published once, at the end of scoring."), code="status")
    _check_all_decided(call)
    result = compute_ranking(call, now)
    RankingEntry.objects.bulk_create(
        RankingEntry(
            call=call,
            candidacy_id=entry.candidacy,
            position=entry.position,
            score=_fraction_text(entry.score),
            criterion_scores={str(c): _fraction_text(mean) for c, mean in entry.criterion_means.items()},
            recently_selected=entry.recently_selected,
            draw_key=entry.draw_key,
            reason=entry.reason,
            selected=entry.selected,
        )
        for entry in result
    )
    call.status = CallStatus.DECIDED
    call.ranking_published_at = now
    call.save(update_fields=["status", "ranking_published_at"])
    ActionLog.record(call, "call.ranking_published", actor=actor, seed=call.draw_seed, entries=len(result))
    for entry in result:
        candidacy = Candidacy(pk=entry.candidacy, call=call)
        new = CandidacyState.SELECTED if entry.selected else CandidacyState.WAITLISTED
        set_candidacy_state(candidacy, new, actor=actor)
    return result


@transaction.atomic
def select_all_eligible(call, *, actor):
    """The limit does not bite: every eligible candidacy is selected, with no ranking."""
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.OPEN:
        raise ValidationError(_("This call's selection is already under way or over."), code="status")
    _check_deadline_passed(call)
    _check_all_decided(call)
    if limit_bites(call):
        raise ValidationError(
            _("More candidacies are eligible than the call allows: open the scoring."), code="limit_bites"
        )
    eligible = list(call.candidacies.filter(state=CandidacyState.ELIGIBLE))
    call.status = CallStatus.DECIDED
    call.save(update_fields=["status"])
    ActionLog.record(call, "call.all_selected", actor=actor, count=len(eligible))
    for candidacy in eligible:
        set_candidacy_state(candidacy, CandidacyState.SELECTED, actor=actor)
    return eligible


@transaction.atomic
def close_waiting_list(call, *, actor):
    """Nobody else can be promoted (the funder's deadline is near): who waits is not selected."""
    waiting = list(call.candidacies.filter(state=CandidacyState.WAITLISTED))
    for candidacy in waiting:
        set_candidacy_state(candidacy, CandidacyState.NOT_SELECTED, actor=actor)
    ActionLog.record(call, "call.waiting_list_closed", actor=actor, count=len(waiting))
    return len(waiting)


# Open roles and offers to join


@transaction.atomic
def open_role(candidacy, *, actor, title, description="", skills=()):
    candidacy = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    if candidacy.state not in CandidacyState.LIVE or candidacy.state == CandidacyState.CLOSED:
        raise ValidationError(_("This candidacy no longer takes new team members."), code="closed")
    role = OpenRole(candidacy=candidacy)
    _check_fields(role, {"title": title, "description": description})
    role.save()
    role.skills.set(skills)
    ActionLog.record(candidacy, "candidacy.role_opened", actor=actor, role=role.pk)
    return role


@transaction.atomic
def close_role(role, *, actor):
    if not role.is_open:
        return False
    role.is_open = False
    role.save(update_fields=["is_open"])
    ActionLog.record(role.candidacy, "candidacy.role_closed", actor=actor, role=role.pk)
    return True


@transaction.atomic
def offer_to_join(role, member, *, message=""):
    role = OpenRole.objects.select_for_update().select_related("candidacy").get(pk=role.pk)
    if not role.is_open or role.candidacy.state not in CandidacyState.LIVE:
        raise ValidationError(_("This role is no longer open."), code="closed")
    if not member.is_verified_member:
        raise ValidationError(_("Only verified members can offer to join a team."), code="not_verified")
    if (
        member.pk == role.candidacy.applicant_id
        or TeamMember.objects.filter(candidacy=role.candidacy, member=member, state=TeamMemberState.ACCEPTED).exists()
    ):
        raise ValidationError(_("You are already on this team."), code="already")
    if JoinOffer.objects.filter(role=role, member=member).exists():
        raise ValidationError(_("You have already offered to take this role."), code="already_offered")
    offer = JoinOffer(role=role, member=member)
    _check_fields(offer, {"message": message})
    offer.save()
    ActionLog.record(role.candidacy, "candidacy.offer_received", actor=member, role=role.pk)
    # The whole team sees the candidacy and its offers: each is told, under the bell and by e-mail.
    notify(team_of(role.candidacy), kinds.JOIN_OFFER, offer, {"offer": offer, "role": role})
    return offer


@transaction.atomic
def answer_offer(offer, *, actor, accept):
    """The team takes the member who offered (they join the team at once) or declines."""
    offer = JoinOffer.objects.select_for_update().select_related("role__candidacy__call", "member").get(pk=offer.pk)
    if offer.state != OfferState.PENDING:
        return False
    candidacy = offer.role.candidacy
    if accept:
        if candidacy.state not in CandidacyState.LIVE:
            raise ValidationError(_("This candidacy is no longer going ahead."), code="closed")
        FundingCall.objects.select_for_update().get(pk=candidacy.call_id)
        _check_one_per_member(candidacy.call, [offer.member], exclude=candidacy)
        TeamMember.objects.update_or_create(
            candidacy=candidacy,
            member=offer.member,
            defaults={
                "state": TeamMemberState.ACCEPTED,
                "role": offer.role.title,
                "answered_at": timezone.now(),
                "invited_by": actor,
            },
        )
    offer.state = OfferState.ACCEPTED if accept else OfferState.DECLINED
    offer.answered_at = timezone.now()
    offer.save(update_fields=["state", "answered_at"])
    ActionLog.record(candidacy, f"candidacy.offer_{offer.state}", actor=actor, member=offer.member_id)
    notify([offer.member], kinds.OFFER_ANSWERED, offer, {"offer": offer, "accepted": accept})
    return True


# Responsibilities


@transaction.atomic
def set_task_done(task, *, actor, done):
    task = ResponsibilityTask.objects.select_for_update().get(pk=task.pk)
    if (task.done_at is not None) == done:
        return False
    task.done_at, task.done_by = (timezone.now(), actor) if done else (None, None)
    task.save(update_fields=["done_at", "done_by"])
    ActionLog.record(task, "task.done" if done else "task.reopened", actor=actor)
    return True


def send_late_task_reminders(now=None):
    """The owner side of every late task, once per task and day (Rome time)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    late = (
        ResponsibilityTask.objects.open()
        .live()
        .filter(due_at__lt=now)
        .exclude(pk__in=TaskReminder.objects.filter(day=today).values("task"))
        .select_related("candidacy__call__staff_contact", "lead_request__decided_by")
    )
    for task in late:
        project = task.project
        people = project_team(project) if task.owner == TaskOwner.TEAM else _staff_for(project)
        with transaction.atomic():
            if _claim(TaskReminder, task=task, day=today):
                _notify(people, "calls/email/task_late", {"task": task, "project": project})
                sent += 1
    return sent


def send_milestone_reminders(now=None):
    """A week and a day before a reporting milestone is due, to the team; once each."""
    now = now or timezone.now()
    sent = 0
    for kind, lead in MILESTONE_REMINDER_LEADS.items():
        due = (
            ReportingMilestone.objects.undelivered()
            .live()
            .filter(due_at__gt=now, due_at__lte=now + lead)
            .exclude(pk__in=MilestoneReminder.objects.filter(kind=kind).values("milestone"))
            .select_related("candidacy", "lead_request")
        )
        for milestone in due:
            with transaction.atomic():
                if _claim(MilestoneReminder, milestone=milestone, kind=kind):
                    _notify(
                        project_team(milestone.project),
                        "calls/email/milestone_due",
                        {"milestone": milestone, "project": milestone.project},
                    )
                    sent += 1
    return sent


def send_deadline_reminders(now=None):
    """Followers of an open call hear of its internal deadline once, within a week of it."""
    now = now or timezone.now()
    sent = 0
    calls = FundingCall.objects.accepting(now).filter(internal_deadline__lte=now + DEADLINE_REMINDER_LEAD)
    for call in calls:
        followers = (
            CallFollower.objects.filter(call=call, member__in=Member.objects.verified())
            .exclude(member__in=CallReminder.objects.filter(call=call).values("member"))
            .select_related("member")
        )
        for follower in followers:
            with transaction.atomic():
                if _claim(CallReminder, call=call, member=follower.member):
                    queue_email(follower.member, "calls/email/deadline_reminder", {"call": call})
                    sent += 1
    return sent


# Reporting


def _check_reporting_open(project):
    open_states = CandidacyState.REPORTING_OPEN if isinstance(project, Candidacy) else (LeadRequestState.ACCEPTED,)
    if project.state not in open_states:
        raise ValidationError(_("Reporting milestones belong to funded projects."), code="not_funded")


def _project_fields(project):
    return {"lead_request": project} if isinstance(project, LeadPartnerRequest) else {"candidacy": project}


@transaction.atomic
def add_milestone(project, *, actor, kind, title, due_at, description=""):
    project = type(project).objects.select_for_update().get(pk=project.pk)
    _check_reporting_open(project)
    milestone = ReportingMilestone(**_project_fields(project))
    _check_fields(milestone, {"kind": kind, "title": title, "due_at": due_at, "description": description})
    milestone.save()
    ActionLog.record(milestone, "milestone.added", actor=actor)
    _notify(project_team(project), "calls/email/milestone_added", {"milestone": milestone, "project": project})
    return milestone


@atomic_with_files
def deliver_milestone(milestone, upload, *, actor):
    milestone = ReportingMilestone.objects.select_for_update().get(pk=milestone.pk)
    _check_reporting_open(milestone.project)
    if milestone.signed_off_at is not None:
        raise ValidationError(_("This milestone is already signed off."), code="signed_off")
    old_name = milestone.file.name
    milestone.content_type, milestone.size = _store_file(milestone.file, upload)
    milestone.submitted_at, milestone.submitted_by = timezone.now(), actor
    milestone.save(update_fields=["file", "content_type", "size", "submitted_at", "submitted_by"])
    if old_name:
        storage = milestone.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    ActionLog.record(milestone, "milestone.delivered", actor=actor)
    return milestone


@transaction.atomic
def sign_off_milestone(milestone, *, actor, note=""):
    milestone = ReportingMilestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.submitted_at is None:
        raise ValidationError(_("Nothing has been delivered for this milestone yet."), code="not_delivered")
    if milestone.signed_off_at is not None:
        return False
    _check_fields(milestone, {"staff_note": note})
    milestone.signed_off_at, milestone.signed_off_by = timezone.now(), actor
    milestone.save(update_fields=["signed_off_at", "signed_off_by", "staff_note"])
    ActionLog.record(milestone, "milestone.signed_off", actor=actor)
    _notify(project_team(milestone.project), "calls/email/milestone_signed_off", {"milestone": milestone})
    return True


# Lead-partner requests


@transaction.atomic
def request_lead_partner(member, **fields):
    if not member.is_verified_member:
        raise ValidationError(_("Only verified members can ask Smart to lead a project."), code="not_verified")
    request = LeadPartnerRequest(requester=member)
    _check_fields(request, fields)
    request.save()
    ActionLog.record(request, "lead_request.submitted", actor=member)
    return request


@transaction.atomic
def assess_lead_request(request, *, actor, assessments):
    """Staff say, for each published criterion, whether the project meets it and why:
    {criterion id: (met, note)}."""
    request = LeadPartnerRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != LeadRequestState.SUBMITTED:
        raise ValidationError(_("This request has already been decided."), code="decided")
    criteria = {c.pk: c for c in LeadCriterion.objects.filter(is_active=True)}
    for criterion_id, (met, note) in assessments.items():
        if criterion_id not in criteria:
            raise ValidationError(_("That criterion is not among the published ones."), code="bad_criterion")
        assessment = LeadAssessment(request=request, criterion=criteria[criterion_id])
        _check_fields(assessment, {"met": met, "note": note})
        LeadAssessment.objects.update_or_create(
            request=request, criterion=criteria[criterion_id], defaults={"met": met, "note": note}
        )
    ActionLog.record(request, "lead_request.assessed", actor=actor)


@transaction.atomic
def set_lead_request_state(request, new, *, actor, reason=""):
    request = LeadPartnerRequest.objects.select_for_update().get(pk=request.pk)
    old = request.state
    if new not in LEAD_REQUEST_TRANSITIONS[old]:
        raise ValidationError(
            _("A request cannot go from “%(old)s” to “%(new)s”.")
            % {"old": LeadRequestState(old).label, "new": LeadRequestState(new).label},
            code="transition",
        )
    reason = reason.strip()
    changed = ["state"]
    if new in (LeadRequestState.ACCEPTED, LeadRequestState.DECLINED):
        if not reason:
            raise ValidationError(_("Give the reasons of the decision: the member reads them."), code="reason")
        active = set(LeadCriterion.objects.filter(is_active=True).values_list("pk", flat=True))
        if active - set(request.assessments.values_list("criterion_id", flat=True)):
            raise ValidationError(_("Assess every published criterion before deciding."), code="unassessed")
        request.decision_reason, request.decided_at, request.decided_by = reason, timezone.now(), actor
        changed += ["decision_reason", "decided_at", "decided_by"]
    elif new == LeadRequestState.CLOSED and request.milestones.filter(signed_off_at__isnull=True).exists():
        raise ValidationError(
            _("Every reporting milestone must be signed off before the project is closed."), code="reporting_open"
        )
    request.state = new
    request.save(update_fields=changed)
    ActionLog.record(request, f"lead_request.{new}", actor=actor, previous=old, reason=reason)
    if new == LeadRequestState.ACCEPTED:
        _make_checklist(request, ResponsibilityTemplateItem.objects.filter(call=None))
    _notify(project_team(request), "calls/email/lead_request_state", {"request": request}, skip=actor)
    return request


# Rules


@transaction.atomic
def comment_on_rules(version, member, text):
    if not version.is_draft:
        raise ValidationError(_("Comments are open only on a draft of the rules."), code="published")
    if not member.is_verified_member:
        raise ValidationError(_("Only verified members comment on the rules."), code="not_verified")
    comment = RulesComment(version=version, author=member)
    _check_fields(comment, {"text": text})
    if not text.strip():
        raise ValidationError(_("Write your comment."), code="empty")
    comment.save()
    ActionLog.record(version, "rules.commented", actor=member)
    return comment


@transaction.atomic
def publish_rules(version, *, actor):
    version = RulesVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        return False
    newer = RulesVersion.objects.published().filter(number__gt=version.number).exists()
    if newer:
        raise ValidationError(_("A newer version is already published."), code="newer")
    version.status, version.published_at, version.published_by = RulesStatus.PUBLISHED, timezone.now(), actor
    version.save(update_fields=["status", "published_at", "published_by"])
    ActionLog.record(version, "rules.published", actor=actor)
    return True
