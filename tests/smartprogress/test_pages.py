import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from calls.models import (
    Candidacy,
    FundingCall,
    LeadPartnerRequest,
    RankingEntry,
    ReportingMilestone,
    ResponsibilityTask,
    RulesComment,
    RulesVersion,
    Score,
    TeamMember,
)
from groups.models import DatePoll, DateSlot, DateVote, DiscussionPrompt, Document, Meeting, Membership, WorkingGroup
from groups.proposals.enums import ProposalState
from groups.proposals.models import CoAuthor, Comment, Proposal, ProposalUpdate, Report, Support
from members.models import Member
from networking.models import CommonProject, ContactMessage, ProjectInterest
from networking.surveys import services as surveys
from networking.surveys.models import Answer, Choice, Question, Response, Survey
from tests.factories import DiscussionPromptFactory, WorkingGroupFactory
from training import services as training_services
from training.models import (
    Attendance,
    Course,
    CourseTrainer,
    Enrolment,
    Feedback,
    Programme,
    ProgrammeEvent,
    ProposalReview,
    Session,
    TrainerProposal,
    TrainingInterest,
)

pytestmark = pytest.mark.django_db


def test_home_visitor_sees_presentation_and_groups(client):
    group = WorkingGroupFactory(name="Formazione")

    response = client.get("/")

    html = response.content.decode()
    assert "Costruiamo partecipazione e comunità." in html
    assert group.name in html
    assert "Registrati e partecipa" in html


def test_home_member_sees_dashboard(client, member):
    client.force_login(member)

    response = client.get("/")

    html = response.content.decode()
    assert f"Ciao, {member.get_short_name()}" in html
    assert "Chiedi la verifica come socio/a" in html


def _cards_queries(client, path, django_assert_num_queries):
    # The cards' digest and, while their fragment is not cached yet, their rows; then the digest only.
    with django_assert_num_queries(2):
        client.get(path)
    with django_assert_num_queries(1):
        client.get(path)


def test_home_query_count_does_not_grow_with_groups(client, django_assert_num_queries):
    WorkingGroupFactory()
    _cards_queries(client, "/", django_assert_num_queries)
    for _ in range(4):
        DiscussionPromptFactory(group=WorkingGroupFactory())
    _cards_queries(client, "/", django_assert_num_queries)


def test_group_list_query_count_does_not_grow(client, django_assert_num_queries):
    WorkingGroupFactory()
    _cards_queries(client, "/gruppi/", django_assert_num_queries)
    WorkingGroupFactory.create_batch(5)
    _cards_queries(client, "/gruppi/", django_assert_num_queries)


def test_group_detail_shows_prompts_under_headings(client):
    prompt = DiscussionPromptFactory(heading="Regole", text="Chi fa cosa?")

    response = client.get(f"/gruppi/{prompt.group.slug}/")

    html = response.content.decode()
    assert '<h3 class="h5">Regole</h3>' in html
    assert "<li>Chi fa cosa?</li>" in html


def test_archived_group_is_not_found(client):
    from django.utils import timezone

    group = WorkingGroupFactory(archived_at=timezone.now())

    assert client.get(f"/gruppi/{group.slug}/").status_code == 404


def test_404_page_is_italian(client):
    response = client.get("/non-esiste/")

    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()


def test_pages_carry_strict_csp_and_no_inline_code(client):
    response = client.get("/")

    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html and "<style" not in html


def test_skip_link_targets_main(client):
    html = client.get("/").content.decode()

    assert 'href="#main"' in html and 'id="main"' in html


SEEDED = [Member, WorkingGroup, DiscussionPrompt, Membership, Meeting, DatePoll, DateSlot, DateVote, Document]
SEEDED += [Programme, ProgrammeEvent, Course, CourseTrainer, Session, Enrolment, Attendance, Feedback]
SEEDED += [TrainerProposal, ProposalReview, TrainingInterest, Course.skills.through, TrainerProposal.skills.through]
SEEDED += [TrainingInterest.areas.through, TrainingInterest.skills.through]
SEEDED += [Proposal, CoAuthor, Support, Comment, ProposalUpdate, Report]
SEEDED += [
    FundingCall,
    Candidacy,
    TeamMember,
    Score,
    RankingEntry,
    ResponsibilityTask,
    ReportingMilestone,
    LeadPartnerRequest,
    RulesVersion,
    RulesComment,
]
SEEDED += [CommonProject, ProjectInterest, ContactMessage, Survey, Question, Choice, Response, Answer]


# Not data: a cache key that moves on at every save of a group's members (groups/signals.py).
NOT_SEEDED = {"participants_version"}


def _everything_seeded():
    return {
        model.__name__: [
            {field: value for field, value in row.items() if field not in NOT_SEEDED}
            for row in model.objects.order_by("pk").values()
        ]
        for model in SEEDED
    }


