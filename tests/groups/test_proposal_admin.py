"""Moderation in the Django admin, through the admin's own views: the queue, each decision as
staff, and the same addresses refused to everyone else."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from groups.proposals import services
from groups.proposals.enums import CoAuthorState, ProposalState, ReportOutcome
from groups.proposals.models import Comment, Proposal, Report
from notifications.models import OutboxEmail
from tests.factories import (
    CommentFactory,
    MembershipFactory,
    StaffFactory,
    VerifiedMemberFactory,
    proposal_in,
)

pytestmark = pytest.mark.django_db

S = ProposalState


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def _state(proposal):
    return Proposal.objects.get(pk=proposal.pk).state


def _sent(kind):
    return OutboxEmail.objects.filter(kind=f"groups/proposals/email/{kind}").count()


@pytest.fixture
def moderator(client):
    staff = StaffFactory(language="it")
    client.force_login(staff)
    return staff


# The queue


def test_queue_lists_what_waits_oldest_first_with_group_authors_and_waiting_time(client, moderator):
    newer = proposal_in(S.SUBMITTED, title="Più recente")
    older = proposal_in(S.SUBMITTED, title="Più vecchia")
    partner = MembershipFactory(group=older.group, member__full_name="Bea Neri").member
    older.coauthors.create(member=partner, state=CoAuthorState.ACCEPTED)
    Proposal.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=3))
    proposal_in(S.PUBLISHED, title="Già pubblicata")

    html = client.get(reverse("admin:groups_proposaltomoderate_changelist")).content.decode()

    assert [title for title in ("Più vecchia", "Più recente", "Già pubblicata") if title in html] == [
        "Più vecchia",
        "Più recente",
    ]
    assert html.index("Più vecchia") < html.index("Più recente")
    row = html[html.index("Più vecchia") : html.index("Più recente")]
    assert escape(older.group.name) in row and older.author.full_name in row and "Bea Neri" in row
    assert "3\xa0giorni" in row  # timesince joins number and unit with a no-break space
    assert escape(newer.group.name) in html


def test_admin_index_shows_how_many_wait(client, moderator):
    for _ in range(2):
        proposal_in(S.SUBMITTED)
    services.report(proposal_in(S.PUBLISHED), reporter=VerifiedMemberFactory(), reason="Spam.")

    html = client.get(reverse("admin:index")).content.decode()

    assert "2 proposte aspettano la moderazione" in html
    assert "1 segnalazione aperta" in html
    assert reverse("admin:groups_proposaltomoderate_changelist") in html


def test_proposal_page_shows_text_attachments_coauthors_and_history(client, moderator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory()
    partner = MembershipFactory(group=membership.group, member__full_name="Bea Neri").member
    proposal = services.create_proposal(
        membership.group,
        author=membership.member,
        coauthors=[partner],
        uploads=[SimpleUploadedFile("analisi.pdf", b"%PDF-1.4 x")],
        title="Sportello",
        problem="Chi comincia è **solo**.",
        solution="Uno sportello.",
        benefit="Meno abbandoni.",
    )
    services.submit_proposal(proposal, actor=membership.member)
    services.reject_proposal(proposal, actor=moderator, reason="Troppo vaga.")

    html = client.get(reverse("admin:groups_proposal_change", args=[proposal.pk])).content.decode()

    assert "Chi comincia è <strong>solo</strong>." in html
    assert f"/proposte/{proposal.pk}/allegati/{proposal.attachments.get().pk}/" in html
    assert "Bea Neri" in html and "Invito in attesa" in html
    history = html[html.index("Cronologia della proposta") :]
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr>(.*?)</tr>", history, re.S)]
    assert [row.split(" ", 4)[-1] for row in rows[-2:]] == [
        f"{membership.member.full_name} Inviata per la moderazione Bozza → In attesa di moderazione",
        f"{moderator.full_name} Non pubblicata In attesa di moderazione → Non pubblicata Troppo vaga.",
    ]
    # Read-only: what members wrote is not edited here.
    assert 'name="title"' not in html and "_save" not in html


# Decisions


def test_publish_button_publishes_tells_authors_and_returns_to_the_queue(client, moderator):
    proposal = proposal_in(S.SUBMITTED)

    response = client.post(reverse("admin:groups_proposal_publish", args=[proposal.pk]))

    assert response.url == reverse("admin:groups_proposaltomoderate_changelist")
    assert (_state(proposal), _sent("published")) == (S.PUBLISHED, 1)


def test_publishing_what_someone_else_decided_says_so(client, moderator):
    proposal = proposal_in(S.SUBMITTED)
    services.reject_proposal(proposal, actor=StaffFactory(), reason="Fuori tema.")

    response = client.post(reverse("admin:groups_proposal_publish", args=[proposal.pk]), follow=True)

    assert _messages(response) == ["Qualcuno ha già deciso su questa proposta: ora è “Non pubblicata”."]
    assert _state(proposal) == S.REJECTED


def test_reject_asks_a_reason_then_tells_the_authors(client, moderator):
    proposal = proposal_in(S.SUBMITTED)
    url = reverse("admin:groups_proposal_reject")

    empty = client.post(url, {"ids": str(proposal.pk), "reason": ""})
    assert (empty.status_code, _state(proposal)) == (200, S.SUBMITTED)
    assert empty.context["form"].errors["reason"] == ["Scrivi il motivo: chi l'ha scritto lo leggerà."]
    client.post(url, {"ids": str(proposal.pk), "reason": "Esiste già."})

    assert (_state(proposal), _sent("rejected")) == (S.REJECTED, 1)
    assert Proposal.objects.get(pk=proposal.pk).rejection_reason == "Esiste già."


def test_bulk_publish_publishes_what_waits_and_names_what_cannot(client, moderator):
    waiting = [proposal_in(S.SUBMITTED) for _ in range(2)]
    published = proposal_in(S.PUBLISHED)

    response = client.post(
        reverse("admin:groups_proposaltomoderate_changelist"),
        {"action": "publish_selected", "_selected_action": [p.pk for p in waiting]},
        follow=True,
    )
    again = client.post(
        reverse("admin:groups_proposal_changelist"),
        {"action": "publish_selected", "_selected_action": [published.pk]},
        follow=True,
    )

    assert _messages(response) == ["2 proposte pubblicate: chi le ha scritte è stato avvisato."]
    assert [_state(p) for p in waiting] == [S.PUBLISHED, S.PUBLISHED]
    assert _messages(again) == [f"{published.title}: Qualcuno ha già deciso su questa proposta: ora è “Pubblicata”."]


def test_bulk_reject_goes_through_the_reason_form(client, moderator):
    waiting = [proposal_in(S.SUBMITTED) for _ in range(2)]

    response = client.post(
        reverse("admin:groups_proposaltomoderate_changelist"),
        {"action": "reject_selected", "_selected_action": [p.pk for p in waiting]},
    )
    form = client.get(response.url)
    ids = form.context["ids"]
    client.post(reverse("admin:groups_proposal_reject"), {"ids": ids, "reason": "Fuori tema."})

    assert [_state(p) for p in waiting] == [S.REJECTED, S.REJECTED]
    assert _sent("rejected") == 2


def test_official_answer_offers_only_allowed_answers_and_needs_a_text(client, moderator):
    proposal = proposal_in(S.UNDER_REVIEW)
    url = reverse("admin:groups_proposal_answer", args=[proposal.pk])

    form = client.get(url).context["form"]
    empty = client.post(url, {"state": "accepted", "text": ""})
    client.post(url, {"state": "accepted", "text": "La realizziamo entro l'anno."})

    assert [value for value, _label in form.fields["state"].choices] == ["accepted", "declined"]
    assert "text" in empty.context["form"].errors
    assert _state(proposal) == S.ACCEPTED
    assert proposal.updates.last().text == "La realizziamo entro l'anno."


def test_progress_update_on_an_accepted_proposal(client, moderator):
    proposal = proposal_in(S.ACCEPTED)

    client.post(reverse("admin:groups_proposal_progress", args=[proposal.pk]), {"text": "Il calendario è online."})
    refused = client.post(
        reverse("admin:groups_proposal_progress", args=[proposal_in(S.PUBLISHED).pk]), {"text": "Avanti."}
    )

    assert list(proposal.updates.filter(kind="progress").values_list("text", flat=True)) == ["Il calendario è online."]
    assert refused.context["form"].non_field_errors() == [
        "Gli aggiornamenti sono per le proposte accolte; questa è “Pubblicata”."
    ]


def test_hide_a_proposal_needs_a_reason(client, moderator):
    proposal = proposal_in(S.PUBLISHED)
    url = reverse("admin:groups_proposal_hide", args=[proposal.pk])

    empty = client.post(url, {"reason": ""})
    client.post(url, {"reason": "Dati personali."})

    assert empty.status_code == 200
    assert Proposal.objects.get(pk=proposal.pk).hidden_reason == "Dati personali."
    assert _sent("hidden") == 1


def test_report_resolved_by_hiding_with_a_reason(client, moderator):
    comment = CommentFactory()
    report = services.report(comment.proposal, reporter=VerifiedMemberFactory(), reason="Offensivo.", comment=comment)
    url = reverse("admin:groups_report_hide", args=[report.pk])

    empty = client.post(url, {"reason": ""})
    client.post(url, {"reason": "Linguaggio offensivo."})

    report.refresh_from_db()
    assert empty.status_code == 200
    assert (report.outcome, Comment.objects.get().hidden_reason) == (ReportOutcome.HIDDEN, "Linguaggio offensivo.")
    assert _sent("comment_hidden") == 1


def test_report_dismissed_by_button_or_in_bulk(client, moderator):
    proposal = proposal_in(S.PUBLISHED)
    reports = [services.report(proposal, reporter=VerifiedMemberFactory(), reason="Boh.") for _ in range(3)]

    client.post(reverse("admin:groups_report_dismiss", args=[reports[0].pk]))
    response = client.post(
        reverse("admin:groups_report_changelist"),
        {"action": "dismiss_selected", "_selected_action": [r.pk for r in reports]},
        follow=True,
    )

    assert _messages(response) == ["Segnalazione archiviata: il contenuto resta.", "2 segnalazioni archiviate."]
    assert list(Report.objects.values_list("outcome", flat=True)) == [ReportOutcome.DISMISSED] * 3
    assert Proposal.objects.public().count() == 1


def test_hidden_proposal_and_comment_made_visible_again(client, moderator):
    proposal = proposal_in(S.PUBLISHED)
    comment = CommentFactory(proposal=proposal)
    services.hide_proposal(proposal, actor=moderator, reason="Per errore.")
    services.hide_comment(comment, actor=moderator, reason="Per errore.")

    page = client.get(reverse("admin:groups_proposal_change", args=[proposal.pk])).content.decode()
    response = client.post(reverse("admin:groups_proposal_restore", args=[proposal.pk]), follow=True)
    client.post(reverse("admin:groups_comment_restore", args=[comment.pk]))

    assert "Rendi di nuovo visibile la proposta" in page
    assert _messages(response) == ["La proposta è di nuovo visibile."]
    assert (Proposal.objects.public().count(), Comment.objects.get().hidden_at) == (1, None)


def test_comment_hidden_from_its_own_admin_page(client, moderator):
    comment = CommentFactory()

    client.post(reverse("admin:groups_comment_hide", args=[comment.pk]), {"reason": "Fuori tema."})

    assert Comment.objects.get().hidden_reason == "Fuori tema."


# Refused to everyone else


def _moderation_requests(proposal, accepted, comment, report, hidden):
    return [
        ("get", reverse("admin:groups_proposaltomoderate_changelist"), {}),
        ("get", reverse("admin:groups_proposal_change", args=[proposal.pk]), {}),
        ("post", reverse("admin:groups_proposal_publish", args=[proposal.pk]), {}),
        ("post", reverse("admin:groups_proposal_reject"), {"ids": str(proposal.pk), "reason": "No."}),
        (
            "post",
            reverse("admin:groups_proposal_changelist"),
            {"action": "publish_selected", "_selected_action": [proposal.pk]},
        ),
        ("post", reverse("admin:groups_proposal_answer", args=[accepted.pk]), {"state": "implemented", "text": "Sì"}),
        ("post", reverse("admin:groups_proposal_progress", args=[accepted.pk]), {"text": "Avanti."}),
        ("post", reverse("admin:groups_proposal_hide", args=[accepted.pk]), {"reason": "No."}),
        ("post", reverse("admin:groups_comment_hide", args=[comment.pk]), {"reason": "No."}),
        ("post", reverse("admin:groups_report_hide", args=[report.pk]), {"reason": "No."}),
        ("post", reverse("admin:groups_report_dismiss", args=[report.pk]), {}),
        ("post", reverse("admin:groups_proposal_restore", args=[hidden.pk]), {}),
    ]


@pytest.fixture
def moderation_world():
    proposal = proposal_in(S.SUBMITTED)
    accepted = proposal_in(S.ACCEPTED)
    comment = CommentFactory(proposal=accepted)
    report = services.report(accepted, reporter=VerifiedMemberFactory(), reason="Spam.", comment=comment)
    hidden = proposal_in(S.PUBLISHED)
    services.hide_proposal(hidden, actor=StaffFactory(), reason="Dati personali.")
    return proposal, accepted, comment, report, hidden


def _nothing_changed(proposal, accepted, comment, report, hidden):
    return (
        Proposal.objects.get(pk=hidden.pk).hidden_at is not None,
        _state(proposal),
        _state(accepted),
        accepted.updates.count(),
        Proposal.objects.get(pk=accepted.pk).hidden_at,
        Comment.objects.get(pk=comment.pk).hidden_at,
        Report.objects.get(pk=report.pk).resolved_at,
    ) == (True, S.SUBMITTED, S.ACCEPTED, 1, None, None, None)


@pytest.mark.parametrize("who", ["anonymous", "member", "author"])
def test_moderation_refused_to_non_staff(client, moderation_world, who):
    """The admin sends whoever is not staff to its log-in page; nothing changes."""
    proposal = moderation_world[0]
    person = {"anonymous": None, "member": VerifiedMemberFactory(), "author": proposal.author}[who]
    if person is not None:
        client.force_login(person)

    for method, url, data in _moderation_requests(*moderation_world):
        response = getattr(client, method)(url, data)
        assert (response.status_code, response.url.split("?")[0]) == (302, reverse("admin:login")), url

    assert _nothing_changed(*moderation_world)


def test_moderation_refused_to_staff_without_the_permission(client, moderation_world):
    clerk = StaffFactory(is_superuser=False)
    clerk.user_permissions.add(Permission.objects.get(codename="view_proposal"))
    client.force_login(clerk)

    statuses = {
        url: getattr(client, method)(url, data).status_code
        for method, url, data in _moderation_requests(*moderation_world)
    }

    readable = {reverse("admin:groups_proposal_change", args=[moderation_world[0].pk])}
    assert {url: status for url, status in statuses.items() if url not in readable} == {
        url: 403 for url in statuses if url not in readable
    }
    assert _nothing_changed(*moderation_world)
