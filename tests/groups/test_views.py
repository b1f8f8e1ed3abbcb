import io
import zipfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from groups import services
from groups.enums import Answer, DocumentVisibility, JoinPolicy, MembershipState, PollStatus
from groups.models import DatePoll, Document, Meeting, Membership
from notifications.models import OutboxEmail
from tests.factories import (
    DatePollFactory,
    DateSlotFactory,
    DocumentFactory,
    FacilitatorFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    PublishedProposalFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


# List pages: the number of queries must not grow with the rows.


def test_group_list_queries_constant(client, django_assert_num_queries):
    group = WorkingGroupFactory()
    MeetingFactory(group=group)
    # The cards' digest, then (not cached yet) their rows; once cached, the digest alone.
    with django_assert_num_queries(2):
        client.get("/gruppi/")
    with django_assert_num_queries(1):
        client.get("/gruppi/")
    for _ in range(4):
        other = WorkingGroupFactory()
        MembershipFactory(group=other)
        MeetingFactory(group=other)
    with django_assert_num_queries(2):
        response = client.get("/gruppi/")
    assert response.content.decode().count("1 partecipante") == 4


def test_group_detail_queries_constant(client, verified_member, django_assert_num_queries):
    group = WorkingGroupFactory()
    MembershipFactory(group=group, member=verified_member)
    client.force_login(verified_member)
    # The shared parts and the participant list are read once per version of the group (then
    # from Redis, in one round trip): 11, then 4 (session, member, group, membership).
    with django_assert_num_queries(11):
        client.get(f"/gruppi/{group.slug}/")
    with django_assert_num_queries(4) as few:
        client.get(f"/gruppi/{group.slug}/")
    for _ in range(5):
        MembershipFactory(group=group)
        PublishedProposalFactory(group=group)
        MeetingFactory(group=group)
        MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=30))
        DocumentFactory(group=group)
        DatePollFactory(group=group)
    with django_assert_num_queries(11):
        client.get(f"/gruppi/{group.slug}/")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(f"/gruppi/{group.slug}/")
    html = response.content.decode()
    assert html.count('class="list-group-item d-flex') == 10  # 5 coming up, 5 past
    assert html.count("https://example.org/documento") == 5


def test_meeting_list_queries_constant(client, verified_member, django_assert_num_queries):
    group = WorkingGroupFactory()
    MeetingFactory(group=group)
    client.force_login(verified_member)
    # The two lists are read once per version of the group, then come from Redis.
    with django_assert_num_queries(6):
        client.get(f"/gruppi/{group.slug}/incontri/")
    with django_assert_num_queries(4):
        client.get(f"/gruppi/{group.slug}/incontri/")
    for _ in range(6):
        MeetingFactory(group=group)
        MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=30))
    with django_assert_num_queries(6):
        client.get(f"/gruppi/{group.slug}/incontri/")
    with django_assert_num_queries(4):
        response = client.get(f"/gruppi/{group.slug}/incontri/")
    assert response.content.decode().count('class="list-group-item d-flex') == 13


def test_documents_page_queries_constant(client, django_assert_num_queries):
    DocumentFactory()
    # the groups and their documents; then, from the cache, none for a visitor
    with django_assert_num_queries(2):
        client.get("/documenti/")
    with django_assert_num_queries(0):
        client.get("/documenti/")
    for _ in range(3):
        group = WorkingGroupFactory()
        DocumentFactory.create_batch(3, group=group)
    with django_assert_num_queries(2):
        response = client.get("/documenti/")
    assert response.content.decode().count("/documento") >= 10
    with django_assert_num_queries(0):
        assert client.get("/documenti/").content.decode().count("/documento") >= 10


