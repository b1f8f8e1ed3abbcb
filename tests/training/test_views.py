"""The training pages: catalogue and filters, the course page in each state, enrolment
through the page, query counts that do not grow with the rows."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.html import escape

from groups.enums import GroupTheme
from tests.factories import (
    CourseFactory,
    CourseTrainerFactory,
    EnrolmentFactory,
    MemberFactory,
    ProgrammeFactory,
    SectorFactory,
    SkillFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)
from training import services
from training.models import Enrolment

pytestmark = pytest.mark.django_db


def _titles(response):
    return re.findall(r'<h3 class="h5 card-title"><a href="/formazione/[^"]+/">([^<]+)</a>', response.content.decode())


def test_catalogue_lists_published_courses_only(client):
    published = CourseFactory(title="Montaggio")
    for state in ("draft", "closed", "cancelled"):
        CourseFactory(title=f"Corso {state}", state=state)

    assert _titles(client.get("/formazione/")) == [published.title]


@pytest.fixture
def catalogue(db):
    music, video = SectorFactory(name="Musica", slug="musica"), SectorFactory(name="Audiovisivo", slug="audiovisivo")
    editing = SkillFactory(name="Montaggio video", slug="montaggio-video")
    courses = {
        "free members online": CourseFactory(title="A", area=music, format="online"),
        "paid everyone": CourseFactory(
            title="B", area=video, audience="everyone", price_members=Decimal("0"), price_others=Decimal("30")
        ),
        "paid members in person": CourseFactory(title="C", area=video, price_members=Decimal("40")),
        "free everyone blended": CourseFactory(title="D", area=music, audience="everyone", format="blended"),
    }
    courses["paid members in person"].skills.add(editing)
    return courses


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", ["A", "B", "C", "D"]),
        ("?area=musica", ["A", "D"]),
        ("?competenza=montaggio-video", ["C"]),
        ("?formato=online", ["A"]),
        ("?prezzo=gratuito", ["A", "D"]),
        ("?prezzo=a-pagamento", ["B", "C"]),
        ("?pubblico=everyone", ["B", "D"]),
        ("?area=audiovisivo&prezzo=a-pagamento&pubblico=members", ["C"]),
    ],
)
def test_catalogue_filters(client, catalogue, query, titles):
    assert sorted(_titles(client.get(f"/formazione/{query}"))) == titles


@pytest.mark.parametrize("query", ["?area=nessuna", "?formato=%FF", "?prezzo=1' OR 1=1", "?competenza=" + "x" * 5000])
def test_catalogue_reports_a_bad_filter_and_ignores_it(client, catalogue, query):
    response = client.get(f"/formazione/{query}")

    assert response.status_code == 200
    assert "non sono validi e non sono stati applicati" in response.content.decode()
    assert sorted(_titles(response)) == ["A", "B", "C", "D"]


def test_catalogue_queries_do_not_grow_with_courses_filters_applied(client, django_assert_num_queries):
    area = SectorFactory(slug="musica")
    programme = ProgrammeFactory()
    WorkingGroupFactory(theme=GroupTheme.TRAINING)
    CourseTrainerFactory(course=CourseFactory(area=area, programme=programme, format="online"))
    url = "/formazione/?area=musica&formato=online&prezzo=gratuito&pubblico=members"
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(_titles(response)) == 1
    for _ in range(6):
        course = CourseFactory(area=area, programme=programme, format="online")
        CourseTrainerFactory(course=course)
        CourseTrainerFactory(course=course, member=None, name="Ospite esterna")
        EnrolmentFactory(course=course)

    with django_assert_num_queries(6):
        response = client.get(url)

    assert len(_titles(response)) == 7


def test_catalogue_queries_for_a_member_do_not_grow(client, verified_member, django_assert_num_queries):
    client.force_login(verified_member)
    CourseFactory()
    with django_assert_num_queries(9) as few:
        client.get("/formazione/?competenza=")
    for _ in range(5):
        CourseTrainerFactory(course=CourseFactory())

    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/formazione/")


def test_catalogue_shows_the_training_working_group(client):
    WorkingGroupFactory(name="Formazione", slug="formazione", theme=GroupTheme.TRAINING)

    html = client.get("/formazione/").content.decode()

    assert 'href="/gruppi/formazione/"' in html


def test_course_page_shows_seats_left_and_price(client):
    course = CourseFactory(capacity=3, audience="everyone", price_members=Decimal("50"), price_others=Decimal("1200"))
    EnrolmentFactory(course=course)

    html = client.get(f"/formazione/{course.slug}/").content.decode()

    assert "2 posti liberi" in html
    assert "€ 50,00 per i soci e le socie, € 1.200,00 per gli altri e le altre" in html


def test_full_course_offers_the_waiting_list(client, verified_member):
    course = CourseFactory(capacity=1)
    EnrolmentFactory(course=course)
    EnrolmentFactory(course=course, state="waitlisted")
    client.force_login(verified_member)

    html = client.get(f"/formazione/{course.slug}/").content.decode()

    assert "al completo, 1 persona in lista d'attesa" in html
    assert "Mettiti in lista d'attesa" in html


def test_members_only_course_shows_the_reason_to_a_registered_person(client):
    course = CourseFactory(audience="members")
    client.force_login(MemberFactory())

    html = client.get(f"/formazione/{course.slug}/").content.decode()

    assert "riservato ai soci e alle socie verificati" in html
    assert f'action="/formazione/{course.slug}/iscriviti/"' not in html


def test_enrol_through_the_page_then_cancel(client, verified_member):
    course = CourseFactory(capacity=1)
    client.force_login(verified_member)

    response = client.post(f"/formazione/{course.slug}/iscriviti/", follow=True)

    assert "il tuo posto è confermato" in response.content.decode()
    assert Enrolment.objects.get().state == "confirmed"
    response = client.post(f"/formazione/{course.slug}/annulla/", follow=True)
    assert "La tua iscrizione è annullata." in response.content.decode()
    assert Enrolment.objects.get().state == "cancelled"


def test_enrolling_twice_through_the_page_says_why_and_keeps_the_seat(client, verified_member):
    course = CourseFactory()
    client.force_login(verified_member)
    client.post(f"/formazione/{course.slug}/iscriviti/")

    response = client.post(f"/formazione/{course.slug}/iscriviti/", follow=True)

    assert "Sei già iscritto o iscritta a questo corso." in response.content.decode()
    assert list(Enrolment.objects.values_list("state", flat=True)) == ["confirmed"]


def test_accepting_an_expired_offer_through_the_page_says_so(client, verified_member):
    course = CourseFactory(capacity=1)
    EnrolmentFactory(course=course, member=verified_member, state="offered", offer_expires_at=timezone.now())
    client.force_login(verified_member)

    response = client.post(f"/formazione/{course.slug}/accetta/", follow=True)

    html = response.content.decode()
    assert "Questa offerta è scaduta" in html
    assert "Il posto che ti era stato offerto è scaduto il" in html
    assert "Accetta il posto" not in html
    assert Enrolment.objects.get().state == "offered"


def test_offer_is_shown_with_its_deadline_and_accepted(client, verified_member):
    course = CourseFactory(capacity=1)
    EnrolmentFactory(
        course=course, member=verified_member, state="offered", offer_expires_at=timezone.now() + timedelta(hours=5)
    )
    client.force_login(verified_member)

    html = client.get(f"/formazione/{course.slug}/").content.decode()
    assert "C'è un posto libero per te: accettalo entro" in html

    response = client.post(f"/formazione/{course.slug}/accetta/", follow=True)
    assert "Il posto è tuo" in response.content.decode()
    assert Enrolment.objects.get().state == "confirmed"


def test_waitlisted_person_sees_their_position(client, verified_member):
    course = CourseFactory(capacity=1)
    EnrolmentFactory(course=course)
    EnrolmentFactory(course=course, state="waitlisted")
    services.enrol(course, verified_member)
    client.force_login(verified_member)

    html = client.get(f"/formazione/{course.slug}/").content.decode()

    assert "Sei in lista d'attesa, al numero 2." in html


def test_online_link_only_for_who_holds_a_confirmed_seat(client, verified_member):
    course = CourseFactory(sessions=0, format="online")
    course.sessions.create(
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
        online_url="https://meet.example/corso-segreto",
    )
    waiting = EnrolmentFactory(course=course, state="waitlisted").member
    seated = EnrolmentFactory(course=course).member
    pages = {}
    for name, person in (("visitor", None), ("waiting", waiting), ("seated", seated)):
        client.logout()
        if person:
            client.force_login(person)
        pages[name] = [
            b"meet.example/corso-segreto" in client.get(f"/formazione/{course.slug}/").content,
            b"meet.example/corso-segreto" in client.get(f"/formazione/{course.slug}.ics").content,
        ]

    assert pages == {"visitor": [False, False], "waiting": [False, False], "seated": [True, True]}


def test_draft_is_hidden_from_members_and_shown_to_its_trainer(client, verified_member):
    trainer = CourseTrainerFactory(course=CourseFactory(state="draft"))
    slug = trainer.course.slug

    client.force_login(verified_member)
    assert client.get(f"/formazione/{slug}/").status_code == 404
    client.force_login(trainer.member)
    assert "Questo corso è una bozza" in client.get(f"/formazione/{slug}/").content.decode()


def test_my_courses_lists_live_then_earlier_and_keeps_queries_constant(
    client, verified_member, django_assert_num_queries
):
    client.force_login(verified_member)
    EnrolmentFactory(member=verified_member)
    with django_assert_num_queries(3):
        client.get("/formazione/iscrizioni/")
    for state in ("waitlisted", "cancelled", "expired", "confirmed"):
        EnrolmentFactory(member=verified_member, state=state, offer_expires_at=timezone.now())

    with django_assert_num_queries(3):
        html = client.get("/formazione/iscrizioni/").content.decode()

    assert html.count('class="list-group-item') == 5


def test_programme_page_lists_its_courses_and_events_with_constant_queries(client, django_assert_num_queries):
    programme = ProgrammeFactory(name="Agorà", slug="agora")
    CourseFactory(programme=programme)
    now = timezone.now()
    programme.events.create(
        title="Aperitivo", starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=2)
    )
    with django_assert_num_queries(4):
        client.get("/formazione/programmi/agora/")
    for n in range(4):
        CourseTrainerFactory(course=CourseFactory(programme=programme))
        programme.events.create(
            title=f"Incontro {n}", starts_at=now - timedelta(days=n + 1), ends_at=now - timedelta(days=n)
        )
    CourseFactory(programme=programme, state="draft", title="Bozza segreta")

    with django_assert_num_queries(4):
        html = client.get("/formazione/programmi/agora/").content.decode()

    assert len(re.findall(r'card-title"><a href="/formazione/', html)) == 5
    assert "Bozza segreta" not in html
    assert escape("Incontri passati") in html


def test_dashboard_shows_an_open_offer_first_and_leaves_out_finished_courses(client, verified_member):
    EnrolmentFactory(member=verified_member, course__title="Confermato")
    EnrolmentFactory(
        member=verified_member,
        course__title="Offerto",
        state="offered",
        offer_expires_at=timezone.now() + timedelta(hours=3),
    )
    finished = EnrolmentFactory(member=verified_member, course__title="Finito").course.sessions.get()
    finished.starts_at, finished.ends_at = timezone.now() - timedelta(days=3), timezone.now() - timedelta(days=2)
    finished.save()
    client.force_login(verified_member)

    html = client.get("/").content.decode()

    assert re.findall(r'<a href="/formazione/[^"]+/">([^<]+)</a> ·', html) == ["Offerto", "Confermato"]
    assert "C'è un posto libero per te: accettalo entro" in html


# The cards are cached in Redis under a digest of what they show: every write shows at once.


def test_catalogue_cards_show_seats_and_waiting_list_fresh_after_each_write(client):
    course = CourseFactory(capacity=2, title="Montaggio")
    assert "2 posti liberi" in client.get("/formazione/").content.decode()

    first = services.enrol(course, VerifiedMemberFactory())
    assert "1 posto libero" in client.get("/formazione/").content.decode()

    services.enrol(course, VerifiedMemberFactory())
    services.enrol(course, VerifiedMemberFactory())
    assert "completo, 1 persona in lista d" in client.get("/formazione/").content.decode()

    services.cancel_enrolment(first, actor=first.member)
    html = client.get("/formazione/").content.decode()
    assert "completo, 1 persona in lista d" not in html


def test_catalogue_cards_follow_the_names_they_show(client):
    area = SectorFactory(name="Audiovisivo")
    programme = ProgrammeFactory(name="Percorso uno")
    course = CourseFactory(area=area, programme=programme, title="Montaggio")
    trainer = CourseTrainerFactory(course=course, member=None, name="Ospite esterna")
    assert "Ospite esterna" in client.get("/formazione/").content.decode()

    area.name = "Cinema"
    area.save()
    programme.name = "Percorso due"
    programme.save()
    trainer.name = "Docente nuova"
    trainer.save()
    course.title = "Montaggio avanzato"
    course.save()
    html = client.get("/formazione/").content.decode()
    programme_html = client.get(f"/formazione/programmi/{programme.slug}/").content.decode()

    for text in ("Cinema", "Percorso due", "Docente nuova", "Montaggio avanzato"):
        assert text in html
        assert text in programme_html
    assert "Audiovisivo" not in html
    assert "Ospite esterna" not in html
