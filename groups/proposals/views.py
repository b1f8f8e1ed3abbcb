from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import permissions as group_permissions
from groups.models import WorkingGroup
from groups.proposals import limits, permissions, services
from groups.proposals.enums import CoAuthorState, ProposalOrder, UpdateKind
from groups.proposals.forms import CommentForm, ProposalFilterForm, ProposalForm, ReportForm
from groups.proposals.models import CoAuthor, Comment, Proposal, ProposalAttachment, Support
from groups.views import _form_errors_from, _messages_from
from members.models import Member
from members.validators import parse_id
from smartprogress import pagecache

PROPOSALS_PER_PAGE = 20


def _proposal(request, pk):
    """The proposal and its co-author rows, if the reader may see it; else 404 (never a 403
    that would say an unpublished proposal exists). Proposals of an archived group are gone
    from the portal with the rest of the group; staff still find them in the admin."""
    proposal = get_object_or_404(
        Proposal.objects.visible_to(request.user).filter(group__archived_at=None).select_related("group", "author"),
        pk=pk,
    )
    coauthors = list(CoAuthor.objects.filter(proposal=proposal).select_related("member"))
    return proposal, coauthors


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def _text_of(form):
    return {name: form.cleaned_data[name] for name in services.TEXT_FIELDS}


# Lists


# The query-string fields of the lists (ProposalFilterForm and the page number).
LIST_PARAMETERS = ("q", "gruppo", "stato", "ordina", "pagina")


def proposal_list(request, slug=None):
    """Every public proposal (or a group's): filters, three sorts, a search, pages.

    The body is the same for everyone with the same query (and, in a group, the same right
    to write): it is built once and kept under the "proposals" version
    (smartprogress/pagecache.py; GroupsConfig.ready lists the writes that replace it). Built
    each time it cost about 7 ms of CPU at the bench (300 proposals, a page of 20): the
    filter form with every group, the rows, the count; from the cache, two reads of Redis."""
    group = get_object_or_404(WorkingGroup.objects.active(), slug=slug) if slug else None
    membership = group_permissions.membership_for(request.user, group) if group else None
    can_write = group is not None and permissions.can_write_in(request.user, membership)
    body = pagecache.body(
        ["proposals"],
        (getattr(group, "pk", None), can_write, pagecache.query_of(request, LIST_PARAMETERS)),
        lambda: _list_body(request, group, can_write),
    )
    return render(request, "groups/proposals/proposal_list.html", {"group": group, "body": body})


def _list_body(request, group, can_write):
    """The list's HTML; not to be kept (0) for a search or a query that is not among the
    choices (pagecache.body)."""
    context = _list_context(request, group, can_write)
    html = render_to_string("groups/proposals/proposal_list_body.html", context, request)
    filters, page = context["filters"], context["page"]
    canonical = request.GET.get("pagina", "") in ("", str(page.number))
    return html, (None if canonical and not filters.errors and not filters.value("q") else 0)


def _list_context(request, group, can_write):
    filters = ProposalFilterForm(request.GET, with_group=group is None)
    proposals = Proposal.objects.public().filter(group__archived_at=None).select_related("group")
    chosen_group = group or filters.value("gruppo", None)
    if chosen_group is not None:
        proposals = proposals.filter(group=chosen_group)
    if filters.value("stato"):
        proposals = proposals.filter(state=filters.value("stato"))
    searched = filters.value("q").strip()
    if searched:
        proposals = proposals.matching(searched)
    order = filters.value("ordina", ProposalOrder.RELEVANCE if searched else ProposalOrder.NEWEST)
    page = Paginator(proposals.ordered(order), PROPOSALS_PER_PAGE).get_page(request.GET.get("pagina"))
    return {
        "group": group,
        "page": page,
        "filters": filters,
        "query_string": _without_page(request.GET),
        "can_write": can_write,
    }


def _without_page(params):
    params = params.copy()
    params.pop("pagina", None)
    return params.urlencode()


# Writing


@login_required
def proposal_create(request, slug):
    group = get_object_or_404(WorkingGroup.objects.active(), slug=slug)
    _require(permissions.can_write_in(request.user, group_permissions.membership_for(request.user, group)))
    form = ProposalForm(request.POST or None, request.FILES or None, group=group, author=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            limits.spend_proposal(request.user)
            proposal = services.create_proposal(
                group,
                author=request.user,
                uploads=form.cleaned_data["files"],
                coauthors=form.cleaned_data["coauthors"],
                submit=request.POST.get("azione") == "invia",
                **_text_of(form),
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _saved_message(proposal))
            return redirect("proposals:detail", proposal.pk)
    return render(request, "groups/proposals/proposal_form.html", {"form": form, "group": group})


def _saved_message(proposal):
    if proposal.state == "submitted":
        return _("Proposal sent: the staff will read it and publish it, or tell you why not.")
    return _("Draft saved: only you and your co-authors can read it. Send it to the staff when it is ready.")


@login_required
def proposal_edit(request, pk):
    proposal, coauthors = _proposal(request, pk)
    _require(permissions.can_edit(request.user, proposal, coauthors))
    may_choose = permissions.can_choose_coauthors(request.user, proposal)
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        instance=Proposal.objects.get(pk=proposal.pk),
        group=proposal.group,
        author=request.user,
        may_choose_coauthors=may_choose,
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.update_proposal(
                proposal,
                actor=request.user,
                uploads=form.cleaned_data["files"],
                coauthors=form.cleaned_data["coauthors"] if may_choose else None,
                **_text_of(form),
            )
            if request.POST.get("azione") == "invia":
                proposal = services.submit_proposal(proposal, actor=request.user)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _saved_message(proposal))
            return redirect("proposals:detail", proposal.pk)
    context = {
        "form": form,
        "group": proposal.group,
        "proposal": proposal,
        "attachments": list(proposal.attachments.all()),
    }
    return render(request, "groups/proposals/proposal_form.html", context)