def test_poll_results_queries_constant(client, django_assert_num_queries):
    poll = DatePollFactory()
    facilitator = FacilitatorFactory(group=poll.group)
    services.vote(poll, facilitator.member, {DateSlotFactory(poll=poll).pk: Answer.MAYBE})
    client.force_login(facilitator.member)
    # session, user, the poll with its group, meeting and the reader's membership, the dates
    # with their stored tallies and the reader's answers (no count of the votes)
    with django_assert_num_queries(4):
        client.get(f"/gruppi/{poll.group.slug}/date/{poll.pk}/")
    slots = [DateSlotFactory(poll=poll) for _ in range(6)]
    for _ in range(5):
        voter = MembershipFactory(group=poll.group).member
        services.vote(poll, voter, {s.pk: Answer.YES for s in slots})
    with django_assert_num_queries(4):
        response = client.get(f"/gruppi/{poll.group.slug}/date/{poll.pk}/")
    assert "Hanno votato 6 persone." in response.content.decode()


# Joining


def test_join_button_works_without_javascript(client, verified_member):
    group = WorkingGroupFactory(name="Formazione")
    client.force_login(verified_member)

    response = client.post(f"/gruppi/{group.slug}/partecipa/", follow=True)

    html = response.content.decode()
    assert "Ti diamo il benvenuto nel gruppo Formazione!" in html
    assert "Lascia il gruppo" in html
    assert Membership.objects.get(group=group, member=verified_member).state == MembershipState.ACTIVE


