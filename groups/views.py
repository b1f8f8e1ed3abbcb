from django.http import Http404
from django.shortcuts import get_object_or_404, render

from groups.enums import GroupTheme
from groups.models import WorkingGroup


def group_list(request):
    groups = WorkingGroup.objects.active()
    return render(request, "groups/group_list.html", {"groups": groups})


def group_detail(request, slug):
    group = get_object_or_404(WorkingGroup.objects.active().prefetch_related("prompts"), slug=slug)
    return render(request, "groups/group_detail.html", {"group": group})


def section(request, theme):
    """The landing of a theme's area (/bandi/, /formazione/, /rete/): its working group
    first; the calls, courses and directory join it as their apps arrive."""
    if theme not in GroupTheme.values:
        raise Http404
    groups = WorkingGroup.objects.active().filter(theme=theme).prefetch_related("prompts")
    return render(request, "groups/section.html", {"groups": groups, "theme": GroupTheme(theme)})


def documents(request):
    return render(request, "groups/documents.html", {"groups": WorkingGroup.objects.active()})
