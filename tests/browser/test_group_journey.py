from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone, translation
from icalendar import Calendar

from groups.models import Meeting
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, FacilitatorFactory, MembershipFactory, VerifiedMemberFactory, WorkingGroupFactory

ROME = ZoneInfo("Europe/Rome")


def _slot(days, hour):
    return (timezone.now().astimezone(ROME) + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def test_group_sets_its_calendar_together(new_page, transactional_db):
    group = WorkingGroupFactory(name="Formazione", slug="formazione")
    facilitator = FacilitatorFactory(group=group, member__full_name="Andrea Colombo").member
    voters = [MembershipFactory(group=group, member__full_name=name).member for name in ("Bea Neri", "Carlo Blu")]
    newcomer = VerifiedMemberFactory(full_name="Anna Verdi")
    slots = [_slot(8, 18), _slot(9, 17), _slot(12, 18)]

    # A member finds the group and joins it (htmx swaps the box in place).
    anna = new_page()
    log_in(anna, newcomer, PASSWORD)
    anna.goto("/gruppi/")
    anna.locator("main").get_by_role("link", name="Formazione").click()
    anna.get_by_role("button", name="Partecipa al gruppo").click()
    anna.get_by_role("button", name="Lascia il gruppo").wait_for()
    assert anna.get_by_text("Ti diamo il benvenuto nel gruppo Formazione!").is_visible()

    # She proposes three dates.
    anna.reload()
    anna.get_by_role("link", name="Proponi delle date").first.click()
    anna.get_by_label("Titolo").fill("Aree di formazione 2021")
    for index, start in enumerate(slots, start=1):
        anna.get_by_label(f"Data {index}", exact=True).fill(start.strftime("%Y-%m-%dT%H:%M"))
    anna.get_by_label("Il voto si chiude il").fill(_slot(5, 20).strftime("%Y-%m-%dT%H:%M"))
    anna.get_by_role("button", name="Apri il sondaggio").click()
    anna.get_by_text("Sondaggio creato: chi partecipa al gruppo può votare.").wait_for()
    poll_url = anna.url

    # Two others say when they can: the second date suits both.
    answers = {voters[0]: ["no", "yes", "maybe"], voters[1]: ["yes", "yes", "no"]}
    labels = {"yes": "Sì", "maybe": "Forse", "no": "No"}
    for voter, choice in answers.items():
        page = new_page()
        log_in(page, voter, PASSWORD)
        page.goto(poll_url)
        for start, answer in zip(slots, choice, strict=True):
            with translation.override("it"):
                legend = dateformat.format(start, "l j F Y, H:i").lower()
            page.get_by_role("group", name=legend).get_by_label(labels[answer], exact=True).check()
        page.get_by_role("button", name="Salva la mia disponibilità").click()
        page.get_by_text("Grazie, la tua disponibilità è salvata.").wait_for()

    # The facilitator sees the best date first, already chosen, says where they meet and closes the poll.
    boss = new_page()
    log_in(boss, facilitator, PASSWORD)
    boss.goto(poll_url)
    best_row = boss.locator("tbody tr").first
    assert "la migliore" in best_row.inner_text()
    closing = boss.get_by_role("region", name="Scegli la data")
    with translation.override("it"):
        best_label = dateformat.format(slots[1], "l j F Y, H:i").lower()
    assert closing.get_by_label(best_label).is_checked()
    closing.get_by_label("Luogo").fill("Smart, via Giuseppe Ripamonti 1, Milano")
    closing.get_by_label("Link online").fill("meet.example/formazione")
    closing.get_by_role("button", name="Scegli questa data").click()
    boss.get_by_text("Data scelta: l'incontro è in calendario e il gruppo è stato avvisato.").wait_for()
    meeting = Meeting.objects.get()
    assert (meeting.starts_at, meeting.location, meeting.online_url) == (
        slots[1],
        "Smart, via Giuseppe Ripamonti 1, Milano",
        "https://meet.example/formazione",
    )

    # The meeting appears on the group page; Anna says she comes and downloads it.
    anna.goto("/gruppi/formazione/")
    anna.get_by_role("link", name="Aree di formazione 2021").click()
    anna.get_by_role("button", name="Sì").click()
    anna.get_by_text("Grazie, la tua risposta è salvata.").wait_for()
    assert anna.get_by_role("button", name="Sì").get_attribute("aria-pressed") == "true"
    with anna.expect_download() as download_info:
        anna.get_by_role("link", name="Aggiungi al tuo calendario (.ics)").click()
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].dt == slots[1]
    assert str(event["SUMMARY"]) == "Aree di formazione 2021 · Formazione"
    assert str(event["LOCATION"]) == "Smart, via Giuseppe Ripamonti 1, Milano"
