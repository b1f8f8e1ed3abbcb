"""After htmx swaps the membership box, focus is in the new box on its announced message,
and Tab goes on to the box's button instead of starting over or falling into the footer."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, VerifiedMemberFactory, WorkingGroupFactory


def _press(page, name, how):
    button = page.get_by_role("button", name=name)
    if how == "mouse":
        button.click()
    else:
        button.focus()
        page.keyboard.press("Enter")


@pytest.mark.parametrize("how", ["mouse", "keyboard"])
def test_join_and_leave_with_htmx_keep_focus_in_the_box(new_page, transactional_db, how):
    WorkingGroupFactory(name="Formazione", slug="formazione")
    page = new_page()
    log_in(page, VerifiedMemberFactory(), PASSWORD)
    page.goto("/gruppi/formazione/")
    box = page.locator("#membership-box")

    _press(page, "Partecipa al gruppo", how)

    message = box.get_by_role("status")
    expect(message).to_be_focused()
    expect(message).to_have_text("Ti diamo il benvenuto nel gruppo Formazione!")
    page.keyboard.press("Tab")
    expect(box.get_by_role("button", name="Lascia il gruppo")).to_be_focused()

    page.keyboard.press("Enter")

    expect(message).to_be_focused()
    expect(message).to_have_text("Hai lasciato il gruppo Formazione.")
    page.keyboard.press("Tab")
    expect(box.get_by_role("button", name="Partecipa al gruppo")).to_be_focused()
