"""Events fan out to exactly the members concerned: one notification each, one e-mail each
unless turned off, rendered once per language, idempotent and resumable."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups import kinds, services
from groups.enums import Answer
from notifications import services as notifications
from notifications.models import Event, Notification, OutboxEmail, Preferences
from tests.factories import FacilitatorFactory, MembershipFactory, VerifiedMemberFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _meeting(group, actor, title="Incontro dell'autunno"):
    start = timezone.now() + timedelta(days=3)
    return services.create_meeting(group, actor=actor, title=title, starts_at=start, ends_at=start + timedelta(hours=2))


def _group(size):
    facilitator = FacilitatorFactory()
    members = [MembershipFactory(group=facilitator.group).member for _ in range(size)]
    return facilitator, members


def test_meeting_created_notifies_each_participant_once_and_not_the_actor():
    facilitator, members = _group(3)
    VerifiedMemberFactory()  # outside the group

    meeting = _meeting(facilitator.group, facilitator.member)
    notifications.fan_out_pending()
    notifications.fan_out_pending()  # a second run (two workers, a retry) adds nothing

    assert sorted(Notification.objects.values_list("member", flat=True)) == sorted(m.pk for m in members)
    assert sorted(OutboxEmail.objects.values_list("recipient", flat=True)) == sorted(m.pk for m in members)
    notification = Notification.objects.get(member=members[0])
    assert notification.url == f"/incontri/{meeting.pk}/"
    assert notification.text == f"Nuovo incontro di {facilitator.group.name}: Incontro dell'autunno"
    assert Event.objects.get().done_at is not None


def test_each_email_greets_its_reader_although_rendered_once_per_language():
    facilitator = FacilitatorFactory()
    anna = MembershipFactory(group=facilitator.group, member__full_name="Anna Rossi").member
    john = MembershipFactory(group=facilitator.group, member__full_name="John Smith", member__language="en").member

    _meeting(facilitator.group, facilitator.member)
    notifications.fan_out_pending()

    assert OutboxEmail.objects.get(recipient=anna).body_text.startswith("Ciao Anna,")
    assert OutboxEmail.objects.get(recipient=john).body_text.startswith("Hello John,")
    assert Notification.objects.get(member=john).text.startswith("New meeting of")


def test_email_turned_off_still_leaves_the_notification():
    facilitator, (quiet, loud) = _group(2)
    Preferences.objects.create(member=quiet, emails_off=[kinds.MEETING_CREATED])

    _meeting(facilitator.group, facilitator.member)
    notifications.fan_out_pending()

    assert Notification.objects.filter(member__in=[quiet, loud]).count() == 2
    assert list(OutboxEmail.objects.values_list("recipient", flat=True)) == [loud.pk]


def test_fan_out_in_chunks_resumes_after_the_last_chunk_written():
    facilitator, members = _group(5)
    _meeting(facilitator.group, facilitator.member)
    event = Event.objects.get()

    # A worker wrote two chunks of two and died: the cursor says where it stopped.
    assert notifications._fan_out_chunk(event.pk, 2) is True
    assert notifications._fan_out_chunk(event.pk, 2) is True
    event.refresh_from_db()
    assert (event.fanned_out_to, event.done_at) == (sorted(m.pk for m in members)[3], None)

    notifications.fan_out_event(event.pk, chunk_size=2)

    assert Notification.objects.count() == OutboxEmail.objects.count() == 5


def test_fan_out_queries_do_not_grow_with_the_chunk():
    counts = []
    for size in (2, 20):
        facilitator, _members = _group(size)
        _meeting(facilitator.group, facilitator.member)
        event = Event.objects.get(done_at__isnull=True)
        with CaptureQueriesContext(connection) as queries:
            notifications._fan_out_chunk(event.pk, 1000)
        counts.append(len(queries))
        Event.objects.filter(pk=event.pk).update(done_at=timezone.now())
    assert counts[0] == counts[1]


@pytest.mark.parametrize("event", ["moved", "cancelled"])
def test_meeting_change_tells_only_who_answered(event):
    facilitator, (answered, silent) = _group(2)
    start = timezone.now() + timedelta(days=3)
    meeting = services.create_meeting(
        facilitator.group,
        actor=facilitator.member,
        notify=False,
        title="T",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    services.answer_meeting(meeting, answered, Answer.YES)

    if event == "moved":
        services.update_meeting(
            meeting,
            actor=facilitator.member,
            starts_at=start + timedelta(days=1),
            ends_at=start + timedelta(days=1, hours=1),
        )
    else:
        services.cancel_meeting(meeting, actor=facilitator.member)
    notifications.fan_out_pending()

    assert list(Notification.objects.values_list("member", "kind")) == [(answered.pk, f"groups.meeting_{event}")]


def test_announce_refuses_an_unregistered_kind():
    facilitator = FacilitatorFactory()
    with pytest.raises(LookupError):
        notifications.announce("nobody.registered_this", facilitator.group)


def test_fan_out_of_an_event_whose_object_is_gone_finishes_quietly():
    facilitator, _members = _group(1)
    meeting = _meeting(facilitator.group, facilitator.member)
    meeting.delete()

    notifications.fan_out_pending()

    assert (Notification.objects.count(), Event.objects.get().done_at is not None) == (0, True)


KILLED_HALF_WAY = """
import os, signal, django
django.setup()
from django.db import transaction
from notifications import services
assert services._fan_out_chunk({event}, 2)  # one chunk written and committed
with transaction.atomic():
    services._fan_out_chunk({event}, 2)  # the second one written, never committed:
    os.kill(os.getpid(), signal.SIGKILL)  # the worker is killed half way
"""


@pytest.mark.django_db(transaction=True)
def test_worker_killed_half_way_through_a_fan_out_leaves_the_rest_to_the_next_run():
    facilitator, members = _group(5)
    _meeting(facilitator.group, facilitator.member)  # autocommit: fanned out at once here…
    Notification.objects.all().delete()
    OutboxEmail.objects.all().delete()
    Event.objects.update(fanned_out_to=0, done_at=None)  # …so start it again, as if not yet
    event = Event.objects.get()
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartprogress.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }

    worker = subprocess.run(
        [sys.executable, "-c", KILLED_HALF_WAY.format(event=event.pk)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert worker.returncode == -9, worker.stderr
    assert Notification.objects.count() == 2
    notifications.fan_out_pending()
    assert sorted(Notification.objects.values_list("member", flat=True)) == sorted(m.pk for m in members)
    assert sorted(OutboxEmail.objects.values_list("recipient", flat=True)) == sorted(m.pk for m in members)
