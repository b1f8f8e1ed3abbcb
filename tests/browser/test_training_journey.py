import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from icalendar import Calendar

from notifications.models import OutboxEmail
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CourseFactory, CourseTrainerFactory, SessionFactory, VerifiedMemberFactory
from tests.html_check import nu_errors
from training.models import Enrolment

ROME = ZoneInfo("Europe/Rome")
SERIOUS = {"serious", "critical"}


def _course():
    start = (timezone.now().astimezone(ROME) + timedelta(days=5)).replace(hour=18, minute=0, second=0, microsecond=0)
    course = CourseFactory(title="Montaggio video con software libero", slug="montaggio-video", capacity=1, sessions=0)
    SessionFactory(course=course, starts_at=start, ends_at=start + timedelta(hours=2), title="Primo incontro")
    CourseTrainerFactory(course=course, member__full_name="Marco Bianchi")
    return course


def _serious(page):
    results = Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"] if v["impact"] in SERIOUS
    ]


def test_the_last_seat_the_waiting_list_and_the_offer(new_page, transactional_db, tmp_path):
    course = _course()
    session = course.sessions.get()
    anna_member = VerifiedMemberFactory(full_name="Anna Verdi")
    bruno_member = VerifiedMemberFactory(full_name="Bruno Neri")
    rendered = {}

    # Anna finds the course in the catalogue and takes the last seat.
    anna = new_page()
    log_in(anna, anna_member, PASSWORD)
    anna.goto("/formazione/")
    anna.locator("main").get_by_role("link", name="Montaggio video con software libero").click()
    assert "1 posto libero" in anna.locator("main").inner_text()
    anna.get_by_role("button", name="Iscriviti").click()
    anna.get_by_text("Sei iscritto o iscritta: il tuo posto è confermato.").wait_for()
    assert anna.get_by_text("Il tuo posto è confermato.", exact=True).is_visible()
    rendered["enrolled"] = anna.content()

    # Bruno comes second: the course is full, he joins the waiting list.
    bruno = new_page()
    log_in(bruno, bruno_member, PASSWORD)
    bruno.goto(f"/formazione/{course.slug}/")
    bruno.get_by_role("button", name="Mettiti in lista d'attesa").click()
    bruno.get_by_text("Sei in lista d'attesa, al numero 1.").wait_for()
    rendered["waiting"] = bruno.content()

    # Anna cannot come after all: she gives up her seat.
    anna.get_by_role("button", name="Annulla la mia iscrizione").click()
    anna.get_by_text("La tua iscrizione è annullata.").wait_for()

    # Bruno receives the offer by e-mail and follows its link.
    email = OutboxEmail.objects.get(recipient=bruno_member, kind="training/email/offer")
    assert email.subject == "C'è un posto libero per te: Montaggio video con software libero"
    link = re.search(r"https?://[^/\s]+(/formazione/[^\s]+/)", email.body_text).group(1)
    bruno.goto(link)
    bruno.get_by_text("C'è un posto libero per te: accettalo entro").wait_for()
    assert _serious(bruno) == []
    rendered["offered"] = bruno.content()
    bruno.get_by_role("button", name="Accetta il posto").click()
    bruno.get_by_text("Il posto è tuo: la tua iscrizione è confermata.").wait_for()
    assert Enrolment.objects.get(member=bruno_member).state == "confirmed"

    # The course is in his personal calendar, at the session's time.
    bruno.goto("/profilo/")
    feed_url = bruno.locator("#feed-url").input_value()
    response = bruno.request.get(feed_url)
    [event] = Calendar.from_ical(response.body()).walk("VEVENT")
    assert (str(event["UID"]), event["DTSTART"].dt, str(event["SUMMARY"])) == (
        f"{session.uid}@smartinprogress",
        session.starts_at,
        "Primo incontro · Montaggio video con software libero",
    )
    assert nu_errors(rendered, tmp_path) == []


def test_catalogue_and_course_page_have_no_serious_accessibility_violation(new_page, transactional_db, tmp_path):
    course = _course()
    page = new_page(bypass_csp=True)
    rendered = {}
    for path in ("/formazione/", "/formazione/?area=nessuna&formato=online", f"/formazione/{course.slug}/"):
        page.goto(path)
        assert _serious(page) == [], path
        rendered[path] = page.content()
    assert nu_errors(rendered, tmp_path) == []
