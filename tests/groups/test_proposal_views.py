"""The proposals' pages: writing, reading, supporting, commenting, reporting, the lists and their
query counts, and bad input answered with a clear message."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from groups.proposals import services
from groups.proposals.enums import ProposalState
from groups.proposals.models import Comment, Proposal, Report, Support
from notifications.models import OutboxEmail
from tests.factories import (
    PROPOSAL_TEXT,
    CommentFactory,
    MembershipFactory,
    PublishedProposalFactory,
    StaffFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
    proposal_in,
)

pytestmark = pytest.mark.django_db

S = ProposalState


def _messages(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


# Lists: the number of queries must not grow with the rows.


def _many_public(group=None, count=6):
    for index in range(count):
        proposal = PublishedProposalFactory(**({"group": group} if group else {}), support_count=index)
        CommentFactory(proposal=proposal)
        Support.objects.create(proposal=proposal, member=VerifiedMemberFactory())


def _main(response):
    """The page's own part, without the messages above it."""
    return response.content.decode().split('<main id="main"')[1].split("</main>")[0]


@pytest.mark.parametrize(
    "url", ["/proposte/", "/proposte/?ordina=sostegni", "/proposte/?ordina=risposte", "/proposte/?q=sportello"]
)
def test_proposal_list_queries_constant_for_visitors(client, django_assert_num_queries, url):
    PublishedProposalFactory()
    # Built: count, page, the groups of the filter. Then from the cache: none (a search is
    # built each time: its bodies are not kept).
    cached = 3 if "q=" in url else 0
    with django_assert_num_queries(3):
        first = client.get(url)
    with django_assert_num_queries(cached):
        assert _main(client.get(url)) == _main(first)
    _many_public()
    with django_assert_num_queries(3):
        many = client.get(url)
    with django_assert_num_queries(cached):
        assert _main(client.get(url)) == _main(many)
    shown = len(re.findall(r'href="/proposte/\d+/"', many.content.decode()))
    assert (first.status_code, shown) == (200, 7)


def test_proposal_list_queries_constant_for_members(client, django_assert_num_queries):
    member = VerifiedMemberFactory()
    client.force_login(member)
    PublishedProposalFactory()
    client.get("/proposte/")
    # session, member: the body comes from the cache
    with django_assert_num_queries(2):
        client.get("/proposte/")
    _many_public()
    client.get("/proposte/")
    with django_assert_num_queries(2):
        client.get("/proposte/")


def test_group_proposal_list_queries_constant(client, django_assert_num_queries):
    membership = MembershipFactory()
    group = membership.group
    client.force_login(membership.member)
    PublishedProposalFactory(group=group)
    client.get(f"/gruppi/{group.slug}/proposte/")
    # session, member, group, membership: the body comes from the cache
    with django_assert_num_queries(4):
        client.get(f"/gruppi/{group.slug}/proposte/")
    _many_public(group)
    client.get(f"/gruppi/{group.slug}/proposte/")
    with django_assert_num_queries(4):
        response = client.get(f"/gruppi/{group.slug}/proposte/")
    assert len(re.findall(r'href="/proposte/\d+/"', response.content.decode())) == 7


def test_search_finds_with_italian_stemming_through_the_page(client):
    training = proposal_in(S.PUBLISHED, title="Percorsi di formazione per chi ricomincia")
    proposal_in(S.PUBLISHED, title="Calendario condiviso")
    proposal_in(S.SUBMITTED, title="Formazione riservata")

    html = client.get("/proposte/?q=formazioni").content.decode()

    assert re.findall(r'href="/proposte/(\d+)/"', html) == [str(training.pk)]


def test_search_falls_back_to_substrings_without_postgresql(monkeypatch):
    """On SQLite (make run) there is no full-text search: a plain substring match instead."""
    training = proposal_in(S.PUBLISHED, title="Percorsi di formazione")
    proposal_in(S.PUBLISHED, title="Calendario condiviso")
    monkeypatch.setattr(connection, "vendor", "sqlite")

    assert list(Proposal.objects.public().matching("FORMAZ")) == [training]


