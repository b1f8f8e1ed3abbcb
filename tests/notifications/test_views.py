"""/notifiche/, the bell, mark as read, the preferences page and the digest preview."""

import pytest

from groups import kinds
from notifications.enums import DigestFrequency
from notifications.models import Notification, Preferences
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _notifications(member, count, **fields):
    return Notification.objects.bulk_create(
        Notification(member=member, kind=kinds.MEETING_CREATED, text=f"Avviso {n}", url="/gruppi/", **fields)
        for n in range(count)
    )


@pytest.mark.parametrize("rows", [1, 40])
def test_notification_list_queries_do_not_grow_with_rows(client, member, rows, django_assert_num_queries):
    _notifications(member, rows)
    client.force_login(member)

    # Session, member, page count, page rows, unread count.
    with django_assert_num_queries(5):
        response = client.get("/notifiche/")

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(rows, 30)


def test_bell_counts_only_my_unread(client, member):
    _notifications(member, 3)
    _notifications(member, 2, read_at="2026-01-01T10:00Z")
    _notifications(MemberFactory(), 4)
    client.force_login(member)

    response = client.get("/notifiche/campanella/")

    assert response.context["unread"] == 3
    assert "3" in response.content.decode()


def test_pages_ask_for_the_bell_after_loading_and_visitors_have_none(client, member):
    assert 'data-hx-get="/notifiche/campanella/"' not in client.get("/").content.decode()
    client.force_login(member)
    assert 'data-hx-get="/notifiche/campanella/"' in client.get("/").content.decode()


def test_mark_one_read_and_others_notification_is_404(client, member):
    mine = _notifications(member, 2)
    theirs = _notifications(MemberFactory(), 1)[0]
    client.force_login(member)

    assert client.post(f"/notifiche/{mine[0].pk}/letta/").status_code == 302
    assert client.post(f"/notifiche/{theirs.pk}/letta/").status_code == 404
    assert client.get(f"/notifiche/{mine[1].pk}/letta/").status_code == 405

    assert list(Notification.objects.unread().values_list("pk", flat=True).order_by("pk")) == [mine[1].pk, theirs.pk]


def test_mark_read_with_htmx_answers_the_row(client, member):
    notification = _notifications(member, 1)[0]
    client.force_login(member)

    response = client.post(f"/notifiche/{notification.pk}/letta/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert f'id="notification-{notification.pk}"' in response.content.decode()


def test_mark_all_read_touches_only_mine_and_never_redirects_away(client, member):
    _notifications(member, 3)
    other = _notifications(MemberFactory(), 1)[0]
    client.force_login(member)

    response = client.post("/notifiche/lette/", {"next": "https://elsewhere.example/"})

    assert response["Location"] == "/notifiche/"
    assert list(Notification.objects.unread().values_list("pk", flat=True)) == [other.pk]


def test_notification_pages_need_login(client):
    assert client.get("/notifiche/").status_code == 302
    assert client.post("/notifiche/lette/").status_code == 302
    assert client.get("/notifiche/campanella/").status_code == 204


def test_preferences_save_kinds_digest_and_consent_date(client, member):
    client.force_login(member)

    response = client.post(
        "/profilo/preferenze/",
        {
            "meeting_reminder_24h": "on",
            "email_groups_poll_created": "on",
            "digest_frequency": "daily",
            "digest_weekday": "3",
        },
    )

    assert response.status_code == 302
    preferences = Preferences.objects.get(member=member)
    assert kinds.MEETING_CREATED in preferences.emails_off
    assert kinds.POLL_CREATED not in preferences.emails_off
    assert (preferences.digest_frequency, preferences.digest_weekday) == (DigestFrequency.DAILY, 3)
    assert preferences.digest_consent_at is not None


@pytest.mark.parametrize(
    "values",
    [{"digest_frequency": "hourly", "digest_weekday": "0"}, {"digest_frequency": "weekly", "digest_weekday": "٣"}],
)
def test_preferences_with_unknown_values_say_so_and_change_nothing(client, member, values):
    client.force_login(member)

    response = client.post("/profilo/preferenze/", values)

    assert response.status_code == 200
    assert "Scegli una delle opzioni dell’elenco." in response.content.decode()
    preferences = Preferences.objects.get(member=member)
    assert (preferences.digest_frequency, preferences.emails_off) == (DigestFrequency.WEEKLY, [])


def test_digest_preview_shows_what_the_next_digest_holds(client, member):
    client.force_login(member)

    response = client.get("/profilo/preferenze/riepilogo/")

    assert response.status_code == 200
    assert response.context["sections"] == []
