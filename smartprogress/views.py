import logging

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from groups.models import Meeting, Membership, WorkingGroup, group_cards
from groups.proposals.enums import CoAuthorState
from groups.proposals.models import CoAuthor, Proposal
from networking.models import CommonProject
from notifications.listkeys import DigestedRows
from notifications.services import PUBLISH_TRANSPORT_OPTIONS
from smartprogress.celery import app as celery_app
from training.models import Enrolment

logger = logging.getLogger(__name__)


DASHBOARD_MEETINGS = 5
DASHBOARD_PROPOSALS = 10
DASHBOARD_PROJECTS = 5


def home(request):
    groups = WorkingGroup.objects.active().with_overview()
    if request.user.is_authenticated:
        member = request.user
        my_group_ids = set(Membership.objects.active().filter(member=member).values_list("group_id", flat=True))
        context = {
            "member": member,
            "my_groups": [g for g in groups if g.pk in my_group_ids],
            "other_groups": [g for g in groups if g.pk not in my_group_ids],
            "meetings": Meeting.objects.upcoming()
            .of_member_groups(member)
            .filter(group__archived_at=None)
            .select_related("group")
            .order_by("starts_at")[:DASHBOARD_MEETINGS],
            "enrolments": Enrolment.objects.on_dashboard(member),
            # What they wrote or co-sign, whatever its state: the author always knows where it stands.
            "my_proposals": Proposal.objects.authored_by(member)
            .filter(group__archived_at=None)
            .select_related("group")
            .order_by("-created_at", "-pk")[:DASHBOARD_PROPOSALS],
            "invitations": CoAuthor.objects.filter(
                member=member, state=CoAuthorState.INVITED, proposal__group__archived_at=None
            ).select_related("proposal", "proposal__group"),
            # One query: the member's skills are a subquery.
            "projects_for_me": CommonProject.objects.needing_skills_of(member).order_by("-created_at", "-pk")[
                :DASHBOARD_PROJECTS
            ]
            if member.is_verified_member
            else [],
        }
        return render(request, "dashboard.html", context)
    # A visitor's cards come from the cache, keyed by one digest query (notifications/listkeys.py).
    return render(request, "home.html", {"groups": DigestedRows(group_cards)})


def privacy(request):
    return render(request, "privacy.html", {"unconfirmed_days": settings.UNCONFIRMED_ACCOUNT_DAYS})


def favicon(request):
    """Browsers ask for /favicon.ico where a page names no icon (a PDF, a JSON answer)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def bench_baseline(request):
    """What Django itself can do, for `make bench`: a tiny template and one query through the
    same middleware as every page. Not found unless settings.BENCH is on."""
    if not settings.BENCH:
        raise Http404
    name = WorkingGroup.objects.active().order_by("pk").values_list("name", flat=True).first()
    return render(request, "bench_baseline.html", {"name": name})


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker():
    # The short timeouts of publishing from a request: a hanging broker fails in
    # about a second instead of holding the load balancer's probe.
    with celery_app.connection_for_write(transport_options=PUBLISH_TRANSPORT_OPTIONS) as conn:
        conn.ensure_connection(max_retries=0, timeout=2)
        # Opening a channel is a round trip: a hanging broker accepts connections, then says nothing.
        conn.default_channel  # noqa: B018


@never_cache
def healthz(request):
    """Readiness: 200 when the database and the broker answer, else 503 naming the failure."""
    checks = {"database": _check_database, "broker": _check_broker}
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception:
            logger.warning("Health check %s failed", name, exc_info=True)
            results[name] = "fail"
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ok" if healthy else "fail", **results}, status=200 if healthy else 503)
