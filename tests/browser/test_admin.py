from tests.browser.conftest import log_in
from tests.factories import PASSWORD, StaffFactory


def test_admin_permission_picker_speaks_italian(new_page, transactional_db):
    """The filter widget is drawn by the admin's JavaScript, from the jsi18n catalogue."""
    staff = StaffFactory(language="it")
    page = new_page()
    log_in(page, staff, PASSWORD)

    page.goto(f"/admin/members/member/{staff.pk}/change/")

    picker = page.locator(".selector").filter(has=page.locator("#id_user_permissions_from"))
    buttons = [".selector-chooseall", ".selector-add", ".selector-remove", ".selector-clearall"]
    assert [picker.locator(button).inner_text() for button in buttons] == [
        "Scegli tutto: privilegi utente",
        "Scegli le voci selezionate (privilegi utente)",
        "Togli le voci selezionate (privilegi utente)",
        "Togli tutto: privilegi utente",
    ]
    first_permission = picker.locator("#id_user_permissions_from option").first
    assert first_permission.inner_text() == "Account | indirizzo email | Può aggiungere"
