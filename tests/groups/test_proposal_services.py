"""The proposals' rules, through the service functions: every transition of the state machine
allowed and forbidden, supports, comments, reports, co-authors, limits and the moderators' alert."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from groups.proposals import services
from groups.proposals.enums import CoAuthorState, ProposalOrder, ProposalState, ReportOutcome
from groups.proposals.models import ModerationAlert, Proposal, ProposalUpdate, Report, Support
from members.models import ActionLog
from notifications.models import OutboxEmail
from tests.factories import (
    PROPOSAL_TEXT,
    CommentFactory,
    MemberFactory,
    MembershipFactory,
    PublishedProposalFactory,
    StaffFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
    proposal_in,
)

pytestmark = pytest.mark.django_db

S = ProposalState
ALL_STATES = list(S.values)


def _history(proposal):
    return [
        (row.action, row.data.get("from"), row.data.get("to"))
        for row in ActionLog.objects.filter(object_id=proposal.pk, action__startswith="proposal.").order_by("pk")
        if "to" in row.data
    ]


def _emails(kind):
    return sorted(OutboxEmail.objects.filter(kind=f"groups/proposals/email/{kind}").values_list("to", flat=True))


# Writing


def test_participant_writes_a_draft_rendered_and_logged():
    membership = MembershipFactory()

    proposal = services.create_proposal(
        membership.group, author=membership.member, **{**PROPOSAL_TEXT, "solution": "Un *calendario* <b>pubblico</b>"}
    )

    assert (proposal.state, proposal.author, proposal.group) == (S.DRAFT, membership.member, membership.group)
    assert proposal.solution_html == "<p>Un <em>calendario</em> &lt;b&gt;pubblico&lt;/b&gt;</p>"
    assert list(ActionLog.objects.filter(object_id=proposal.pk).values_list("action", flat=True)) == [
        "proposal.created"
    ]


@pytest.mark.parametrize("who", ["outsider", "pending", "unverified", "former"])
def test_only_participants_write_proposals(who):
    group = WorkingGroupFactory()
    person = {
        "outsider": lambda: VerifiedMemberFactory(),
        "pending": lambda: MembershipFactory(group=group, state="pending").member,
        "unverified": lambda: MembershipFactory(group=group, member=MemberFactory()).member,
        "former": lambda: MembershipFactory(group=group, member__status="former").member,
    }[who]()

    with pytest.raises(ValidationError) as refused:
        services.create_proposal(group, author=person, **PROPOSAL_TEXT)

    assert refused.value.code == "not_participant"
    assert Proposal.objects.count() == 0


def test_archived_group_takes_no_proposal():
    membership = MembershipFactory(group__archived_at=timezone.now())

    with pytest.raises(ValidationError, match="archiviato"):
        services.create_proposal(membership.group, author=membership.member, **PROPOSAL_TEXT)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "x" * 201),
        ("problem", "x" * 5001),
        ("benefit", ""),
        ("benefit", "x" * 3001),
    ],
)
def test_empty_or_overlong_fields_are_refused_by_name(field, value):
    membership = MembershipFactory()

    with pytest.raises(ValidationError) as refused:
        services.create_proposal(membership.group, author=membership.member, **{**PROPOSAL_TEXT, field: value})

    assert list(refused.value.message_dict) == [field]
    assert Proposal.objects.count() == 0


def test_a_part_left_out_is_refused_as_empty():
    membership = MembershipFactory()

    with pytest.raises(ValidationError) as refused:
        services.create_proposal(membership.group, author=membership.member, title="Solo un titolo")

    assert sorted(refused.value.message_dict) == ["benefit", "problem", "solution"]
    assert Proposal.objects.count() == 0


def test_attachments_follow_the_document_rules(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory()
    pdf = SimpleUploadedFile("analisi.pdf", b"%PDF-1.4 analisi")

    proposal = services.create_proposal(membership.group, author=membership.member, uploads=[pdf], **PROPOSAL_TEXT)

    [attachment] = proposal.attachments.all()
    assert (attachment.content_type, attachment.name) == ("application/pdf", "analisi.pdf")
    with pytest.raises(ValidationError) as refused:
        services.update_proposal(
            proposal,
            actor=membership.member,
            uploads=[SimpleUploadedFile("script.pdf", b"#!/bin/sh\nrm -rf /")],
            **PROPOSAL_TEXT,
        )
    assert list(refused.value.message_dict) == ["files"]
    assert proposal.attachments.count() == 1


def test_at_most_five_attachments(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory()
    uploads = [SimpleUploadedFile(f"a{i}.pdf", b"%PDF-1.4 x") for i in range(6)]

    with pytest.raises(ValidationError) as refused:
        services.create_proposal(membership.group, author=membership.member, uploads=uploads, **PROPOSAL_TEXT)

    assert refused.value.message_dict == {"files": ["Una proposta può avere al massimo 5 allegati."]}
    assert Proposal.objects.count() == 0


def test_only_a_draft_changes():
    proposal = proposal_in(S.SUBMITTED)

    with pytest.raises(ValidationError) as refused:
        services.update_proposal(proposal, actor=proposal.author, **{**PROPOSAL_TEXT, "title": "Nuovo titolo"})

    assert refused.value.code == "not_draft"
    assert Proposal.objects.get(pk=proposal.pk).title == PROPOSAL_TEXT["title"]


# Co-authors


def test_coauthor_invited_by_email_then_accepts_and_counts_as_author():
    membership = MembershipFactory()
    partner = MembershipFactory(group=membership.group).member

    proposal = services.create_proposal(
        membership.group, author=membership.member, coauthors=[partner], **PROPOSAL_TEXT
    )
    invitation = proposal.coauthors.get()
    services.answer_invitation(invitation, accept=True)

    assert _emails("invited") == [partner.email]
    assert list(Proposal.objects.authored_by(partner)) == [proposal]
    assert proposal.coauthors.get().state == CoAuthorState.ACCEPTED
    with pytest.raises(ValidationError):
        services.answer_invitation(invitation, accept=False)


def test_coauthor_must_take_part_in_the_group():
    membership = MembershipFactory()

    with pytest.raises(ValidationError) as refused:
        services.create_proposal(
            membership.group, author=membership.member, coauthors=[VerifiedMemberFactory()], **PROPOSAL_TEXT
        )

    assert list(refused.value.message_dict) == ["coauthors"]


def test_dropping_a_coauthor_withdraws_the_invitation():
    membership = MembershipFactory()
    partner = MembershipFactory(group=membership.group).member
    proposal = services.create_proposal(
        membership.group, author=membership.member, coauthors=[partner], **PROPOSAL_TEXT
    )

    services.update_proposal(proposal, actor=membership.member, coauthors=[], **PROPOSAL_TEXT)

    assert proposal.coauthors.count() == 0


# The state machine: every transition, allowed from exactly the states the design says.

TRANSITIONS = {
    "submit": ({S.DRAFT}, S.SUBMITTED),
    "withdraw": ({S.DRAFT, S.SUBMITTED}, S.WITHDRAWN),
    "reopen": ({S.WITHDRAWN}, S.DRAFT),
    "publish": ({S.SUBMITTED}, S.PUBLISHED),
    "reject": ({S.SUBMITTED}, S.REJECTED),
    "under_review": ({S.PUBLISHED}, S.UNDER_REVIEW),
    "accepted": ({S.PUBLISHED, S.UNDER_REVIEW}, S.ACCEPTED),
    "implemented": ({S.ACCEPTED}, S.IMPLEMENTED),
    "declined": ({S.PUBLISHED, S.UNDER_REVIEW, S.ACCEPTED}, S.DECLINED),
}


def _do(transition, proposal, staff):
    author = proposal.author
    return {
        "submit": lambda: services.submit_proposal(proposal, actor=author),
        "withdraw": lambda: services.withdraw_proposal(proposal, actor=author),
        "reopen": lambda: services.reopen_proposal(proposal, actor=author),
        "publish": lambda: services.publish_proposal(proposal, actor=staff),
        "reject": lambda: services.reject_proposal(proposal, actor=staff, reason="Fuori tema."),
    }.get(transition, lambda: services.answer_proposal(proposal, actor=staff, state=transition, text="Risposta."))()


def _cases():
    for transition, (sources, target) in TRANSITIONS.items():
        for state in ALL_STATES:
            yield pytest.param(transition, state, target if state in sources else None, id=f"{transition}-{state}")


@pytest.mark.parametrize(("transition", "state", "expected"), list(_cases()))
def test_transition_allowed_only_from_its_states(transition, state, expected):
    staff = StaffFactory()
    proposal = proposal_in(state, staff=staff) if state != S.UNDER_REVIEW else proposal_in(S.UNDER_REVIEW, staff=staff)
    before = Proposal.objects.get(pk=proposal.pk).state
    assert before == state

    if expected is None:
        with pytest.raises(ValidationError) as refused:
            _do(transition, proposal, staff)
        assert refused.value.code == "state"
        assert Proposal.objects.get(pk=proposal.pk).state == state
    else:
        _do(transition, proposal, staff)
        assert Proposal.objects.get(pk=proposal.pk).state == expected
        assert _history(proposal)[-1][1:] == (state, expected)


def test_publish_tells_the_authors_and_logs_who():
    staff = StaffFactory()
    partner = None
    proposal = proposal_in(S.SUBMITTED, staff=staff)
    partner = MembershipFactory(group=proposal.group).member
    proposal.coauthors.create(member=partner, state=CoAuthorState.ACCEPTED)

    published = services.publish_proposal(proposal, actor=staff)

    assert (published.state, published.published_at is not None) == (S.PUBLISHED, True)
    assert _emails("published") == sorted([proposal.author.email, partner.email])
    log = ActionLog.objects.filter(object_id=proposal.pk, action="proposal.published").get()
    assert (log.actor, log.data) == (staff, {"from": "submitted", "to": "published"})


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_needs_a_reason(reason):
    proposal = proposal_in(S.SUBMITTED)

    with pytest.raises(ValidationError) as refused:
        services.reject_proposal(proposal, actor=StaffFactory(), reason=reason)

    assert list(refused.value.message_dict) == ["reason"]
    assert Proposal.objects.get(pk=proposal.pk).state == S.SUBMITTED


def test_reject_tells_the_author_why_and_keeps_it():
    proposal = proposal_in(S.REJECTED, reason="Esiste già una proposta uguale.")

    email = OutboxEmail.objects.get(kind="groups/proposals/email/rejected")
    assert (email.to, "Esiste già una proposta uguale." in email.body_text) == (proposal.author.email, True)
    assert Proposal.objects.get(pk=proposal.pk).rejection_reason == "Esiste già una proposta uguale."


def test_answer_needs_a_public_text_and_a_known_answer():
    proposal = proposal_in(S.PUBLISHED)
    staff = StaffFactory()

    with pytest.raises(ValidationError) as empty:
        services.answer_proposal(proposal, actor=staff, state=S.ACCEPTED, text="  ")
    with pytest.raises(ValidationError) as unknown:
        services.answer_proposal(proposal, actor=staff, state=S.PUBLISHED, text="Boh.")

    assert (list(empty.value.message_dict), list(unknown.value.message_dict)) == (["text"], ["state"])
    assert Proposal.objects.get(pk=proposal.pk).state == S.PUBLISHED


def test_answer_and_progress_reach_authors_and_supporters_once_each():
    staff = StaffFactory()
    proposal = proposal_in(S.PUBLISHED, staff=staff)
    fans = [VerifiedMemberFactory() for _ in range(2)]
    for fan in fans:
        services.support(proposal, fan)

    services.answer_proposal(proposal, actor=staff, state=S.ACCEPTED, text="La realizziamo entro l'autunno.")
    update = services.add_progress_update(proposal, actor=staff, text="Primo passo: il calendario è online.")

    readers = sorted([proposal.author.email, *(fan.email for fan in fans)])
    assert (_emails("answered"), _emails("progress")) == (readers, readers)
    assert Proposal.objects.get(pk=proposal.pk).answered_at is not None
    assert list(ProposalUpdate.objects.values_list("kind", "state")) == [("answer", "accepted"), ("progress", "")]
    assert update.text in OutboxEmail.objects.filter(kind__endswith="progress").first().body_text


@pytest.mark.parametrize("state", [S.PUBLISHED, S.UNDER_REVIEW, S.IMPLEMENTED, S.DECLINED, S.SUBMITTED])
def test_progress_updates_only_on_accepted_proposals(state):
    proposal = proposal_in(state)

    with pytest.raises(ValidationError):
        services.add_progress_update(proposal, actor=StaffFactory(), text="Avanti.")

    assert ProposalUpdate.objects.filter(kind="progress").count() == 0


def test_submitting_again_lets_the_moderators_hear_of_it_again():
    proposal = proposal_in(S.SUBMITTED)
    ModerationAlert.objects.create(proposal=proposal)
    services.withdraw_proposal(proposal, actor=proposal.author)
    services.reopen_proposal(proposal, actor=proposal.author)

    services.submit_proposal(proposal, actor=proposal.author)

    assert ModerationAlert.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_staff_publishing_at_once_exactly_one_wins():
    """Two moderators press "Publish" at the same moment, each on their own connection."""
    proposal = proposal_in(S.SUBMITTED)
    moderators = [StaffFactory(), StaffFactory()]
    barrier = threading.Barrier(2)
    outcomes = []

    def moderate(staff):
        try:
            barrier.wait()
            services.publish_proposal(proposal, actor=staff)
            outcomes.append("published")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=moderate, args=(staff,)) for staff in moderators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [
        "Qualcuno ha già deciso su questa proposta: ora è “Pubblicata”.",
        "published",
    ]
    assert ActionLog.objects.filter(object_id=proposal.pk, action="proposal.published").count() == 1
    assert OutboxEmail.objects.filter(kind="groups/proposals/email/published").count() == 1


@pytest.mark.django_db(transaction=True)
def test_publish_and_reject_at_once_one_decision_stands():
    proposal = proposal_in(S.SUBMITTED)
    barrier = threading.Barrier(2)
    done = []

    def decide(action):
        try:
            barrier.wait()
            action()
            done.append("ok")
        except ValidationError:
            done.append("refused")
        finally:
            connection.close()

    staff = StaffFactory()
    actions = [
        lambda: services.publish_proposal(proposal, actor=staff),
        lambda: services.reject_proposal(proposal, actor=staff, reason="Fuori tema."),
    ]
    threads = [threading.Thread(target=decide, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(done) == ["ok", "refused"]
    assert len(_history(proposal)) == 2  # submitted, then one decision


# Supports


def test_support_once_counted_in_the_same_transaction_and_withdrawable():
    proposal = proposal_in(S.PUBLISHED)
    fan = VerifiedMemberFactory()

    services.support(proposal, fan)
    with pytest.raises(ValidationError) as twice:
        services.support(proposal, fan)
    first = Proposal.objects.get(pk=proposal.pk).support_count
    withdrawn = services.withdraw_support(proposal, fan)
    again = services.withdraw_support(proposal, fan)

    assert (first, twice.value.code, withdrawn, again) == (1, "already", True, False)
    assert Proposal.objects.get(pk=proposal.pk).support_count == 0 == Support.objects.count()


def test_no_support_for_ones_own_proposal_or_a_coauthored_one():
    proposal = proposal_in(S.PUBLISHED)
    partner = MembershipFactory(group=proposal.group).member
    proposal.coauthors.create(member=partner, state=CoAuthorState.ACCEPTED)

    for person in (proposal.author, partner):
        with pytest.raises(ValidationError) as refused:
            services.support(proposal, person)
        assert refused.value.code == "own"
    assert Proposal.objects.get(pk=proposal.pk).support_count == 0


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.REJECTED, S.WITHDRAWN, S.IMPLEMENTED, S.DECLINED])
def test_no_support_or_comment_outside_the_open_states(state):
    proposal = proposal_in(state)
    fan = VerifiedMemberFactory()

    with pytest.raises(ValidationError):
        services.support(proposal, fan)
    with pytest.raises(ValidationError):
        services.add_comment(proposal, author=fan, text="Ciao")

    assert (Support.objects.count(), proposal.comments.count()) == (0, 0)


def test_no_support_or_comment_on_a_hidden_proposal():
    proposal = proposal_in(S.PUBLISHED)
    services.hide_proposal(proposal, actor=StaffFactory(), reason="Contiene dati personali.")
    fan = VerifiedMemberFactory()

    with pytest.raises(ValidationError, match="non è pubblicata"):
        services.support(proposal, fan)
    with pytest.raises(ValidationError, match="non è pubblicata"):
        services.add_comment(proposal, author=fan, text="Ciao")


def test_unverified_members_neither_support_nor_comment_nor_report():
    proposal = proposal_in(S.PUBLISHED)
    person = MemberFactory()

    for action in (
        lambda: services.support(proposal, person),
        lambda: services.add_comment(proposal, author=person, text="Ciao"),
        lambda: services.report(proposal, reporter=person, reason="Spam"),
    ):
        with pytest.raises(ValidationError) as refused:
            action()
        assert refused.value.code == "not_verified"


def test_support_count_cannot_go_below_zero():
    proposal = PublishedProposalFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(support_count=-1)


# Comments


def test_comment_reply_one_level_only():
    proposal = proposal_in(S.PUBLISHED)
    first = services.add_comment(proposal, author=VerifiedMemberFactory(), text="Sono d'accordo.")
    reply = services.add_comment(proposal, author=VerifiedMemberFactory(), text="Anch'io.", parent=first)

    with pytest.raises(ValidationError) as refused:
        services.add_comment(proposal, author=VerifiedMemberFactory(), text="E io?", parent=reply)

    assert refused.value.code == "parent"
    assert proposal.comments.count() == 2


def test_reply_must_belong_to_the_same_proposal():
    proposal = proposal_in(S.PUBLISHED)
    elsewhere = CommentFactory()

    with pytest.raises(ValidationError):
        services.add_comment(proposal, author=VerifiedMemberFactory(), text="Eh.", parent=elsewhere)


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_comment_text_required_and_bounded(text):
    proposal = proposal_in(S.PUBLISHED)

    with pytest.raises(ValidationError) as refused:
        services.add_comment(proposal, author=VerifiedMemberFactory(), text=text)

    assert list(refused.value.message_dict) == ["text"]


def test_comment_edited_within_fifteen_minutes_only():
    comment = CommentFactory()
    written = comment.created_at

    services.edit_comment(comment, author=comment.author, text="Corretto.", now=written + timedelta(minutes=14))
    with pytest.raises(ValidationError) as late:
        services.edit_comment(comment, author=comment.author, text="Troppo tardi.", now=written + timedelta(minutes=16))

    assert late.value.code == "too_late"
    comment.refresh_from_db()
    assert (comment.text, comment.edited_at) == ("Corretto.", written + timedelta(minutes=14))


def test_only_its_author_edits_or_removes_a_comment():
    comment = CommentFactory()
    other = VerifiedMemberFactory()

    with pytest.raises(ValidationError):
        services.edit_comment(comment, author=other, text="Mio.")
    with pytest.raises(ValidationError):
        services.remove_comment(comment, author=other)

    comment.refresh_from_db()
    assert (comment.removed_at, comment.text.startswith("Commento")) == (None, True)


def test_removed_comment_keeps_its_place_without_its_text():
    comment = CommentFactory()
    reply = CommentFactory(proposal=comment.proposal, parent=comment)

    services.remove_comment(comment, author=comment.author)

    comment.refresh_from_db()
    assert (comment.text, comment.removed_at is not None, list(comment.replies.all())) == ("", True, [reply])


def test_report_once_while_open_then_hidden_by_staff_and_author_told():
    comment = CommentFactory()
    reporter = VerifiedMemberFactory()
    staff = StaffFactory()

    report = services.report(comment.proposal, reporter=reporter, reason="Offensivo.", comment=comment)
    with pytest.raises(ValidationError) as twice:
        services.report(comment.proposal, reporter=reporter, reason="Offensivo!", comment=comment)
    services.hide_reported(report, actor=staff, reason="Linguaggio offensivo.")

    report.refresh_from_db()
    comment.refresh_from_db()
    assert twice.value.code == "already_reported"
    assert (report.outcome, report.resolved_by, comment.hidden_reason) == (
        ReportOutcome.HIDDEN,
        staff,
        "Linguaggio offensivo.",
    )
    assert _emails("comment_hidden") == [comment.author.email]


def test_report_needs_a_reason_and_a_public_target():
    proposal = proposal_in(S.SUBMITTED)
    reporter = VerifiedMemberFactory()

    with pytest.raises(ValidationError) as no_reason:
        services.report(PublishedProposalFactory(), reporter=reporter, reason="  ")
    with pytest.raises(ValidationError) as unpublished:
        services.report(proposal, reporter=reporter, reason="Spam")

    assert (no_reason.value.message_dict, unpublished.value.code) == (
        {"reason": ["Scrivi il motivo: lo staff lo leggerà."]},
        "gone",
    )
    assert Report.objects.count() == 0


def test_hiding_a_proposal_needs_a_reason_resolves_its_reports_and_tells_authors():
    proposal = proposal_in(S.PUBLISHED)
    report = services.report(proposal, reporter=VerifiedMemberFactory(), reason="Dati personali.")
    staff = StaffFactory()

    with pytest.raises(ValidationError):
        services.hide_proposal(proposal, actor=staff, reason="")
    services.hide_proposal(proposal, actor=staff, reason="Contiene dati personali.")

    report.refresh_from_db()
    assert (report.outcome, Proposal.objects.public().count()) == (ReportOutcome.HIDDEN, 0)
    assert _emails("hidden") == [proposal.author.email]


def test_hiding_can_be_undone_by_staff():
    proposal = proposal_in(S.PUBLISHED)
    comment = CommentFactory(proposal=proposal)
    staff = StaffFactory()
    services.hide_proposal(proposal, actor=staff, reason="Per errore.")
    services.hide_comment(comment, actor=staff, reason="Per errore.")

    restored = (services.restore_proposal(proposal, actor=staff), services.restore_comment(comment, actor=staff))
    again = (services.restore_proposal(proposal, actor=staff), services.restore_comment(comment, actor=staff))

    comment.refresh_from_db()
    assert (restored, again) == ((True, True), (False, False))
    assert (Proposal.objects.public().get(), comment.hidden_at, comment.hidden_reason) == (proposal, None, "")
    assert ActionLog.objects.filter(action__endswith=".restored").count() == 2


def test_comment_hidden_on_a_hidden_proposal_emails_nobody_who_cannot_read_it():
    proposal = proposal_in(S.PUBLISHED)
    comment = CommentFactory(proposal=proposal)
    own = CommentFactory(proposal=proposal, author=proposal.author)
    staff = StaffFactory()
    services.hide_proposal(proposal, actor=staff, reason="Dati personali.")

    services.hide_comment(comment, actor=staff, reason="Fuori tema.")
    services.hide_comment(own, actor=staff, reason="Fuori tema.")

    assert _emails("comment_hidden") == [proposal.author.email]


def test_dismissed_report_leaves_the_content_and_allows_a_new_report():
    proposal = proposal_in(S.PUBLISHED)
    reporter = VerifiedMemberFactory()
    report = services.report(proposal, reporter=reporter, reason="Non mi piace.")

    assert services.dismiss_report(report, actor=StaffFactory()) is True
    assert services.dismiss_report(report, actor=StaffFactory()) is False
    services.report(proposal, reporter=reporter, reason="Ora è diverso.")

    assert Proposal.objects.public().count() == 1
    assert Report.objects.open().count() == 1


# The moderators' alert


def test_moderators_alerted_once_per_proposal_waiting_too_long(settings):
    settings.PROPOSAL_MODERATION_ALERT_HOURS = 48
    moderators = [StaffFactory(), StaffFactory()]
    StaffFactory(is_active=False)
    old = proposal_in(S.SUBMITTED, staff=moderators[0])
    Proposal.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(hours=49))
    proposal_in(S.SUBMITTED, staff=moderators[0])  # waiting for one hour only

    first = services.alert_moderators()
    second = services.alert_moderators()

    assert (first, second) == (1, 0)
    assert _emails("waiting") == sorted(m.email for m in moderators)


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_alert_once():
    proposal = proposal_in(S.SUBMITTED)
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=timezone.now() - timedelta(days=3))
    barrier = threading.Barrier(2)
    results = []

    def scan():
        try:
            barrier.wait()
            results.append(services.alert_moderators())
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [0, 1]
    assert ModerationAlert.objects.count() == 1


def test_alert_hours_are_a_setting(settings):
    settings.PROPOSAL_MODERATION_ALERT_HOURS = 2
    StaffFactory()
    proposal = proposal_in(S.SUBMITTED)
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=timezone.now() - timedelta(hours=3))

    assert services.alert_moderators() == 1


# Search


def test_italian_full_text_search_finds_other_forms_of_a_word():
    PublishedProposalFactory(title="Un calendario condiviso", problem="Le scadenze arrivano tardi.")
    training = proposal_in(S.PUBLISHED, title="Percorsi di formazione per chi ricomincia")
    proposal_in(S.PUBLISHED, title="Calendario dei bandi", problem="Le scadenze arrivano tardi.")

    assert list(Proposal.objects.public().matching("formazioni")) == [training]
    assert list(Proposal.objects.public().matching("ricominciare")) == [training]


def test_best_match_puts_the_title_above_the_text():
    in_benefit = proposal_in(S.PUBLISHED, title="Sportello", benefit="Più corsi di contabilità.")
    in_title = proposal_in(S.PUBLISHED, title="Corsi di contabilità", benefit="Chi comincia sa fatturare.")
    in_problem = proposal_in(S.PUBLISHED, title="Sportello", problem="Mancano corsi di contabilità.")

    found = Proposal.objects.public().matching("corso").ordered(ProposalOrder.RELEVANCE)

    assert list(found) == [in_title, in_problem, in_benefit]


def test_search_follows_an_edit_of_the_draft():
    proposal = proposal_in(S.DRAFT, title="Sportello di ascolto")
    services.update_proposal(proposal, actor=proposal.author, **{**PROPOSAL_TEXT, "title": "Mentoring tra soci"})

    assert list(Proposal.objects.matching("mentoring")) == [proposal]
    assert list(Proposal.objects.matching("sportello")) == []
