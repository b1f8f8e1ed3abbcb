from datetime import timedelta
from fractions import Fraction

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls import ics, permissions, ranking, rulesdiff, services
from calls.enums import CallStatus, CandidacyState, LeadRequestState, OfferState, TeamMemberState
from calls.forms import (
    CallFilterForm,
    CandidacyForm,
    CandidacyStartForm,
    ConflictForm,
    DeliverForm,
    DocumentUploadForm,
    InviteForm,
    LeadAssessmentForm,
    LeadRequestForm,
    MilestoneForm,
    OfferForm,
    OpenRoleForm,
    RulesCommentForm,
    ScoreForm,
    SignOffForm,
    StateForm,
    WithdrawForm,
)
from calls.models import (
    CallFollower,
    Candidacy,
    CandidacyDocument,
    ConflictDeclaration,
    FundingCall,
    JoinOffer,
    LeadCriterion,
    LeadPartnerRequest,
    OpenRole,
    RankingEntry,
    ReportingMilestone,
    ResponsibilityTask,
    RulesVersion,
    Score,
    TeamMember,
)
from groups.enums import GroupTheme
from groups.models import WorkingGroup
from groups.views import _form_errors_from, _messages_from
from members.matching import members_with_skills
from members.models import Member
from members.validators import parse_id
from smartprogress import pagecache

# Calls whose selection is over stay on /bandi/ for a while, then only on their own pages.
PAST_CALLS_SHOWN = 20
DUE_WINDOW_DAYS = 30


def _call(request, slug):
    return get_object_or_404(FundingCall.objects.visible_to(request.user), slug=slug)


def _candidacy(request, slug, pk):
    """The candidacy and the reader's standing in it, if the reader may see it; else 404."""
    call = _call(request, slug)
    candidacy = get_object_or_404(Candidacy.objects.select_related("call", "applicant"), call=call, pk=pk)
    standing = permissions.standing_in(request.user, candidacy)
    if not permissions.can_see_candidacy(request.user, candidacy, standing):
        raise Http404
    return candidacy, standing


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def _calls_group():
    """The working group "Dentro e fuori i bandi", shown beside the calls."""
    return WorkingGroup.objects.active().filter(theme=GroupTheme.CALLS).order_by("position").first()


# Calls


def for_list(calls):
    """The calls, each with its sectors' names, which the list shows."""
    calls = list(calls)
    names = {}
    # One query of two columns for all the lists, rather than prefetch_related, which builds a
    # queryset per call and a model per sector. Sectors by name, as their model orders them.
    rows = (
        FundingCall.sectors.through.objects.filter(fundingcall_id__in=[call.pk for call in calls])
        .order_by("sector__name")
        .values_list("fundingcall_id", "sector__name")
    )
    for call_id, name in rows:
        names.setdefault(call_id, []).append(name)
    for call in calls:
        call.sector_names = tuple(names.get(call.pk, ()))
    return calls


# The query-string fields of the list's filters (CallFilterForm).
LIST_FILTERS = ("settore", "tipo")
# Where the list marks a call the reader follows (templates/calls/includes/call_items.html).
FOLLOWED_MARK = "<!--followed:{}-->"


def call_list(request):
    """Open calls by internal deadline, with filters; then those whose selection is under way or over.

    The body is the same for every reader of one kind (visitor, member, staff) with the same
    filters: it is built once and kept under the "calls" version (smartprogress/pagecache.py;
    CallsConfig.ready lists the writes that replace it) until the first open call's internal
    deadline passes, when that call moves to the second list. The calls the reader follows
    are marked on it afterwards (one query of their ids). Built each time the page cost about
    6 ms of CPU at the bench (40 calls): the lists, the filter form's sectors, six queries."""
    user = request.user
    staff = permissions.is_staff(user)
    query = pagecache.query_of(request, LIST_FILTERS)
    body = pagecache.body(["calls"], (user.is_authenticated, staff, query), lambda: _call_list_body(request, staff))
    if user.is_authenticated:
        followed = CallFollower.objects.filter(member=user).values_list("call_id", flat=True)
        badge = format_html('<span class="badge text-bg-info">{}</span>', _("You follow it"))
        body = pagecache.overlay(body, {FOLLOWED_MARK.format(pk): badge for pk in followed})
    return render(request, "calls/call_list.html", {"body": body})