def test_seed_demo_is_idempotent(capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", allow_production=True)
    before = _everything_seeded()
    call_command("seed_demo", allow_production=True)

    assert _everything_seeded() == before
    # Thirteen accounts, and one erased (its comment stays under "ex socio/a").
    assert len(before["Member"]) == 14
    assert [m["full_name"] for m in before["Member"] if m["status"] == "erased"] == ["ex socio/a"]
    assert sorted(WorkingGroup.objects.values_list("name", flat=True)) == [
        "Dentro e fuori i bandi",
        "Formazione",
        "Ricerca e sviluppo",
    ]
    assert "smart-demo-2020" in capsys.readouterr().out
    staff = Member.objects.get(email="staff@smartinprogress.example")
    assert staff.is_staff and staff.check_password("smart-demo-2020")


def test_seed_demo_has_the_network(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    call_command("seed_demo", allow_production=True)

    listed = Member.objects.in_directory().values_list("email", flat=True)
    assert sorted(email.split("@")[0] for email in listed) == [
        "chiara.romano",
        "davide.marino",
        "elena.ricci",
        "giulia.rossi",
        "marco.bianchi",
    ]
    assert [(s.title, s.is_open()) for s in Survey.objects.order_by("-closes_at")] == [
        ("Gli strumenti di Smart rispondono ai tuoi bisogni?", True),
        ("Cosa ci ha insegnato il lockdown", False),
    ]
    for survey in Survey.objects.all():
        figures = surveys.results(survey, split=True)
        assert (figures["respondents"], len(figures["groups"]), figures["hidden_groups"]) == (24, 3, [])
    project = CommonProject.objects.get()
    assert [(i.member.full_name, i.state) for i in project.interests.order_by("pk")] == [
        ("Elena Ricci", "accepted"),
        ("Marco Bianchi", "interested"),
    ]


def test_seed_demo_shows_the_other_apps_under_the_bell(settings, tmp_path):
    from notifications.models import Notification

    settings.MEDIA_ROOT = tmp_path

    call_command("seed_demo", allow_production=True)
    call_command("seed_demo", allow_production=True)

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {
        "calls.join_offer",
        "training.course_matches_interest",
        "networking.message",
        "networking.interest",
        "networking.accepted",
    } <= kinds
    assert Notification.objects.filter(kind="calls.join_offer").count() == 1


def test_seed_demo_prints_who_facilitates_which_group(capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    call_command("seed_demo", allow_production=True)

    out = capsys.readouterr().out
    rows = out[out.index("Working groups") :].splitlines()[2:]
    assert [re.split(r"\s{2,}", row.strip()) for row in rows] == [
        ["Dentro e fuori i bandi", "luca.ferrari@soci.example", "giulia.rossi, marco.bianchi, sara.esposito"],
        ["Formazione", "andrea.colombo@soci.example", "chiara.romano, elena.ricci, giulia.rossi"],
        ["Ricerca e sviluppo", "davide.marino@soci.example", "elena.ricci, marco.bianchi"],
    ]


def test_seed_demo_sends_none_of_its_past_e_mails(settings, tmp_path):
    """The demo's past went to made-up addresses: the worker's console must show only what
    the person trying the portal causes, not a hundred e-mails over the logins. The bell
    keeps the demo's notifications, and nothing is left for a fan-out task to send later."""
    from notifications.models import Event, Notification, OutboxEmail

    settings.MEDIA_ROOT = tmp_path

    call_command("seed_demo", allow_production=True)

    assert OutboxEmail.objects.exists()
    assert not OutboxEmail.objects.filter(sent_at=None).exists()
    assert not Event.objects.filter(done_at=None).exists()
    assert Notification.objects.exists()


def test_seed_demo_has_meetings_ahead_and_documents_for_every_reader(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    call_command("seed_demo", allow_production=True)

    upcoming = Meeting.objects.upcoming().filter(starts_at__gt=timezone.now())
    assert sorted(upcoming.values_list("group__slug", flat=True)) == ["dentro-e-fuori-i-bandi", "formazione"]
    for group in WorkingGroup.objects.all():
        kinds = {(d.visibility, d.is_link) for d in group.documents.all()}
        assert kinds == {("public", True), ("members", True), ("group", False)}, group.name
    for document in Document.objects.exclude(file=""):
        assert (document.content_type, document.file_kind, document.meeting.title) == (
            "application/pdf",
            "PDF",
            "Primo incontro del gruppo",
        )
        assert _is_well_formed_pdf(document.file.read())


def test_seed_demo_moves_forward_what_time_left_behind(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", allow_production=True)
    past = timezone.now() - timedelta(days=30)
    Meeting.objects.filter(group__slug="formazione", minutes="").update(
        starts_at=past, ends_at=past + timedelta(hours=2), status="cancelled"
    )
    DatePoll.objects.update(closes_at=past)

    call_command("seed_demo", allow_production=True)

    assert Meeting.objects.upcoming().filter(group__slug="formazione").count() == 1
    assert [poll.is_open for poll in DatePoll.objects.all()] == [True]


def test_seed_demo_has_courses_in_every_state_an_open_offer_and_agora(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    call_command("seed_demo", allow_production=True)

    assert sorted(Course.objects.values_list("state", flat=True)) == [
        "cancelled",
        "closed",
        "draft",
        "published",
        "published",
    ]
    full = Course.objects.with_overview().get(slug="montaggio-video-con-software-libero")
    assert (full.is_full, full.waiting_count) == (True, 2)
    offer = full.enrolments.get(state="offered")
    assert offer.offer_expires_at > timezone.now()
    assert Course.objects.get(state="draft").proposal.state == "accepted"
    agora = Programme.objects.get(slug="agora")
    assert (agora.name, agora.courses.count(), agora.events.filter(starts_at__gt=timezone.now()).count()) == (
        "Agorà",
        2,
        1,
    )
    assert sorted(TrainerProposal.objects.values_list("state", flat=True)) == ["accepted", "declined", "submitted"]
    assert TrainingInterest.objects.count() == 5


def test_seed_demo_opens_the_offer_again_once_time_has_moved_on(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", allow_production=True)
    training_services.lapse_expired_offers(now=timezone.now() + timedelta(days=2))
    Session.objects.filter(course__slug="progettare-per-i-bandi-europei").update(
        starts_at=timezone.now() - timedelta(days=9), ends_at=timezone.now() - timedelta(days=9, hours=-2)
    )

    call_command("seed_demo", allow_production=True)

    full = Course.objects.get(slug="montaggio-video-con-software-libero")
    assert list(full.enrolments.values_list("member__email", "state")) == [
        ("sara.esposito@soci.example", "confirmed"),
        ("chiara.romano@soci.example", "confirmed"),
        ("elena.ricci@soci.example", "offered"),
        ("davide.marino@soci.example", "waitlisted"),
        ("paolo.conti@soci.example", "waitlisted"),
    ]
    ahead = Session.objects.filter(course__slug="progettare-per-i-bandi-europei", starts_at__gt=timezone.now())
    assert ahead.count() == 3


def test_seed_demo_has_proposals_in_every_state_with_their_life(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    call_command("seed_demo", allow_production=True)

    assert set(Proposal.objects.values_list("state", flat=True)) == set(ProposalState.values)
    for slug in ("dentro-e-fuori-i-bandi", "formazione", "ricerca-e-sviluppo"):
        assert Proposal.objects.filter(group__slug=slug).public().exists(), slug
    assert Support.objects.count() == sum(Proposal.objects.values_list("support_count", flat=True)) > 10
    assert Comment.objects.exclude(parent=None).exists()
    assert Comment.objects.exclude(removed_at=None).get().text == ""
    assert Report.objects.open().count() == 1
    assert set(ProposalUpdate.objects.values_list("kind", flat=True)) == {"answer", "progress"}
    assert CoAuthor.objects.filter(state="invited").count() == 1
    assert Proposal.objects.waiting_for_moderation().count() == 2


def _is_well_formed_pdf(data):
    """Header, trailer, and a cross-reference table whose every offset starts its object."""
    startxref = int(data.rsplit(b"startxref", 1)[1].split()[0])
    table = data[startxref:].split(b"trailer")[0].splitlines()
    first, count = map(int, table[1].split())
    entries = table[2 : 2 + count]
    offsets = [int(entry[:10]) for entry in entries[1:]]
    return (
        data.startswith(b"%PDF-1.")
        and data.rstrip().endswith(b"%%EOF")
        and table[0] == b"xref"
        and first == 0
        and all(len(entry) == 19 for entry in entries)  # 20 bytes with the newline
        and all(data[offset:].startswith(b"%d 0 obj" % n) for n, offset in enumerate(offsets, start=1))
    )


def test_seed_demo_refuses_to_run_in_production_without_flag():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo")


def test_500_page_is_italian_and_needs_no_database():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Qualcosa è andato storto" in html


def test_favicon_ico_redirects_to_the_static_icon(client):
    """Pages that name no icon (a PDF, a JSON answer) make the browser ask for /favicon.ico."""
    response = client.get("/favicon.ico")

    assert (response.status_code, response.headers["Location"]) == (301, static("img/favicon.svg"))


def test_admin_page_links_the_static_icon(client, staff):
    client.force_login(staff)

    response = client.get(reverse("admin:index"))

    assert re.findall(r'<link rel="icon" href="([^"]+)"', response.content.decode()) == [static("img/favicon.svg")]
