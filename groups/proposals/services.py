"""Every write about proposals: writing, co-authors, the moderation and official answers,
supports, comments and reports. Each function checks the rule, saves, writes an ActionLog
line and queues the e-mails it causes, in one transaction. A change of state locks the
proposal's row first, so two staff deciding at once cannot both win."""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import kinds
from groups.models import Membership
from groups.proposals import rendering
from groups.proposals.enums import CoAuthorState, ProposalState, ReportOutcome, UpdateKind
from groups.proposals.models import (
    CoAuthor,
    Comment,
    ModerationAlert,
    Proposal,
    ProposalAttachment,
    ProposalUpdate,
    Report,
    Support,
)
from groups.proposals.permissions import COMMENT_EDIT_WINDOW, can_see
from groups.services import _claim, _safe_name, check_upload
from members.models import ActionLog, Member
from notifications.services import notify, queue_email
from smartprogress.storage import atomic_with_files, save_upload

MAX_ATTACHMENTS = 5
TEXT_FIELDS = ("title", "problem", "solution", "benefit")


# Checks shared by the functions below


def _check_text(model, fields):
    """What any caller passes must fit the columns, and nothing required may be blank, or
    the database would refuse it with an error page."""
    errors = {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if not (value or "").strip():
            errors[name] = ValidationError(_("This field is required."), code="required")
            continue
        try:
            field.clean(value, None)
        except ValidationError as error:
            errors[name] = error.error_list
    if errors:
        raise ValidationError(errors)


def _required_reason(reason, *, read_by_staff=False):
    reason = (reason or "").strip()
    if not reason:
        if read_by_staff:
            message = _("Write the reason: the staff will read it.")
        else:
            message = _("Write the reason: the author will read it.")
        raise ValidationError({"reason": ValidationError(message, code="required")})
    return reason


def _text_of(fields):
    """The four parts of a proposal; one left out is one left empty, and refused as such."""
    return {name: fields.get(name, "") for name in TEXT_FIELDS}


def _lock(proposal):
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _move(proposal, new_state, *, actor, allowed_from, refusal, action=None, fields=(), **log):
    """The one way a proposal changes state: lock the row, check the move is allowed from the
    state the database holds now (not the one the caller read), save, log from and to."""
    locked = _lock(proposal)
    if locked.state not in allowed_from:
        raise ValidationError(refusal % {"state": locked.get_state_display()}, code="state")
    previous = locked.state
    locked.state = new_state
    for name, value in fields:
        setattr(locked, name, value)
    locked.save(update_fields=["state", *(name for name, _value in fields)])
    ActionLog.record(
        locked, action or f"proposal.{new_state}", actor=actor, **{"from": previous, "to": new_state}, **log
    )
    return locked


def _authors(proposal):
    """Who wrote and co-signs it, with an account still open: they may always read it."""
    co_signed = CoAuthor.objects.accepted().filter(proposal=proposal).values("member")
    return list(Member.objects.filter(Q(pk=proposal.author_id) | Q(pk__in=co_signed), is_active=True).order_by("pk"))


def _readers_of_news(proposal):
    """Authors and supporters, each once; supporters only while the proposal is public,
    since whoever may not see a page must not receive it by e-mail."""
    people = {member.pk: member for member in _authors(proposal)}
    if proposal.is_public:
        supporters = Member.objects.filter(is_active=True, supports__proposal=proposal)
        people.update({member.pk: member for member in supporters})
    return sorted(people.values(), key=lambda member: member.pk)


def _notify(members, template, context, *, kind=kinds.PROPOSAL_DECISION):
    notify(members, kind, context["proposal"], context, template=template)


def index_for_search(proposal):
    """Title first, then problem, solution and benefit, stemmed in Italian. PostgreSQL only:
    on SQLite (make run) the lists search with a plain substring match instead."""
    if connection.vendor != "postgresql":
        return
    vector = (
        SearchVector("title", weight="A", config="italian")
        + SearchVector("problem", weight="B", config="italian")
        + SearchVector("solution", weight="C", config="italian")
        + SearchVector("benefit", weight="D", config="italian")
    )
    Proposal.objects.filter(pk=proposal.pk).update(search_vector=vector)


def _set_text(proposal, fields):
    for name, value in fields.items():
        setattr(proposal, name, value.strip() if name == "title" else value)
    proposal.problem_html = rendering.render(proposal.problem)
    proposal.solution_html = rendering.render(proposal.solution)
    proposal.benefit_html = rendering.render(proposal.benefit)


# Writing


@atomic_with_files
def create_proposal(group, *, author, uploads=(), coauthors=(), submit=False, **text):
    """A participant writes a proposal in their group: a draft, or submitted at once."""
    if group.archived_at is not None:
        raise ValidationError(_("This group is archived: it takes no new proposals."), code="archived")
    if not Membership.objects.taking_part().filter(group=group, member=author).exists():
        raise ValidationError(_("Only the participants of a group write proposals in it."), code="not_participant")
    text = _text_of(text)
    _check_text(Proposal, text)
    proposal = Proposal(group=group, author=author)
    _set_text(proposal, text)
    proposal.save()
    index_for_search(proposal)
    ActionLog.record(proposal, "proposal.created", actor=author)
    _attach(proposal, uploads, actor=author)
    _invite(proposal, coauthors, actor=author)
    if submit:
        proposal = submit_proposal(proposal, actor=author)
    return proposal


@atomic_with_files
def update_proposal(proposal, *, actor, uploads=(), coauthors=None, **text):
    """The authors change a draft; `coauthors` (when given) is who the author now invites."""
    proposal = _lock(proposal)
    if proposal.state != ProposalState.DRAFT:
        raise ValidationError(_("This proposal is no longer a draft: it can no longer be changed."), code="not_draft")
    text = _text_of(text)
    _check_text(Proposal, text)
    _set_text(proposal, text)
    proposal.save(update_fields=[*text, "problem_html", "solution_html", "benefit_html", "updated_at"])
    index_for_search(proposal)
    ActionLog.record(proposal, "proposal.edited", actor=actor)
    _attach(proposal, uploads, actor=actor)
    if coauthors is not None:
        _invite(proposal, coauthors, actor=actor)
    return proposal


def _attach(proposal, uploads, *, actor):
    uploads = [upload for upload in uploads if upload]
    if not uploads:
        return
    if proposal.attachments.count() + len(uploads) > MAX_ATTACHMENTS:
        message = _("A proposal has at most %(count)d attachments.") % {"count": MAX_ATTACHMENTS}
        raise ValidationError({"files": ValidationError(message, code="too_many_files")})
    for upload in uploads:
        try:
            content_type = check_upload(upload)
        except ValidationError as error:
            raise ValidationError({"files": error.message_dict["file"]}) from None
        attachment = ProposalAttachment(
            proposal=proposal, content_type=content_type, size=upload.size, uploaded_by=actor
        )
        save_upload(attachment.file, _safe_name(upload.name, content_type), upload)
        attachment.save()
        ActionLog.record(proposal, "proposal.attachment_added", actor=actor, attachment=attachment.pk)


@transaction.atomic
def remove_attachment(attachment, *, actor):
    proposal = _lock(attachment.proposal)
    if proposal.state != ProposalState.DRAFT:
        raise ValidationError(_("Attachments change only while the proposal is a draft."), code="not_draft")
    ActionLog.record(proposal, "proposal.attachment_removed", actor=actor, name=attachment.name)
    attachment.file.delete(save=False)
    attachment.delete()


def _invite(proposal, members, *, actor):
    """Invite who is listed and not yet invited; drop the invitations of who is no longer listed."""
    wanted = {member.pk: member for member in members if member.pk != proposal.author_id}
    taking_part = set(
        Membership.objects.taking_part()
        .filter(group=proposal.group_id, member__in=list(wanted))
        .values_list("member_id", flat=True)
    )
    if set(wanted) - taking_part:
        message = _("Co-authors must take part in the group.")
        raise ValidationError({"coauthors": ValidationError(message, code="not_participant")})
    existing = {row.member_id: row for row in proposal.coauthors.all()}
    for member_id, row in existing.items():
        if member_id not in wanted:
            row.delete()
            ActionLog.record(proposal, "proposal.coauthor_removed", actor=actor, member=member_id)
    for member_id, member in wanted.items():
        if member_id in existing:
            continue
        CoAuthor.objects.create(proposal=proposal, member=member)
        ActionLog.record(proposal, "proposal.coauthor_invited", actor=actor, member=member_id)
        queue_email(member, "groups/proposals/email/invited", {"proposal": proposal, "author": actor})


@transaction.atomic
def answer_invitation(coauthor, *, accept):
    """The invited participant accepts to co-sign, or declines."""
    coauthor = CoAuthor.objects.select_for_update().select_related("proposal").get(pk=coauthor.pk)
    if coauthor.state != CoAuthorState.INVITED:
        raise ValidationError(_("You have already answered this invitation."), code="answered")
    if (
        accept
        and not Membership.objects.taking_part()
        .filter(group=coauthor.proposal.group_id, member=coauthor.member_id)
        .exists()
    ):
        raise ValidationError(_("Co-authors must take part in the group."), code="not_participant")
    coauthor.state = CoAuthorState.ACCEPTED if accept else CoAuthorState.DECLINED
    coauthor.answered_at = timezone.now()
    coauthor.save(update_fields=["state", "answered_at"])
    ActionLog.record(coauthor.proposal, f"proposal.coauthor_{coauthor.state}", actor=coauthor.member)
    return coauthor


# The state machine (shared/DESIGN.md section 4)


@transaction.atomic
def submit_proposal(proposal, *, actor):
    """The authors send the draft to the staff; nobody else reads it before staff publish it."""
    proposal = _move(
        proposal,
        ProposalState.SUBMITTED,
        actor=actor,
        allowed_from=(ProposalState.DRAFT,),
        refusal=_("Only a draft can be submitted; this proposal is “%(state)s”."),
        fields=[("submitted_at", timezone.now())],
    )
    # Sent again, it waits afresh: the moderators hear of it again if it waits too long.
    ModerationAlert.objects.filter(proposal=proposal).delete()
    return proposal


@transaction.atomic
def withdraw_proposal(proposal, *, actor):
    """The authors take back a draft or a proposal staff have not decided on yet. It is kept
    (a proposal never vanishes), for them and staff to read, and can be reopened as a draft."""
    return _move(
        proposal,
        ProposalState.WITHDRAWN,
        actor=actor,
        allowed_from=ProposalState.WITHDRAWABLE,
        refusal=_("Only a draft or a proposal waiting for moderation can be withdrawn; this one is “%(state)s”."),
    )


@transaction.atomic
def reopen_proposal(proposal, *, actor):
    return _move(
        proposal,
        ProposalState.DRAFT,
        actor=actor,
        allowed_from=(ProposalState.WITHDRAWN,),
        refusal=_("Only a withdrawn proposal can be reopened; this one is “%(state)s”."),
        action="proposal.reopened",
    )


DECIDED = _("Someone has already decided on this proposal: it is now “%(state)s”.")


@transaction.atomic
def publish_proposal(proposal, *, actor):
    proposal = _move(
        proposal,
        ProposalState.PUBLISHED,
        actor=actor,
        allowed_from=(ProposalState.SUBMITTED,),
        refusal=DECIDED,
        fields=[("published_at", timezone.now())],
    )
    _notify(_authors(proposal), "groups/proposals/email/published", {"proposal": proposal})
    return proposal


@transaction.atomic
def reject_proposal(proposal, *, actor, reason):
    reason = _required_reason(reason)
    proposal = _move(
        proposal,
        ProposalState.REJECTED,
        actor=actor,
        allowed_from=(ProposalState.SUBMITTED,),
        refusal=DECIDED,
        fields=[("rejection_reason", reason)],
        reason=reason,
    )
    _notify(_authors(proposal), "groups/proposals/email/rejected", {"proposal": proposal, "reason": reason})
    return proposal


@transaction.atomic
def answer_proposal(proposal, *, actor, state, text):
    """Staff's official answer: under review, accepted, implemented or declined, always with a
    public text, which the authors and the supporters receive."""
    if state not in ProposalState.ANSWERS:
        raise ValidationError({"state": ValidationError(_("Choose one of the answers."), code="invalid")})
    _check_text(ProposalUpdate, {"text": text})
    current = Proposal.objects.get(pk=proposal.pk)
    allowed_from = [source for source, targets in ProposalState.ANSWERABLE_FROM.items() if state in targets]
    proposal = _move(
        proposal,
        state,
        actor=actor,
        allowed_from=allowed_from,
        refusal=_("This answer cannot follow the proposal's state “%(state)s”.")
        if current.state in ProposalState.PUBLIC
        else _("Only a published proposal can be answered; this one is “%(state)s”."),
        fields=[("answered_at", timezone.now())],
        text=text,
    )
    update = ProposalUpdate.objects.create(
        proposal=proposal, kind=UpdateKind.ANSWER, state=state, text=text, created_by=actor
    )
    _notify(
        _readers_of_news(proposal),
        "groups/proposals/email/answered",
        {"proposal": proposal, "update": update},
        kind=kinds.PROPOSAL_NEWS,
    )
    return proposal


@transaction.atomic
def add_progress_update(proposal, *, actor, text):
    """How an accepted proposal is getting on ("a che punto siamo"), dated, public."""
    _check_text(ProposalUpdate, {"text": text})
    proposal = _lock(proposal)
    if proposal.state != ProposalState.ACCEPTED:
        raise ValidationError(
            _("Progress updates are for accepted proposals; this one is “%(state)s”.")
            % {"state": proposal.get_state_display()},
            code="state",
        )
    update = ProposalUpdate.objects.create(proposal=proposal, kind=UpdateKind.PROGRESS, text=text, created_by=actor)
    ActionLog.record(proposal, "proposal.progress", actor=actor, text=text)
    _notify(
        _readers_of_news(proposal),
        "groups/proposals/email/progress",
        {"proposal": proposal, "update": update},
        kind=kinds.PROPOSAL_NEWS,
    )
    return update


# Moderation of what is public: hiding, reports


def _resolve_reports(reports, *, actor, outcome):
    return reports.open().update(resolved_at=timezone.now(), resolved_by=actor, outcome=outcome)


@transaction.atomic
def hide_proposal(proposal, *, actor, reason):
    """Staff take a published proposal off the public pages; its authors still read it, with
    the reason, which they also get by e-mail. Its open reports are settled by this."""
    reason = _required_reason(reason)
    proposal = _lock(proposal)
    if proposal.hidden_at is not None:
        raise ValidationError(_("This proposal is already hidden."), code="hidden")
    if proposal.state not in ProposalState.PUBLIC:
        raise ValidationError(_("Only a published proposal can be hidden."), code="state")
    proposal.hidden_at, proposal.hidden_reason = timezone.now(), reason
    proposal.save(update_fields=["hidden_at", "hidden_reason"])
    ActionLog.record(proposal, "proposal.hidden", actor=actor, reason=reason)
    _resolve_reports(Report.objects.filter(proposal=proposal, comment=None), actor=actor, outcome=ReportOutcome.HIDDEN)
    _notify(_authors(proposal), "groups/proposals/email/hidden", {"proposal": proposal, "reason": reason})
    return proposal


@transaction.atomic
def hide_comment(comment, *, actor, reason):
    reason = _required_reason(reason)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_hidden:
        raise ValidationError(_("This comment is already hidden."), code="hidden")
    comment.hidden_at, comment.hidden_reason = timezone.now(), reason
    comment.save(update_fields=["hidden_at", "hidden_reason"])
    ActionLog.record(comment, "comment.hidden", actor=actor, reason=reason)
    _resolve_reports(comment.reports.all(), actor=actor, outcome=ReportOutcome.HIDDEN)
    author, proposal = comment.author, comment.proposal
    # The e-mail names the proposal and links it: only to who may still read it.
    if author is not None and author.is_active and can_see(author, proposal, list(proposal.coauthors.all())):
        queue_email(author, "groups/proposals/email/comment_hidden", {"comment": comment, "reason": reason})
    return comment


@transaction.atomic
def restore_proposal(proposal, *, actor):
    """Staff undo a hiding: the proposal is public again."""
    proposal = _lock(proposal)
    if proposal.hidden_at is None:
        return False
    proposal.hidden_at, proposal.hidden_reason = None, ""
    proposal.save(update_fields=["hidden_at", "hidden_reason"])
    ActionLog.record(proposal, "proposal.restored", actor=actor)
    return True


@transaction.atomic
def restore_comment(comment, *, actor):
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.hidden_at is None:
        return False
    comment.hidden_at, comment.hidden_reason = None, ""
    comment.save(update_fields=["hidden_at", "hidden_reason"])
    ActionLog.record(comment, "comment.restored", actor=actor)
    return True


@transaction.atomic
def hide_reported(report, *, actor, reason):
    """Staff agree with a report: the proposal or comment it is about is hidden."""
    if report.comment_id:
        return hide_comment(report.comment, actor=actor, reason=reason)
    return hide_proposal(report.proposal, actor=actor, reason=reason)


@transaction.atomic
def dismiss_report(report, *, actor):
    resolved = _resolve_reports(Report.objects.filter(pk=report.pk), actor=actor, outcome=ReportOutcome.DISMISSED)
    if resolved:
        ActionLog.record(report, "report.dismissed", actor=actor)
    return bool(resolved)


@transaction.atomic
def report(proposal, *, reporter, reason, comment=None):
    """A verified member asks staff to look at a proposal or a comment, saying why."""
    if not reporter.is_verified_member:
        raise ValidationError(_("Only verified members can report."), code="not_verified")
    reason = _required_reason(reason, read_by_staff=True)
    _check_text(Report, {"reason": reason})
    if not proposal.is_public or (comment is not None and (comment.is_removed or comment.is_hidden)):
        raise ValidationError(_("There is nothing to report here any more."), code="gone")
    try:
        with transaction.atomic():
            created = Report.objects.create(proposal=proposal, comment=comment, reporter=reporter, reason=reason)
    except IntegrityError:
        raise ValidationError(
            _("You have already reported this: the staff will look at it."), code="already_reported"
        ) from None
    ActionLog.record(created, "report.created", actor=reporter)
    return created


# Supports


def _check_open_for_discussion(proposal):
    if not proposal.is_open_for_discussion:
        if proposal.hidden_at is not None or proposal.state not in ProposalState.PUBLIC:
            raise ValidationError(_("This proposal is not published."), code="not_public")
        raise ValidationError(
            _("The cooperative has given its final answer to this proposal: it is closed."), code="closed"
        )


@transaction.atomic
def support(proposal, member):
    """One support per member, never on a proposal one wrote or co-signs; the count on the
    proposal moves in the same transaction, so it always equals the rows."""
    proposal = Proposal.objects.get(pk=proposal.pk)
    if not member.is_verified_member:
        raise ValidationError(_("Only verified members can support proposals."), code="not_verified")
    _check_open_for_discussion(proposal)
    if proposal.author_id == member.pk or proposal.coauthors.accepted().filter(member=member).exists():
        raise ValidationError(_("You cannot support your own proposal."), code="own")
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, member=member)
    except IntegrityError:
        raise ValidationError(_("You already support this proposal."), code="already") from None
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
    ActionLog.record(proposal, "proposal.supported", actor=member)


