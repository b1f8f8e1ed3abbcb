"""The stored participant count of each group (WorkingGroup.participant_count) follows every
write that changes who takes part, in the same transaction as the write."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from groups.models import Meeting, Membership, WorkingGroup
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


def connect():
    from groups import ics, pagecache

    pagecache.connect()
    # A personal feed holds the meetings of the member's groups that are not archived.
    for model in (Meeting, Membership, WorkingGroup):
        ics.feed_changes_with(model)
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="groups.recount.membership_saved")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="groups.recount.membership_deleted")
    post_save.connect(_member_saved, sender=Member, dispatch_uid="groups.recount.member_saved")