def _call_list_body(request, staff):
    """The list's HTML, and how long it stays true: until the first open call's deadline;
    not to be kept (0) when a filter is not among the choices."""
    filters = CallFilterForm(request.GET or None)
    now = timezone.now()
    calls = FundingCall.objects.visible_to(request.user).filter(**filters.filters()).exclude(status=CallStatus.ARCHIVED)
    open_now = Q(status=CallStatus.OPEN, internal_deadline__gt=now)
    open_calls = for_list(calls.filter(open_now).order_by("internal_deadline", "title"))
    context = {
        "filters": filters,
        "open_calls": open_calls,
        "past_calls": for_list(
            calls.exclude(open_now).exclude(status=CallStatus.DRAFT).order_by("-internal_deadline")[:PAST_CALLS_SHOWN]
        ),
        "drafts": for_list(calls.filter(status=CallStatus.DRAFT)) if staff else [],
        "group": _calls_group(),
    }
    html = render_to_string("calls/call_list_body.html", context, request)
    if filters.is_bound and filters.errors:
        return html, 0
    if not open_calls:
        return html
    return html, (open_calls[0].internal_deadline - now).total_seconds()


def call_detail(request, slug):
    call = get_object_or_404(
        FundingCall.objects.visible_to(request.user).prefetch_related(
            "sectors", "criteria", "required_documents", "responsibility_template"
        ),
        slug=slug,
    )
    user = request.user
    mine = None
    if permissions.is_verified(user):
        # A withdrawn candidacy leaves the way open to a new one.
        mine = Candidacy.objects.with_member(user).filter(call=call, state__in=CandidacyState.LIVE).first()
    roles = (
        OpenRole.objects.filter(candidacy__call=call, is_open=True, candidacy__state__in=CandidacyState.LIVE)
        .select_related("candidacy")
        .prefetch_related("skills")
    )
    context = {
        "call": call,
        "mine": mine,
        "following": user.is_authenticated and CallFollower.objects.filter(call=call, member=user).exists(),
        "can_apply": permissions.is_verified(user) and call.is_accepting and mine is None,
        "is_reviewer": permissions.is_call_reviewer(user, call),
        "can_see_ranking": permissions.can_see_ranking(user, call),
        "is_staff": permissions.is_staff(user),
        "roles": list(roles) if permissions.is_verified(user) or permissions.is_staff(user) else [],
    }
    return render(request, "calls/call_detail.html", context)