def test_join_with_htmx_returns_only_the_box(client, verified_member):
    group = WorkingGroupFactory()
    client.force_login(verified_member)

    response = client.post(f"/gruppi/{group.slug}/partecipa/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="membership-box"')
    assert "Lascia il gruppo" in html and "<html" not in html


def test_join_closed_group_says_why(client, verified_member):
    group = WorkingGroupFactory(join_policy=JoinPolicy.CLOSED)
    client.force_login(verified_member)

    response = client.post(f"/gruppi/{group.slug}/partecipa/", follow=True)

    assert "Il gruppo non accoglie nuove persone partecipanti." in response.content.decode()
    assert not Membership.objects.exists()


def test_join_full_group_says_why(client, verified_member):
    group = WorkingGroupFactory(max_participants=1)
    MembershipFactory(group=group)
    client.force_login(verified_member)

    response = client.post(f"/gruppi/{group.slug}/partecipa/", follow=True)

    assert "Il gruppo è al completo." in response.content.decode()


def test_facilitator_approves_request(client):
    facilitator = FacilitatorFactory(group__join_policy=JoinPolicy.BY_REQUEST)
    pending = MembershipFactory(group=facilitator.group, state=MembershipState.PENDING)
    client.force_login(facilitator.member)

    client.post(f"/gruppi/{facilitator.group.slug}/richieste/{pending.pk}/", {"decision": "approve"})

    pending.refresh_from_db()
    assert pending.state == MembershipState.ACTIVE


def test_group_page_hides_private_names_from_others_but_not_facilitators(client, verified_member):
    group = WorkingGroupFactory()
    MembershipFactory(group=group, member__full_name="Nome Visibile", member__visibility="members")
    MembershipFactory(group=group, member__full_name="Nome Riservato", member__visibility="private")
    facilitator = FacilitatorFactory(group=group)

    client.force_login(verified_member)
    as_member = client.get(f"/gruppi/{group.slug}/").content.decode()
    client.force_login(facilitator.member)
    as_facilitator = client.get(f"/gruppi/{group.slug}/").content.decode()

    assert "Nome Visibile" in as_member and "Nome Riservato" not in as_member
    assert "Nome Riservato" in as_facilitator


# Meetings


def test_meeting_ending_before_start_gets_message_and_keeps_input(client):
    facilitator = FacilitatorFactory()
    client.force_login(facilitator.member)
    start = timezone.now() + timedelta(days=2)

    response = client.post(
        f"/gruppi/{facilitator.group.slug}/incontri/nuovo/",
        {"title": "Il mio incontro", "starts_at": _local(start), "ends_at": _local(start - timedelta(hours=1))},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "L&#x27;incontro deve finire dopo l&#x27;inizio." in html
    assert 'value="Il mio incontro"' in html
    assert not Meeting.objects.exists()


def test_meeting_create_and_rsvp(client):
    facilitator = FacilitatorFactory()
    client.force_login(facilitator.member)
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)

    response = client.post(
        f"/gruppi/{facilitator.group.slug}/incontri/nuovo/",
        {"title": "Incontro", "starts_at": _local(start), "ends_at": _local(start + timedelta(hours=2))},
    )
    meeting = Meeting.objects.get()
    assert response.url == f"/incontri/{meeting.pk}/"
    assert meeting.starts_at == start
    client.post(f"/incontri/{meeting.pk}/risposta/", {"answer": "yes"})

    assert list(meeting.rsvps.values_list("answer", flat=True)) == ["yes"]


def test_meeting_full_rsvp_gets_message(client):
    meeting = MeetingFactory(capacity=1)
    services.answer_meeting(meeting, MembershipFactory(group=meeting.group).member, Answer.YES)
    late = MembershipFactory(group=meeting.group)
    client.force_login(late.member)

    response = client.post(f"/incontri/{meeting.pk}/risposta/", {"answer": "yes"}, follow=True)

    assert "L&#x27;incontro è al completo: puoi ancora rispondere forse." in response.content.decode()


def test_meeting_times_shown_in_members_time_zone(client):
    meeting = MeetingFactory(starts_at=datetime(2030, 1, 15, 17, 0, tzinfo=UTC))
    member = MembershipFactory(group=meeting.group, member__time_zone="America/New_York").member
    client.force_login(member)

    html = client.get(f"/incontri/{meeting.pk}/").content.decode()

    assert "12:00" in html and "America/New_York" in html


# Date polls


def test_poll_create_with_past_slot_gets_message_and_keeps_input(client):
    participant = MembershipFactory()
    client.force_login(participant.member)
    now = timezone.now()

    response = client.post(
        f"/gruppi/{participant.group.slug}/date/nuovo/",
        {
            "title": "Prossimo incontro",
            "duration": "120",
            "closes_at": _local(now + timedelta(days=1)),
            "slot_1": _local(now - timedelta(days=1)),
            "slot_2": _local(now + timedelta(days=3)),
        },
    )

    html = response.content.decode()
    assert "Questa data è nel passato." in html
    assert _local(now + timedelta(days=3)) in html
    assert not DatePoll.objects.exists()


def test_votes_read_back_through_the_poll_page_each_reader_sees_their_own_answers(client):
    """The tallies are stored and each date carries the reader's answer: after each vote the
    page shows the new counts, and only the voter's own radios are checked, in Italian and
    in English."""
    poll = DatePollFactory()
    first, second = DateSlotFactory(poll=poll), DateSlotFactory(poll=poll)
    ada = MembershipFactory(group=poll.group).member
    ben = MembershipFactory(group=poll.group, member__language="en").member
    url = f"/gruppi/{poll.group.slug}/date/{poll.pk}/"

    client.force_login(ada)
    client.post(url, {f"slot_{first.pk}": "yes", f"slot_{second.pk}": "no"})
    html = client.get(url).content.decode()
    assert "Ha votato 1 persona." in html
    assert f'id="id_slot_{first.pk}_0" checked>' in html and f'id="id_slot_{second.pk}_2" checked>' in html
    assert html.count(" checked>") == 2
    # A refused answer shows what was sent (nothing valid), not the answers cached for her.
    refused = client.post(url, {f"slot_{first.pk}": "forse"}).content.decode()
    assert 'class="alert alert-danger"' in refused and " checked>" not in refused
    assert html.count(" checked>") == 2 == client.get(url).content.decode().count(" checked>")
    assert "<td>1</td>\n            <td>0</td>\n            <td>0</td>" in html  # the first date: 1 yes

    client.force_login(ben)
    html = client.get(url).content.decode()
    assert "1 person voted." in html
    assert " checked>" not in html
    client.post(url, {f"slot_{first.pk}": "maybe"})
    html = client.get(url).content.decode()
    assert "2 people voted." in html
    assert f'id="id_slot_{first.pk}_1" checked' in html and f'id="id_slot_{first.pk}_0" checked' not in html
    assert "<td>1</td>\n            <td>1</td>\n            <td>0</td>" in html  # the first date: 1 yes, 1 maybe

    client.force_login(ada)
    client.post(url, {f"slot_{first.pk}": "no"})  # a change of answer moves the counts
    html = client.get(url).content.decode()
    assert "Hanno votato 2 persone." in html
    assert f'id="id_slot_{first.pk}_2" checked' in html and f'id="id_slot_{second.pk}_2" checked' in html
    assert "<td>0</td>\n            <td>1</td>\n            <td>1</td>" in html


def test_vote_on_closed_poll_gets_message(client):
    slot = DateSlotFactory(poll__closes_at=timezone.now() - timedelta(hours=1))
    participant = MembershipFactory(group=slot.poll.group)
    client.force_login(participant.member)

    response = client.post(
        f"/gruppi/{slot.poll.group.slug}/date/{slot.poll.pk}/", {f"slot_{slot.pk}": "yes"}, follow=True
    )

    assert "Il sondaggio è chiuso: i voti non si possono più cambiare." in response.content.decode()
    assert not slot.votes.exists()


# Documents


def _pdf(name="verbale.pdf", size=None):
    content = b"%PDF-1.4\n" + b"0" * ((size or 100) - 9)
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile("note.docx", buffer.getvalue())


def test_facilitator_uploads_pdf_and_members_download_it(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    facilitator = FacilitatorFactory()
    client.force_login(facilitator.member)

    client.post(
        f"/gruppi/{facilitator.group.slug}/documenti/nuovo/",
        {"title": "Verbale", "visibility": "members", "file": _pdf("Verbale luglio.exe.pdf")},
    )

    document = Document.objects.get()
    assert (document.content_type, document.file_kind) == ("application/pdf", "PDF")
    assert document.file.name.endswith("/Verbale_luglio.exe.pdf")
    response = client.get(f"/documenti/{document.pk}/scarica/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_docx_recognised_from_content(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    facilitator = FacilitatorFactory()
    client.force_login(facilitator.member)

    client.post(
        f"/gruppi/{facilitator.group.slug}/documenti/nuovo/",
        {"title": "Note", "visibility": "group", "file": _docx()},
    )

    assert Document.objects.get().file_kind == "DOCX"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("finto.pdf", b"MZ\x90\x00 not really a pdf"), "Questo tipo di file non si può"),
        (lambda: _pdf(size=20 * 1024 * 1024 + 1), "Il file supera i 20 MB."),
    ],
)
def test_upload_refused_with_message_and_title_kept(client, settings, tmp_path, upload, message):
    settings.MEDIA_ROOT = tmp_path
    facilitator = FacilitatorFactory()
    client.force_login(facilitator.member)

    response = client.post(
        f"/gruppi/{facilitator.group.slug}/documenti/nuovo/",
        {"title": "Il mio titolo", "visibility": "members", "file": upload()},
    )

    html = response.content.decode()
    assert message in html
    assert 'value="Il mio titolo"' in html
    assert not Document.objects.exists()