def _state_change(request, pk, allowed, change, done):
    proposal, coauthors = _proposal(request, pk)
    _require(allowed(request.user, proposal, coauthors))
    try:
        change(proposal, actor=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, done)
    return redirect("proposals:detail", proposal.pk)


@login_required
@require_POST
def proposal_submit(request, pk):
    return _state_change(
        request,
        pk,
        permissions.can_edit,
        services.submit_proposal,
        _("Proposal sent: the staff will read it and publish it, or tell you why not."),
    )


@login_required
@require_POST
def proposal_withdraw(request, pk):
    return _state_change(
        request,
        pk,
        permissions.can_withdraw,
        services.withdraw_proposal,
        _("Proposal withdrawn. You can reopen it as a draft whenever you like."),
    )


@login_required
@require_POST
def proposal_reopen(request, pk):
    return _state_change(
        request, pk, permissions.can_reopen, services.reopen_proposal, _("The proposal is a draft again.")
    )


@login_required
@require_POST
def invitation_answer(request, pk):
    proposal, coauthors = _proposal(request, pk)
    row = next((c for c in coauthors if c.member_id == request.user.pk and c.state == CoAuthorState.INVITED), None)
    if row is None:
        raise PermissionDenied
    accept = request.POST.get("risposta") == "accetta"
    try:
        services.answer_invitation(row, accept=accept)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(
            request, _("You now co-sign this proposal.") if accept else _("Invitation declined; the author can see it.")
        )
    # Who declined no longer sees a proposal that is not public.
    if accept or proposal.is_public:
        return redirect("proposals:detail", proposal.pk)
    return redirect("home")


def _attachment(request, pk, attachment_pk):
    proposal, coauthors = _proposal(request, pk)
    return proposal, coauthors, get_object_or_404(ProposalAttachment, proposal=proposal, pk=attachment_pk)