def call_ics(request, slug):
    call = _call(request, slug)
    response = HttpResponse(ics.deadline_calendar(call), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scadenza-{call.slug}.ics"'
    return response


@login_required
@require_POST
def follow(request, slug):
    call = _call(request, slug)
    if request.POST.get("follow") == "no":
        if services.unfollow_call(call, request.user):
            messages.success(request, _("You no longer follow this call."))
    elif services.follow_call(call, request.user):
        messages.success(request, _("You follow this call: you will be reminded of its internal deadline."))
    return redirect("calls:detail", call.slug)


# Candidacies


@login_required
def apply(request, slug):
    """Start a candidacy, or go back to the one you have."""
    call = _call(request, slug)
    user = request.user
    if permissions.is_verified(user):
        mine = Candidacy.objects.filter(call=call, applicant=user, state__in=CandidacyState.LIVE).first()
        if mine is not None:
            return redirect(mine)
    form = CandidacyStartForm(request.POST or None)
    if request.method == "POST":
        _require(permissions.is_verified(user))
        if form.is_valid():
            try:
                candidacy = services.start_candidacy(call, user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                messages.success(
                    request, _("Your candidacy is started: complete it, upload the documents and submit it.")
                )
                return redirect(candidacy)
    context = {"call": call, "form": form, "verified": permissions.is_verified(user)}
    return render(request, "calls/candidacy_start.html", context)


def _documents_by_requirement(candidacy):
    uploaded = {d.requirement_id: d for d in candidacy.documents.all()}
    return [(requirement, uploaded.get(requirement.pk)) for requirement in candidacy.call.required_documents.all()]


def candidacy_detail(request, slug, pk):
    candidacy, standing = _candidacy(request, slug, pk)
    user = request.user
    is_staff = permissions.is_staff(user)
    team = list(TeamMember.objects.filter(candidacy=candidacy).select_related("member"))
    manages = permissions.can_manage_team(user, candidacy, standing)
    roles = list(candidacy.open_roles.prefetch_related("skills"))
    offers = list(
        JoinOffer.objects.filter(role__candidacy=candidacy, state=OfferState.PENDING).select_related("member", "role")
    )
    context = {
        "call": candidacy.call,
        "candidacy": candidacy,
        "standing": standing,
        "team": team,
        "documents": _documents_by_requirement(candidacy),
        "tasks": list(candidacy.tasks.select_related("done_by")),
        "milestones": list(candidacy.milestones.all()),
        "roles": roles,
        "offers": offers,
        "can_edit": permissions.can_edit_candidacy(user, candidacy, standing),
        "can_withdraw": permissions.can_withdraw(user, candidacy, standing),
        "can_manage_team": manages,
        "candidacy_live": candidacy.state in CandidacyState.LIVE,
        "can_score": permissions.can_score(user, candidacy, standing),
        "can_decide": permissions.can_decide(user),
        "is_staff": is_staff,
        "state_form": StateForm(candidacy) if is_staff else None,
        "milestone_form": MilestoneForm() if is_staff and candidacy.state in CandidacyState.REPORTING_OPEN else None,
        "invite_form": InviteForm() if manages else None,
        "role_form": OpenRoleForm() if manages else None,
        "reviews": _reviews_shown(user, candidacy, standing),
        "upload_form": DocumentUploadForm(),
        "deliver_form": DeliverForm(),
        "invitation": next((t for t in team if t.member_id == user.pk and t.state == TeamMemberState.INVITED), None),
    }
    return render(request, "calls/candidacy_detail.html", context)


def _reviews_shown(user, candidacy, standing):
    """The scores the reader may read, by criterion and by anonymous reviewer ("Reviewer 1"):
    all for staff; the team's own once the ranking is published; a reviewer's own."""
    scores = Score.objects.filter(candidacy=candidacy).select_related("criterion").order_by("criterion__position")
    if permissions.can_see_all_scores(user) or permissions.can_see_own_scores(user, candidacy, standing):
        return _anonymous(scores, user, candidacy)
    if standing.reviewer and not standing.conflicted:
        return _anonymous(scores.filter(reviewer=user), user, candidacy)
    return []


def _anonymous(scores, user, candidacy):
    """Scores grouped by reviewer, each reviewer a number; scores that do not count (a conflict)
    are left out, as the ranking leaves them out."""
    conflicted = set(ConflictDeclaration.objects.filter(candidacy=candidacy).values_list("reviewer_id", flat=True))
    team = {candidacy.applicant_id} | set(
        TeamMember.objects.filter(candidacy=candidacy, state=TeamMemberState.ACCEPTED).values_list(
            "member_id", flat=True
        )
    )
    numbers, reviews = {}, []
    for score in scores:
        if score.reviewer_id in conflicted or score.reviewer_id in team:
            continue
        if score.reviewer_id not in numbers:
            numbers[score.reviewer_id] = len(numbers) + 1
            reviews.append({"number": numbers[score.reviewer_id], "mine": score.reviewer_id == user.pk, "scores": []})
        reviews[numbers[score.reviewer_id] - 1]["scores"].append(score)
    return reviews


@login_required
def candidacy_edit(request, slug, pk):
    candidacy, standing = _candidacy(request, slug, pk)
    _require(standing.on_team)
    form = CandidacyForm(request.POST or None, instance=Candidacy.objects.get(pk=candidacy.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_candidacy(candidacy, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Candidacy saved."))
            return redirect(candidacy)
    return render(request, "calls/candidacy_form.html", {"call": candidacy.call, "candidacy": candidacy, "form": form})


@login_required
@require_POST
def document_upload(request, slug, pk, requirement):
    candidacy, standing = _candidacy(request, slug, pk)
    _require(standing.on_team)
    required = get_object_or_404(candidacy.call.required_documents, pk=requirement)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        _messages_from(request, ValidationError(form.errors["file"]))
        return redirect(candidacy)
    try:
        services.upload_document(candidacy, required, form.cleaned_data["file"], actor=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("“%(name)s” uploaded.") % {"name": required.name})
    return redirect(candidacy)


def _file_response(field_file, content_type):
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=field_file.name.rsplit("/", 1)[-1],
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def document_download(request, slug, pk, document):
    """Files are never on a public path: whoever may see the candidacy may download its documents."""
    candidacy, _standing = _candidacy(request, slug, pk)
    found = get_object_or_404(CandidacyDocument, candidacy=candidacy, pk=document)
    return _file_response(found.file, found.content_type)


@login_required
@require_POST
def submit(request, slug, pk):
    candidacy, standing = _candidacy(request, slug, pk)
    _require(standing.on_team)
    try:
        services.submit_candidacy(candidacy, actor=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Candidacy submitted: the staff will check it. Your checklist is below."))
    return redirect(candidacy)


@login_required
def withdraw(request, slug, pk):
    candidacy, standing = _candidacy(request, slug, pk)
    _require(standing.on_team)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_candidacy(candidacy, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("Candidacy withdrawn; the team has been told."))
        return redirect(candidacy)
    context = {"call": candidacy.call, "candidacy": candidacy, "form": form}
    return render(request, "calls/candidacy_withdraw.html", context)


@login_required
@require_POST
def invite(request, slug, pk):
    candidacy, standing = _candidacy(request, slug, pk)
    _require(permissions.can_manage_team(request.user, candidacy, standing))
    member = _invitee(request)
    if member is None:
        messages.error(
            request,
            _(
                "No verified member can be invited with this address: ask the person which address they use "
                "on Smart in Progress, or let them offer to join through an open role."
            ),
        )
        return redirect(candidacy)
    try:
        services.invite_team_member(candidacy, member, actor=request.user, role=request.POST.get("role", "")[:200])
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("%(member)s has been invited to the team.") % {"member": member})
    return redirect(candidacy)


def _invitee(request):
    """A member suggested on the page (by id, among those the reader may see), or typed by address."""
    suggested = parse_id(request.POST.get("member"))
    verified = Member.objects.verified()
    if suggested is not None:
        return verified.visible_to(request.user).filter(pk=suggested).first()
    form = InviteForm(request.POST)
    if not form.is_valid():
        return None
    return verified.filter(email__iexact=form.cleaned_data["email"]).first()


@login_required
@require_POST
def invitation(request, slug, pk):
    candidacy, standing = _candidacy(request, slug, pk)
    _require(standing.invited)
    team_member = get_object_or_404(TeamMember, candidacy=candidacy, member=request.user)
    accept = request.POST.get("answer") == "accept"
    try:
        services.answer_invitation(team_member, accept=accept)
    except ValidationError as error:
        _messages_from(request, error)
        return redirect(candidacy)
    if accept:
        messages.success(request, _("Welcome to the team!"))
        return redirect(candidacy)
    messages.success(request, _("Invitation declined."))
    return redirect("calls:mine")


@login_required
@require_POST
def role_create(request, slug, pk):
    candidacy, standing = _candidacy(request, slug, pk)
    _require(permissions.can_manage_team(request.user, candidacy, standing))
    form = OpenRoleForm(request.POST)
    if form.is_valid():
        try:
            services.open_role(candidacy, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("Role published: members can offer to take it."))
    else:
        for errors in form.errors.values():
            _messages_from(request, ValidationError(errors))
    return redirect(candidacy)


@login_required
@require_POST
def role_close(request, slug, pk, role):
    candidacy, standing = _candidacy(request, slug, pk)
    _require(permissions.can_manage_team(request.user, candidacy, standing))
    if services.close_role(get_object_or_404(OpenRole, candidacy=candidacy, pk=role), actor=request.user):
        messages.success(request, _("Role closed."))
    return redirect(candidacy)


@login_required
@require_POST
def offer_answer(request, slug, pk, offer):
    candidacy, standing = _candidacy(request, slug, pk)
    _require(permissions.can_manage_team(request.user, candidacy, standing))
    found = get_object_or_404(JoinOffer.objects.select_related("member"), role__candidacy=candidacy, pk=offer)
    accept = request.POST.get("answer") == "accept"
    try:
        services.answer_offer(found, actor=request.user, accept=accept)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        text = _("%(member)s is on the team.") if accept else _("Offer of %(member)s declined.")
        messages.success(request, text % {"member": found.member})
    return redirect(candidacy)


@login_required
def role_detail(request, slug, role):
    """An open role, for every verified member: what is needed and an offer to take it. Its
    team also finds here the members whose skills match, and invites them."""
    call = _call(request, slug)
    _require(permissions.is_verified(request.user) or permissions.is_staff(request.user))
    found = get_object_or_404(
        OpenRole.objects.select_related("candidacy__call").prefetch_related("skills"),
        candidacy__call=call,
        candidacy__state__in=CandidacyState.LIVE,
        pk=role,
    )
    candidacy = found.candidacy
    standing = permissions.standing_in(request.user, candidacy)
    manages = permissions.can_manage_team(request.user, candidacy, standing)
    suggestions = []
    if manages and found.is_open:
        in_team = [candidacy.applicant_id, *candidacy.team.values_list("member_id", flat=True)]
        suggestions = members_with_skills(found.skills.all(), viewer=request.user, exclude=in_team)
    offered = JoinOffer.objects.filter(role=found, member=request.user).first()
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_to_join(found, request.user, message=form.cleaned_data["message"])
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Offer sent: the team will answer you by e-mail."))
            return redirect("calls:role", call.slug, found.pk)
    context = {
        "call": call,
        "role": found,
        "form": form,
        "offered": offered,
        "manages": manages,
        "suggestions": suggestions,
        "can_offer": permissions.is_verified(request.user) and not standing.on_team,
    }
    return render(request, "calls/role_detail.html", context)


# Reviewing


@login_required
def score(request, slug, pk):
    candidacy, standing = _candidacy(request, slug, pk)
    _require(permissions.can_score(request.user, candidacy, standing))
    criteria = list(candidacy.call.criteria.all())
    current = {
        s.criterion_id: (s.value, s.comment) for s in Score.objects.filter(candidacy=candidacy, reviewer=request.user)
    }
    form = ScoreForm(criteria, request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_scores(candidacy, request.user, form.scores())
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Scores saved. You can change them until the ranking is published."))
            return redirect("calls:review", candidacy.call.slug)
    context = {
        "call": candidacy.call,
        "candidacy": candidacy,
        "form": form,
        "documents": _documents_by_requirement(candidacy),
    }
    return render(request, "calls/score_form.html", context)


@login_required
@require_POST
def conflict(request, slug, pk):
    call = _call(request, slug)
    _require(permissions.is_call_reviewer(request.user, call))
    candidacy = get_object_or_404(call.candidacies.exclude(state=CandidacyState.DRAFT), pk=pk)
    form = ConflictForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.declare_conflict(candidacy, request.user, note=note)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Conflict declared: you will not see or score this candidacy."))
    return redirect("calls:review", call.slug)


@login_required
def review(request, slug):
    """A reviewer's list: the eligible candidacies, which they may score and which not, and why."""
    call = _call(request, slug)
    _require(permissions.is_call_reviewer(request.user, call))
    user = request.user
    candidacies = list(
        call.candidacies.filter(state__in=[CandidacyState.ELIGIBLE, *CandidacyState.SELECTED_OR_LATER, "waitlisted"])
        .annotate(my_scores=Count("scores", filter=Q(scores__reviewer=user)))
        .order_by("title")
    )
    declared = set(
        ConflictDeclaration.objects.filter(candidacy__call=call, reviewer=user).values_list("candidacy_id", flat=True)
    )
    teams = set(
        TeamMember.objects.filter(candidacy__call=call, member=user)
        .exclude(state=TeamMemberState.DECLINED)
        .values_list("candidacy_id", flat=True)
    )
    rows = []
    for candidacy in candidacies:
        on_team = candidacy.applicant_id == user.pk or candidacy.pk in teams
        rows.append({"candidacy": candidacy, "on_team": on_team, "declared": candidacy.pk in declared})
    context = {
        "call": call,
        "rows": rows,
        "criteria_count": call.criteria.count(),
        "scoring": call.status == CallStatus.SCORING,
        "conflict_form": ConflictForm(),
    }
    return render(request, "calls/review.html", context)


# The staff's selection


@login_required
def selection(request, slug):
    call = _call(request, slug)
    _require(permissions.can_decide(request.user))
    candidacies = list(
        call.candidacies.exclude(state=CandidacyState.DRAFT)
        .select_related("applicant")
        .annotate(
            score_count=Count("scores", distinct=True),
            reviewer_count=Count("scores__reviewer", distinct=True),
        )
        .order_by("submitted_at")
    )
    preview = []
    if call.status == CallStatus.SCORING:
        by_id = {c.pk: c for c in candidacies}
        preview = [(entry, by_id[entry.candidacy]) for entry in services.compute_ranking(call)]
    context = {
        "call": call,
        "candidacies": candidacies,
        "eligible_count": sum(c.state == CandidacyState.ELIGIBLE for c in candidacies),
        "undecided_count": sum(c.state == CandidacyState.SUBMITTED for c in candidacies),
        "waiting_count": sum(c.state == CandidacyState.WAITLISTED for c in candidacies),
        "limit_bites": services.limit_bites(call),
        "deadline_passed": call.internal_deadline <= timezone.now(),
        "preview": preview,
        "reviewers": list(call.reviewers.select_related("member")),
        "states": CandidacyState,
    }
    return render(request, "calls/selection.html", context)


SELECTION_ACTIONS = {
    "open_scoring": (services.open_scoring, _("Scoring is open: the hash of the draw's seed is on the call's page.")),
    "publish_ranking": (services.publish_ranking, _("Ranking published: every applicant has been told.")),
    "select_all": (services.select_all_eligible, _("Every eligible candidacy is selected; the teams have been told.")),
    "close_waiting_list": (services.close_waiting_list, _("Waiting list closed; the teams have been told.")),
}


@login_required
@require_POST
def selection_action(request, slug):
    call = _call(request, slug)
    _require(permissions.can_decide(request.user))
    action = SELECTION_ACTIONS.get(request.POST.get("action"))
    if action is None:
        messages.error(request, _("Unknown action."))
        return redirect("calls:selection", call.slug)
    service, done = action
    try:
        service(call, actor=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, done)
    return redirect("calls:selection", call.slug)


@login_required
@require_POST
def set_state(request, slug, pk):
    candidacy, _standing = _candidacy(request, slug, pk)
    _require(permissions.can_decide(request.user))
    form = StateForm(candidacy, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            _messages_from(request, ValidationError(errors))
    else:
        try:
            services.set_candidacy_state(
                candidacy, form.cleaned_data["state"], actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("State changed; the team has been told."))
    if request.POST.get("next") == "selection":
        return redirect("calls:selection", candidacy.call.slug)
    return redirect(candidacy)


def ranking_page(request, slug):
    """The published ranking, for everyone who applied, the reviewers and the staff: per-criterion
    scores, the reasons of each place, and how to recompute the draw."""
    call = _call(request, slug)
    if not permissions.can_see_ranking(request.user, call):
        raise Http404
    entries = list(RankingEntry.objects.filter(call=call).select_related("candidacy__call").order_by("position"))
    criteria = list(call.criteria.all())
    mine = set()
    if request.user.is_authenticated:
        mine = set(Candidacy.objects.with_member(request.user).filter(call=call).values_list("pk", flat=True))
    places = 2
    for entry, following in zip(entries, entries[1:], strict=False):
        if entry.reason == "score" and _rounded(entry.score, 2) == _rounded(following.score, 2):
            places = 4
    rows = [
        {
            "entry": entry,
            "score": _rounded(entry.score, places),
            "by_criterion": [_rounded(entry.criterion_scores.get(str(c.pk), ""), places) for c in criteria],
            "mine": entry.candidacy_id in mine,
        }
        for entry in entries
    ]
    context = {
        "call": call,
        "criteria": criteria,
        "rows": rows,
        "recent_days": ranking.RECENT_SELECTION.days,
        "example": entries[0] if entries else None,
    }
    return render(request, "calls/ranking.html", context)


def _rounded(fraction_text, places):
    if not fraction_text:
        return None
    numerator, _slash, denominator = fraction_text.partition("/")
    return ranking.rounded(Fraction(int(numerator), int(denominator or 1)), places)


# Responsibilities and reporting (candidacies and lead-partner projects alike)


def _project_of(request, obj):
    project = obj.project
    standing = permissions.project_standing(request.user, project)
    if isinstance(project, Candidacy):
        visible = permissions.can_see_candidacy(request.user, project, standing) and (
            project.call.status in CallStatus.PUBLISHED or permissions.is_staff(request.user)
        )
    else:
        visible = permissions.can_see_lead_request(request.user, standing)
    if not visible:
        raise Http404
    return project, standing


@login_required
@require_POST
def task_toggle(request, task):
    found = get_object_or_404(ResponsibilityTask.objects.select_related("candidacy__call", "lead_request"), pk=task)
    project, standing = _project_of(request, found)
    _require(permissions.can_tick(request.user, found, standing))
    done = request.POST.get("done") == "yes"
    if services.set_task_done(found, actor=request.user, done=done):
        messages.success(request, _("Task ticked.") if done else _("Task open again."))
    return redirect(project)


def _milestone(request, pk):
    found = get_object_or_404(ReportingMilestone.objects.select_related("candidacy__call", "lead_request"), pk=pk)
    project, standing = _project_of(request, found)
    return found, project, standing


@login_required
@require_POST
def milestone_deliver(request, milestone):
    found, project, standing = _milestone(request, milestone)
    _require(permissions.can_deliver(request.user, standing))
    form = DeliverForm(request.POST, request.FILES)
    if not form.is_valid():
        _messages_from(request, ValidationError(form.errors["file"]))
        return redirect(project)
    try:
        services.deliver_milestone(found, form.cleaned_data["file"], actor=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Delivered: the staff will sign it off."))
    return redirect(project)


@login_required
@require_POST
def milestone_sign_off(request, milestone):
    found, project, _standing = _milestone(request, milestone)
    _require(permissions.can_decide(request.user))
    form = SignOffForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if services.sign_off_milestone(found, actor=request.user, note=note):
            messages.success(request, _("Milestone signed off; the team has been told."))
    except ValidationError as error:
        _messages_from(request, error)
    return redirect(project)


@login_required
def milestone_download(request, milestone):
    found, _project, _standing = _milestone(request, milestone)
    if not found.file:
        raise Http404
    return _file_response(found.file, found.content_type)


def _add_milestone(request, project):
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.add_milestone(project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("Milestone added; the team has been told."))
    else:
        for errors in form.errors.values():
            _messages_from(request, ValidationError(errors))
    return redirect(project)


@login_required
@require_POST
def milestone_create(request, slug, pk):
    candidacy, _standing = _candidacy(request, slug, pk)
    _require(permissions.can_decide(request.user))
    return _add_milestone(request, candidacy)


# A member's own page and the staff's overview


@login_required
def mine(request):
    user = request.user
    candidacies = list(
        Candidacy.objects.with_member(user).select_related("call").order_by("-created_at")
        if permissions.is_verified(user)
        else []
    )
    context = {
        "candidacies": candidacies,
        "invitations": list(
            TeamMember.objects.filter(member=user, state=TeamMemberState.INVITED)
            .exclude(candidacy__state__in=[CandidacyState.WITHDRAWN, CandidacyState.CLOSED])
            .select_related("candidacy__call", "invited_by")
        ),
        "offers": list(JoinOffer.objects.filter(member=user).select_related("role__candidacy__call")),
        "reviewing": list(FundingCall.objects.filter(reviewers__member=user).exclude(status=CallStatus.ARCHIVED)),
        "lead_requests": list(LeadPartnerRequest.objects.filter(requester=user)),
        "followed": list(
            FundingCall.objects.visible_to(user).filter(followers__member=user).exclude(status=CallStatus.ARCHIVED)
        ),
    }
    return render(request, "calls/mine.html", context)


@login_required
def due(request):
    """Everything due in the next 30 days (and what is already late), for the staff."""
    _require(permissions.is_staff(request.user))
    now = timezone.now()
    horizon = now + timedelta(days=DUE_WINDOW_DAYS)
    context = {
        "tasks": list(
            ResponsibilityTask.objects.due_within(DUE_WINDOW_DAYS, now).select_related(
                "candidacy__call", "lead_request"
            )
        ),
        "milestones": list(
            ReportingMilestone.objects.undelivered()
            .live()
            .filter(due_at__lte=horizon)
            .select_related("candidacy__call", "lead_request")
        ),
        "to_sign_off": list(
            ReportingMilestone.objects.filter(submitted_at__isnull=False, signed_off_at__isnull=True).select_related(
                "candidacy__call", "lead_request"
            )
        ),
        "calls": list(
            FundingCall.objects.filter(status__in=[CallStatus.OPEN, CallStatus.SCORING, CallStatus.DECIDED])
            .filter(Q(internal_deadline__range=(now, horizon)) | Q(funder_deadline__range=(now, horizon)))
            .order_by("internal_deadline")
        ),
        "now": now,
        "window": DUE_WINDOW_DAYS,
    }
    return render(request, "calls/due.html", context)


# Lead-partner requests


def lead_home(request):
    user = request.user
    context = {
        "criteria": list(LeadCriterion.objects.filter(is_active=True)),
        "can_ask": permissions.can_ask_lead_partner(user),
        "mine": list(LeadPartnerRequest.objects.filter(requester=user)) if user.is_authenticated else [],
        "all_requests": list(LeadPartnerRequest.objects.select_related("requester"))
        if permissions.is_staff(user)
        else [],
    }
    return render(request, "calls/lead_home.html", context)


@login_required
def lead_create(request):
    _require(permissions.can_ask_lead_partner(request.user))
    form = LeadRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.request_lead_partner(request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Request sent: the staff will assess it against the published criteria."))
            return redirect(found)
    return render(request, "calls/lead_form.html", {"form": form})


def _lead_request(request, pk):
    found = get_object_or_404(LeadPartnerRequest.objects.select_related("requester", "decided_by"), pk=pk)
    standing = permissions.lead_standing(request.user, found)
    if not permissions.can_see_lead_request(request.user, standing):
        raise Http404
    return found, standing


@login_required
def lead_detail(request, pk):
    found, standing = _lead_request(request, pk)
    is_staff = permissions.is_staff(request.user)
    criteria = list(LeadCriterion.objects.filter(is_active=True))
    assessments = {a.criterion_id: a for a in found.assessments.select_related("criterion")}
    form = None
    if is_staff and found.state == LeadRequestState.SUBMITTED:
        current = {pk: (a.met, a.note) for pk, a in assessments.items()}
        form = LeadAssessmentForm(criteria, request.POST or None, current=current)
        if request.method == "POST" and form.is_valid():
            try:
                services.assess_lead_request(found, actor=request.user, assessments=form.assessments())
                if form.cleaned_data["decision"]:
                    services.set_lead_request_state(
                        found, form.cleaned_data["decision"], actor=request.user, reason=form.cleaned_data["reason"]
                    )
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                messages.success(request, _("Assessment saved."))
                return redirect(found)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "lead": found,
        "standing": standing,
        "is_staff": is_staff,
        "assessments": [(c, assessments.get(c.pk)) for c in criteria],
        "form": form,
        "tasks": list(found.tasks.select_related("done_by")),
        "milestones": list(found.milestones.all()),
        "milestone_form": MilestoneForm() if is_staff and found.state == LeadRequestState.ACCEPTED else None,
        "deliver_form": DeliverForm(),
        "can_withdraw": permissions.can_withdraw_lead_request(request.user, found, standing),
    }
    return render(request, "calls/lead_detail.html", context)


@login_required
@require_POST
def lead_state(request, pk):
    """The requester withdraws; the staff close an accepted project once its reporting is done."""
    found, standing = _lead_request(request, pk)
    new = request.POST.get("state")
    if new == LeadRequestState.WITHDRAWN:
        _require(permissions.can_withdraw_lead_request(request.user, found, standing))
    elif new == LeadRequestState.CLOSED:
        _require(permissions.can_decide(request.user))
    else:
        raise PermissionDenied
    try:
        services.set_lead_request_state(found, new, actor=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Request updated."))
    return redirect(found)


@login_required
@require_POST
def lead_milestone_create(request, pk):
    found, _standing = _lead_request(request, pk)
    _require(permissions.can_decide(request.user))
    return _add_milestone(request, found)


# Rules


def rules(request):
    versions = list(RulesVersion.objects.visible_to(request.user))
    current = next((v for v in versions if not v.is_draft), None)
    context = {"versions": versions, "current": current, "drafts": [v for v in versions if v.is_draft]}
    return render(request, "calls/rules.html", context)


def rules_version(request, number):
    version = get_object_or_404(RulesVersion.objects.visible_to(request.user), number=number)
    previous = RulesVersion.objects.published().filter(number__lt=number).order_by("-number").first()
    form = RulesCommentForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _require(permissions.can_comment_on_rules(request.user, version))
        if form.is_valid():
            try:
                services.comment_on_rules(version, request.user, form.cleaned_data["text"])
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                messages.success(request, _("Thank you: your comment is with the draft."))
                return redirect(version)
    comments = []
    if version.is_draft:
        authors = version.comments.values("author")
        visible = set(Member.objects.visible_to(request.user).filter(pk__in=authors).values_list("pk", flat=True))
        comments = [(c, c.author_id in visible) for c in version.comments.select_related("author")]
    context = {
        "version": version,
        "previous": previous,
        "difference": rulesdiff.difference(previous.body, version.body) if previous else [],
        "comments": comments,
        "form": form if permissions.can_comment_on_rules(request.user, version) else None,
        "is_staff": permissions.is_staff(request.user),
    }
    return render(request, "calls/rules_version.html", context)


@login_required
@require_POST
def rules_publish(request, number):
    _require(permissions.is_staff(request.user))
    version = get_object_or_404(RulesVersion, number=number)
    try:
        if services.publish_rules(version, actor=request.user):
            messages.success(request, _("Version published."))
    except ValidationError as error:
        _messages_from(request, error)
    return redirect(version)
