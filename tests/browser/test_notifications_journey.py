"""A facilitator announces a meeting; a participant sees the bell count, reads the
notification (htmx), chooses a daily digest and previews it; a visitor opens the one-click
unsubscribe page from the e-mail. Every page is scanned with axe and checked as HTML."""

from datetime import timedelta
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification, OutboxEmail, Preferences
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, FacilitatorFactory, MembershipFactory
from tests.html_check import nu_errors

SERIOUS = {"serious", "critical"}


def _scan(page):
    results = Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"] if v["impact"] in SERIOUS
    ]


def test_notification_bell_list_preferences_and_unsubscribe(new_page, transactional_db, tmp_path):
    facilitator = FacilitatorFactory()
    member = MembershipFactory(group=facilitator.group, member__full_name="Anna Verdi").member
    rendered = {}

    announcer = new_page()
    log_in(announcer, facilitator.member, PASSWORD)
    announcer.goto(f"/gruppi/{facilitator.group.slug}/incontri/nuovo/")
    start = timezone.localtime() + timedelta(days=7)
    announcer.get_by_label("Titolo").fill("L'assemblea d'autunno")
    announcer.get_by_label("Inizio").fill(start.strftime("%Y-%m-%dT%H:%M"))
    announcer.get_by_label("Fine").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    announcer.get_by_role("button", name="Salva").click()
    announcer.wait_for_url("**/incontri/*/")

    page = new_page(bypass_csp=True)
    log_in(page, member, PASSWORD)
    bell = page.locator("#bell")
    expect(bell).to_contain_text("1")
    bell.click()
    page.wait_for_url("**/notifiche/")
    expect(
        page.get_by_role("link", name=f"Nuovo incontro di {facilitator.group.name}: L'assemblea d'autunno")
    ).to_be_visible()
    assert _scan(page) == []
    rendered["/notifiche/"] = page.content()

    page.get_by_role("button", name="Segna come letta").click()
    expect(page.get_by_role("status").filter(has_text="Letta")).to_be_focused()
    assert Notification.objects.get(member=member).read_at is not None

    page.goto("/profilo/preferenze/")
    assert _scan(page) == []
    rendered["/profilo/preferenze/"] = page.content()
    page.get_by_label("ogni giorno").check()
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("status")).to_contain_text("Le tue preferenze sono state salvate")
    assert Preferences.objects.get(member=member).digest_consent_at is not None

    page.get_by_role("link", name="Guarda che cosa contiene il tuo prossimo riepilogo").click()
    expect(page.get_by_role("heading", name="I miei gruppi di lavoro")).to_be_visible()
    assert _scan(page) == []
    rendered["/profilo/preferenze/riepilogo/"] = page.content()

    unsubscribe = OutboxEmail.objects.get(recipient=member).headers["List-Unsubscribe"].strip("<>")
    visitor = new_page(bypass_csp=True)
    visitor.goto(urlsplit(unsubscribe).path)  # SITE_URL is not the test server's address
    assert _scan(visitor) == []
    rendered["unsubscribe"] = visitor.content()
    visitor.get_by_role("button", name="Sì, interrompile").click()
    expect(visitor.get_by_role("status")).to_contain_text("non riceverai più e-mail")
    assert Preferences.objects.get(member=member).emails_off == ["groups.meeting_created"]

    assert nu_errors(rendered, tmp_path) == []
