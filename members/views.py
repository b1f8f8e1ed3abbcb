from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import services
from members.enums import Language
from members.forms import ErasureForm, ProfileForm, VerificationRequestForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("members:profile")
    feed_url = request.build_absolute_uri(reverse("groups:calendar_feed", args=[request.user.ensure_calendar_token()]))
    return render(request, "members/profile.html", {"form": form, "feed_url": feed_url})


@login_required
@require_POST
def renew_calendar(request):
    """A new secret address for the calendar feed; the old one stops working."""
    request.user.renew_calendar_token()
    messages.success(request, _("Your calendar has a new address: update it in your calendar program."))
    return redirect("members:profile")


@login_required
def verification(request):
    member = request.user
    form = VerificationRequestForm(request.POST or None, initial={"membership_number": member.membership_number})
    if request.method == "POST" and member.may_request_verification and form.is_valid():
        try:
            member = services.request_verification(member, form.cleaned_data["membership_number"])
        except ValidationError as error:
            form.add_error("membership_number", error)
        else:
            if member.is_verified_member:
                messages.success(request, _("Welcome! Your membership number is on the roster: you are verified."))
            else:
                messages.success(request, _("Thank you: the Smart staff will check your request and write to you."))
            return redirect("members:verification")
    return render(request, "members/verification.html", {"form": form, "member": member})


@login_required
def my_data(request):
    """Everything the portal holds about the reader, readable; the same as JSON below."""
    account, account_rows, sections = services.export_member(request.user)
    return render(request, "members/my_data.html", {"account_rows": account_rows, "sections": sections})


@login_required
def my_data_download(request):
    response = HttpResponse(services.export_as_json(request.user), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="smart-in-progress-i-miei-dati.json"'
    return response


@login_required
def erase(request):
    form = ErasureForm(request.POST or None, member=request.user)
    if request.method == "POST" and form.is_valid():
        services.erase_member(request.user, actor=request.user)
        logout(request)
        messages.success(request, _("Your account has been erased. Thank you for taking part in Smart in Progress."))
        return redirect("home")
    return render(request, "members/erase.html", {"form": form, "data_url": reverse("members:my_data")})


@require_POST
def set_language(request):
    """Switch language; a signed-in member's choice is saved on their profile."""
    language = request.POST.get("language")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in Language.values:
        return response
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=False,
        samesite="Lax",
    )
    return response