def test_lists_sort_by_supports_and_by_latest_answer(client):
    staff = StaffFactory()
    quiet = proposal_in(S.PUBLISHED, staff=staff, title="Poco sostenuta")
    popular = proposal_in(S.PUBLISHED, staff=staff, title="Molto sostenuta")
    answered = proposal_in(S.PUBLISHED, staff=staff, title="Con risposta")
    for _ in range(2):
        services.support(popular, VerifiedMemberFactory())
    services.support(answered, VerifiedMemberFactory())
    services.answer_proposal(quiet, actor=staff, state=S.UNDER_REVIEW, text="La guardiamo.")
    services.answer_proposal(answered, actor=staff, state=S.ACCEPTED, text="Sì.")

    def order(query):
        return [
            int(pk) for pk in re.findall(r'href="/proposte/(\d+)/"', client.get(f"/proposte/{query}").content.decode())
        ]

    assert order("?ordina=sostegni") == [popular.pk, answered.pk, quiet.pk]
    assert order("?ordina=risposte") == [answered.pk, quiet.pk, popular.pk]
    assert order("") == [answered.pk, popular.pk, quiet.pk]
    assert order("?stato=accepted") == [answered.pk]


@pytest.mark.parametrize(
    "query",
    ["?stato=draft", "?stato=nonsense", "?ordina=%27;drop", "?gruppo=non-esiste", "?pagina=999", "?q=" + "x" * 500],
)
def test_odd_filters_are_ignored_never_an_error(client, query):
    proposal_in(S.PUBLISHED)
    proposal_in(S.DRAFT)

    response = client.get(f"/proposte/{query}")

    assert response.status_code == 200
    assert len(re.findall(r'href="/proposte/\d+/"', response.content.decode())) == 1


def test_list_pages_through_twenty_at_a_time(client):
    PublishedProposalFactory.create_batch(25)

    first = client.get("/proposte/?ordina=sostegni").content.decode()
    second = client.get("/proposte/?ordina=sostegni&pagina=2").content.decode()

    assert (len(re.findall(r'href="/proposte/\d+/"', first)), len(re.findall(r'href="/proposte/\d+/"', second))) == (
        20,
        5,
    )
    assert 'href="?ordina=sostegni&amp;pagina=2"' in first


def test_proposal_page_queries_constant(client, django_assert_num_queries):
    staff = StaffFactory()
    proposal = proposal_in(S.PUBLISHED, staff=staff)
    reader = VerifiedMemberFactory()
    client.force_login(reader)
    services.add_comment(proposal, author=VerifiedMemberFactory(), text="Primo.")
    client.get(f"/proposte/{proposal.pk}/")
    # session, member, proposal, co-authors, comments, whose names show, answers and
    # updates, attachments, "do I support it"
    with django_assert_num_queries(9) as few:
        client.get(f"/proposte/{proposal.pk}/")
    services.answer_proposal(proposal, actor=staff, state=S.ACCEPTED, text="Accolta.")
    for index in range(4):
        author = VerifiedMemberFactory()
        services.support(proposal, author)
        parent = services.add_comment(proposal, author=author, text=f"Commento {index}")
        services.add_comment(proposal, author=VerifiedMemberFactory(), text="Risposta", parent=parent)
        services.add_progress_update(proposal, actor=staff, text=f"Passo {index}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(f"/proposte/{proposal.pk}/")
    assert response.content.decode().count('id="commento-') == 9


def test_dashboard_queries_constant_and_shows_my_proposals_with_their_states(client, django_assert_num_queries):
    membership = MembershipFactory()
    member = membership.group and membership.member
    client.force_login(member)
    proposal_in(S.DRAFT, group=membership.group, author=member)
    # The groups' overview and the lists are read once (9 queries), then come from Redis while
    # nothing they show changes: only the session and the member (smartprogress/dashboard.py).
    with django_assert_num_queries(9):
        client.get("/")
    with django_assert_num_queries(2):
        client.get("/")
    for state in (S.SUBMITTED, S.REJECTED, S.PUBLISHED):
        proposal_in(state, group=membership.group, author=member)
    with django_assert_num_queries(8):  # a proposal retires the lists; the groups' overview stays
        client.get("/")
    with django_assert_num_queries(2):
        html = client.get("/").content.decode()

    section = html[html.index("Le tue proposte") :]
    assert [state in section for state in ("Bozza", "In attesa di moderazione", "Non pubblicata", "Pubblicata")] == [
        True
    ] * 4


# Writing through the pages


def _form(**changes):
    return {**PROPOSAL_TEXT, **changes}


def test_participant_saves_a_draft_then_sends_it(client):
    membership = MembershipFactory()
    client.force_login(membership.member)

    saved = client.post(f"/gruppi/{membership.group.slug}/proposte/nuova/", _form(azione="salva"), follow=True)
    proposal = Proposal.objects.get()
    sent = client.post(f"/proposte/{proposal.pk}/invia/", follow=True)

    assert _messages(saved) == [
        "Bozza salvata: solo tu e chi firma con te potete leggerla. Inviala allo staff quando è pronta."
    ]
    assert _messages(sent) == ["Proposta inviata: lo staff la leggerà e la pubblicherà, o ti dirà perché no."]
    assert Proposal.objects.get().state == S.SUBMITTED


def test_save_and_send_at_once(client):
    membership = MembershipFactory()
    client.force_login(membership.member)

    client.post(f"/gruppi/{membership.group.slug}/proposte/nuova/", _form(azione="invia"))

    assert Proposal.objects.get().state == S.SUBMITTED


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Questo campo è obbligatorio."),
        (
            {"problem": "x" * 5001},
            "problem",
            "Assicurati che questo valore non contenga più di 5000 caratteri (ne ha 5001).",
        ),
        ({"benefit": "   "}, "benefit", "Questo campo è obbligatorio."),
    ],
)
def test_bad_fields_are_named_and_what_was_typed_stays(client, changes, field, message):
    membership = MembershipFactory()
    client.force_login(membership.member)

    response = client.post(f"/gruppi/{membership.group.slug}/proposte/nuova/", _form(**changes))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert escape(PROPOSAL_TEXT["solution"]) in response.content.decode()
    assert Proposal.objects.count() == 0


