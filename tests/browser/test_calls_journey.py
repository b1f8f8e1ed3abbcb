"""A call with a limit of 2: four members apply, two reviewers score (one declares a conflict
with one candidacy), the staff publish the ranking, a selected member withdraws and the first
on the waiting list is promoted and told."""

from datetime import timedelta

from django.utils import timezone

from calls.enums import CandidacyState
from calls.models import Candidacy, FundingCall, RankingEntry
from notifications.models import OutboxEmail
from tests.browser.conftest import log_in
from tests.factories import (
    PASSWORD,
    CallReviewerFactory,
    CriterionFactory,
    FundingCallFactory,
    RequiredDocumentFactory,
    StaffFactory,
    VerifiedMemberFactory,
)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PROJECTS = ["Corpi in ascolto", "Il suono delle montagne", "Mappe tessili", "Teatro in cortile"]


def _apply(page, call, title):
    page.goto("/bandi/")
    page.get_by_role("link", name=call.title).click()
    page.get_by_role("link", name="Candidati").click()
    page.get_by_label("Titolo del progetto").fill(title)
    page.get_by_label("Sintesi del progetto").fill(f"{title}: un progetto con il quartiere.")
    page.get_by_label("Budget (euro)").fill("12.500,50")
    page.get_by_role("button", name="Avvia la candidatura").click()
    page.get_by_text("La tua candidatura è avviata").wait_for()
    page.get_by_role("link", name="Modifica la candidatura").click()
    page.get_by_label("Dichiaro che né io né le persone della mia squadra").check()
    page.get_by_label("Accetto i criteri etici").check()
    page.get_by_role("button", name="Salva").click()
    page.get_by_text("Candidatura salvata.").wait_for()
    page.get_by_label("File per “Progetto (PDF)”").set_input_files(
        files=[{"name": "progetto.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Carica").click()
    page.get_by_text("“Progetto (PDF)” caricato.").wait_for()
    page.get_by_role("button", name="Invia la candidatura").click()
    page.get_by_text("Candidatura inviata: lo staff la verificherà.").wait_for()


def _score(page, call, criteria, title, values):
    page.goto(f"/bandi/{call.slug}/valutazione/")
    page.get_by_role("link", name=f"valuta “{title}”").click()
    for criterion, value in zip(criteria, values, strict=True):
        page.get_by_role("radiogroup", name=f"Punteggio per {criterion.name}").get_by_label(str(value)).check()
    page.get_by_role("button", name="Salva i punteggi").click()
    page.get_by_text("Punteggi salvati.").wait_for()


def test_limited_call_from_candidacies_to_promotion(new_page, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call = FundingCallFactory(title="Residenze artistiche 2021", max_candidacies=2)
    criteria = [CriterionFactory(call=call, name="Qualità", weight=2), CriterionFactory(call=call, name="Impatto")]
    RequiredDocumentFactory(call=call, name="Progetto (PDF)")
    applicants = [VerifiedMemberFactory(full_name=name) for name in ("Anna", "Bruno", "Carla", "Dario")]
    staff = StaffFactory(full_name="Staff Smart")
    fair, conflicted = (CallReviewerFactory(call=call, member__full_name=n).member for n in ("Elena", "Fabio"))

    # Four members apply through the portal.
    pages = {}
    for member, title in zip(applicants, PROJECTS, strict=True):
        pages[member] = new_page()
        log_in(pages[member], member, PASSWORD)
        _apply(pages[member], call, title)
    assert Candidacy.objects.filter(state=CandidacyState.SUBMITTED).count() == 4

    # The internal deadline passes; the staff check eligibility and open the scoring.
    FundingCall.objects.filter(pk=call.pk).update(internal_deadline=timezone.now() - timedelta(minutes=1))
    boss = new_page()
    log_in(boss, staff, PASSWORD)
    boss.goto(f"/bandi/{call.slug}/selezione/")
    for title in PROJECTS:
        boss.get_by_role("button", name=f"Ammissibile: {title}").click()
        boss.get_by_text("Stato cambiato; la squadra è stata avvisata.").wait_for()
    boss.get_by_role("button", name="Apri la valutazione").click()
    boss.get_by_text("La valutazione è aperta").wait_for()
    call.refresh_from_db()
    boss.goto(f"/bandi/{call.slug}/")
    assert boss.get_by_text(call.draw_seed_hash).is_visible()
    assert boss.get_by_text(call.draw_seed).count() == 0

    # Fabio knows the team of "Teatro in cortile": he declares it, and it leaves his list.
    fabio = new_page()
    log_in(fabio, conflicted, PASSWORD)
    fabio.goto(f"/bandi/{call.slug}/valutazione/")
    fabio.get_by_role("button", name="Dichiara un conflitto con “Teatro in cortile”").click()
    fabio.get_by_text("Conflitto dichiarato: non vedrai e non valuterai questa candidatura.").wait_for()
    teatro = fabio.locator("tr", has_text="Teatro in cortile")
    assert teatro.get_by_role("link").count() == 0
    for title, values in zip(PROJECTS[:3], ([5, 5], [4, 4], [2, 2]), strict=True):
        _score(fabio, call, criteria, title, values)

    elena = new_page()
    log_in(elena, fair, PASSWORD)
    for title, values in zip(PROJECTS, ([5, 5], [3, 3], [3, 3], [4, 4]), strict=True):
        _score(elena, call, criteria, title, values)

    # The staff publish: "Corpi in ascolto" (5) and "Teatro in cortile" (4) are selected;
    # "Il suono delle montagne" (3.5) waits first, "Mappe tessili" (2.5) second.
    boss.goto(f"/bandi/{call.slug}/selezione/")
    boss.get_by_role("button", name="Pubblica la graduatoria").click()
    boss.get_by_text("Graduatoria pubblicata").wait_for()
    order = list(RankingEntry.objects.order_by("position").values_list("candidacy__title", "selected"))
    assert order == [
        ("Corpi in ascolto", True),
        ("Teatro in cortile", True),
        ("Il suono delle montagne", False),
        ("Mappe tessili", False),
    ]

    # Anna reads the ranking, then withdraws her selected candidacy.
    anna = pages[applicants[0]]
    anna.goto(f"/bandi/{call.slug}/graduatoria/")
    assert "(la tua)" in anna.locator("tr", has_text="Corpi in ascolto").inner_text()
    call.refresh_from_db()
    assert anna.get_by_text(call.draw_seed).first.is_visible()
    anna.goto(Candidacy.objects.get(title="Corpi in ascolto").get_absolute_url())
    anna.get_by_role("link", name="Ritira la candidatura").click()
    anna.get_by_label("Perché (facoltativo)").fill("Abbiamo trovato un'altra residenza.")
    anna.get_by_role("button", name="Ritira la candidatura").click()
    anna.get_by_text("Candidatura ritirata; la squadra è stata avvisata.").wait_for()

    # The first on the waiting list takes the place, and Bruno is told.
    promoted = Candidacy.objects.get(title="Il suono delle montagne")
    assert promoted.state == CandidacyState.SELECTED
    assert Candidacy.objects.get(title="Mappe tessili").state == CandidacyState.WAITLISTED
    email = OutboxEmail.objects.filter(recipient=applicants[1]).latest("created_at")
    assert email.subject == "Dalla lista d'attesa: “Il suono delle montagne” è selezionata"
    assert promoted.get_absolute_url() in email.body_text
    bruno = pages[applicants[1]]
    bruno.goto("/bandi/mie/")
    assert "Selezionata" in bruno.locator("li", has_text="Il suono delle montagne").inner_text()
