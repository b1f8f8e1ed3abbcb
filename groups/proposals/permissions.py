"""Who may do what with a proposal. Each predicate takes the person, the proposal and, where
it matters, the proposal's co-author rows (fetched once per request: `coauthors`)."""

from datetime import timedelta

from django.utils import timezone

from groups import permissions as group_permissions
from groups.proposals.enums import CoAuthorState, ProposalState

# A comment can be corrected for a short while after it is written; after that what others
# answered to stays answered to what was said.
COMMENT_EDIT_WINDOW = timedelta(minutes=15)


def _coauthor_state(user, coauthors):
    return next((c.state for c in coauthors if c.member_id == user.pk), None)


def is_author(user, proposal, coauthors):
    """Wrote it, or co-signs it (an accepted invitation)."""
    if not user.is_authenticated:
        return False
    return proposal.author_id == user.pk or _coauthor_state(user, coauthors) == CoAuthorState.ACCEPTED


def is_invited(user, coauthors):
    return user.is_authenticated and _coauthor_state(user, coauthors) == CoAuthorState.INVITED


def can_see(user, proposal, coauthors):
    """The Python twin of Proposal.objects.visible_to; change both or neither. Whoever is
    invited to co-sign reads the proposal while deciding: the author chose to show it to them."""
    if proposal.is_public or (user.is_authenticated and user.is_staff):
        return True
    return is_author(user, proposal, coauthors) or is_invited(user, coauthors)


def can_write_in(user, membership):
    """Proposals are written by the group's participants."""
    return group_permissions.is_participant(user, membership)


def can_edit(user, proposal, coauthors):
    return proposal.is_editable and is_author(user, proposal, coauthors)


def can_choose_coauthors(user, proposal):
    """Only who wrote the proposal invites others to co-sign it, while it is a draft."""
    return proposal.is_editable and user.is_authenticated and proposal.author_id == user.pk


def can_withdraw(user, proposal, coauthors):
    return proposal.state in ProposalState.WITHDRAWABLE and is_author(user, proposal, coauthors)


def can_reopen(user, proposal, coauthors):
    return proposal.state == ProposalState.WITHDRAWN and is_author(user, proposal, coauthors)


def takes_part_in_discussion(user):
    """Supports, comments and reports are for verified members."""
    return user.is_authenticated and user.is_verified_member


def can_support(user, proposal, coauthors):
    return (
        proposal.is_open_for_discussion and takes_part_in_discussion(user) and not is_author(user, proposal, coauthors)
    )


def can_comment(user, proposal):
    return proposal.is_open_for_discussion and takes_part_in_discussion(user)


def can_report(user, proposal):
    return proposal.is_public and takes_part_in_discussion(user)


def can_edit_comment(user, comment, now=None):
    now = now or timezone.now()
    return (
        can_remove_comment(user, comment) and not comment.is_hidden and now - comment.created_at <= COMMENT_EDIT_WINDOW
    )


def can_remove_comment(user, comment):
    return user.is_authenticated and comment.author_id == user.pk and not comment.is_removed
