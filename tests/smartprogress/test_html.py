"""Every page is valid HTML for the W3C Nu checker, with headings in order and a title;
public pages say what they are about in a meta description.

The pages: every page the crawler reaches as each kind of person (admin excluded), and the
pages the browser journeys reach through forms, in the states they see them:
- test_signup_journey.py: a visitor on /, the sign-up form, its errors, "check your e-mail",
  the confirmation page; the new person's dashboard and verification page (errors, asked);
  staff's /admin/ starts on the log-in page; the verified member's dashboard.
- test_group_journey.py: a verified member logs in, opens /gruppi/ and a group, joins it,
  proposes dates (form, errors, the new poll); others vote; the facilitator reads the results
  and closes the poll (the new meeting); the member answers the meeting.
- test_accessibility.py: /, log-in, sign-up (and its errors), /gruppi/, a group, /documenti/,
  /privacy/ as a visitor; dashboard, group, meeting, poll, poll and meeting forms, /profilo/ as
  a facilitator.
- test_htmx_focus.py: a group page as a verified member, before and after joining.
- test_training_journey.py: a course page as two members (enrolled, waiting, offered, confirmed).
- test_proposal_journey.py: a participant writes a proposal (form, errors, the draft), sends
  it; staff publish it in the admin; another member supports and comments; staff answer it
  and add a progress update; the author reads each step on the proposal and the dashboard.
- test_accessibility.py also scans /proposte/, a proposal, its form and the report form.
- test_network_journey.py: a member shows their profile in the directory, another finds and
  writes to them, both join a common project; a member answers a survey, staff read the split.
- test_calls_journey.py and test_calls_accessibility.py: members apply (the start and edit forms,
  with their errors), reviewers score (the form, with its errors), a member asks Smart to lead
  a project and comments on the draft rules, the staff assess a lead-partner request.
- test_notifications_journey.py: /notifiche/ and the preferences (crawled), the preferences
  with errors, everything read, and the unsubscribe pages a visitor opens from an e-mail.
GET pages come from the crawl; journey_pages() adds what only a POST shows.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from calls.models import Candidacy, LeadPartnerRequest
from groups.models import DatePoll
from groups.proposals.models import Proposal
from notifications.services import DIGEST, unsubscribe_token
from tests.crawl import crawl, demo_world
from tests.html_check import nu_errors, outline, skipped_levels
from training.models import Course, TrainerProposal

# A visitor, U registered but not verified, O verified outside the groups, P participant,
# F facilitator, S staff.
ROLES = ["A", "U", "O", "P", "F", "S"]
SITE = " · Smart in Progress"


@pytest.fixture
def people(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_world()


def _as(client, person):
    client.logout()
    if person is not None:
        client.force_login(person)


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def journey_pages(client, people, on_commit):
    """The pages the browser journeys reach by posting forms, in the states they see them."""
    pages = {}

    def keep(name, response):
        assert response.status_code == 200, name
        pages[name] = response.content.decode()

    # test_signup_journey.py and test_accessibility.py: a visitor signs up and confirms.
    _as(client, None)
    keep("A sign-up with errors", client.post("/account/signup/", {}))
    keep("A log-in with errors", client.post("/account/login/", {"login": "nessuno@soci.example", "password": "x"}))
    with on_commit(execute=True):
        signup = {
            "full_name": "Anna Verdi",
            "email": "anna.verdi@soci.example",
            "password1": "Ciclamino-Rosso-77",
            "password2": "Ciclamino-Rosso-77",
            "privacy": "on",
        }
        keep("A sign-up sent", client.post("/account/signup/", signup, follow=True))
    link = re.search(r"https?://[^/\s]+(/account/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    keep("A confirm e-mail", client.get(link))
    # The new person asks for verification, first with a wrong number.
    _as(client, people["U"])
    keep("U verification with errors", client.post("/profilo/verifica/", {"membership_number": "12ab"}))
    keep("U verification asked", client.post("/profilo/verifica/", {"membership_number": "004321"}, follow=True))

    # test_group_journey.py: a member joins, proposes dates, the group votes, the facilitator
    # closes the poll, the member answers the meeting.
    _as(client, people["O"])
    keep("O joined", client.post("/gruppi/formazione/partecipa/", follow=True))
    now = timezone.now()
    poll = {
        "title": "Aree di formazione 2021",
        "duration": "120",
        "closes_at": _local(now + timedelta(days=5)),
        "slot_1": _local(now + timedelta(days=8)),
        "slot_2": _local(now + timedelta(days=9)),
    }
    past = _local(now - timedelta(days=1))
    keep("O poll form with errors", client.post("/gruppi/formazione/date/nuovo/", {**poll, "slot_1": past}))
    keep("O poll created", client.post("/gruppi/formazione/date/nuovo/", poll, follow=True))
    created = DatePoll.objects.get(title="Aree di formazione 2021")
    votes = {f"slot_{slot.pk}": "yes" for slot in created.slots.all()}
    _as(client, people["P"])
    keep("P voted", client.post(f"/gruppi/formazione/date/{created.pk}/", votes, follow=True))
    _as(client, people["F"])
    keep("F poll results", client.get(f"/gruppi/formazione/date/{created.pk}/"))
    chosen = {"slot": created.slots.first().pk}
    closed = client.post(f"/gruppi/formazione/date/{created.pk}/chiudi/", chosen, follow=True)
    keep("F poll closed", closed)
    keep("F meeting form with errors", client.post("/gruppi/formazione/incontri/nuovo/", {"title": ""}))
    _as(client, people["O"])
    meeting = closed.redirect_chain[-1][0]
    keep("O answered", client.post(f"{meeting}risposta/", {"answer": "yes"}, follow=True))

    # test_training_journey.py: a member takes the last seat, another waits and accepts the
    # offer. Here too: forms with errors, a rating, attendance, a proposal reviewed and decided.
    full = Course.objects.get(title="Montaggio video")
    keep("O accepted", client.post(f"/formazione/{full.slug}/accetta/", follow=True))
    keep("O proposal with errors", client.post("/formazione/proponi/", {"expected_fee": "dieci"}))
    keep("O interests with errors", client.post("/formazione/interessi/", {"areas": ["999999"]}))
    keep("O catalogue with a bad filter", client.get("/formazione/?area=nessuna&prezzo=x"))
    _as(client, people["P"])
    over = Course.objects.get(title="Comunicare sui social")
    keep("P rating with errors", client.post(f"/formazione/{over.slug}/valutazione/", {"rating": "9"}))
    keep("P rated", client.post(f"/formazione/{over.slug}/valutazione/", {"rating": "4"}, follow=True))
    keep("P cancelled", client.post(f"/formazione/{full.slug}/annulla/", follow=True))
    _as(client, people["F"])
    keep("F attendance saved", client.post(f"/formazione/{over.slug}/presenze/{over.sessions.get().pk}/", follow=True))
    proposal = TrainerProposal.objects.get(state="submitted")
    keep("F review with errors", client.post(f"/formazione/proposte/{proposal.pk}/valuta/", {"score": "0"}))
    keep("F decline with errors", client.post(f"/formazione/proposte/{proposal.pk}/decidi/", {"decision": "decline"}))
    # test_proposal_journey.py: the proposal form and its errors, a refused comment and reply,
    # a report without a reason, a comment being edited.
    _as(client, people["P"])
    keep("P proposal form with errors", client.post("/gruppi/formazione/proposte/nuova/", {"title": ""}))
    written = {
        "title": "Corsi serali",
        "problem": "Di giorno lavoriamo.",
        "solution": "Corsi alle 19.",
        "benefit": "Più iscritti.",
    }
    keep("P proposal saved", client.post("/gruppi/formazione/proposte/nuova/", written, follow=True))
    accepted = Proposal.objects.get(state="accepted")
    _as(client, people["O"])
    keep("O comment with errors", client.post(f"/proposte/{accepted.pk}/commenti/", {"text": ""}))
    first = accepted.comments.filter(parent=None, removed_at=None, hidden_at=None).first()
    reply = {"text": "", "risposta_a": first.pk}
    keep("O reply with errors", client.post(f"/proposte/{accepted.pk}/commenti/", reply))
    keep("O report with errors", client.post(f"/proposte/{accepted.pk}/segnala/", {"reason": ""}))
    keep("O supported", client.post(f"/proposte/{accepted.pk}/sostegno/", {"azione": "ritira"}, follow=True))
    _as(client, people["F"])
    keep(
        "F comment edit with errors",
        client.post(f"/proposte/{accepted.pk}/commenti/{first.pk}/modifica/", {"text": ""}),
    )
    _as(client, people["O"])
    # test_calls_journey.py: applying, scoring, asking Smart to lead, commenting on the rules.
    keep("O candidacy start with errors", client.post("/bandi/cultura-futura-2021/candidatura/", {"title": ""}))
    keep("O lead request with errors", client.post("/bandi/capofila/nuova/", {"budget": "tanti"}))
    keep("O rules comment with errors", client.post("/bandi/regolamento/3/", {"text": " "}))
    _as(client, people["P"])
    draft = Candidacy.objects.get(applicant=people["P"], state="draft")
    edit = f"{draft.get_absolute_url()}modifica/"
    keep("P candidacy form with errors", client.post(edit, {"title": "", "budget": "dodici"}))
    _as(client, people["F"])
    scored = Candidacy.objects.filter(call__slug="spettacolo-dal-vivo-2021").first()
    keep("F score form with errors", client.post(f"{scored.get_absolute_url()}valutazione/", {}))
    _as(client, people["S"])
    pending = LeadPartnerRequest.objects.get(state="submitted")
    keep("S lead assessment with errors", client.post(f"/bandi/capofila/{pending.pk}/", {"decision": "accepted"}))
    # test_network_journey.py: the profile's directory choices, a message, a project, a survey.
    _as(client, people["O"])
    directory_error = {"full_name": "O", "language": "it", "time_zone": "Europe/Rome", "visibility": "private"}
    keep("O profile with directory errors", client.post("/profilo/", {**directory_error, "in_directory": "on"}))
    keep("O contact with errors", client.post(f"/rete/soci/{people['F'].pk}/contatta/", {"body": ""}))
    keep("O project form with errors", client.post("/rete/progetti/nuovo/", {"title": ""}))
    keep("O survey with errors", client.post("/questionari/strumenti-di-smart/", {}))
    keep("O directory search", client.get("/rete/", {"q": "fotografia", "skill": "x", "region": "marte"}))
    _as(client, people["P"])
    keep("P inbox", client.get("/rete/messaggi/"))
    _as(client, people["S"])
    keep("S split results", client.get("/questionari/strumenti-di-smart/risultati/?per=modo"))

    # test_notifications_journey.py: preferences with errors, one-click unsubscribe (the
    # confirmation, done, a link that does not work) as a visitor would open it from an e-mail.
    _as(client, people["P"])
    keep("P preferences with errors", client.post("/profilo/preferenze/", {"digest_frequency": "ogni ora"}))
    keep("P all read", client.post("/notifiche/lette/", follow=True))
    token = unsubscribe_token(people["P"], DIGEST)
    _as(client, None)
    keep("A unsubscribe confirmation", client.get(f"/disiscrizione/{token}/"))
    keep("A unsubscribed", client.post(f"/disiscrizione/{token}/"))
    response = client.get("/disiscrizione/non-valido/")
    assert response.status_code == 400
    pages["A unsubscribe link that does not work"] = response.content.decode()
    return pages


def crawled_pages(client, people):
    pages = {}
    for role in ROLES:
        _as(client, people.get(role))
        for visit in crawl(client):
            if visit.is_html:
                pages[f"{role} {visit.url}"] = visit.response.content.decode()
    return pages


def test_every_page_is_valid_html_with_headings_in_order(client, people, tmp_path, django_capture_on_commit_callbacks):
    pages = crawled_pages(client, people) | journey_pages(client, people, django_capture_on_commit_callbacks)

    structure = []
    for name, html in pages.items():
        levels, description, title = outline(html)
        structure += [f"{name}: {problem}" for problem in skipped_levels(levels)]
        if not description:
            structure.append(f"{name}: no meta description")
        if not title.endswith(SITE) or title == SITE.strip(" ·"):
            structure.append(f"{name}: title {title!r}")
    assert structure == []
    folder = tmp_path / "pages"
    folder.mkdir()
    assert nu_errors(pages, folder) == []


def test_public_pages_each_describe_themselves(client, people):
    urls = [
        "/",
        "/gruppi/",
        "/gruppi/formazione/",
        "/formazione/",
        "/gruppi/formazione/incontri/",
        f"/incontri/{people['P'].rsvps.first().meeting_id}/",
        "/documenti/",
        "/privacy/",
        "/account/login/",
        "/account/signup/",
    ]

    descriptions = [outline(client.get(url).content.decode())[1] for url in urls]

    assert len(set(descriptions)) == len(urls)
    assert "" not in descriptions
