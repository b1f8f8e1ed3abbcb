from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups.enums import GroupTheme
from groups.models import Membership, WorkingGroup
from groups.proposals.limits import spend
from members import directory
from members.matching import directory_members_with_skills
from members.models import Member
from networking import permissions, services
from networking.enums import InterestState
from networking.forms import ContactForm, DirectorySearchForm, InterestForm, ProjectForm
from networking.models import CommonProject, ContactMessage, ProjectInterest

DIRECTORY_PAGE_SIZE = 24
SEARCH_PARAMETERS = ("q", "skill", "sector", "region")
PROJECTS_PAGE_SIZE = 20
INBOX_PAGE_SIZE = 20
SUGGESTIONS = 8


def network_member_required(view):
    """Verified members and staff; a visitor is sent to log in, anybody else gets a 403 that
    explains how to become a verified member."""

    @wraps(view)
    @login_required
    def check(request, *args, **kwargs):
        if not permissions.can_use_network(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return check


def _listed_member(request, pk):
    """The member, if the reader may see their profile: else 404, the same answer as for
    nobody, so a hidden member's id tells nothing."""
    member = get_object_or_404(Member.objects.prefetch_related("skills", "sectors"), pk=pk)
    if not permissions.can_see_profile(request.user, member):
        raise Http404
    return member


def _page(request, queryset, size):
    return Paginator(queryset, size).get_page(request.GET.get("pagina"))


def home(request):
    """The directory for verified members; for everyone else, what the network is and the
    R&D working group."""
    if not permissions.can_use_network(request.user):
        groups = WorkingGroup.objects.active().filter(theme=GroupTheme.NETWORKING).prefetch_related("prompts")
        return render(request, "networking/outside.html", {"groups": groups, "theme": GroupTheme.NETWORKING})
    # The page below the site's frame (search form, results, pages) is the same for every
    # verified member who sends the same address: it shows only what each listed member chose
    # to show, whoever reads it. It is cached under the directory's and its options' versions,
    # which every write that may change a result or an option replaces (members/directory.py),
    # so a write is seen by the next request. A hit costs one Redis read and no query: a
    # search went from 6 queries to 2 and from ~6 ms of its own to almost nothing (rendering
    # was two thirds of it). Only a miss runs the search, lazily, from the template.
    search = _Search(request)
    context = {
        # Only what the page reads of the address: another parameter makes no new fragment.
        "page_key": f"{directory.page_versions()}:{_search_query(request, 'pagina')}",
        "form": SimpleLazyObject(lambda: search.form),
        "page": SimpleLazyObject(lambda: search.page),
        "query": SimpleLazyObject(lambda: search.query),
        "in_directory": request.user.in_directory,
        "options_version": directory.options_version,
    }
    return render(request, "networking/directory.html", context)


class _Search:
    """The directory search of one request, run when the page's fragment is not cached."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def form(self):
        return DirectorySearchForm(self.request.GET or None)

    @cached_property
    def page(self):
        found = Member.objects.in_directory()
        criteria = {}
        if self.form.is_bound:
            # A wrong criterion (a stale or hand-written address) is left out, the others apply.
            self.form.is_valid()
            criteria = _criteria(self.form.cleaned_data)
            found = directory.search(found, **criteria)
        # Only the columns a result shows: no password hash, no bio or directory text for a
        # list of names. The order is the one index `member_directory_name_idx` (members)
        # holds, so the page of 24 is read from it instead of sorting every match.
        found = found.only("pk", "full_name", "region", "shows_region", "shows_sectors", "shows_skills").order_by(
            "full_name", "pk"
        )
        paginator = Paginator(found, DIRECTORY_PAGE_SIZE)
        # The count comes from the cache until a write changes the directory (members/directory.py).
        paginator.count = directory.cached_count(found, **criteria)
        page = paginator.get_page(self.request.GET.get("pagina"))
        _attach_names(page.object_list)
        return page

    @cached_property
    def query(self):
        return _search_query(self.request)


def _search_query(request, *extra):
    """The search's own parameters of the address, in a fixed order, for the pages' links."""
    return urlencode([(name, value) for name in (*SEARCH_PARAMETERS, *extra) for value in request.GET.getlist(name)])


def _attach_names(members):
    """Each member's skill and sector names, in one query of two columns per kind for the whole
    page rather than a prefetch that builds a model object per row."""
    members = list(members)
    ids = [member.pk for member in members]
    for attr, through, name in (
        ("skill_list", Member.skills.through, "skill__name"),
        ("sector_list", Member.sectors.through, "sector__name"),
    ):
        names = {}
        for member_id, value in through.objects.filter(member_id__in=ids).order_by(name).values_list("member_id", name):
            names.setdefault(member_id, []).append(value)
        for member in members:
            setattr(member, attr, names.get(member.pk, []))


def _criteria(data):
    return {
        "text": data.get("q") or "",
        "skill": data.get("skill"),
        "sector": data.get("sector"),
        "region": data.get("region") or "",
    }


@network_member_required
def profile(request, pk):
    member = _listed_member(request, pk)
    groups = (
        Membership.objects.taking_part().filter(member=member, group__archived_at=None).select_related("group")
        if member.shows_groups
        else []
    )
    projects = CommonProject.objects.of_member(member).order_by("-created_at") if member.shows_projects else []
    context = {
        "shown": member,
        "groups": groups,
        "projects": projects,
        "may_write": permissions.can_write_to(request.user, member),
        "blocked": permissions.has_blocked(request.user, member),
    }
    return render(request, "networking/profile.html", context)


@network_member_required
def contact(request, pk):
    recipient = get_object_or_404(Member, pk=pk)
    if not permissions.can_write_to(request.user, recipient):
        raise Http404
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not spend(request.user, "messages", settings.MESSAGES_PER_HOUR):
            form.add_error(
                None,
                _("You have reached the limit of %(count)d messages an hour: try again a little later.")
                % {"count": settings.MESSAGES_PER_HOUR},
            )
        else:
            try:
                services.send_message(
                    request.user,
                    recipient,
                    form.cleaned_data["body"],
                    shares_address=form.cleaned_data["shares_address"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your message has been sent."))
                return redirect("networking:inbox")
    return render(request, "networking/contact.html", {"form": form, "recipient": recipient})


@network_member_required
@require_POST
def block(request, pk):
    member = get_object_or_404(Member, pk=pk)
    if request.POST.get("azione") == "sblocca":
        if not services.unblock(request.user, member):
            raise Http404
        messages.success(request, _("You have unblocked %(name)s.") % {"name": member.full_name})
        return redirect("networking:inbox")
    # One blocks whom one can meet here: a directory member, or someone who wrote to you.
    known = ContactMessage.objects.filter(sender=member, recipient=request.user).exists()
    if not (known or permissions.can_see_profile(request.user, member)):
        raise Http404
    try:
        services.block(request.user, member)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("%(name)s can no longer send you messages.") % {"name": member.full_name})
    return redirect("networking:inbox")


@network_member_required
def inbox(request):
    received = ContactMessage.objects.received_by(request.user).select_related("sender").order_by("-created_at", "-pk")
    page = _page(request, received, INBOX_PAGE_SIZE)
    shown = list(page.object_list)
    blocked = set(request.user.blocks.values_list("blocked_id", flat=True))
    for message in shown:
        message.was_unread = message.read_at is None
        message.sender_blocked = message.sender_id in blocked
    services.mark_read(shown, request.user)
    sent = (
        ContactMessage.objects.filter(sender=request.user)
        .select_related("recipient")
        .order_by("-created_at", "-pk")[:10]
    )
    return render(request, "networking/inbox.html", {"page": page, "shown": shown, "sent": sent})


# Common projects


@network_member_required
def project_list(request):
    projects = (
        CommonProject.objects.open()
        .select_related("author")
        .prefetch_related(Prefetch("skills", to_attr="skill_list"))
        .annotate(collaborators=Count("interests", filter=Q(interests__state=InterestState.ACCEPTED)))
        .order_by("-created_at", "-pk")
    )
    page = _page(request, projects, PROJECTS_PAGE_SIZE)
    for_me = CommonProject.objects.needing_skills_of(request.user).order_by("-created_at")[:5]
    return render(request, "networking/project_list.html", {"page": page, "for_me": for_me})


@network_member_required
def project_new(request):
    if not request.user.is_verified_member:
        raise PermissionDenied
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = services.post_project(request.user, **form.cleaned_data)
        messages.success(request, _("Your project is online: the members with the skills it needs will see it."))
        return redirect(project)
    return render(request, "networking/project_form.html", {"form": form})


def _project(pk):
    return get_object_or_404(CommonProject.objects.select_related("author").prefetch_related("skills"), pk=pk)


@network_member_required
def project_detail(request, pk):
    project = _project(pk)
    interests = list(project.interests.select_related("member"))
    mine = next((interest for interest in interests if interest.member_id == request.user.pk), None)
    is_author = permissions.is_author(request.user, project)
    collaborators = [interest for interest in interests if interest.state == InterestState.ACCEPTED]
    involved = [interest.member_id for interest in interests]
    # Names on the page follow each member's own choice of who may see them.
    named = set(Member.objects.visible_to(request.user).filter(pk__in=involved).values_list("pk", flat=True))
    listed = set(Member.objects.in_directory().filter(pk__in=involved).values_list("pk", flat=True))
    suggestions = []
    if project.closed_at is None:
        suggestions = directory_members_with_skills(
            project.skills.all(),
            exclude=[project.author_id, *involved],
            limit=SUGGESTIONS,
        )
    context = {
        "project": project,
        "is_author": is_author,
        "mine": mine,
        "collaborators": collaborators,
        "waiting": [i for i in interests if i.state == InterestState.INTERESTED] if is_author else [],
        "listed": listed,
        "named": named if not is_author else set(involved),
        "may_join": permissions.may_join(request.user, project, mine),
        "suggestions": suggestions,
        "interest_form": InterestForm(),
    }
    return render(request, "networking/project_detail.html", context)


@network_member_required
@require_POST
def project_interest(request, pk):
    project = _project(pk)
    form = InterestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(project)
    try:
        services.express_interest(project, request.user, form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The author knows you are interested: they will answer you."))
    return redirect(project)


@network_member_required
@require_POST
def project_accept(request, pk, interest):
    project = _project(pk)
    if not permissions.is_author(request.user, project):
        raise Http404
    found = get_object_or_404(ProjectInterest, pk=interest, project=project)
    services.accept_collaborator(found, actor=request.user)
    messages.success(request, _("%(name)s now collaborates on the project.") % {"name": found.member.full_name})
    return redirect(project)


@network_member_required
@require_POST
def project_close(request, pk):
    project = _project(pk)
    if not permissions.is_author(request.user, project):
        raise Http404
    services.close_project(project, actor=request.user)
    messages.success(request, _("The project is closed: it no longer looks for collaborators."))
    return redirect(project)
