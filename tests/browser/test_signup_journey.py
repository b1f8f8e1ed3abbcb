import re

from django.core import mail

from members.enums import MemberStatus
from members.models import Member
from tests.factories import PASSWORD, StaffFactory


def test_visitor_signs_up_gets_verified_and_sees_dashboard(new_page, transactional_db):
    staff = StaffFactory(email="staff@smart.example")
    page = new_page()

    # A visitor finds the sign-up from the home page.
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "it"
    page.get_by_role("link", name="Registrati e partecipa").click()
    page.get_by_label("Nome e cognome").fill("Anna Verdi")
    page.get_by_label("Email").fill("anna.verdi@soci.example")
    page.get_by_label("Password*", exact=True).fill("Ciclamino-Rosso-77")
    page.get_by_label("Password (di nuovo)").fill("Ciclamino-Rosso-77")
    page.get_by_label("Ho letto l'informativa privacy").check()
    page.get_by_role("button", name="Registrazione").click()
    page.get_by_role("heading", name="Verifica il tuo indirizzo email").wait_for()

    # The verification e-mail arrives in Italian with a link.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/account/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Conferma").click()

    # Logged in after confirming: the dashboard asks for the membership number.
    page.get_by_role("heading", name="Ciao, Anna").wait_for()
    page.get_by_role("link", name="Chiedi la verifica come socio/a").click()
    page.get_by_label("Numero di socio/a").fill("12ab")
    page.get_by_role("button", name="Chiedi la verifica").click()
    page.get_by_text("Il numero di socio/a è fatto di 4-8 cifre, per esempio 012345.").wait_for()
    assert page.get_by_label("Numero di socio/a").input_value() == "12ab"
    page.get_by_label("Numero di socio/a").fill("004321")
    page.get_by_role("button", name="Chiedi la verifica").click()
    page.get_by_text("Grazie: lo staff Smart controllerà la tua richiesta e ti scriverà.").wait_for()
    anna = Member.objects.get(email="anna.verdi@soci.example")
    assert anna.status == MemberStatus.VERIFICATION_REQUESTED

    # Staff log in to the admin (through the portal's login) and verify her.
    admin = new_page()
    admin.goto("/admin/")
    admin.get_by_label("Email").fill(staff.email)
    admin.get_by_label("Password*", exact=True).fill(PASSWORD)
    admin.get_by_role("button", name="Accedi").click()
    admin.goto("/admin/members/member/?status__exact=verification_requested")
    admin.get_by_role("link", name="anna.verdi@soci.example").click()
    admin.get_by_role("button", name="Verifica").click()
    admin.get_by_text("Anna Verdi ora è un socio o una socia verificata.").wait_for()

    # She is told by e-mail, and her dashboard shows it.
    assert mail.outbox[-1].to == ["anna.verdi@soci.example"]
    assert mail.outbox[-1].subject == "Sei un socio o una socia verificata di Smart in Progress"
    page.goto("/")
    page.get_by_text("Socio/a verificato/a").wait_for()
    assert "Numero di socio/a 004321." in page.inner_text("main")