def test_documents_page_shows_each_reader_only_what_they_may_see(client):
    group = WorkingGroupFactory()
    DocumentFactory(group=group, title="Pubblico", visibility=DocumentVisibility.PUBLIC)
    DocumentFactory(group=group, title="Per i soci", visibility=DocumentVisibility.MEMBERS)
    DocumentFactory(group=group, title="Per il gruppo", visibility=DocumentVisibility.GROUP)
    participant = MembershipFactory(group=group).member

    def titles(user=None):
        client.logout()
        if user:
            client.force_login(user)
        html = client.get("/documenti/").content.decode()
        return [t for t in ("Pubblico", "Per i soci", "Per il gruppo") if t in html]

    assert titles() == ["Pubblico"]
    assert titles(MemberFactory()) == ["Pubblico"]
    assert titles(VerifiedMemberFactory()) == ["Pubblico", "Per i soci"]
    assert titles(participant) == ["Pubblico", "Per i soci", "Per il gruppo"]


def test_staff_archive_group_from_admin(client, staff):
    group = WorkingGroupFactory()
    client.force_login(staff)

    client.post("/admin/groups/workinggroup/", {"action": "archive", "_selected_action": [group.pk]})

    group.refresh_from_db()
    assert group.archived_at is not None
    assert client.get(f"/gruppi/{group.slug}/").status_code == 404


