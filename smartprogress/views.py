import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from groups.models import WorkingGroup
from smartprogress.celery import app as celery_app

logger = logging.getLogger(__name__)


def home(request):
    groups = WorkingGroup.objects.active().prefetch_related("prompts")
    if request.user.is_authenticated:
        return render(request, "dashboard.html", {"groups": groups, "member": request.user})
    return render(request, "home.html", {"groups": groups})


def privacy(request):
    return render(request, "privacy.html")


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker():
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


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
