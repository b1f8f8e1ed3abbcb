"""The stored participant count of each group (WorkingGroup.participant_count) follows every
write that changes who takes part, in the same transaction as the write; so do a date poll's
stored tallies when a vote is deleted."""

from django.db import transaction
from django.db.models import Count, F
from django.db.models.signals import post_delete, post_save

from groups.models import DOCUMENTS_VERSION, DatePoll, DateSlot, DateVote, Document, Meeting, Membership, WorkingGroup
from members.models import Member

# A member's save changes their groups' count or list only through these fields; a login
# (last_login) or a new preference leaves them alone, so no recount.
LISTED_FIELDS = {"status", "is_active", "full_name", "visibility"}


def recount(groups):
    """Lock the groups' rows, then count: a concurrent join to the same group waits for the
    lock and counts after this transaction, so no join is lost from the count."""
    with transaction.atomic(savepoint=False):
        ids = list(groups.select_for_update().order_by("pk").values_list("pk", flat=True))
        if ids:
            WorkingGroup.objects.filter(pk__in=ids).recount_participants()


def _membership_changed(sender, instance, **kwargs):
    recount(WorkingGroup.objects.filter(pk=instance.group_id))


def _member_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and not LISTED_FIELDS & set(update_fields)):
        return
    recount(WorkingGroup.objects.filter(pk__in=Membership.objects.filter(member=instance).values("group_id")))


def _vote_deleted(sender, instance, **kwargs):
    """A vote deleted with its member or its slot leaves the poll's stored tallies (votes are
    written only by services.vote, which keeps them itself). The slot's count goes down by
    this one row; the voters are counted again under the poll's lock, since a member deleted
    with three votes in a poll sends three signals after all three rows are gone."""
    with transaction.atomic(savepoint=False):
        field = f"{instance.answer}_count"
        DateSlot.objects.filter(pk=instance.slot_id).update(**{field: F(field) - 1})
        polls = DatePoll.objects.filter(slots=instance.slot_id)
        for poll_id in polls.select_for_update().values_list("pk", flat=True):
            voters = DateVote.objects.filter(slot__poll=poll_id).aggregate(n=Count("member", distinct=True))["n"]
            DatePoll.objects.filter(pk=poll_id).update(voter_count=voters)


def connect():
    from groups import ics, pagecache

    pagecache.connect()
    # A personal feed holds the meetings of the member's groups that are not archived.
    for model in (Meeting, Membership, WorkingGroup):
        ics.feed_changes_with(model)
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="groups.recount.membership_saved")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="groups.recount.membership_deleted")
    post_save.connect(_member_saved, sender=Member, dispatch_uid="groups.recount.member_saved")
    post_delete.connect(_vote_deleted, sender=DateVote, dispatch_uid="groups.tally.vote_deleted")
    DOCUMENTS_VERSION.follow(Document, WorkingGroup)