def test_large_group_lists_first_sixty_names_and_counts_the_rest(client, verified_member):
    group = WorkingGroupFactory()
    MembershipFactory.create_batch(65, group=group, member__visibility="members")
    MembershipFactory.create_batch(5, group=group, member__visibility="private")
    client.force_login(verified_member)

    html = client.get(f"/gruppi/{group.slug}/").content.decode()

    assert "70 partecipanti" in html
    assert "e altre 10 persone" in html


def test_poll_close_with_odd_slot_value_gets_message_not_error(client):
    facilitator = FacilitatorFactory()
    poll = DatePollFactory(group=facilitator.group)
    client.force_login(facilitator.member)

    response = client.post(f"/gruppi/{poll.group.slug}/date/{poll.pk}/chiudi/", {"slot": "²"}, follow=True)

    assert response.status_code == 200
    assert "Scegli una delle date proposte." in response.content.decode()


def test_poll_close_with_place_and_link_creates_meeting_there(client):
    facilitator = FacilitatorFactory()
    slot = DateSlotFactory(poll=DatePollFactory(group=facilitator.group))
    client.force_login(facilitator.member)

    response = client.post(
        f"/gruppi/{slot.poll.group.slug}/date/{slot.poll_id}/chiudi/",
        {"slot": slot.pk, "location": "Smart, via Ripamonti 1", "online_url": "meet.example/formazione"},
    )

    meeting = Meeting.objects.get()
    assert response.url == f"/incontri/{meeting.pk}/"
    assert (meeting.starts_at, meeting.location, meeting.online_url) == (
        slot.starts_at,
        "Smart, via Ripamonti 1",
        "https://meet.example/formazione",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"online_url": "non è un link"}, "Inserisci un URL valido."),
        ({"online_url": "https://meet.example/" + "a" * 10_000}, "non contenga più di 200 caratteri"),
        ({"location": "x" * 10_000}, "non contenga più di 300 caratteri"),
        ({"slot": "other"}, "Scegli una delle date proposte."),
        ({"slot": "99999999999999999999"}, "Scegli una delle date proposte."),
        ({"slot": ""}, "Scegli una delle date proposte."),
    ],
)
def test_poll_close_with_bad_input_says_why_and_keeps_what_was_typed(client, data, message):
    facilitator = FacilitatorFactory()
    poll = DatePollFactory(group=facilitator.group)
    slot, other = DateSlotFactory(poll=poll), DateSlotFactory()
    typed = {"slot": slot.pk, "location": "Sala grande", "online_url": "https://meet.example/ok", **data}
    if typed["slot"] == "other":
        typed["slot"] = other.pk
    client.force_login(facilitator.member)

    response = client.post(f"/gruppi/{poll.group.slug}/date/{poll.pk}/chiudi/", typed)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    for name in ("location", "online_url"):
        if len(typed[name]) < 1000:
            assert f'value="{typed[name]}"' in html
    if typed["slot"] == slot.pk:
        assert f'value="{slot.pk}" checked' in html
    poll.refresh_from_db()
    assert (poll.status, Meeting.objects.count()) == (PollStatus.OPEN, 0)
    page = f"/gruppi/{poll.group.slug}/date/{poll.pk}/"
    assert client.get(f"{page}chiudi/").url == page


