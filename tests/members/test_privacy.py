"""A member takes their data away (/profilo/dati/) and erases their account (/profilo/elimina/)."""

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from groups.enums import Answer
from groups.proposals.models import Comment, Proposal
from members import privacy, services
from members.enums import MemberStatus
from members.models import ActionLog, Member
from notifications.models import OutboxEmail
from tests.crawl import crawl, demo_world, shape
from tests.factories import (
    PASSWORD,
    CommentFactory,
    EnrolmentFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    PublishedProposalFactory,
    VerifiedMemberFactory,
)
from training.enums import EnrolmentState

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return demo_world()


def _kinds_held(member):
    return {relation.key for relation in privacy.relations() if relation.rows(member).exists()}


def test_export_page_shows_every_kind_of_row_the_member_has(client, people):
    participant = people["P"]
    client.force_login(participant)

    response = client.get(reverse("members:my_data"))

    html = response.content.decode()
    assert response.status_code == 200
    assert participant.email in html
    assert "Proposta: bozza" in html
    assert html.count("<section") == len(_kinds_held(participant))


def test_export_download_holds_every_kind_of_row_and_no_secret(client, people):
    participant = people["P"]
    participant.ensure_calendar_token()
    client.force_login(participant)

    response = client.get(reverse("members:my_data_download"))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert set(data["records"]) == _kinds_held(participant)
    assert len(data["records"]) > 15
    assert data["account"]["email"] == participant.email
    text = response.content.decode()
    assert participant.password not in text
    assert participant.calendar_token not in text


def test_export_is_for_the_reader_only(client):
    for name in ("members:my_data", "members:my_data_download", "members:erase"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def _busy_member(rows):
    member = VerifiedMemberFactory()
    for _ in range(rows):
        membership = MembershipFactory(member=member)
        group_services.answer_meeting(MeetingFactory(group=membership.group), member, Answer.YES)
        CommentFactory(author=member, proposal=PublishedProposalFactory(group=membership.group))
        EnrolmentFactory(member=member)
    return member


def _queries_of_export(client, member):
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("members:my_data")).status_code == 200
    return len(queries)


def test_export_queries_do_not_grow_with_rows(client):
    one, many = _queries_of_export(client, _busy_member(1)), _queries_of_export(client, _busy_member(4))

    assert one == many
    # The session and the account, one query per kind of row (and per many-to-many of the
    # account): bounded by the registry, whatever the rows.
    assert one <= len(privacy.relations()) + 10


def test_erasure_wrong_password_erases_nothing(client, verified_member):
    client.force_login(verified_member)

    response = client.post(reverse("members:erase"), {"password": "non-è-questa"})

    assert response.status_code == 200
    assert "Questa non è la tua password." in response.content.decode()
    verified_member.refresh_from_db()
    assert verified_member.status == MemberStatus.VERIFIED


def test_erasure_logs_out_and_the_account_cannot_log_in_again(client, verified_member):
    email = verified_member.email
    client.force_login(verified_member)

    response = client.post(reverse("members:erase"), {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Il tuo account è stato eliminato." in response.content.decode()
    assert client.get(reverse("members:profile")).status_code == 302
    assert client.login(email=email, password=PASSWORD) is False
    erased = Member.objects.get(pk=verified_member.pk)
    assert (erased.status, erased.is_active, erased.has_usable_password()) == (MemberStatus.ERASED, False, False)
    assert (erased.full_name, erased.membership_number, erased.bio) == ("ex socio/a", "", "")
    assert not Member.objects.filter(email=email).exists()
    assert not EmailAddress.objects.filter(email=email).exists()


def test_erasure_deletes_personal_rows_and_keeps_shared_and_kept_ones(people):
    participant = people["P"]
    counts = {relation.key: relation.rows(participant).count() for relation in privacy.relations()}

    assert services.erase_member(participant, actor=participant) is True

    after = {relation.key: relation.rows(participant).count() for relation in privacy.relations()}
    for relation in privacy.relations():
        if relation.fate is privacy.Fate.DELETE:
            assert after[relation.key] == 0, relation.key
        elif relation.key != "members.ActionLog.actor":  # the erasure is logged too
            assert after[relation.key] == counts[relation.key], relation.key
    assert OutboxEmail.objects.filter(to=participant.email).count() == 0
    assert Proposal.objects.filter(author=participant).count() == 10
    assert ActionLog.objects.filter(object_id=participant.pk, action="member.erased").count() == 1


def test_erasure_frees_the_seats_for_the_next_person_waiting(people):
    participant = people["P"]

    services.erase_member(participant, actor=participant)

    assert participant.enrolments.filter(state__in=EnrolmentState.LIVE).count() == 0
    # P's seat in the full course went to O, who had the offer, and then to U, who waited.
    assert people["U"].enrolments.get(course__title="Montaggio video").state == EnrolmentState.OFFERED


def test_erasure_twice_does_nothing_the_second_time(verified_member):
    assert services.erase_member(verified_member, actor=verified_member) is True
    assert services.erase_member(verified_member, actor=verified_member) is False


def test_after_erasure_no_page_names_the_person_and_their_words_read_ex_socio(client, people):
    participant, other = people["P"], people["O"]
    name, email = participant.full_name, participant.email
    services.erase_member(participant, actor=participant)
    client.force_login(other)

    visits = crawl(client, per_shape=20)

    pages = " ".join(visit.response.content.decode() for visit in visits if visit.is_html)
    assert name not in pages
    assert email not in pages
    published = Proposal.objects.get(title="Proposta: Accolta")
    page = client.get(reverse("proposals:detail", args=[published.pk])).content.decode()
    assert "ex socio/a" in page


def test_comments_of_an_erased_member_stay_readable(client, verified_member):
    comment = CommentFactory(author=verified_member, text="Una proposta utile a tutti e tutte.")
    services.erase_member(verified_member, actor=verified_member)

    page = client.get(reverse("proposals:detail", args=[comment.proposal_id])).content.decode()

    assert "Una proposta utile a tutti e tutte." in page
    assert Comment.objects.get(pk=comment.pk).author_id == verified_member.pk


def test_unconfirmed_accounts_older_than_the_limit_are_removed(settings):
    settings.UNCONFIRMED_ACCOUNT_DAYS = 14
    long_ago = timezone.now() - timedelta(days=15)
    stale = MemberFactory(verified_email=False, date_joined=long_ago)
    EmailAddress.objects.create(user=stale, email=stale.email, verified=False, primary=True)
    recent = MemberFactory(verified_email=False)
    EmailAddress.objects.create(user=recent, email=recent.email, verified=False, primary=True)
    confirmed = MemberFactory(date_joined=long_ago)
    made_by_staff = MemberFactory(verified_email=False, date_joined=long_ago)

    assert services.remove_unconfirmed_accounts() == 1

    assert set(Member.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk, made_by_staff.pk}
    assert services.remove_unconfirmed_accounts() == 0


def test_privacy_page_explains_export_erasure_and_retention(client, settings):
    settings.UNCONFIRMED_ACCOUNT_DAYS = 14

    html = client.get(reverse("privacy")).content.decode()

    assert "Cancellato 14 giorni dopo la registrazione." in html
    assert "ex socio/a" in html


def test_the_privacy_pages_are_linked_from_the_profile_and_every_footer(client, verified_member):
    client.force_login(verified_member)

    reached = {shape(visit.url) for visit in crawl(client, "/profilo/") if visit.status == 200}

    assert {"profilo/dati/", "profilo/dati/scarica/", "profilo/elimina/", "privacy/"} - reached == set()
