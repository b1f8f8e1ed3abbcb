import pytest
from axe_playwright_python.sync_playwright import Axe

SERIOUS = {"serious", "critical"}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/account/login/",
        "/account/signup/",
        "/gruppi/",
        "/gruppi/formazione/",
        "/documenti/",
        "/privacy/",
        "/proposte/",
    ],
)
def test_page_has_no_serious_accessibility_violation(new_page, transactional_db, path):
    from groups.demo import seed_working_groups

    seed_working_groups()
    # axe is injected as a script: let it past the page's Content Security Policy.
    page = new_page(bypass_csp=True)
    page.goto(path)

    results = Axe().run(page)

    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]
    assert serious == []


def test_signup_errors_are_announced_and_tied_to_fields(new_page, transactional_db):
    page = new_page(bypass_csp=True)
    page.goto("/account/signup/")
    page.get_by_role("button", name="Registrazione").click()

    assert page.get_by_role("alert").first.inner_text().strip().startswith("Controlla i campi evidenziati.")
    name_field = page.get_by_label("Nome e cognome")
    assert name_field.get_attribute("aria-invalid") == "true"
    described = name_field.get_attribute("aria-describedby")
    assert described and "Questo campo è obbligatorio." in page.locator(f"#{described.split()[0]}").inner_text()
    results = Axe().run(page)
    assert [v["id"] for v in results.response["violations"] if v["impact"] in SERIOUS] == []


def test_member_pages_have_no_serious_accessibility_violation(new_page, transactional_db, tmp_path):
    """The pages a participant uses: group, meeting, date poll, new poll form; as the browser
    holds them after scripts ran, they are also valid HTML."""
    from groups import services
    from groups.enums import Answer
    from tests.browser.conftest import log_in
    from tests.factories import PASSWORD, DateSlotFactory, FacilitatorFactory, MeetingFactory
    from tests.html_check import nu_errors

    facilitator = FacilitatorFactory()
    meeting = MeetingFactory(group=facilitator.group, agenda="Ordine del giorno")
    slot = DateSlotFactory(poll__group=facilitator.group)
    services.vote(slot.poll, facilitator.member, {slot.pk: Answer.YES})
    page = new_page(bypass_csp=True)
    log_in(page, facilitator.member, PASSWORD)
    group = facilitator.group.slug
    rendered = {}
    for path in (
        "/",
        f"/gruppi/{group}/",
        f"/incontri/{meeting.pk}/",
        f"/gruppi/{group}/date/{slot.poll_id}/",
        f"/gruppi/{group}/date/nuovo/",
        f"/gruppi/{group}/incontri/nuovo/",
        "/profilo/",
    ):
        page.goto(path)
        results = Axe().run(page)
        serious = [
            (v["id"], [n["target"] for n in v["nodes"]])
            for v in results.response["violations"]
            if v["impact"] in SERIOUS
        ]
        assert serious == [], path
        rendered[path] = page.content()
    assert nu_errors(rendered, tmp_path) == []


def test_proposal_pages_have_no_serious_accessibility_violation(new_page, transactional_db, tmp_path):
    """The proposals as their author reads them: the list, a published proposal with its answer,
    supports and comments (reply box open), a draft, the form, the report form."""
    from groups.proposals import services
    from groups.proposals.enums import ProposalState
    from tests.browser.conftest import log_in
    from tests.factories import PASSWORD, VerifiedMemberFactory, proposal_in
    from tests.html_check import nu_errors

    accepted = proposal_in(ProposalState.ACCEPTED, solution="- *uno*\n- **due**\n\n> citazione")
    author = accepted.author
    services.add_progress_update(accepted, actor=None, text="Avanti.")
    other = VerifiedMemberFactory()
    services.support(accepted, other)
    comment = services.add_comment(accepted, author=other, text="Bella idea.")
    services.add_comment(accepted, author=author, text="Grazie!", parent=comment)
    draft = proposal_in(ProposalState.DRAFT, group=accepted.group, author=author)
    page = new_page(bypass_csp=True)
    log_in(page, author, PASSWORD)
    rendered = {}
    for path in (
        "/proposte/",
        f"/proposte/{accepted.pk}/",
        f"/proposte/{draft.pk}/",
        f"/gruppi/{accepted.group.slug}/proposte/nuova/",
        f"/proposte/{accepted.pk}/commenti/{comment.pk}/segnala/",
    ):
        page.goto(path)
        if path == f"/proposte/{accepted.pk}/":
            page.get_by_text("Rispondi", exact=True).first.click()  # the reply box opens
        results = Axe().run(page)
        serious = [
            (v["id"], [n["target"] for n in v["nodes"]])
            for v in results.response["violations"]
            if v["impact"] in SERIOUS
        ]
        assert serious == [], path
        rendered[path] = page.content()
    assert nu_errors(rendered, tmp_path) == []
