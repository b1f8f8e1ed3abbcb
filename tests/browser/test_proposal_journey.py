from groups.proposals.models import Proposal
from notifications.models import OutboxEmail
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, MembershipFactory, StaffFactory, VerifiedMemberFactory, WorkingGroupFactory

TITLE = "Corsi serali per chi lavora di giorno"


def _subjects(member):
    return list(OutboxEmail.objects.filter(recipient=member).order_by("pk").values_list("subject", flat=True))


def _my_proposal_state(page):
    page.goto("/")
    return page.get_by_role("region", name="Le tue proposte").get_by_role("listitem").first.inner_text()


def test_a_proposal_from_draft_to_progress(new_page, transactional_db):
    group = WorkingGroupFactory(name="Formazione", slug="formazione")
    anna = MembershipFactory(group=group, member__full_name="Anna Verdi").member
    bea = VerifiedMemberFactory(full_name="Bea Neri")
    staff = StaffFactory(full_name="Staff Smart", language="it")

    # A participant writes the proposal and sends it to the staff.
    author = new_page()
    log_in(author, anna, PASSWORD)
    author.goto("/gruppi/formazione/")
    author.get_by_role("link", name="Scrivi una proposta").click()
    author.get_by_label("Titolo").fill(TITLE)
    author.get_by_label("Il problema").fill("Di giorno lavoriamo: i corsi alle 10 sono per pochi.")
    author.get_by_label("La soluzione proposta").fill("Corsi dalle **19 alle 21**, anche online.")
    author.get_by_label("Il beneficio atteso").fill("Più soci e socie ai corsi.")
    author.get_by_role("button", name="Salva e invia allo staff").click()
    author.get_by_text("Proposta inviata: lo staff la leggerà e la pubblicherà, o ti dirà perché no.").wait_for()
    assert author.locator("strong", has_text="19 alle 21").is_visible()
    assert "In attesa di moderazione" in _my_proposal_state(author)
    proposal = Proposal.objects.get()

    # Staff find it waiting in the admin and publish it.
    moderator = new_page()
    log_in(moderator, staff, PASSWORD)
    moderator.goto("/admin/")
    moderator.get_by_role("link", name="1 proposta aspetta la moderazione").click()
    moderator.get_by_role("link", name=TITLE).click()
    moderator.get_by_role("button", name="Pubblica").click()
    moderator.get_by_text(f"“{TITLE}” è pubblicata: chi l'ha scritta è stato avvisato.").wait_for()
    assert "Pubblicata" in _my_proposal_state(author)

    # Another member finds it, supports it (htmx) and comments.
    reader = new_page()
    log_in(reader, bea, PASSWORD)
    reader.goto("/proposte/")
    reader.get_by_role("link", name=TITLE).click()
    reader.get_by_role("button", name="Sostengo").click()
    reader.get_by_role("button", name="Ritira il mio sostegno").wait_for()
    assert reader.get_by_text("Grazie: sostieni questa proposta.").is_visible()
    reader.get_by_label("Il tuo commento").fill("Sì! Anche il sabato mattina.")
    reader.get_by_role("button", name="Pubblica il commento").click()
    reader.get_by_text("Commento pubblicato.").wait_for()
    assert reader.get_by_text("Sì! Anche il sabato mattina.").is_visible()

    # Staff answer "accepted" and add a progress update.
    moderator.goto(f"/admin/groups/proposal/{proposal.pk}/change/")
    moderator.get_by_role("link", name="Rispondi ufficialmente…").click()
    moderator.get_by_label("Accolta", exact=True).check()
    moderator.get_by_label("Testo pubblico").fill("Accolta: da ottobre due corsi serali al mese.")
    moderator.get_by_role("button", name="Pubblica la risposta").click()
    moderator.get_by_text(
        "Risposta pubblicata: chi ha scritto la proposta e chi la sostiene sono stati avvisati."
    ).wait_for()
    moderator.get_by_role("link", name="Aggiungi un aggiornamento…").click()
    moderator.get_by_label("A che punto siamo").fill("Il calendario di ottobre è pronto.")
    moderator.get_by_role("button", name="Pubblica l'aggiornamento").click()
    moderator.get_by_text("Aggiornamento pubblicato").wait_for()

    # The author sees every step on the dashboard, the proposal's page and in the e-mails.
    assert "Accolta" in _my_proposal_state(author)
    author.get_by_role("link", name=TITLE).click()
    answer = author.get_by_role("region", name="Che cosa ha risposto la cooperativa")
    assert "Accolta: da ottobre due corsi serali al mese." in answer.inner_text()
    assert "Il calendario di ottobre è pronto." in answer.inner_text()
    assert author.get_by_text("1 socio o socia la sostiene").is_visible()
    assert _subjects(anna) == [
        f"La tua proposta è pubblicata: {TITLE}",
        f"Accolta: la cooperativa ha risposto a “{TITLE}”",
        f"A che punto siamo con “{TITLE}”",
    ]
    assert _subjects(bea) == _subjects(anna)[1:]
    progress = OutboxEmail.objects.get(recipient=anna, subject__startswith="A che punto")
    assert "Il calendario di ottobre è pronto." in progress.body_text
    assert f"/proposte/{proposal.pk}/" in progress.body_text