def test_forbidden_attachment_refused_with_a_message_and_nothing_saved(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory()
    client.force_login(membership.member)
    script = SimpleUploadedFile("analisi.pdf", b"#!/bin/sh\necho ciao")

    response = client.post(f"/gruppi/{membership.group.slug}/proposte/nuova/", _form(files=[script]))

    assert response.context["form"].errors["files"] == [
        "Questo tipo di file non si può condividere: usa PDF, ODT/ODS, DOCX/XLSX o un'immagine."
    ]
    assert Proposal.objects.count() == 0


def test_attachments_uploaded_then_removed_from_the_draft(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory()
    client.force_login(membership.member)
    files = [SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"), SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\nxx")]

    client.post(f"/gruppi/{membership.group.slug}/proposte/nuova/", _form(files=files))
    proposal = Proposal.objects.get()
    first = proposal.attachments.first()
    download = client.get(f"/proposte/{proposal.pk}/allegati/{first.pk}/")
    client.post(f"/proposte/{proposal.pk}/allegati/{first.pk}/rimuovi/")

    assert (download["Content-Type"], download["Cache-Control"]) == ("application/pdf", "private, no-store")
    b"".join(download.streaming_content)
    assert [a.name for a in proposal.attachments.all()] == ["b.png"]


def test_proposals_per_hour_limited_per_member_with_a_clear_message(client, settings):
    settings.PROPOSALS_PER_HOUR = 2
    membership = MembershipFactory()
    client.force_login(membership.member)
    url = f"/gruppi/{membership.group.slug}/proposte/nuova/"
    for _ in range(2):
        client.post(url, _form())

    response = client.post(url, _form(title="La terza"))
    client.force_login(MembershipFactory(group=membership.group).member)
    other = client.post(url, _form(title="Di un'altra persona"))

    assert response.context["form"].non_field_errors() == [
        "Hai raggiunto il limite di 2 nuove proposte all'ora: riprova tra un po'."
    ]
    assert escape(PROPOSAL_TEXT["solution"]) in response.content.decode()
    assert other.status_code == 302
    assert Proposal.objects.count() == 3


def test_hourly_limits_are_not_enforced_while_redis_is_down(client, settings):
    """The cache degrades by design: with Redis stopped the counts start afresh each time."""
    settings.PROPOSALS_PER_HOUR = 1
    settings.COMMENTS_PER_HOUR = 1
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    membership = MembershipFactory()
    proposal = proposal_in(S.PUBLISHED)
    client.force_login(membership.member)

    for title in ("Prima", "Seconda"):
        client.post(f"/gruppi/{membership.group.slug}/proposte/nuova/", _form(title=title))
    for text in ("Primo", "Secondo"):
        client.post(f"/proposte/{proposal.pk}/commenti/", {"text": text})

    assert (Proposal.objects.filter(author=membership.member).count(), Comment.objects.count()) == (2, 2)


def test_author_invites_coauthors_from_the_groups_visible_participants(client):
    membership = MembershipFactory()
    visible = MembershipFactory(group=membership.group, member__visibility="members").member
    hidden = MembershipFactory(group=membership.group, member__visibility="private").member
    client.force_login(membership.member)

    form = client.get(f"/gruppi/{membership.group.slug}/proposte/nuova/").context["form"]
    client.post(f"/gruppi/{membership.group.slug}/proposte/nuova/", _form(coauthors=[visible.pk]))

    assert list(form.fields["coauthors"].queryset) == [visible]
    assert hidden not in form.fields["coauthors"].queryset
    assert list(Proposal.objects.get().coauthors.values_list("member", flat=True)) == [visible.pk]


def test_edit_then_send_from_the_form(client):
    proposal = proposal_in(S.DRAFT)
    client.force_login(proposal.author)

    client.post(f"/proposte/{proposal.pk}/modifica/", _form(title="Titolo nuovo", azione="invia"))

    proposal.refresh_from_db()
    assert (proposal.title, proposal.state) == ("Titolo nuovo", S.SUBMITTED)


def test_withdraw_and_reopen(client):
    proposal = proposal_in(S.SUBMITTED)
    client.force_login(proposal.author)

    withdrawn = client.post(f"/proposte/{proposal.pk}/ritira/", follow=True)
    client.post(f"/proposte/{proposal.pk}/riapri/")

    assert _messages(withdrawn) == ["Proposta ritirata. Puoi riaprirla come bozza quando vuoi."]
    assert Proposal.objects.get().state == S.DRAFT


def test_author_sees_why_the_staff_did_not_publish(client):
    proposal = proposal_in(S.REJECTED, reason="C'è già una proposta simile.")
    client.force_login(proposal.author)

    html = client.get(f"/proposte/{proposal.pk}/").content.decode()

    assert "Lo staff non ha pubblicato questa proposta. Motivo: C&#x27;è già una proposta simile." in html


def test_member_text_is_rendered_safely(client):
    proposal = proposal_in(
        S.PUBLISHED,
        problem='<script>alert("x")</script> **grave** [link](javascript:alert(1)) ![img](https://x.example/i.png)',
    )

    html = client.get(f"/proposte/{proposal.pk}/").content.decode()

    assert "<script>alert" not in html and "javascript:" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<strong>grave</strong>" in html


# Supporting, commenting, reporting


def test_support_and_withdraw_through_the_page(client):
    proposal = proposal_in(S.PUBLISHED)
    fan = VerifiedMemberFactory()
    client.force_login(fan)

    first = client.post(f"/proposte/{proposal.pk}/sostegno/", {"azione": "sostieni"}, follow=True)
    twice = client.post(f"/proposte/{proposal.pk}/sostegno/", {"azione": "sostieni"}, follow=True)
    client.post(f"/proposte/{proposal.pk}/sostegno/", {"azione": "ritira"})

    assert (_messages(first), _messages(twice)) == (
        ["Grazie: sostieni questa proposta."],
        ["Sostieni già questa proposta."],
    )
    assert Proposal.objects.get().support_count == 0


def test_support_box_swapped_by_htmx(client):
    proposal = proposal_in(S.PUBLISHED)
    client.force_login(VerifiedMemberFactory())

    response = client.post(f"/proposte/{proposal.pk}/sostegno/", {"azione": "sostieni"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="support-box"')
    assert "Ritira il mio sostegno" in html and "Grazie: sostieni questa proposta." in html


def test_author_cannot_support_own_proposal(client):
    proposal = proposal_in(S.PUBLISHED)
    client.force_login(proposal.author)

    response = client.post(f"/proposte/{proposal.pk}/sostegno/", {"azione": "sostieni"}, follow=True)

    assert _messages(response) == ["Non puoi sostenere una tua proposta."]
    assert Support.objects.count() == 0


def test_comment_and_reply_shown_in_order(client):
    proposal = proposal_in(S.PUBLISHED)
    talker = VerifiedMemberFactory(visibility="members")
    client.force_login(talker)

    client.post(f"/proposte/{proposal.pk}/commenti/", {"text": "Ottima idea."})
    first = Comment.objects.get()
    client.post(f"/proposte/{proposal.pk}/commenti/", {"text": "Concordo.", "risposta_a": first.pk})
    html = client.get(f"/proposte/{proposal.pk}/").content.decode()

    assert html.index("Ottima idea.") < html.index("Concordo.")
    assert Comment.objects.get(text="Concordo.").parent == first
    assert "2 commenti" in html


def test_comments_per_hour_limited_and_the_refused_one_kept_in_the_form(client, settings):
    settings.COMMENTS_PER_HOUR = 2
    proposal = proposal_in(S.PUBLISHED)
    client.force_login(VerifiedMemberFactory())
    for text in ("Primo", "Secondo"):
        client.post(f"/proposte/{proposal.pk}/commenti/", {"text": text})

    response = client.post(f"/proposte/{proposal.pk}/commenti/", {"text": "Un pensiero lungo e meditato."})

    assert _messages(response)[-1] == "Hai raggiunto il limite di 2 commenti all'ora: riprova tra un po'."
    assert "Un pensiero lungo e meditato." in response.content.decode()
    assert Comment.objects.count() == 2


def test_empty_comment_refused_with_a_message(client):
    proposal = proposal_in(S.PUBLISHED)
    client.force_login(VerifiedMemberFactory())

    response = client.post(f"/proposte/{proposal.pk}/commenti/", {"text": ""})

    assert response.context["comment_form"].errors["text"] == ["Scrivi qualcosa prima di inviare."]


def test_reply_to_a_comment_of_another_proposal_not_found(client):
    proposal = proposal_in(S.PUBLISHED)
    elsewhere = CommentFactory()
    client.force_login(VerifiedMemberFactory())

    response = client.post(f"/proposte/{proposal.pk}/commenti/", {"text": "Eh", "risposta_a": elsewhere.pk})

    assert response.status_code == 404


@pytest.mark.parametrize("state", [S.IMPLEMENTED, S.DECLINED])
def test_closed_proposal_takes_no_comment_and_says_so(client, state):
    proposal = proposal_in(state)
    client.force_login(VerifiedMemberFactory())

    html = client.get(f"/proposte/{proposal.pk}/").content.decode()
    response = client.post(f"/proposte/{proposal.pk}/commenti/", {"text": "Ancora?"})

    assert "La cooperativa ha dato la risposta definitiva: la discussione è chiusa." in html
    assert "La cooperativa ha dato la risposta definitiva a questa proposta" in response.content.decode()
    assert Comment.objects.count() == 0


def test_comment_edit_window_enforced_by_the_server(client):
    comment = CommentFactory()
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    client.force_login(comment.author)

    response = client.post(
        f"/proposte/{comment.proposal_id}/commenti/{comment.pk}/modifica/", {"text": "Cambiato"}, follow=True
    )

    assert _messages(response) == ["Un commento si può modificare per 15 minuti dopo averlo scritto."]
    assert Comment.objects.get().text.startswith("Commento")


def test_removed_and_hidden_comments_say_so_and_hidden_tells_its_author_why(client):
    proposal = proposal_in(S.PUBLISHED)
    removed = CommentFactory(proposal=proposal, text="Testo che sparirà")
    hidden = CommentFactory(proposal=proposal, text="Testo offensivo")
    services.remove_comment(removed, author=removed.author)
    services.hide_comment(hidden, actor=StaffFactory(), reason="Linguaggio offensivo.")

    as_visitor = client.get(f"/proposte/{proposal.pk}/").content.decode()
    client.force_login(hidden.author)
    as_author = client.get(f"/proposte/{proposal.pk}/").content.decode()

    for html in (as_visitor, as_author):
        assert "commento rimosso" in html and "commento nascosto dallo staff" in html
        assert "Testo che sparirà" not in html and "Testo offensivo" not in html
    assert ("Linguaggio offensivo." in as_visitor, "Motivo: Linguaggio offensivo." in as_author) == (False, True)


def test_report_with_reason_once(client):
    proposal = proposal_in(S.PUBLISHED)
    client.force_login(VerifiedMemberFactory())

    empty = client.post(f"/proposte/{proposal.pk}/segnala/", {"reason": ""})
    sent = client.post(f"/proposte/{proposal.pk}/segnala/", {"reason": "Pubblicità."}, follow=True)
    twice = client.post(f"/proposte/{proposal.pk}/segnala/", {"reason": "Ancora pubblicità."})

    assert empty.context["form"].errors["reason"] == ["Scrivi il motivo: lo staff lo leggerà."]
    assert _messages(sent) == ["Grazie: lo staff lo guarderà."]
    assert twice.context["form"].non_field_errors() == ["L'hai già segnalato: lo staff lo guarderà."]
    assert Report.objects.count() == 1


def test_author_names_follow_their_visibility_choice(client):
    proposal = proposal_in(S.PUBLISHED, author=VerifiedMemberFactory(visibility="private"))
    CommentFactory(proposal=proposal, author__visibility="members", author__full_name="Bea Verdi")

    as_visitor = client.get(f"/proposte/{proposal.pk}/").content.decode()
    client.force_login(VerifiedMemberFactory())
    as_member = client.get(f"/proposte/{proposal.pk}/").content.decode()

    assert proposal.author.full_name not in as_visitor + as_member
    assert ("Bea Verdi" in as_visitor, "Bea Verdi" in as_member) == (False, True)


# E-mails


def test_emails_in_the_receivers_language_with_the_reason():
    proposal = proposal_in(S.SUBMITTED, author=VerifiedMemberFactory(language="en"))

    services.reject_proposal(proposal, actor=StaffFactory(), reason="Già proposta.")

    email = OutboxEmail.objects.get(kind="groups/proposals/email/rejected")
    assert email.subject == f"Your proposal was not published: {proposal.title}"
    assert "Già proposta." in email.body_text
    assert f"/proposte/{proposal.pk}/" in email.body_text


def test_supporters_of_a_hidden_proposal_are_not_told_of_its_answer():
    staff = StaffFactory()
    proposal = proposal_in(S.PUBLISHED, staff=staff)
    fan = VerifiedMemberFactory()
    services.support(proposal, fan)
    services.hide_proposal(proposal, actor=staff, reason="Dati personali.")

    services.answer_proposal(proposal, actor=staff, state=S.DECLINED, text="Non possiamo.")

    assert list(OutboxEmail.objects.filter(kind__endswith="answered").values_list("to", flat=True)) == [
        proposal.author.email
    ]


def test_group_page_lists_the_newest_public_proposals(client):
    group = WorkingGroupFactory()
    older = PublishedProposalFactory(group=group, published_at=timezone.now() - timedelta(days=2))
    newer = PublishedProposalFactory(group=group)
    PublishedProposalFactory()  # another group's
    proposal_in(S.SUBMITTED, group=group)

    html = client.get(f"/gruppi/{group.slug}/").content.decode()

    assert re.findall(r'href="/proposte/(\d+)/"', html) == [str(newer.pk), str(older.pk)]
    assert f'href="/gruppi/{group.slug}/proposte/"' in html


def test_moderators_find_the_admin_page_from_the_proposal(client):
    proposal = proposal_in(S.SUBMITTED)
    admin_link = f'href="/admin/groups/proposal/{proposal.pk}/change/"'
    client.force_login(proposal.author)
    as_author = client.get(f"/proposte/{proposal.pk}/").content.decode()
    client.force_login(StaffFactory())
    as_staff = client.get(f"/proposte/{proposal.pk}/").content.decode()

    assert (admin_link in as_author, admin_link in as_staff) == (False, True)
