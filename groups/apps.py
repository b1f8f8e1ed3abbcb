from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Working groups")

    def ready(self):
        from groups import digest, kinds, signals

        signals.connect()
        kinds.register()
        digest.register()
        _proposal_lists_change_with()


def _proposal_lists_change_with():
    """The writes that change the proposal lists' cached bodies (groups.proposals.views.
    proposal_list): proposals (state, text, answer, hiding), supports (the count, stored on the
    proposal by an update(): groups.proposals.services replaces the version there too) and
    working groups (names in the rows and the filter, archiving)."""
    from groups.models import WorkingGroup
    from groups.proposals.models import Proposal, Support
    from smartprogress import pagecache

    pagecache.changes_with("proposals", Proposal, Support, WorkingGroup)
