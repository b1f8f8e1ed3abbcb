from axe_playwright_python.sync_playwright import Axe

from members.enums import MemberStatus
from members.models import Member
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CommentFactory, MembershipFactory
from tests.html_check import nu_errors

SERIOUS = {"serious", "critical"}


def _serious(page):
    results = Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"] if v["impact"] in SERIOUS
    ]


def test_member_reads_their_data_downloads_it_and_erases_the_account(new_page, transactional_db, tmp_path):
    membership = MembershipFactory()
    member = membership.member
    comment = CommentFactory(author=member, text="Un commento che resta.")
    page = new_page(bypass_csp=True)
    log_in(page, member, PASSWORD)
    rendered = {}

    # From the profile to "Your data": the account and a section per kind of row.
    page.goto("/profilo/")
    page.get_by_role("link", name="I tuoi dati").click()
    page.get_by_role("heading", name="I tuoi dati").wait_for()
    assert page.get_by_role("heading", name="Il tuo account").is_visible()
    assert member.email in page.content()
    assert _serious(page) == []
    rendered["/profilo/dati/"] = page.content()

    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica tutto (JSON)").click()
    assert download.value.suggested_filename == "smart-in-progress-i-miei-dati.json"

    # Erasing asks for the password; a wrong one is announced on the field.
    page.get_by_role("link", name="Elimina il mio account").click()
    page.get_by_role("heading", name="Elimina il tuo account").wait_for()
    assert _serious(page) == []
    page.get_by_label("La tua password").fill("non-è-questa")
    page.get_by_role("button", name="Elimina il mio account per sempre").click()
    page.get_by_text("Questa non è la tua password.").wait_for()
    assert page.get_by_label("La tua password").get_attribute("aria-invalid") == "true"
    assert _serious(page) == []
    rendered["/profilo/elimina/ (error)"] = page.content()
    page.get_by_label("La tua password").fill(PASSWORD)
    page.get_by_role("button", name="Elimina il mio account per sempre").click()
    page.get_by_text("Il tuo account è stato eliminato.").wait_for()

    # Logged out for good; the comment stays, under "ex socio/a".
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ERASED
    page.goto(f"/proposte/{comment.proposal_id}/")
    assert page.get_by_text("Un commento che resta.").is_visible()
    assert page.get_by_text("ex socio/a").first.is_visible()
    log_in_again = new_page()
    log_in_again.goto("/account/login/")
    log_in_again.get_by_label("Email").fill(member.email)
    log_in_again.get_by_label("Password*", exact=True).fill(PASSWORD)
    log_in_again.get_by_role("button", name="Accedi").click()
    assert "/account/login/" in log_in_again.url
    assert nu_errors(rendered, tmp_path) == []
