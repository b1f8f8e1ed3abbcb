"""The calls' pages: query counts of every list with one and many rows, bad input that gets a
clear message and keeps what was typed, and what each reader sees."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from calls import services
from calls.enums import CallStatus, CandidacyState, FunderKind, MilestoneKind, TaskOwner, TeamMemberState
from calls.models import (
    Candidacy,
    JoinOffer,
    OpenRole,
    RankingEntry,
    ReportingMilestone,
    ResponsibilityTask,
    RulesComment,
    Score,
)
from members.enums import Visibility
from notifications.models import OutboxEmail
from tests.factories import (
    CallReviewerFactory,
    CandidacyFactory,
    CriterionFactory,
    FundingCallFactory,
    LeadPartnerRequestFactory,
    RequiredDocumentFactory,
    RulesVersionFactory,
    SectorFactory,
    SkillFactory,
    StaffFactory,
    TeamMemberFactory,
    VerifiedMemberFactory,
)

pytestmark = pytest.mark.django_db


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


# Lists: the number of queries does not grow with the rows.


def test_call_list_queries_constant(client, verified_member, django_assert_num_queries):
    client.force_login(verified_member)
    FundingCallFactory().sectors.add(SectorFactory())
    past = FundingCallFactory(status=CallStatus.DECIDED, internal_deadline=timezone.now() - timedelta(days=3))
    past.sectors.add(SectorFactory())
    # Built: session, member, followed calls, open calls, their sectors, past calls, theirs,
    # the calls' group, the filter's sectors.
    with django_assert_num_queries(9):
        client.get("/bandi/")
    # From the cache: session, member, followed calls.
    with django_assert_num_queries(3):
        client.get("/bandi/")
    for _ in range(4):
        call = FundingCallFactory()
        call.sectors.add(SectorFactory(), SectorFactory())
        services.follow_call(call, verified_member)
        FundingCallFactory(status=CallStatus.DECIDED, internal_deadline=timezone.now() - timedelta(days=3))
    with django_assert_num_queries(9):
        client.get("/bandi/")
    with django_assert_num_queries(3):
        response = client.get("/bandi/")
    assert response.content.decode().count("Lo segui") == 4
    visitor = Client()
    visitor.get("/bandi/")
    # A visitor's body from the cache: no query at all.
    with django_assert_num_queries(0):
        assert visitor.get("/bandi/").content.decode().count('<li class="list-group-item">') == 10


def test_call_detail_queries_constant(client, verified_member, django_assert_num_queries):
    client.force_login(verified_member)
    call = FundingCallFactory()
    CriterionFactory(call=call)
    OpenRole.objects.create(candidacy=CandidacyFactory(call=call), title="Ruolo")
    client.get(f"/bandi/{call.slug}/")
    with django_assert_num_queries(12) as few:
        client.get(f"/bandi/{call.slug}/")
    for _ in range(4):
        CriterionFactory(call=call)
        RequiredDocumentFactory(call=call)
        call.sectors.add(SectorFactory())
        role = OpenRole.objects.create(candidacy=CandidacyFactory(call=call), title="Ruolo")
        role.skills.add(SkillFactory())
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"/bandi/{call.slug}/")


def test_my_candidacies_queries_constant(client, verified_member, django_assert_num_queries):
    client.force_login(verified_member)
    CandidacyFactory(applicant=verified_member)
    with django_assert_num_queries(8):
        client.get("/bandi/mie/")
    for _ in range(3):
        CandidacyFactory(applicant=verified_member)
        TeamMemberFactory(member=verified_member, state=TeamMemberState.INVITED)
        JoinOffer.objects.create(
            role=OpenRole.objects.create(candidacy=CandidacyFactory(), title="R"), member=verified_member
        )
        CallReviewerFactory(member=verified_member)
        LeadPartnerRequestFactory(requester=verified_member)
    with django_assert_num_queries(8):
        client.get("/bandi/mie/")


def _candidacy_with_everything(candidacy, staff):
    TeamMemberFactory(candidacy=candidacy)
    TeamMemberFactory(candidacy=candidacy, state=TeamMemberState.INVITED)
    role = OpenRole.objects.create(candidacy=candidacy, title="Ruolo")
    role.skills.add(SkillFactory())
    JoinOffer.objects.create(role=role, member=VerifiedMemberFactory())
    ResponsibilityTask.objects.create(
        candidacy=candidacy, title="Compito", owner=TaskOwner.TEAM, due_at=timezone.now(), done_by=staff
    )
    ReportingMilestone.objects.create(
        candidacy=candidacy, kind=MilestoneKind.DELIVERABLE, title="Video", due_at=timezone.now()
    )
    RequiredDocumentFactory(call=candidacy.call)


def test_candidacy_page_queries_constant(client, django_assert_num_queries):
    staff = StaffFactory()
    candidacy = CandidacyFactory(state=CandidacyState.FUNDED)
    client.force_login(candidacy.applicant)
    _candidacy_with_everything(candidacy, staff)
    client.get(candidacy.get_absolute_url())
    with django_assert_num_queries(15) as few:
        client.get(candidacy.get_absolute_url())
    for _ in range(4):
        _candidacy_with_everything(candidacy, staff)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(candidacy.get_absolute_url())


def _scoring_call(eligible):
    call = FundingCallFactory(max_candidacies=1)
    criteria = [CriterionFactory(call=call), CriterionFactory(call=call)]
    for _ in range(eligible):
        CandidacyFactory(call=call, state=CandidacyState.ELIGIBLE)
    call.internal_deadline = timezone.now() - timedelta(hours=1)
    call.save(update_fields=["internal_deadline"])
    services.open_scoring(call, actor=StaffFactory())
    return call, criteria


def _score_all(call, criteria, reviewer):
    for candidacy in call.candidacies.filter(state=CandidacyState.ELIGIBLE).exclude(conflicts__reviewer=reviewer):
        if not Score.objects.filter(candidacy=candidacy, reviewer=reviewer).exists():
            services.submit_scores(candidacy, reviewer, {c.pk: (3, "Bene") for c in criteria})


def test_selection_page_queries_constant(client, django_assert_num_queries):
    staff = StaffFactory()
    client.force_login(staff)
    call, criteria = _scoring_call(eligible=2)
    reviewer = CallReviewerFactory(call=call).member
    _score_all(call, criteria, reviewer)
    with django_assert_num_queries(12):
        client.get(f"/bandi/{call.slug}/selezione/")
    for _ in range(5):
        CandidacyFactory(call=call, state=CandidacyState.ELIGIBLE)
        CallReviewerFactory(call=call)
    _score_all(call, criteria, reviewer)
    with django_assert_num_queries(12):
        response = client.get(f"/bandi/{call.slug}/selezione/")
    assert response.content.decode().count("Anteprima") == 1


def test_review_list_queries_constant(client, django_assert_num_queries):
    call, criteria = _scoring_call(eligible=2)
    reviewer = CallReviewerFactory(call=call).member
    client.force_login(reviewer)
    with django_assert_num_queries(8):
        client.get(f"/bandi/{call.slug}/valutazione/")
    for _ in range(5):
        services.declare_conflict(CandidacyFactory(call=call, state=CandidacyState.ELIGIBLE), reviewer)
        CandidacyFactory(call=call, state=CandidacyState.ELIGIBLE)
    _score_all(call, criteria, reviewer)
    with django_assert_num_queries(8):
        client.get(f"/bandi/{call.slug}/valutazione/")


def _ranked(eligible):
    call, criteria = _scoring_call(eligible=eligible)
    _score_all(call, criteria, CallReviewerFactory(call=call).member)
    services.publish_ranking(call, actor=StaffFactory())
    return call


def test_ranking_page_queries_constant(client, django_assert_num_queries):
    staff = StaffFactory()
    client.force_login(staff)
    one = _ranked(eligible=2)
    many = _ranked(eligible=8)
    with django_assert_num_queries(6):
        client.get(f"/bandi/{one.slug}/graduatoria/")
    with django_assert_num_queries(6):
        response = client.get(f"/bandi/{many.slug}/graduatoria/")
    assert response.content.decode().count("<tr") == 2 * (1 + 8)


def test_due_overview_queries_constant(client, django_assert_num_queries):
    staff = StaffFactory()
    client.force_login(staff)
    soon = timezone.now() + timedelta(days=3)

    def add_work():
        candidacy = CandidacyFactory(state=CandidacyState.FUNDED)
        ResponsibilityTask.objects.create(candidacy=candidacy, title="Compito", owner=TaskOwner.STAFF, due_at=soon)
        ReportingMilestone.objects.create(
            candidacy=candidacy, kind=MilestoneKind.EXPENSE_REPORT, title="Spese", due_at=soon
        )
        ReportingMilestone.objects.create(
            candidacy=candidacy, kind=MilestoneKind.DELIVERABLE, title="Video", due_at=soon, submitted_at=soon
        )
        lead = LeadPartnerRequestFactory(state="accepted")
        ResponsibilityTask.objects.create(lead_request=lead, title="Firma", owner=TaskOwner.STAFF, due_at=soon)

    add_work()
    with django_assert_num_queries(6):
        client.get("/bandi/scadenze/")
    for _ in range(4):
        add_work()
    with django_assert_num_queries(6):
        response = client.get("/bandi/scadenze/")
    assert response.content.decode().count("<td>Compito</td>") == 5


def test_lead_home_queries_constant(client, django_assert_num_queries):
    client.force_login(StaffFactory())
    LeadPartnerRequestFactory()
    with django_assert_num_queries(5):
        client.get("/bandi/capofila/")
    LeadPartnerRequestFactory.create_batch(5)
    with django_assert_num_queries(5):
        client.get("/bandi/capofila/")


def test_rules_pages_queries_constant(client, verified_member, django_assert_num_queries):
    client.force_login(verified_member)
    RulesVersionFactory(number=1, status="published", published_at=timezone.now())
    draft = RulesVersionFactory(number=2)
    services.comment_on_rules(draft, VerifiedMemberFactory(), "Un commento.")
    with django_assert_num_queries(3):
        client.get("/bandi/regolamento/")
    with django_assert_num_queries(6):
        client.get("/bandi/regolamento/2/")
    for number in range(3, 8):
        RulesVersionFactory(number=number, status="published", published_at=timezone.now())
        services.comment_on_rules(draft, VerifiedMemberFactory(visibility=Visibility.PRIVATE), "Altro.")
    with django_assert_num_queries(3):
        client.get("/bandi/regolamento/")
    with django_assert_num_queries(6):
        client.get("/bandi/regolamento/2/")


# Filters


def test_call_list_filters_by_sector_and_funder(client):
    music = SectorFactory(slug="musica", name="Musica")
    public = FundingCallFactory(title="Bando pubblico per la musica", funder_kind=FunderKind.PUBLIC)
    public.sectors.add(music)
    FundingCallFactory(title="Bando privato per la musica", funder_kind=FunderKind.PRIVATE).sectors.add(music)
    FundingCallFactory(title="Bando pubblico per il teatro", funder_kind=FunderKind.PUBLIC)

    html = client.get("/bandi/?settore=musica&tipo=public").content.decode()

    assert [title in html for title in ("Bando pubblico per la musica", "privato per la", "per il teatro")] == [
        True,
        False,
        False,
    ]


def test_call_list_ignores_a_filter_that_is_not_a_choice(client):
    FundingCallFactory(title="Bando qualsiasi")

    response = client.get("/bandi/?settore=nessuno&tipo=%27%3B--")

    assert response.status_code == 200
    assert "Bando qualsiasi" in response.content.decode()


def test_call_list_sorts_open_calls_by_internal_deadline(client):
    now = timezone.now()
    FundingCallFactory(title="Scade dopo", internal_deadline=now + timedelta(days=9))
    FundingCallFactory(title="Scade prima", internal_deadline=now + timedelta(days=2))

    html = client.get("/bandi/").content.decode()

    assert html.index("Scade prima") < html.index("Scade dopo")


def test_draft_call_is_for_staff_only(client, verified_member):
    draft = FundingCallFactory(status=CallStatus.DRAFT, title="Bando in preparazione")
    client.force_login(verified_member)
    assert client.get(f"/bandi/{draft.slug}/").status_code == 404
    client.force_login(StaffFactory())
    assert "Bando in preparazione" in client.get("/bandi/").content.decode()


# Bad input: a clear message, never a 500, nothing lost.


def test_budget_that_is_not_an_amount_gets_a_message_and_keeps_the_form(client):
    candidacy = CandidacyFactory()
    client.force_login(candidacy.applicant)

    response = client.post(
        f"/bandi/{candidacy.call.slug}/candidatura/{candidacy.pk}/modifica/",
        {"title": "Titolo nuovo", "summary": "Sintesi nuova", "budget": "dodicimila"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Scrivi un importo in euro con le cifre e la virgola prima dei centesimi" in html
    assert 'value="Titolo nuovo"' in html and "Sintesi nuova" in html
    candidacy.refresh_from_db()
    assert candidacy.budget == Decimal("12500.50")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12.500,50", "12500.50"), ("12500,5", "12500.50"), ("€ 12.500", "12500.00"), ("0", "0.00")],
)
def test_budget_in_italian_is_read_as_an_amount(client, typed, stored):
    candidacy = CandidacyFactory()
    client.force_login(candidacy.applicant)

    client.post(
        f"/bandi/{candidacy.call.slug}/candidatura/{candidacy.pk}/modifica/",
        {"title": candidacy.title, "summary": "Sintesi", "budget": typed},
    )

    candidacy.refresh_from_db()
    assert candidacy.budget == Decimal(stored)


def test_withdrawn_candidacy_edited_gets_a_message_and_keeps_what_was_typed(client):
    candidacy = CandidacyFactory(state=CandidacyState.WITHDRAWN, title="Titolo originale")
    client.force_login(candidacy.applicant)

    response = client.post(
        f"/bandi/{candidacy.call.slug}/candidatura/{candidacy.pk}/modifica/",
        {"title": "Titolo nuovo", "summary": "Testo scritto", "budget": "100"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Questa candidatura è stata ritirata: non si può più modificare." in html
    assert 'value="Titolo nuovo"' in html
    candidacy.refresh_from_db()
    assert candidacy.title == "Titolo originale"


def test_candidacy_after_the_internal_deadline_gets_a_message(client, verified_member):
    call = FundingCallFactory(internal_deadline=timezone.now() - timedelta(minutes=5))
    client.force_login(verified_member)

    response = client.post(f"/bandi/{call.slug}/candidatura/", {"title": "In ritardo"})

    assert response.status_code == 200
    assert "la sua scadenza interna è passata" in response.content.decode()
    assert Candidacy.objects.count() == 0


def test_second_candidacy_for_a_call_that_allows_one_sends_to_the_first(client):
    first = CandidacyFactory()
    client.force_login(first.applicant)

    response = client.post(f"/bandi/{first.call.slug}/candidatura/", {"title": "Un'altra"})

    assert response.url == first.get_absolute_url()
    assert Candidacy.objects.count() == 1


def test_second_candidacy_as_a_team_member_gets_a_message(client):
    teammate = TeamMemberFactory().member
    call = Candidacy.objects.get().call
    client.force_login(teammate)

    response = client.post(f"/bandi/{call.slug}/candidatura/", {"title": "La mia"})

    assert "ne ammette una per socio/a" in response.content.decode()
    assert Candidacy.objects.count() == 1


def test_submit_with_a_missing_document_names_it(client):
    requirement = RequiredDocumentFactory(name="Lettera del partner")
    candidacy = CandidacyFactory(call=requirement.call)
    client.force_login(candidacy.applicant)

    response = client.post(f"/bandi/{candidacy.call.slug}/candidatura/{candidacy.pk}/invia/", follow=True)

    assert "Carica il documento richiesto “Lettera del partner”." in response.content.decode()
    candidacy.refresh_from_db()
    assert candidacy.state == CandidacyState.DRAFT


def test_score_outside_0_to_5_gets_a_message(client):
    call, criteria = _scoring_call(eligible=2)
    reviewer = CallReviewerFactory(call=call).member
    candidacy = call.candidacies.first()
    client.force_login(reviewer)

    data = {f"score_{criteria[0].pk}": "7", f"score_{criteria[1].pk}": "3", f"comment_{criteria[1].pk}": "Ok"}
    response = client.post(f"/bandi/{call.slug}/candidatura/{candidacy.pk}/valutazione/", data)

    html = response.content.decode()
    assert "Il punteggio va da 0 a 5." in html
    assert "Ok</textarea>" in html
    assert Score.objects.count() == 0


def test_conflicted_reviewer_neither_sees_nor_scores(client):
    call, criteria = _scoring_call(eligible=2)
    reviewer = CallReviewerFactory(call=call).member
    candidacy = call.candidacies.first()
    services.declare_conflict(candidacy, reviewer)
    client.force_login(reviewer)

    data = {f"score_{c.pk}": "5" for c in criteria}
    page = client.get(candidacy.get_absolute_url())
    scored = client.post(f"/bandi/{call.slug}/candidatura/{candidacy.pk}/valutazione/", data)
    listed = client.get(f"/bandi/{call.slug}/valutazione/").content.decode()

    assert (page.status_code, scored.status_code) == (404, 404)
    assert Score.objects.count() == 0
    assert "Conflitto dichiarato: non puoi vederla né valutarla." in listed
    assert candidacy.get_absolute_url() not in listed


def test_upload_of_a_file_that_is_not_a_document_gets_a_message(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    requirement = RequiredDocumentFactory()
    candidacy = CandidacyFactory(call=requirement.call)
    client.force_login(candidacy.applicant)

    response = client.post(
        f"/bandi/{candidacy.call.slug}/candidatura/{candidacy.pk}/documenti/{requirement.pk}/",
        {"file": SimpleUploadedFile("programma.exe", b"MZ\x90\x00binario")},
        follow=True,
    )

    assert "Questo tipo di file non si può condividere" in response.content.decode()


def test_invite_by_an_unknown_address_gets_a_message(client):
    candidacy = CandidacyFactory()
    client.force_login(candidacy.applicant)

    response = client.post(
        f"/bandi/{candidacy.call.slug}/candidatura/{candidacy.pk}/squadra/",
        {"email": "nessuno@altrove.example"},
        follow=True,
    )

    assert "Con questo indirizzo non si può invitare nessun socio o socia verificato" in response.content.decode()


def test_ineligible_without_reason_from_the_selection_page_gets_a_message(client):
    candidacy = CandidacyFactory(state=CandidacyState.SUBMITTED)
    client.force_login(StaffFactory())

    response = client.post(
        f"/bandi/{candidacy.call.slug}/candidatura/{candidacy.pk}/stato/",
        {"state": "ineligible", "reason": "", "next": "selection"},
        follow=True,
    )

    assert "Scrivi perché la candidatura non è ammissibile: la squadra lo legge." in response.content.decode()
    candidacy.refresh_from_db()
    assert candidacy.state == CandidacyState.SUBMITTED


# What each reader sees


def test_scores_stay_private_until_the_ranking_is_published(client):
    call, criteria = _scoring_call(eligible=2)
    reviewer = CallReviewerFactory(call=call, member__full_name="Ornella Valutatrice").member
    candidacy = call.candidacies.first()
    services.submit_scores(candidacy, reviewer, {c.pk: (4, "Un commento riservato") for c in criteria})
    client.force_login(candidacy.applicant)

    before = client.get(candidacy.get_absolute_url()).content.decode()
    services.publish_ranking(call, actor=StaffFactory())
    after = client.get(candidacy.get_absolute_url()).content.decode()

    assert "Un commento riservato" not in before
    assert "Un commento riservato" in after
    assert "Ornella" not in after


def test_another_reviewers_scores_stay_hidden_from_a_reviewer(client):
    call, criteria = _scoring_call(eligible=2)
    mine, theirs = CallReviewerFactory(call=call).member, CallReviewerFactory(call=call).member
    candidacy = call.candidacies.first()
    services.submit_scores(candidacy, mine, {c.pk: (2, "Il mio parere") for c in criteria})
    services.submit_scores(candidacy, theirs, {c.pk: (5, "Il parere altrui") for c in criteria})
    client.force_login(mine)

    html = client.get(candidacy.get_absolute_url()).content.decode()

    assert ("Il mio parere" in html, "Il parere altrui" in html) == (True, False)


def test_ranking_page_shows_scores_reasons_and_how_to_recompute(client):
    call = _ranked(eligible=3)
    mine = RankingEntry.objects.get(position=1).candidacy
    client.force_login(mine.applicant)

    html = client.get(f"/bandi/{call.slug}/graduatoria/").content.decode()

    call.refresh_from_db()
    assert call.draw_seed in html and call.draw_seed_hash in html
    assert "sha256(seme + identificativo pubblico)" in html
    assert "stesso punteggio; il sorteggio ricalcolabile" in html
    assert f"{mine.public_id}" in html
    assert "(la tua)" in html
    for entry in RankingEntry.objects.all():
        assert escape(entry.candidacy.title) in html
        assert entry.draw_key[:16] in html


def test_ranking_page_is_not_for_members_who_did_not_apply(client, verified_member):
    call = _ranked(eligible=2)
    client.force_login(verified_member)

    assert client.get(f"/bandi/{call.slug}/graduatoria/").status_code == 404


def test_suggestions_on_a_role_page_are_visible_members_with_the_skills(client):
    skill, other_skill = SkillFactory(), SkillFactory()
    candidacy = CandidacyFactory()
    role = services.open_role(candidacy, actor=candidacy.applicant, title="Montaggio", skills=[skill, other_skill])
    both = VerifiedMemberFactory(full_name="Anna Entrambe", visibility=Visibility.MEMBERS)
    both.skills.add(skill, other_skill)
    one = VerifiedMemberFactory(full_name="Bruno Una", visibility=Visibility.PUBLIC)
    one.skills.add(skill)
    hidden = VerifiedMemberFactory(full_name="Carla Riservata", visibility=Visibility.PRIVATE)
    hidden.skills.add(skill)
    client.force_login(candidacy.applicant)

    html = client.get(f"/bandi/{candidacy.call.slug}/ruoli/{role.pk}/").content.decode()

    assert html.index("Anna Entrambe") < html.index("Bruno Una")
    assert "Carla Riservata" not in html


def test_inviting_a_suggested_member_sends_the_invitation(client):
    candidacy = CandidacyFactory()
    member = VerifiedMemberFactory()
    client.force_login(candidacy.applicant)

    client.post(
        f"/bandi/{candidacy.call.slug}/candidatura/{candidacy.pk}/squadra/", {"member": member.pk, "role": "Fonica"}
    )

    assert OutboxEmail.objects.get(recipient=member).kind == "calls/email/team_invitation"


def test_member_offers_to_join_and_the_team_takes_them(client):
    candidacy = CandidacyFactory()
    role = services.open_role(candidacy, actor=candidacy.applicant, title="Grafica")
    member = VerifiedMemberFactory()
    client.force_login(member)
    client.post(f"/bandi/{candidacy.call.slug}/ruoli/{role.pk}/", {"message": "Ho esperienza."})
    offer = JoinOffer.objects.get()
    client.force_login(candidacy.applicant)

    client.post(f"/bandi/{candidacy.call.slug}/candidatura/{candidacy.pk}/offerte/{offer.pk}/", {"answer": "accept"})

    assert candidacy.team.get(member=member).state == TeamMemberState.ACCEPTED
    assert OutboxEmail.objects.filter(recipient=member, kind="calls/email/offer_answered").count() == 1


def test_team_and_staff_each_tick_their_own_tasks(client):
    candidacy = CandidacyFactory(state=CandidacyState.SUBMITTED)
    team_task, staff_task = (
        ResponsibilityTask.objects.create(candidacy=candidacy, title=o, owner=o, due_at=timezone.now())
        for o in (TaskOwner.TEAM, TaskOwner.STAFF)
    )
    client.force_login(candidacy.applicant)

    ticked = client.post(f"/bandi/compiti/{team_task.pk}/", {"done": "yes"})
    refused = client.post(f"/bandi/compiti/{staff_task.pk}/", {"done": "yes"})

    assert (ticked.status_code, refused.status_code) == (302, 403)
    team_task.refresh_from_db()
    staff_task.refresh_from_db()
    assert (team_task.done_by, staff_task.done_at) == (candidacy.applicant, None)


def test_rules_comment_named_only_as_the_author_chose(client, verified_member):
    draft = RulesVersionFactory(number=1)
    RulesComment.objects.create(
        version=draft, author=VerifiedMemberFactory(full_name="Rita Privata", visibility=Visibility.PRIVATE), text="A"
    )
    RulesComment.objects.create(
        version=draft,
        author=VerifiedMemberFactory(full_name="Sergio Visibile", visibility=Visibility.MEMBERS),
        text="B",
    )
    client.force_login(verified_member)

    html = client.get("/bandi/regolamento/1/").content.decode()

    assert ("Rita Privata" in html, "Sergio Visibile" in html, "Un socio o una socia" in html) == (False, True, True)


def test_rules_version_shows_what_changed_as_an_accessible_list(client):
    RulesVersionFactory(number=1, status="published", published_at=timezone.now(), body="Uno.\n\nDue.\n\nTre.")
    RulesVersionFactory(number=2, status="published", published_at=timezone.now(), body="Uno.\n\nDue e mezzo.\n\nTre.")

    html = client.get("/bandi/regolamento/2/").content.decode()

    assert '<del><span class="visually-hidden">Tolto: </span>Due.</del>' in html
    assert '<ins><span class="visually-hidden">Aggiunto: </span>Due e mezzo.</ins>' in html


def test_internal_deadline_calendar_file_in_utc(client):
    from icalendar import Calendar

    call = FundingCallFactory(title="Bando d'estate")

    response = client.get(f"/bandi/{call.slug}/scadenza.ics")

    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["DTEND"].dt == call.internal_deadline.replace(microsecond=0)
    assert event["DTEND"].to_ical().endswith(b"Z")
    assert str(event["SUMMARY"]) == "Scadenza interna: Bando d'estate"
    assert response["Content-Disposition"] == f'attachment; filename="scadenza-{call.slug}.ics"'


def test_after_withdrawing_the_call_page_offers_to_apply_again(client):
    candidacy = CandidacyFactory(state=CandidacyState.WITHDRAWN)
    client.force_login(candidacy.applicant)

    html = client.get(f"/bandi/{candidacy.call.slug}/").content.decode()

    assert f'href="/bandi/{candidacy.call.slug}/candidatura/"' in html


# The list is cached in Redis under a digest of what it shows, the reader's follows included.


def test_call_list_shows_follows_to_their_reader_only_and_fresh(client, verified_member):
    call = FundingCallFactory(title="Bando musica")
    other = VerifiedMemberFactory()
    client.force_login(verified_member)
    assert "Lo segui" not in client.get("/bandi/").content.decode()

    services.follow_call(call, verified_member)
    assert "Lo segui" in client.get("/bandi/").content.decode()
    client.force_login(other)
    assert "Lo segui" not in client.get("/bandi/").content.decode()

    client.force_login(verified_member)
    services.unfollow_call(call, verified_member)
    assert "Lo segui" not in client.get("/bandi/").content.decode()


def test_call_list_follows_the_fields_it_shows(client):
    call = FundingCallFactory(title="Bando musica", max_candidacies=2)
    sector = SectorFactory(name="Musica")
    call.sectors.add(sector)
    assert "Musica" in client.get("/bandi/").content.decode()

    sector.name = "Spettacolo dal vivo"
    sector.save()
    call.max_candidacies = 3
    call.funder = "Fondazione Nuova"
    call.save()
    html = client.get("/bandi/").content.decode()

    assert "Spettacolo dal vivo" in html
    assert "Fondazione Nuova" in html
    assert "Al massimo 3 candidature" in html
    assert "Musica<" not in html
