from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Funding calls")

    def ready(self):
        from calls import digest, kinds

        kinds.register()
        digest.register()
        _call_list_changes_with()


def _call_list_changes_with():
    """The writes that change /bandi/'s cached body (calls.views.call_list): calls and their
    sectors, sectors' names, the working groups (the calls' group beside the list). Following
    a call does not: the view marks the reader's calls on the shared body."""
    from calls.models import FundingCall
    from groups.models import WorkingGroup
    from members.models import Sector
    from smartprogress import pagecache

    pagecache.changes_with("calls", FundingCall, Sector, WorkingGroup, through=[FundingCall.sectors])
