from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, FilteredRelation, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import ics, pagecache, permissions, services
from groups.enums import Answer, MembershipState, PollStatus, Role
from groups.forms import DatePollForm, DocumentForm, MeetingForm, MinutesForm, PollCloseForm, VoteForm
from groups.models import (
    DOCUMENTS_VERSION,
    RSVP,
    DatePoll,
    DateSlot,
    Document,
    Meeting,
    Membership,
    WorkingGroup,
    group_cards,
)
from members.enums import Visibility
from members.models import Member
from members.validators import parse_id
from notifications.listkeys import DigestedRows
from smartprogress.compiled import CompiledQuery

# A group of hundreds lists its first names; the rest is a count.
PARTICIPANTS_ON_GROUP_PAGE = 60
# The list is keyed by the group's participants_version, so it is never stale; the expiry
# only frees Redis of lists nobody reads any more.
PARTICIPANTS_CACHE_SECONDS = 24 * 3600


def _group(slug):
    return get_object_or_404(WorkingGroup.objects.active(), slug=slug)


def _group_for_polls(request, slug):
    """The group, if the reader may see its date polls (verified members and staff)."""
    group = _group(slug)
    if not permissions.can_see_members_part(request.user):
        raise PermissionDenied
    return group


def _meeting(pk):
    """A meeting of a live group: its public part is for everyone, so no permission here."""
    return get_object_or_404(_live_meetings(), pk=pk)


def _live_meetings():
    return Meeting.objects.select_related("group").filter(group__archived_at=None)


def _with_reader(queryset, reader_pk):
    """`queryset` (of rows with a `group`) with the reader's membership of that group read in
    the same query (one row at most: unique per group and member), for `_reader_membership`."""
    return queryset.annotate(
        reader=FilteredRelation("group__memberships", condition=Q(group__memberships__member=reader_pk)),
        reader_membership=F("reader__pk"),
        reader_role=F("reader__role"),
        reader_state=F("reader__state"),
    )


def _require(request, group, allowed):
    """The reader's membership of `group` (or None), after `allowed(user, membership)` said yes; else 403."""
    membership = permissions.membership_for(request.user, group)
    if not allowed(request.user, membership):
        raise PermissionDenied
    return membership


def _messages_from(request, error):
    for text in error.messages:
        messages.error(request, text)


