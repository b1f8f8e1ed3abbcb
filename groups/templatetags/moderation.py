"""What waits for the staff, for the admin's index page."""

from django import template
from django.db.models import Min

from groups.proposals.models import Proposal, Report

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_waiting(context):
    """Proposals waiting for moderation (how many, since when) and open reports, for staff
    who may moderate them; None for the others."""
    user = context["request"].user
    if not user.has_perm("groups.change_proposal"):
        return None
    waiting = Proposal.objects.waiting_for_moderation().aggregate(oldest=Min("submitted_at"))
    return {
        "proposals": Proposal.objects.waiting_for_moderation().count(),
        "oldest": waiting["oldest"],
        "reports": Report.objects.open().count() if user.has_perm("groups.change_report") else 0,
    }
