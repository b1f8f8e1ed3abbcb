"""The stored counts of each course (Course.seats_taken, waiting_count, first_session_at,
last_session_end) follow every save or delete of an enrolment or a session, in the same
transaction as the write; bulk update()s call `recount` themselves."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from training.models import Course, Enrolment, Session


def recount(course_ids):
    """Lock the courses' rows, then count: an enrolment elsewhere in the same course waits for
    the lock (training.services takes it first) and counts after this transaction, so no seat
    is lost from the count. The catalogue's cached bodies are keyed by the "training" version,
    which a course's save replaces: the UPDATE sends no signal, so it is replaced here."""
    from smartprogress import pagecache

    with transaction.atomic(savepoint=False):
        ids = list(
            Course.objects.filter(pk__in=course_ids).select_for_update().order_by("pk").values_list("pk", flat=True)
        )
        if ids:
            Course.objects.filter(pk__in=ids).recount()
            pagecache.changed("training")


def _changed(sender, instance, **kwargs):
    recount([instance.course_id])


def connect():
    for model in (Enrolment, Session):
        label = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"training.recount.{label}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"training.recount.{label}.delete")