def _form_errors_from(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Groups


def group_list(request):
    # The cards are cached: their key is one digest query, the rows are read only to render them.
    return render(request, "groups/group_list.html", {"groups": DigestedRows(group_cards)})


@dataclass(frozen=True)
class ParticipantRow:
    """A name on the group page: the membership's id (to appoint), role and the member's name."""

    pk: int
    role: str
    full_name: str

    @property
    def role_label(self):
        return Role(self.role).label


# Who a reader may see in a participant list, by kind of reader: facilitators of the group
# and staff everyone, verified members who chose "everyone" or "verified members", the rest
# who chose "everyone" (members.models.MemberQuerySet.visible_to, the rule of every page).
_LISTED = {"all": None, "members": (Visibility.PUBLIC, Visibility.MEMBERS), "public": (Visibility.PUBLIC,)}


# Facilitators first, then by name: "facilitator" sorts before "participant", so the role goes
# ascending. (Descending put the participants first, and in a group larger than the page the
# facilitators never showed.) tests/groups/test_views.py holds it with a big group.
FACILITATORS_FIRST = ("role", "member__full_name")


def _participants_kind(user, membership, can_manage):
    """Whose names the reader sees ("all", "members", "public"), and whether their list is
    the shared one of their kind: a participant who hides their name from their kind of reader
    sees themselves too, so their list is their own."""
    if can_manage:
        return "all", True
    kind = "members" if user.is_authenticated and user.is_verified_member else "public"
    return kind, membership is None or user.visibility in _LISTED[kind]


def _participants_key(group, kind):
    return f"groups:participants-ff:{group.pk}:{group.participants_version}:{kind}"


def _participant_rows(group, user, kind, shared, cached):
    """The first PARTICIPANTS_ON_GROUP_PAGE names, by role, then by name.

    The same for every reader of a kind, so cached in Redis under the group's
    participants_version, which every write that changes the list moves on in its own
    transaction (groups/signals.py): a reader never gets a list older than the group row.
    `cached` is what Redis had (read with the page's other parts in one round trip).
    Only the three columns shown are read, never the members' whole rows."""
    if shared and cached is not None:
        return [ParticipantRow(*row) for row in cached]
    rows = Membership.objects.taking_part().filter(group=group).order_by(*FACILITATORS_FIRST)
    columns = ("pk", "role", "member__full_name")
    if not shared:
        rows = rows.filter(member__in=Member.objects.visible_to(user))
        return [ParticipantRow(*row) for row in rows.values_list(*columns)[:PARTICIPANTS_ON_GROUP_PAGE]]
    if _LISTED[kind] is not None:
        rows = rows.filter(member__visibility__in=_LISTED[kind])
    cached = list(rows.values_list(*columns)[:PARTICIPANTS_ON_GROUP_PAGE])
    cache.set(_participants_key(group, kind), cached, PARTICIPANTS_CACHE_SECONDS)
    return [ParticipantRow(*row) for row in cached]


def group_detail(request, slug):
    group = _group(slug)
    user = request.user
    membership = permissions.membership_for(user, group)
    can_manage = permissions.can_manage(user, membership)
    members_part = permissions.can_see_members_part(user)
    kind, shared = _participants_kind(user, membership, can_manage)
    participants_key = _participants_key(group, kind)
    # One Redis round trip for the shared parts and the participant list.
    parts, found = pagecache.group_page_parts(
        group,
        members_part=members_part,
        documents_kind=pagecache.document_kind(user, membership),
        extra_keys=[participants_key] if shared else [],
    )
    shown = _participant_rows(group, user, kind, shared, found.get(participants_key))
    participant_count = group.participant_count
    context = {
        "group": group,
        "membership": membership,
        "parts": parts,
        "participants": shown,
        "others_count": participant_count - len(shown),
        "participant_count": participant_count,
        "members_part": members_part,
        "can_manage": can_manage,
        "can_schedule": permissions.can_schedule(user, group, membership),
        "is_participant": permissions.is_participant(user, membership),
        "can_join": permissions.can_join(user),
        "pending": list(Membership.objects.pending().filter(group=group).select_related("member"))
        if can_manage
        else [],
    }
    return render(request, "groups/group_detail.html", context)


def _membership_response(request, group):
    """htmx asks for the membership box alone; a plain form post goes back to the page."""
    if request.headers.get("HX-Request"):
        membership = permissions.membership_for(request.user, group)
        context = {
            "group": group,
            "membership": membership,
            "can_join": permissions.can_join(request.user),
            "is_participant": permissions.is_participant(request.user, membership),
            "show_messages": True,
        }
        return render(request, "groups/includes/membership_box.html", context)
    return redirect("groups:detail", group.slug)


@login_required
@require_POST
def join(request, slug):
    group = _group(slug)
    try:
        membership = services.join_group(group, request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        if membership.state == MembershipState.PENDING:
            messages.success(request, _("Request sent: a facilitator of the group will answer you."))
        else:
            messages.success(request, _("Welcome to the group %(group)s!") % {"group": group.name})
    return _membership_response(request, group)


@login_required
@require_POST
def leave(request, slug):
    group = _group(slug)
    if services.leave_group(group, request.user):
        messages.success(request, _("You have left the group %(group)s.") % {"group": group.name})
    return _membership_response(request, group)


PARTICIPANTS_PER_PAGE = 100


@login_required
def participants(request, slug):
    """Every participant, for facilitators and staff: appoint facilitators in a group of any size."""
    group = _group(slug)
    _require(request, group, permissions.can_manage)
    memberships = (
        Membership.objects.taking_part().filter(group=group).select_related("member").order_by(*FACILITATORS_FIRST)
    )
    page = Paginator(memberships, PARTICIPANTS_PER_PAGE).get_page(request.GET.get("pagina"))
    return render(request, "groups/participants.html", {"group": group, "page": page})


def _managed_membership(request, slug, pk):
    group = _group(slug)
    _require(request, group, permissions.can_manage)
    return get_object_or_404(Membership.objects.select_related("member", "group"), group=group, pk=pk)


@login_required
@require_POST
def decide_request(request, slug, pk):
    membership = _managed_membership(request, slug, pk)
    if request.POST.get("decision") == "approve":
        try:
            approved = services.approve_request(membership, actor=request.user)
        except ValidationError as error:
            _messages_from(request, error)
        else:
            if approved:
                messages.success(request, _("%(member)s is now a participant.") % {"member": membership.member})
    elif services.decline_request(membership, actor=request.user):
        messages.success(request, _("Request declined; %(member)s has been told.") % {"member": membership.member})
    return redirect("groups:detail", slug)


@login_required
@require_POST
def appoint(request, slug, pk):
    membership = _managed_membership(request, slug, pk)
    if services.appoint_facilitator(membership, actor=request.user):
        messages.success(request, _("%(member)s is now a facilitator.") % {"member": membership.member})
    return redirect("groups:participants" if request.POST.get("from") == "participants" else "groups:detail", slug)


# Meetings


def meeting_list(request, slug):
    group = _group(slug)
    membership = permissions.membership_for(request.user, group)
    context = {
        "group": group,
        "body": pagecache.meeting_list_body(group),
        "can_schedule": permissions.can_schedule(request.user, group, membership),
    }
    return render(request, "groups/meeting_list.html", context)


@login_required
def meeting_create(request, slug):
    group = _group(slug)
    _require(request, group, lambda user, membership: permissions.can_schedule(user, group, membership))
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(group, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Meeting created: the participants have been told."))
            return redirect("groups:meeting", meeting.pk)
    return render(request, "groups/meeting_form.html", {"form": form, "group": group})


@dataclass(frozen=True)
class Answerer:
    """Who answered a meeting, as the page shows them: not the member's whole row."""

    pk: int
    full_name: str
    visibility: str


# The meeting page's meeting, with its group and the signed-in reader's membership: always the
# same shape, so compiled once (smartprogress/compiled.py).
_MEETING = CompiledQuery(
    lambda reader, pk: _with_reader(_live_meetings(), reader).filter(pk=pk).order_by("pk")[:1], reader=-1, pk=-2
)


def meeting_detail(request, pk):
    """Everyone sees the public part; verified members and staff also who answers and the minutes."""
    # The reader's membership comes with the meeting (`_with_reader`), in SQL compiled once per
    # process (`_MEETING`): 5 queries to 4 for a signed-in reader. A visitor has none, and no join.
    if request.user.is_authenticated:
        meeting = _MEETING.first(reader=request.user.pk, pk=pk)
        if meeting is None:
            raise Http404
        membership = _reader_membership(request, meeting)
    else:
        meeting, membership = _meeting(pk), None
    members_part = permissions.can_see_members_part(request.user)
    # Four columns of each answer rather than the answer and the member's whole row.
    rsvps = RSVP.objects.filter(meeting=meeting).order_by("member__full_name")
    rsvps = rsvps.values_list("answer", "member_id", "member__full_name", "member__visibility")
    mine = None
    by_answer = {answer: [] for answer in Answer.values}
    for answer, *person in rsvps:
        by_answer[answer].append(Answerer(*person))
        if person[0] == request.user.pk:
            mine = answer
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "members_part": members_part,
        "my_answer": mine,
        # Seats taken is a count, public like the capacity; who answers is not.
        "answers": [(Answer(a).label, by_answer[a]) for a in Answer.values] if members_part else [],
        "yes_count": len(by_answer[Answer.YES]),
        "is_participant": permissions.is_participant(request.user, membership),
        "can_manage": permissions.can_manage(request.user, membership),
        "with_online_link": permissions.can_see_online_link(request.user, membership),
        "documents": pagecache.meeting_documents(meeting, pagecache.document_kind(request.user, membership)),
        "answer_choices": Answer.choices,
    }
    return render(request, "groups/meeting_detail.html", context)


@login_required
@require_POST
def meeting_answer(request, pk):
    meeting = _meeting(pk)
    _require(request, meeting.group, permissions.is_participant)
    try:
        services.answer_meeting(meeting, request.user, request.POST.get("answer", ""))
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Thank you, your answer is saved."))
    return redirect("groups:meeting", meeting.pk)


def _managed_meeting(request, pk):
    meeting = _meeting(pk)
    _require(request, meeting.group, permissions.can_manage)
    return meeting


@login_required
def meeting_edit(request, pk):
    meeting = _managed_meeting(request, pk)
    form = MeetingForm(request.POST or None, instance=Meeting.objects.get(pk=meeting.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("groups:meeting", meeting.pk)
    return render(request, "groups/meeting_form.html", {"form": form, "group": meeting.group, "meeting": meeting})


@login_required
@require_POST
def meeting_cancel(request, pk):
    meeting = _managed_meeting(request, pk)
    if services.cancel_meeting(meeting, actor=request.user):
        messages.success(request, _("Meeting cancelled: whoever answered has been told."))
    return redirect("groups:meeting", meeting.pk)


@login_required
def meeting_minutes(request, pk):
    meeting = _managed_meeting(request, pk)
    form = MinutesForm(request.POST or None, instance=Meeting.objects.get(pk=meeting.pk))
    if request.method == "POST" and form.is_valid():
        services.save_minutes(meeting, actor=request.user, minutes=form.cleaned_data["minutes"])
        messages.success(request, _("Minutes saved."))
        return redirect("groups:meeting", meeting.pk)
    return render(request, "groups/minutes_form.html", {"form": form, "meeting": meeting, "group": meeting.group})


def meeting_ics(request, pk):
    meeting = _meeting(pk)
    membership = permissions.membership_for(request.user, meeting.group)
    with_link = permissions.can_see_online_link(request.user, membership)
    body = ics.calendar_for([meeting], name=meeting.title, with_online_link=with_link)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incontro-{meeting.pk}.ics"'
    return response


def calendar_feed(request, token):
    """A member's personal feed: their groups' meetings and what other apps add (course
    sessions); the secret URL is the key."""
    if len(token) < 20:
        raise Http404
    member = get_object_or_404(Member.objects.verified(), calendar_token=token)

    def build():
        meetings = (
            Meeting.objects.of_member_groups(member)
            .filter(group__archived_at=None)
            .select_related("group")
            .order_by("starts_at")
        )
        events = [ics.meeting_event(meeting) for meeting in meetings] + ics.personal_feed_events(member)
        return ics.calendar_of(sorted(events, key=lambda event: event.start), name="Smart in Progress")

    body = ics.cached_personal_feed(member, build)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# Date polls


POLL_PAGE_FIELDS = (
    *("title", "description", "duration", "closes_at", "status", "chosen_slot", "voter_count", "group", "meeting"),
    *("group__name", "group__slug", "group__archived_at", "meeting__starts_at", "meeting__ends_at"),
)


# Read on every view of a poll, always the same shape: its SQL is compiled once per process
# (smartprogress/compiled.py; bench, in-process: 0.91 -> 0.13 ms of CPU). Only the columns the
# page and the permission checks read: the group's and the meeting's other columns cost more
# to select than the row to find. The reader's membership of the group comes in the same
# query, for `_reader_membership`.
_POLL = CompiledQuery(
    lambda reader, slug, pk: (
        _with_reader(DatePoll.objects.select_related("group", "meeting").only(*POLL_PAGE_FIELDS), reader)
        .filter(group__slug=slug, group__archived_at__isnull=True, pk=pk)
        .order_by("pk")[:1]
    ),
    reader=-1,
    slug="-stand-in-",
    pk=-2,
)


def _poll(request, slug, pk):
    """The poll with its group and meeting in one query; a missing one is answered as before
    (404 for no such group, 403 for who may not see polls, else 404)."""
    poll = _POLL.first(reader=request.user.pk, slug=slug, pk=pk)
    if poll is None:
        _group_for_polls(request, slug)
        raise Http404
    if not permissions.can_see_members_part(request.user):
        raise PermissionDenied
    return poll


def _reader_membership(request, row):
    """The reader's membership of the row's group, as `permissions.membership_for` gives it,
    from the columns `_with_reader` read with the row (one query less on every view)."""
    if row.reader_membership is None:
        return None
    return Membership(
        pk=row.reader_membership,
        group=row.group,
        member=request.user,
        role=row.reader_role,
        state=row.reader_state,
    )


# Read on every view of a poll, always the same shape: compiled once, as `_POLL`.
_SLOTS = CompiledQuery(
    lambda poll, member: DateSlot.objects.filter(poll=poll).best_first().with_answer_of(member), poll=-1, member=-2
)


def _poll_slots(poll, user):
    """The poll's dates, best first, each with the reader's own answer (`my_answer`): one query."""
    return _SLOTS.objects(poll=poll.pk, member=user.pk)


@login_required
def poll_list(request, slug):
    group = _group_for_polls(request, slug)
    membership = permissions.membership_for(request.user, group)
    polls = group.date_polls.select_related("meeting").prefetch_related("slots")
    context = {
        "group": group,
        "polls": polls,
        "is_participant": permissions.is_participant(request.user, membership),
    }
    return render(request, "groups/poll_list.html", context)


@login_required
def poll_create(request, slug):
    group = _group(slug)
    _require(request, group, permissions.is_participant)
    form = DatePollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            poll = services.create_poll(
                group,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                duration=data["duration"],
                closes_at=data["closes_at"],
                slots=data["slots"],
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Poll created: the participants can now vote."))
            return redirect("groups:poll", group.slug, poll.pk)
    return render(request, "groups/poll_form.html", {"form": form, "group": group})


@login_required
def poll_detail(request, slug, pk):
    poll = _poll(request, slug, pk)
    membership = _reader_membership(request, poll)
    slots = _poll_slots(poll, request.user)
    form = VoteForm(sorted(slots, key=lambda s: s.starts_at), request.POST or None)
    if request.method == "POST":
        if not permissions.is_participant(request.user, membership):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.vote(poll, request.user, form.answers())
            except ValidationError as error:
                _messages_from(request, error)
            else:
                messages.success(request, _("Thank you, your availability is saved."))
            return redirect("groups:poll", poll.group.slug, poll.pk)
    return _poll_page(request, poll, membership, slots, vote_form=form)


def _poll_page(request, poll, membership, slots, *, vote_form=None, close_form=None):
    """The poll page; after a refused closing, with the facilitator's choices and what they typed."""
    by_time = sorted(slots, key=lambda s: s.starts_at)
    best = slots[0] if slots and slots[0].yes_count else None
    if vote_form is None:
        vote_form = VoteForm(by_time)
    can_manage = permissions.can_manage(request.user, membership)
    # Only a facilitator sees the closing form: nobody else pays for building it.
    if close_form is None and can_manage:
        close_form = PollCloseForm(poll, initial={"slot": best.pk if best else None})
    context = {
        "poll": poll,
        "group": poll.group,
        "slots": slots,
        "slots_by_time": by_time,
        "best": best,
        "voter_count": poll.voter_count,
        "form": vote_form,
        "close_form": close_form,
        "chosen_slot": str(close_form["slot"].value() or "") if close_form else "",
        "is_participant": permissions.is_participant(request.user, membership),
        "can_manage": can_manage,
        "is_open": poll.is_open,
        "closed": poll.status != PollStatus.OPEN,
    }
    return render(request, "groups/poll_detail.html", context)


@login_required
def poll_close(request, slug, pk):
    poll = _poll(request, slug, pk)
    membership = _require(request, poll.group, permissions.can_manage)
    if request.method != "POST":
        # A refused closing is shown at this address; the language switch then comes back here.
        return redirect("groups:poll", slug, poll.pk)
    if request.POST.get("without_date"):
        if services.cancel_poll(poll, actor=request.user):
            messages.success(request, _("Poll closed without choosing a date."))
        return redirect("groups:poll", slug, poll.pk)
    form = PollCloseForm(poll, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.close_poll(
                poll, data["slot"], actor=request.user, location=data["location"], online_url=data["online_url"]
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Date chosen: the meeting is in the calendar and the group has been told."))
            return redirect("groups:meeting", meeting.pk)
    return _poll_page(request, poll, membership, _poll_slots(poll, request.user), close_form=form)


# Documents


# /documenti/ is the same for every reader who may see the same documents (staff, visitors,
# verified members of the same groups): the list is cached under the documents' version,
# which every save or delete of a document or a group replaces (groups/signals.py), and the
# reader's audience (DocumentQuerySet.audience_of). A hit reads one short list of the
# reader's groups, not every document: 4 queries to 3 and no model built per document
# (the page of 10 groups of 10 documents cost 6.8 ms in-process, of which the prefetch and
# the digest of every row that keyed the fragment until now were most).
def documents(request):
    """Documenti utili: every document the reader may see, by group."""
    key = f"{DOCUMENTS_VERSION.get()}:{Document.objects.audience_of(request.user)}"
    return render(request, "groups/documents.html", {"groups": _documents_by_group(request.user), "list_key": key})


def _documents_by_group(user):
    """The groups with the documents `user` may see, read only if the template asks (a miss)."""
    # The rows show nothing of their group but what the section heading has: no join.
    visible = Document.objects.visible_to(user).filter(group__archived_at=None)
    return (
        WorkingGroup.objects.active()
        .only("pk", "name", "slug", "position")
        .prefetch_related(Prefetch("documents", queryset=visible.order_by("-created_at"), to_attr="visible_documents"))
    )


@login_required
def document_create(request, slug):
    group = _group(slug)
    _require(request, group, permissions.can_manage)
    meeting_id = parse_id(request.GET.get("incontro"))
    initial = {"meeting": meeting_id} if meeting_id is not None else {}
    form = DocumentForm(request.POST or None, request.FILES or None, group=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_document(
                group,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                visibility=data["visibility"],
                upload=data.get("file"),
                url=data.get("url", ""),
                meeting=data.get("meeting"),
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Document shared."))
            return redirect("groups:detail", group.slug)
    return render(request, "groups/document_form.html", {"form": form, "group": group})


def document_download(request, pk):
    """Files are never on a public path: each download checks who asks."""
    document = get_object_or_404(
        Document.objects.visible_to(request.user).filter(group__archived_at=None).exclude(file=""), pk=pk
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file.name.rsplit("/", 1)[-1],
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if document.visibility != "public" else "public, max-age=3600"
    return response