def test_upload_with_unusable_name_is_saved_as_documento(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    facilitator = FacilitatorFactory()
    client.force_login(facilitator.member)

    client.post(
        f"/gruppi/{facilitator.group.slug}/documenti/nuovo/",
        {"title": "Strano", "visibility": "members", "file": _pdf("###.pdf")},
    )

    assert Document.objects.get().file.name.endswith("/documento.pdf")


def test_calendar_feed_stops_for_a_former_member(client):
    former = MembershipFactory().member
    token = former.ensure_calendar_token()
    former.status = "former"
    former.save()

    assert client.get(f"/calendario/{token}.ics").status_code == 404


# Ids from request input: ASCII digits only, short enough for PostgreSQL's bigint.
# A NUL byte: tests/members/test_validators.py.
ODD_IDS = ["²", "١٢", "99999999999999999999999", "12abc"]


def _arabic_indic(number):
    return "".join(chr(0x0660 + int(digit)) for digit in str(number))


@pytest.mark.parametrize("raw", ODD_IDS)
def test_poll_close_with_odd_slot_id_gets_message_and_poll_stays_open(client, raw):
    slot = DateSlotFactory()
    facilitator = FacilitatorFactory(group=slot.poll.group)
    client.force_login(facilitator.member)

    response = client.post(f"/gruppi/{slot.poll.group.slug}/date/{slot.poll.pk}/chiudi/", {"slot": raw}, follow=True)

    assert response.status_code == 200
    assert "Scegli una delle date proposte." in response.content.decode()
    assert DatePoll.objects.get().status == "open"


@pytest.mark.parametrize("raw", ODD_IDS)
def test_document_form_with_odd_meeting_id_opens_without_a_meeting(client, raw):
    facilitator = FacilitatorFactory()
    MeetingFactory(group=facilitator.group)
    client.force_login(facilitator.member)

    response = client.get(f"/gruppi/{facilitator.group.slug}/documenti/nuovo/?incontro={raw}")

    assert response.status_code == 200
    assert response.context["form"].initial == {}


def test_document_form_with_meeting_id_preselects_that_meeting(client):
    facilitator = FacilitatorFactory()
    meeting = MeetingFactory(group=facilitator.group)
    client.force_login(facilitator.member)

    response = client.get(f"/gruppi/{facilitator.group.slug}/documenti/nuovo/?incontro={meeting.pk}")

    assert response.context["form"].initial == {"meeting": meeting.pk}


@pytest.mark.parametrize(
    "path",
    [
        "/incontri/99999999999999999999999/",
        "/incontri/99999999999999999999999.ics",
        "/documenti/99999999999999999999999/scarica/",
        "/gruppi/{slug}/date/99999999999999999999999/",
        "/incontri/²/",
    ],
)
def test_object_urls_with_odd_ids_are_not_found(client, path):
    membership = MembershipFactory()
    client.force_login(membership.member)

    response = client.get(path.format(slug=membership.group.slug))

    assert response.status_code == 404


# Dates are bounded (2000 to ten years ahead). 9999-12-31 22:00 typed in Moscow is
# 19:00 UTC, but the year 10000 for anyone further east: pages and e-mails failed.

OUT_OF_RANGE = f"Scegli una data tra il 2000 e il {timezone.now().year + 10}."
MOSCOW = ZoneInfo("Europe/Moscow")


def _in_moscow(delta):
    return (timezone.now() + delta).astimezone(MOSCOW).strftime("%Y-%m-%dT%H:%M")


def test_meeting_in_year_9999_refused_for_facilitator_in_moscow(client):
    facilitator = FacilitatorFactory(member__time_zone="Europe/Moscow")
    client.force_login(facilitator.member)

    response = client.post(
        f"/gruppi/{facilitator.group.slug}/incontri/nuovo/",
        {"title": "Fine dei tempi", "starts_at": "9999-12-31T22:00", "ends_at": "9999-12-31T23:00"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"starts_at": [OUT_OF_RANGE], "ends_at": [OUT_OF_RANGE]}
    assert not Meeting.objects.exists()


def test_meeting_before_2000_refused(client):
    facilitator = FacilitatorFactory()
    client.force_login(facilitator.member)

    response = client.post(
        f"/gruppi/{facilitator.group.slug}/incontri/nuovo/",
        {"title": "Refuso", "starts_at": _local(timezone.now() + timedelta(days=2)), "ends_at": "0202-07-06T20:30"},
    )

    assert response.context["form"].errors == {"ends_at": [OUT_OF_RANGE]}
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("field", ["slot_2", "closes_at"])
def test_poll_date_in_year_9999_refused_for_participant_in_moscow(client, field):
    participant = MembershipFactory(member__time_zone="Europe/Moscow")
    client.force_login(participant.member)
    data = {
        "title": "Prossimo incontro",
        "duration": "120",
        "closes_at": _in_moscow(timedelta(days=1)),
        "slot_1": _in_moscow(timedelta(days=3)),
        "slot_2": _in_moscow(timedelta(days=4)),
    }

    response = client.post(f"/gruppi/{participant.group.slug}/date/nuovo/", {**data, field: "9999-12-31T22:00"})

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [OUT_OF_RANGE]}
    assert not DatePoll.objects.exists()


def test_admin_meeting_in_year_9999_refused(client, staff):
    group = WorkingGroupFactory()
    client.force_login(staff)

    response = client.post(
        "/admin/groups/meeting/add/",
        {
            "group": group.pk,
            "title": "Fine dei tempi",
            "starts_at_0": "9999-12-31",
            "starts_at_1": "22:00",
            "ends_at_0": "9999-12-31",
            "ends_at_1": "23:00",
            "status": "scheduled",
            "rsvps-TOTAL_FORMS": "0",
            "rsvps-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"starts_at": [OUT_OF_RANGE], "ends_at": [OUT_OF_RANGE]}
    assert not Meeting.objects.exists()


def test_admin_poll_slot_in_year_9999_refused(client, staff):
    poll = DatePollFactory()
    client.force_login(staff)

    response = client.post(
        f"/admin/groups/datepoll/{poll.pk}/change/",
        {
            "group": poll.group.pk,
            "title": poll.title,
            "duration": "02:00:00",
            "closes_at_0": _local(poll.closes_at)[:10],
            "closes_at_1": _local(poll.closes_at)[11:],
            "status": "open",
            "slots-TOTAL_FORMS": "1",
            "slots-INITIAL_FORMS": "0",
            "slots-0-starts_at_0": "9999-12-31",
            "slots-0-starts_at_1": "22:00",
        },
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [{"starts_at": [OUT_OF_RANGE]}]
    assert not poll.slots.exists()


# Rows stored before dates were bounded still show, in UTC where the reader's time would overflow.


def _meeting_at_end_of_time(**fields):
    return MeetingFactory(
        starts_at=datetime(9999, 12, 31, 21, 0, tzinfo=UTC), ends_at=datetime(9999, 12, 31, 23, 0, tzinfo=UTC), **fields
    )


def test_old_meeting_in_year_9999_pages_render_for_member_in_moscow(client):
    meeting = _meeting_at_end_of_time()
    member = MembershipFactory(group=meeting.group, member__time_zone="Europe/Moscow").member
    client.force_login(member)

    pages = [
        f"/gruppi/{meeting.group.slug}/",
        f"/gruppi/{meeting.group.slug}/incontri/",
        f"/incontri/{meeting.pk}/",
        f"/incontri/{meeting.pk}.ics",
        f"/calendario/{member.ensure_calendar_token()}.ics",
        "/",
    ]

    assert [client.get(page).status_code for page in pages] == [200] * len(pages)
    assert "venerdì 31 dicembre 9999, 21:00 UTC" in client.get(f"/incontri/{meeting.pk}/").content.decode()


def test_old_poll_slot_in_year_9999_cannot_be_chosen(client):
    slot = DateSlotFactory(starts_at=datetime(9999, 12, 31, 22, 30, tzinfo=UTC))
    DateSlotFactory(poll=slot.poll)
    facilitator = FacilitatorFactory(group=slot.poll.group, member__time_zone="Europe/Moscow")
    client.force_login(facilitator.member)

    response = client.post(
        f"/gruppi/{slot.poll.group.slug}/date/{slot.poll.pk}/chiudi/", {"slot": str(slot.pk)}, follow=True
    )

    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    assert (DatePoll.objects.get().status, Meeting.objects.exists()) == ("open", False)


def test_old_meeting_in_year_9999_cancelled_tells_member_in_moscow(client, django_capture_on_commit_callbacks):
    meeting = _meeting_at_end_of_time()
    facilitator = FacilitatorFactory(group=meeting.group)
    answered = MembershipFactory(group=meeting.group, member__time_zone="Europe/Moscow").member
    services.answer_meeting(meeting, answered, Answer.YES)
    client.force_login(facilitator.member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/incontri/{meeting.pk}/annulla/")

    mail = OutboxEmail.objects.get(to=answered.email)
    assert "venerdì 31 dicembre 9999, 21:00 UTC" in mail.body_text


def test_admin_membership_joined_in_year_9999_refused(client, staff):
    membership = MembershipFactory()
    client.force_login(staff)

    response = client.post(
        f"/admin/groups/membership/{membership.pk}/change/",
        {
            "group": membership.group.pk,
            "member": membership.member.pk,
            "role": membership.role,
            "state": membership.state,
            "requested_at_0": "2020-07-06",
            "requested_at_1": "18:30",
            "joined_at_0": "9999-12-31",
            "joined_at_1": "22:00",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"joined_at": [OUT_OF_RANGE]}


def test_old_meeting_in_year_9999_edit_page_opens_for_facilitator_in_moscow(client):
    meeting = _meeting_at_end_of_time()
    facilitator = FacilitatorFactory(group=meeting.group, member__time_zone="Europe/Moscow")
    client.force_login(facilitator.member)

    response = client.get(f"/incontri/{meeting.pk}/modifica/")

    assert response.status_code == 200
    assert 'value="9999-12-31T21:00"' in response.content.decode()


# Facilitators come first: in a group larger than a page, they still show.


@pytest.fixture
def big_group():
    group = WorkingGroupFactory()
    facilitator = FacilitatorFactory(group=group, member__full_name="Zeno Zanetti")
    MembershipFactory.create_batch(101, group=group, member__full_name="Anna Abate")
    return group, facilitator.member


def test_group_page_shows_the_facilitator_of_a_big_group_first(client, big_group):
    group, facilitator = big_group
    client.force_login(VerifiedMemberFactory())

    response = client.get(f"/gruppi/{group.slug}/")

    names = [row.full_name for row in response.context["participants"]]
    assert len(names) == 60
    assert names[0] == "Zeno Zanetti"
    assert "Zeno Zanetti" in response.content.decode()


def test_participants_page_lists_the_facilitator_of_a_big_group_first(client, big_group):
    group, facilitator = big_group
    client.force_login(facilitator)

    response = client.get(f"/gruppi/{group.slug}/partecipanti/")

    rows = list(response.context["page"])
    assert len(rows) == 100
    assert rows[0].member == facilitator
    assert "Zeno Zanetti" in response.content.decode()


def test_poll_page_answers_404_for_a_poll_of_another_group_or_an_id_beyond_any(client):
    poll, other = DatePollFactory(), DatePollFactory()
    member = MembershipFactory(group=poll.group).member
    client.force_login(member)
    assert client.get(f"/gruppi/{poll.group.slug}/date/{poll.pk}/").status_code == 200
    assert client.get(f"/gruppi/{poll.group.slug}/date/{other.pk}/").status_code == 404
    assert client.get(f"/gruppi/{poll.group.slug}/date/99999999999999999999999/").status_code == 404
    assert client.get(f"/gruppi/nessuno/date/{poll.pk}/").status_code == 404


def test_meeting_page_answers_404_for_an_id_beyond_any_signed_in_or_not(client, verified_member):
    meeting = MeetingFactory()
    for signed_in in (False, True):
        if signed_in:
            client.force_login(verified_member)
        assert client.get(f"/incontri/{meeting.pk}/").status_code == 200
        assert client.get("/incontri/99999999999999999999999/").status_code == 404
        assert client.get(f"/incontri/{meeting.pk + 1000}/").status_code == 404
