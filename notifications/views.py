from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from notifications.forms import PreferencesForm
from notifications.models import Preferences


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=Preferences.for_member(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