def attachment_download(request, pk, attachment_pk):
    """Files are never on a public path: each download checks who may read the proposal."""
    proposal, _coauthors, attachment = _attachment(request, pk, attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if proposal.is_public else "private, no-store"
    return response


@login_required
@require_POST
def attachment_remove(request, pk, attachment_pk):
    proposal, coauthors, attachment = _attachment(request, pk, attachment_pk)
    _require(permissions.can_edit(request.user, proposal, coauthors))
    try:
        services.remove_attachment(attachment, actor=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Attachment removed."))
    return redirect("proposals:edit", proposal.pk)


# Reading, supporting, commenting


def proposal_detail(request, pk, *, comment_form=None, reply_to=None):
    """The proposal with its answers and comments; after a refused comment or reply, with
    what was typed and why it was refused (`comment_form`, in reply to `reply_to`)."""
    proposal, coauthors = _proposal(request, pk)
    user = request.user
    shown_names = Member.objects.visible_to(user)
    comments = list(
        Comment.objects.filter(proposal=proposal)
        .select_related("author")
        .annotate(author_shown=Exists(shown_names.filter(pk=OuterRef("author_id"))))
    )
    replies = {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    now = timezone.now()
    for comment in comments:
        comment.reply_list = replies.get(comment.pk, [])
        comment.editable = permissions.can_edit_comment(user, comment, now)
        comment.removable = permissions.can_remove_comment(user, comment)
    visible_ids = set(
        shown_names.filter(pk__in=[proposal.author_id, *(c.member_id for c in coauthors)]).values_list("pk", flat=True)
    )
    updates = list(proposal.updates.all())
    is_author = permissions.is_author(user, proposal, coauthors)
    context = {
        "proposal": proposal,
        "group": proposal.group,
        "author_shown": proposal.author_id in visible_ids,
        "coauthors": [c for c in coauthors if c.state == CoAuthorState.ACCEPTED],
        "coauthor_names_shown": visible_ids,
        "pending_coauthors": [c for c in coauthors if c.state != CoAuthorState.ACCEPTED] if is_author else [],
        "invited": permissions.is_invited(user, coauthors),
        "attachments": list(proposal.attachments.all()),
        "answers": [u for u in updates if u.kind == UpdateKind.ANSWER],
        "progress": [u for u in updates if u.kind == UpdateKind.PROGRESS],
        "comments": [c for c in comments if c.parent_id is None],
        "comment_count": sum(1 for c in comments if not c.is_removed and not c.is_hidden),
        "comment_form": comment_form if comment_form is not None and reply_to is None else CommentForm(),
        "reply_form": comment_form if reply_to is not None else None,
        "reply_to": reply_to,
        "is_author": is_author,
        "supported": user.is_authenticated and Support.objects.filter(proposal=proposal, member=user).exists(),
        "can_edit": permissions.can_edit(user, proposal, coauthors),
        "can_withdraw": permissions.can_withdraw(user, proposal, coauthors),
        "can_reopen": permissions.can_reopen(user, proposal, coauthors),
        "can_support": permissions.can_support(user, proposal, coauthors),
        "can_comment": permissions.can_comment(user, proposal),
        "can_report": permissions.can_report(user, proposal),
        "discussion_closed": proposal.is_public and not proposal.is_open_for_discussion,
        "may_join_discussion": permissions.takes_part_in_discussion(user),
    }
    return render(request, "groups/proposals/proposal_detail.html", context)


@login_required
@require_POST
def support(request, pk):
    proposal, coauthors = _proposal(request, pk)
    withdrawing = request.POST.get("azione") == "ritira"
    if withdrawing:
        if services.withdraw_support(proposal, request.user):
            messages.success(request, _("You no longer support this proposal."))
    else:
        _require(permissions.takes_part_in_discussion(request.user))
        try:
            services.support(proposal, request.user)
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("Thank you: you support this proposal."))
    if request.headers.get("HX-Request"):
        proposal.refresh_from_db(fields=["support_count"])
        context = {
            "proposal": proposal,
            "supported": Support.objects.filter(proposal=proposal, member=request.user).exists(),
            "can_support": permissions.can_support(request.user, proposal, coauthors),
            "may_join_discussion": permissions.takes_part_in_discussion(request.user),
            "show_messages": True,
        }
        return render(request, "groups/proposals/includes/support_box.html", context)
    return redirect("proposals:detail", proposal.pk)


@login_required
@require_POST
def comment_add(request, pk):
    proposal, _coauthors = _proposal(request, pk)
    _require(permissions.takes_part_in_discussion(request.user))
    parent_id = parse_id(request.POST.get("risposta_a"))
    parent = get_object_or_404(Comment, proposal=proposal, pk=parent_id) if parent_id is not None else None
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            limits.spend_comment(request.user)
            services.add_comment(proposal, author=request.user, text=form.cleaned_data["text"], parent=parent)
        except ValidationError as error:
            # A bad field goes next to it; any other refusal (a limit, a closed proposal)
            # on top of the page, which keeps what was typed in the form.
            if hasattr(error, "error_dict"):
                _form_errors_from(form, error)
            else:
                _messages_from(request, error)
        else:
            messages.success(request, _("Comment published."))
            return redirect(reverse("proposals:detail", args=[proposal.pk]) + "#commenti")
    # What was typed stays in the form, with the reason it was refused.
    return proposal_detail(request, pk, comment_form=form, reply_to=parent.pk if parent else None)


def _own_comment(request, pk, comment_pk):
    proposal, _coauthors = _proposal(request, pk)
    comment = get_object_or_404(Comment.objects.select_related("proposal"), proposal=proposal, pk=comment_pk)
    return proposal, comment


@login_required
def comment_edit(request, pk, comment_pk):
    proposal, comment = _own_comment(request, pk, comment_pk)
    _require(comment.author_id == request.user.pk)
    if not permissions.can_edit_comment(request.user, comment):
        messages.error(request, _("A comment can be changed for 15 minutes after it is written."))
        return redirect(reverse("proposals:detail", args=[proposal.pk]) + "#commenti")
    form = CommentForm(request.POST or None, initial={"text": comment.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(comment, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Comment saved."))
            return redirect(reverse("proposals:detail", args=[proposal.pk]) + f"#commento-{comment.pk}")
    context = {"form": form, "proposal": proposal, "group": proposal.group, "comment": comment}
    return render(request, "groups/proposals/comment_form.html", context)


@login_required
@require_POST
def comment_remove(request, pk, comment_pk):
    proposal, comment = _own_comment(request, pk, comment_pk)
    _require(permissions.can_remove_comment(request.user, comment))
    services.remove_comment(comment, author=request.user)
    messages.success(request, _("Comment removed."))
    return redirect(reverse("proposals:detail", args=[proposal.pk]) + "#commenti")


@login_required
def report(request, pk, comment_pk=None):
    proposal, _coauthors = _proposal(request, pk)
    _require(permissions.can_report(request.user, proposal))
    comment = get_object_or_404(Comment, proposal=proposal, pk=comment_pk) if comment_pk else None
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report(proposal, reporter=request.user, reason=form.cleaned_data["reason"], comment=comment)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Thank you: the staff will look at it."))
            return redirect("proposals:detail", proposal.pk)
    context = {"form": form, "proposal": proposal, "group": proposal.group, "comment": comment}
    return render(request, "groups/proposals/report_form.html", context)
