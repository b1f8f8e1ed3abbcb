"""The network in the browser: a member makes their profile visible, another finds them by
skill and writes to them, both join a common project; a member answers a survey and the
staff read the results split by how people work. Then an axe scan of the network's pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from members.enums import WorkMode
from networking.enums import InterestState
from networking.models import ContactMessage, ProjectInterest
from networking.surveys import services as surveys
from networking.surveys.models import Response
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import SERIOUS
from tests.factories import PASSWORD, SkillFactory, StaffFactory, VerifiedMemberFactory
from tests.html_check import nu_errors
from tests.networking.factories import CommonProjectFactory, listed_member, survey_with_every_kind


def test_directory_contact_and_common_project(new_page, transactional_db):
    video = SkillFactory(name="Montaggio video", slug="montaggio-video")
    sara = VerifiedMemberFactory(full_name="Sara Esposito")
    sara.skills.set([video])
    marco = VerifiedMemberFactory(full_name="Marco Bianchi")

    # Sara chooses to appear in the directory with her skills.
    her = new_page()
    log_in(her, sara, PASSWORD)
    her.goto("/profilo/")
    her.get_by_label("Compaio nell'elenco dei soci e delle socie").check()
    her.locator("input[name=shown][value=skills]").check()
    her.get_by_role("button", name="Salva").click()
    her.get_by_text("Il tuo profilo è stato salvato.").wait_for()

    # Marco finds her by skill and writes to her.
    him = new_page()
    log_in(him, marco, PASSWORD)
    him.goto("/")
    him.get_by_role("navigation", name="Navigazione principale").get_by_role("link", name="Rete").click()
    him.get_by_label("Competenza").select_option(label="Montaggio video")
    him.get_by_role("button", name="Cerca").click()
    him.get_by_role("link", name="Sara Esposito").click()
    him.get_by_role("link", name="Contatta").click()
    him.get_by_label("Il tuo messaggio").fill("Ciao Sara, l'idea è un documentario: ti va di sentirci?")
    him.get_by_role("button", name="Invia").click()
    him.get_by_text("Il tuo messaggio è stato inviato.").wait_for()
    assert ContactMessage.objects.get().recipient == sara

    # He posts a common project that needs her skill; the page suggests her.
    him.goto("/rete/progetti/nuovo/")
    him.get_by_label("Titolo").fill("Un documentario sul lavoro culturale")
    him.get_by_label("Descrizione").fill("Riprese e montaggio, in primavera.")
    him.get_by_label("Competenze di cui il progetto ha bisogno").select_option(label="Montaggio video")
    him.get_by_role("button", name="Pubblica").click()
    him.get_by_text("Il tuo progetto è online").wait_for()
    suggestions = him.get_by_role("region", name="Soci e socie con le competenze che servono")
    suggestions.get_by_role("link", name="Sara Esposito").wait_for()

    # She reads the message, finds the project on her dashboard and says she is interested.
    her.goto("/rete/messaggi/")
    her.get_by_text("l'idea è un documentario").wait_for()
    her.goto("/")
    her.get_by_role("link", name="Un documentario sul lavoro culturale").click()
    her.get_by_role("button", name="Mi interessa").click()
    her.get_by_text("Chi ha proposto il progetto sa che ti interessa").wait_for()

    # He accepts her: she is a collaborator on the project's page.
    him.reload()
    him.get_by_role("button", name="Accetta Sara Esposito nel progetto").click()
    him.get_by_text("Sara Esposito ora collabora al progetto.").wait_for()
    team = him.get_by_role("region", name="Collaboratori e collaboratrici")
    team.get_by_role("link", name="Sara Esposito").wait_for()
    assert ProjectInterest.objects.get().state == InterestState.ACCEPTED


def test_survey_answer_and_split_results(new_page, transactional_db):
    survey, single, multiple, scale, text = survey_with_every_kind(title="Gli strumenti di Smart")
    for index in range(10):
        member = VerifiedMemberFactory(work_mode=WorkMode.ALONE if index < 5 else WorkMode.WITH_WORKERS)
        values = {single: single.choices.all()[index % 2], multiple: list(multiple.choices.all()[:1]), scale: 3}
        surveys.answer_survey(survey, member, {**values, text: ""})
    giulia = VerifiedMemberFactory(full_name="Giulia Rossi", work_mode=WorkMode.ALONE)

    page = new_page()
    log_in(page, giulia, PASSWORD)
    page.goto("/questionari/")
    page.get_by_role("link", name="Gli strumenti di Smart").click()
    page.get_by_role("button", name="Invia le mie risposte").click()
    page.get_by_text("Rispondi a questa domanda.").first.wait_for()
    page.get_by_role("radio", name="Sì").check()
    page.get_by_role("checkbox", name="Formazione").check()
    page.get_by_role("group", name="Quanto sei soddisfatto/a?").get_by_label("5").check()
    page.get_by_label("Che cosa cambieresti?").fill("Più incontri tra soci e socie.")
    page.get_by_role("button", name="Invia le mie risposte").click()
    page.get_by_text("Grazie: le tue risposte sono salvate.").wait_for()
    assert Response.objects.count() == 11

    staff = new_page()
    log_in(staff, StaffFactory(), PASSWORD)
    staff.goto(f"/questionari/{survey.slug}/")
    staff.get_by_role("link", name="Risultati").click()
    staff.get_by_role("link", name="Confronta chi lavora da solo/a").click()
    table = staff.get_by_role("table", name="Smart risponde ai tuoi bisogni?")
    table.get_by_role("columnheader", name="Lavoro da solo/a").wait_for()
    table.get_by_role("columnheader", name="Gestisco progetti con altri lavoratori e lavoratrici").wait_for()
    staff.get_by_text("Più incontri tra soci e socie.").wait_for()


def _serious(page):
    results = Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"] if v["impact"] in SERIOUS
    ]


@pytest.mark.django_db(transaction=True)
def test_network_pages_have_no_serious_accessibility_violation(new_page, tmp_path):
    video = SkillFactory(name="Montaggio video")
    shown = listed_member(full_name="Elena Ricci", skills=[video], offers="Montaggio", region="veneto")
    reader = listed_member(full_name="Marco Bianchi", skills=[video])
    ContactMessage.objects.create(sender=shown, recipient=reader, body="Ciao!", shares_address=True)
    project = CommonProjectFactory(author=reader, skills=[video])
    survey, *_questions = survey_with_every_kind()
    paths = [
        "/rete/",
        "/rete/?skill=" + str(video.pk),
        f"/rete/soci/{shown.pk}/",
        f"/rete/soci/{shown.pk}/contatta/",
        "/rete/messaggi/",
        "/rete/progetti/",
        "/rete/progetti/nuovo/",
        f"/rete/progetti/{project.pk}/",
        "/questionari/",
        f"/questionari/{survey.slug}/",
    ]
    page = new_page(bypass_csp=True)
    log_in(page, reader, PASSWORD)
    problems, rendered = {}, {}
    for path in paths:
        page.goto(path)
        serious = _serious(page)
        if serious:
            problems[path] = serious
        rendered[path] = page.content()
    staff = new_page(bypass_csp=True)
    log_in(staff, StaffFactory(), PASSWORD)
    results = f"/questionari/{survey.slug}/risultati/?per=modo"
    staff.goto(results)
    if _serious(staff):
        problems[results] = _serious(staff)
    rendered[results] = staff.content()
    assert problems == {}
    assert nu_errors(rendered, tmp_path) == []
