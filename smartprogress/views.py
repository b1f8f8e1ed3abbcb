import logging

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from groups.models import WorkingGroup, group_cards
from notifications.listkeys import DigestedRows
from notifications.services import PUBLISH_TRANSPORT_OPTIONS
from smartprogress import dashboard
from smartprogress.celery import app as celery_app

logger = logging.getLogger(__name__)


def home(request):
    if request.user.is_authenticated:
        return _dashboard(request, request.user)
    # A visitor's cards come from the cache, keyed by one digest query (notifications/listkeys.py).
    return render(request, "home.html", {"groups": DigestedRows(group_cards)})


def _dashboard(request, member):
    """The groups' overview and the member's lists come from Redis while nothing they show
    changed (smartprogress/dashboard.py); group names come from the overview, not a join."""
    groups, lists = dashboard.dashboard_data(member)
    by_id = {group.pk: group for group in groups}
    my_group_ids = lists["my_group_ids"]
    # Both carry the versions of group writes, so every row's group is in the overview; a row
    # whose group is not would be left out rather than fail the page.
    meetings = [row for row in lists["meetings"] if row.group_id in by_id]
    my_proposals = [row for row in lists["my_proposals"] if row.group_id in by_id]
    invitations = [row for row in lists["invitations"] if row.proposal.group_id in by_id]
    for row in meetings + my_proposals:
        row.group = by_id[row.group_id]
    for invitation in invitations:
        invitation.proposal.group = by_id[invitation.proposal.group_id]
    context = {
        **lists,
        "meetings": meetings,
        "my_proposals": my_proposals,
        "invitations": invitations,
        "member": member,
        "my_groups": [g for g in groups if g.pk in my_group_ids],
        "other_groups": [g for g in groups if g.pk not in my_group_ids],
    }
    return render(request, "dashboard.html", context)


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
