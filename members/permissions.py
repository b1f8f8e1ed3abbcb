from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def is_verified_member(user):
    return user.is_authenticated and user.is_verified_member


def verified_member_required(view):
    """Only verified members get member-only features; others are told how to get there."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_verified_member(request.user):
            messages.info(request, _("This is for verified members of the cooperative. Ask for verification first."))
            return redirect("members:verification")
        return view(request, *args, **kwargs)

    return wrapper
