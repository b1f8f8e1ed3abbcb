"""The parts of every page around its content: the navigation, the head's links, the footer.

They are the same for every reader of a kind (visitor, member, staff) in a language, but
rendering them in base.html cost about 1 ms of the 1.8 ms of an empty signed-in page
(in-process, 100,000 members): fifteen {% url %} reversals, the static tags, the translations,
and Django walking every node of base.html's {% if %} branches on each render to find its
blocks. So each part is rendered once per process per (part, language, kind, script prefix)
and kept in memory; a request only puts in its two personal values, the CSRF token and its own
path (the language switch's "next"). Nothing a member writes shows in these parts, so the copy
can never be stale: what it depends on (URLs, catalogues, static files' names) changes only
with a deploy, which starts new processes.

    {% chrome "includes/header.html" %}

The part's template sees `signed_in`, `staff`, `full_path` and `csrf_token` only, never the
request or the user, so nothing personal can slip into the shared copy.
"""

import re

from django import template
from django.core.signals import setting_changed
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_TOKEN = "sip-chrome-csrf-token"
_PATH = "sip-chrome-full-path"
# Where a request's own values go in a rendered part: the whole CSRF input (none when the
# context has no token, as {% csrf_token %} would render) and the path, already escaped.
_CSRF_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_TOKEN}">'
_SLOTS = re.compile(f"({re.escape(_CSRF_INPUT)}|{_PATH})")

_rendered = {}


def _parts(name, signed_in, staff):
    key = (name, get_language(), signed_in, staff, get_script_prefix())
    parts = _rendered.get(key)
    if parts is None:
        html = get_template(name).render(
            {"signed_in": signed_in, "staff": staff, "full_path": _PATH, "csrf_token": _TOKEN}
        )
        # Even indexes are literal HTML, odd ones a slot.
        parts = _rendered[key] = tuple(_SLOTS.split(html))
    return parts


@register.simple_tag(takes_context=True)
def chrome(context, name):
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    staff = signed_in and user.is_staff
    parts = _parts(name, signed_in, staff)
    if len(parts) == 1:
        return mark_safe(parts[0])
    request = context.get("request")
    values = {
        _CSRF_INPUT: CsrfTokenNode().render(context),
        _PATH: escape(request.get_full_path()) if request is not None else "",
    }
    return mark_safe("".join(values[part] if index % 2 else part for index, part in enumerate(parts)))


def _forget(**kwargs):
    # A test that changes the URLs, the languages or the static files gets fresh parts.
    _rendered.clear()


setting_changed.connect(_forget)
