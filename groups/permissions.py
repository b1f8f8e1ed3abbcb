"""Who may do what in a working group. Each predicate takes the person and the
group's membership of that person (None when they have none), fetched once per request."""

from groups.enums import MembershipState, Role
from groups.models import Membership


def membership_for(user, group):
    if not user.is_authenticated:
        return None
    # At most one row (unique): ordering by pk spares the join that Meta.ordering ("group", ...) makes.
    return Membership.objects.filter(group=group, member=user).order_by("pk").first()


def is_participant(user, membership):
    """Takes part in the group: the twin of Membership.objects.taking_part(), which picks
    who receives the group's e-mails. Change both or neither."""
    return (
        membership is not None
        and membership.state == MembershipState.ACTIVE
        and user.is_authenticated
        and user.is_verified_member
    )


def is_facilitator(user, membership):
    return is_participant(user, membership) and membership.role == Role.FACILITATOR


def can_manage(user, membership):
    """Facilitators of the group and staff: minutes, documents, requests, polls' outcome."""
    return user.is_authenticated and user.is_staff or is_facilitator(user, membership)


def can_schedule(user, group, membership):
    return can_manage(user, membership) or (group.participants_may_schedule and is_participant(user, membership))


def can_see_members_part(user):
    """Date polls, who answers a meeting and its minutes are for verified members and staff.
    A meeting's public part (title, date, place, agenda) is for everyone."""
    return user.is_authenticated and (user.is_staff or user.is_verified_member)


def can_see_online_link(user, membership):
    """The video link is the group's own: never on a page or in a file an outsider receives."""
    return is_participant(user, membership) or can_manage(user, membership)


def can_join(user):
    return user.is_authenticated and user.is_verified_member
