from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications import digest, registry, services
from notifications.forms import PreferencesForm
from notifications.models import Notification, Preferences

PAGE_SIZE = 30


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=Preferences.for_member(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def digest_preview(request):
    sections = digest.preview(request.user)
    return render(
        request,
        "notifications/digest_preview.html",
        {
            "sections": [{"label": s.label, "items": items, "html": f"{s.template}.html"} for s, items in sections],
            "preferences": digest.preferences_of(request.user),
        },
    )


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(member=request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("pagina"))
    unread = Notification.objects.unread().filter(member=request.user).count()
    return render(request, "notifications/notification_list.html", {"page": page, "unread": unread})


def bell(request):
    """The unread count, asked by every page after it loads (htmx): the pages themselves
    run no query for it. A session that ended meanwhile gets nothing to swap in (204), not
    the log-in page inside the menu."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    unread = Notification.objects.unread().filter(member=request.user).count()
    return render(request, "notifications/bell.html", {"unread": unread})


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request, pk):
    # Only the member's own notifications: anyone else's is a 404.
    notification = get_object_or_404(Notification, pk=pk, member=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if request.headers.get("HX-Request"):
        return render(request, "notifications/includes/notification.html", {"notification": notification})
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    count = Notification.objects.unread().filter(member=request.user).update(read_at=timezone.now())
    if count:
        messages.success(request, _("Every notification is marked as read."))
    return _back(request)


def _kind_label(kind_key):
    if kind_key == services.DIGEST:
        return _("the digest")
    kind = registry.kind(kind_key)
    return kind.label if kind else None


# RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no cookie and no
# CSRF token; the signed token is the only authority. A GET only asks for confirmation.
@csrf_exempt
def unsubscribe(request, token):
    found = services.read_unsubscribe_token(token)
    label = _kind_label(found[1]) if found else None
    if found is None or label is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        changed = services.turn_off(*found)
        return render(request, "notifications/unsubscribe_done.html", {"label": label, "changed": changed})
    return render(request, "notifications/unsubscribe_confirm.html", {"label": label, "token": token})