@transaction.atomic
def withdraw_support(proposal, member):
    deleted, _by_model = Support.objects.filter(proposal=proposal, member=member).delete()
    if not deleted:
        return False
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") - 1)
    ActionLog.record(proposal, "proposal.support_withdrawn", actor=member)
    return True


# Comments


@transaction.atomic
def add_comment(proposal, *, author, text, parent=None):
    proposal = Proposal.objects.get(pk=proposal.pk)
    if not author.is_verified_member:
        raise ValidationError(_("Only verified members can comment."), code="not_verified")
    _check_open_for_discussion(proposal)
    _check_text(Comment, {"text": text})
    if parent is not None and (parent.proposal_id != proposal.pk or parent.parent_id is not None):
        raise ValidationError(_("Replies go under a comment of this proposal, one level only."), code="parent")
    if parent is not None and (parent.is_removed or parent.is_hidden):
        raise ValidationError(_("This comment has been removed: it takes no replies."), code="parent_gone")
    comment = Comment.objects.create(proposal=proposal, parent=parent, author=author, text=text.strip())
    ActionLog.record(comment, "comment.added", actor=author)
    return comment


@transaction.atomic
def edit_comment(comment, *, author, text, now=None):
    now = now or timezone.now()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != author.pk or comment.is_removed or comment.is_hidden:
        raise ValidationError(_("This comment can no longer be changed."), code="not_editable")
    if now - comment.created_at > COMMENT_EDIT_WINDOW:
        minutes = int(COMMENT_EDIT_WINDOW.total_seconds() // 60)
        raise ValidationError(
            _("A comment can be changed for %(minutes)d minutes after it is written.") % {"minutes": minutes},
            code="too_late",
        )
    _check_text(Comment, {"text": text})
    comment.text, comment.edited_at = text.strip(), now
    comment.save(update_fields=["text", "edited_at"])
    ActionLog.record(comment, "comment.edited", actor=author)
    return comment


@transaction.atomic
def remove_comment(comment, *, author):
    """Its author removes a comment: the row stays, so the replies keep their place, and the
    page says "commento rimosso"."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != author.pk:
        raise ValidationError(_("Only who wrote a comment can remove it."), code="not_author")
    if comment.is_removed:
        return comment
    comment.text, comment.removed_at = "", timezone.now()
    comment.save(update_fields=["text", "removed_at"])
    ActionLog.record(comment, "comment.removed", actor=author)
    return comment


# Moderators' alert (run by the periodic scan; safe to run twice, or on two workers at once)


def alert_moderators(now=None):
    """Tell the staff about each proposal waiting for moderation longer than
    PROPOSAL_MODERATION_ALERT_HOURS, once per proposal."""
    now = now or timezone.now()
    due = (
        Proposal.objects.waiting_for_moderation()
        .filter(submitted_at__lte=now - timedelta(hours=settings.PROPOSAL_MODERATION_ALERT_HOURS))
        .exclude(moderation_alert__isnull=False)
        .select_related("group")
    )
    moderators = list(Member.objects.filter(is_staff=True, is_active=True))
    sent = 0
    for proposal in due:
        with transaction.atomic():
            if _claim(ModerationAlert, proposal=proposal):
                for moderator in moderators:  # staff work in the admin: an e-mail, no notification
                    queue_email(moderator, "groups/proposals/email/waiting", {"proposal": proposal})
                ActionLog.record(proposal, "proposal.moderators_alerted", moderators=len(moderators))
                sent += 1
    return sent
