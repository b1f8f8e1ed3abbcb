"""Who may do what in the network: the directory, messages and common projects are for
verified members (and staff); a profile is seen only when its member is in the directory."""

from members.models import Member
from networking.enums import InterestState
from networking.models import Block, ContactMessage


def can_use_network(user):
    return user.is_authenticated and (user.is_staff or user.is_verified_member)


def can_see_profile(user, member):
    """Verified members and staff see the profiles in the directory; everyone sees their own."""
    if not user.is_authenticated:
        return False
    if user.pk == member.pk:
        return True
    return can_use_network(user) and Member.objects.in_directory().filter(pk=member.pk).exists()


def can_write_to(user, member):
    """A verified member writes to someone in the directory, or answers who wrote to them.
    A block is checked when sending, with its own message."""
    if not (user.is_authenticated and user.is_verified_member) or user.pk == member.pk:
        return False
    if not member.is_verified_member:
        return False
    return (
        Member.objects.in_directory().filter(pk=member.pk).exists()
        or ContactMessage.objects.filter(sender=member, recipient=user).exists()
    )


def has_blocked(blocker, member):
    return Block.objects.filter(blocker=blocker, blocked=member).exists()


def is_author(user, project):
    return user.is_authenticated and project.author_id == user.pk


def may_join(user, project, interest):
    """A verified member other than the author may say they are interested in an open project."""
    return (
        user.is_authenticated
        and user.is_verified_member
        and project.closed_at is None
        and not is_author(user, project)
        and interest is None
    )


def is_collaborator(interest):
    return interest is not None and interest.state == InterestState.ACCEPTED
