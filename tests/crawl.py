"""Follow every link a person sees, with Django's test client, and keep what each answered.

The crawler reads a[href] and the actions of GET forms (a form without a method is a GET),
stays on the site, never posts, and leaves out the admin, static files and allauth's account
pages other than log-in and sign-up (they manage the reader's own account). A site of
thousands of meetings stays cheap: from each page it follows at most `per_shape` links of
one URL pattern (`incontri/<int:pk>/`), so every group's page gets a sample of its meetings.
"""

from collections import Counter, deque
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import timezone

LOGIN = "/account/login/"
SIGNUP = "/account/signup/"
NOT_FOLLOWED = ("/admin/", "/static/", "/media/", "/account/")
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Visit:
    url: str
    found_on: str | None
    response: HttpResponseBase

    @property
    def status(self):
        return self.response.status_code

    @property
    def redirects_to_login(self):
        return self.status in REDIRECTS and self.response["Location"].startswith(LOGIN)

    @property
    def is_html(self):
        return self.response.get("Content-Type", "").startswith("text/html")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") is not None:
            self.found.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self.found.append(attrs.get("action") or "")


def links_in(html, page_url):
    """The site addresses `html` links to, absolute paths with their query, without fragments."""
    parser = _Links()
    parser.feed(html)
    links = []
    for href in parser.found:
        href = href.strip()
        if href.startswith("#"):
            continue
        parts = urlsplit(urljoin(page_url, href))
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def followed(url):
    path = urlsplit(url).path
    if path.startswith((LOGIN, SIGNUP)):
        return True
    return not path.startswith(NOT_FOLLOWED)


def shape(url):
    """The URL pattern an address belongs to, e.g. `incontri/<int:pk>/`; unknown paths are their own shape."""
    path = urlsplit(url).path
    try:
        return resolve(path).route
    except Resolver404:
        return path


def crawl(client, start="/", *, per_shape=3):
    """Every page reachable from `start` by links, as the client's logged-in person (or a visitor)."""
    queue = deque([(start, None)])
    seen, visits = set(), []
    while queue:
        url, found_on = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        visit = Visit(url, found_on, response)
        visits.append(visit)
        if response.streaming:
            # Read a download to its end: the test client then closes the file without
            # closing the test's database connection, which response.close() would do.
            b"".join(response.streaming_content)
        elif visit.status in REDIRECTS:
            location = urljoin(url, response["Location"])
            if followed(location):
                queue.append((location, url))
        elif visit.is_html:
            per_page = Counter()
            for link in links_in(response.content.decode(), url):
                if link not in seen and followed(link) and per_page[shape(link)] < per_shape:
                    per_page[shape(link)] += 1
                    queue.append((link, url))
    return visits


def demo_world():
    """The three working groups as `make run` seeds them, with what a lived-in portal has:
    participants and a facilitator, past, upcoming, online and cancelled meetings with minutes,
    an open and a closed date poll, a pending request, documents (files and links) of each
    visibility, the participant's proposals in every state (one with an attachment, a
    co-author, supports, comments, a reply, a removed and a hidden comment, answers and
    progress), and the demo's funding calls, one in each phase (P applies, F reviews); files go
    to MEDIA_ROOT, so point it at a temporary folder. Returns the people by role: U registered
    but not verified, O verified but in no group, P participant, F facilitator, S staff."""
    from calls.demo import seed_calls
    from groups import services
    from groups.demo import seed_group_activity, seed_working_groups
    from groups.enums import Answer, DocumentVisibility, JoinPolicy, MembershipState
    from tests.factories import (
        DateSlotFactory,
        MeetingFactory,
        MemberFactory,
        MembershipFactory,
        StaffFactory,
        VerifiedMemberFactory,
    )

    groups = seed_working_groups()
    calls, training, research = groups
    people_in_groups = [VerifiedMemberFactory(visibility=v) for v in ("members", "members", "private", "members")]
    seed_group_activity(groups, {group.slug: people_in_groups for group in groups})
    facilitator, participant = people_in_groups[0], people_in_groups[1]
    research.join_policy = JoinPolicy.BY_REQUEST
    research.save(update_fields=["join_policy"])
    MembershipFactory(group=research, state=MembershipState.PENDING)

    soon = timezone.now() + timedelta(days=4)
    online = MeetingFactory(
        group=training,
        title="Incontro online",
        location="",
        online_url="https://meet.example/formazione",
        starts_at=soon,
        ends_at=soon + timedelta(hours=1),
        capacity=20,
    )
    services.answer_meeting(online, participant, Answer.YES)
    cancelled = MeetingFactory(group=training, title="Incontro annullato")
    services.cancel_meeting(cancelled, actor=facilitator)
    closed = DateSlotFactory(poll__group=calls, poll__title="Data dell'incontro di settembre").poll
    services.vote(closed, participant, {closed.slots.get().pk: Answer.YES})
    services.close_poll(closed, closed.slots.get(), actor=facilitator)

    past = training.meetings.get(title="Primo incontro del gruppo")
    for visibility in DocumentVisibility.values:
        services.add_document(
            training,
            actor=facilitator,
            title=f"Verbale ({visibility})",
            visibility=visibility,
            upload=SimpleUploadedFile(f"verbale-{visibility}.pdf", b"%PDF-1.4 verbale"),
            meeting=past,
        )
        services.add_document(
            calls, actor=facilitator, title=f"Link ({visibility})", visibility=visibility, url="https://example.org/x"
        )
    staff = StaffFactory()
    applicants = [participant, *(VerifiedMemberFactory() for _ in range(3)), people_in_groups[3]]
    seed_calls(applicants, facilitator, staff)
    people = {
        "U": MemberFactory(),
        "O": VerifiedMemberFactory(),
        "P": participant,
        "F": facilitator,
        "S": staff,
    }
    _training_world(people)
    _proposals(training, people, co_author=people_in_groups[2])
    _network_world(people)
    return people


def _network_world(people):
    """The network as the demo seeds it: F, P and two more members in the directory with
    skills (P wrote to F and is interested in a project by one of the others, whose
    collaborator is the other one), an open survey P answered and a closed one with results."""
    from members.models import Skill
    from members.vocabulary import seed_vocabulary
    from networking.demo import seed_network
    from networking.surveys import services as surveys
    from networking.surveys.enums import QuestionKind
    from tests.factories import VerifiedMemberFactory

    seed_vocabulary()
    listed = [people["F"], people["P"], VerifiedMemberFactory(), VerifiedMemberFactory()]
    for member, skills in zip(listed, (["fotografia"], ["montaggio-video"], ["fotografia"], ["grafica"]), strict=True):
        member.skills.add(*Skill.objects.filter(slug__in=skills))
    tools = seed_network(listed, people["S"])["surveys"][0]
    answers = {}
    for question in tools.questions.prefetch_related("choices"):
        choices = list(question.choices.all())
        if question.kind == QuestionKind.SINGLE:
            answers[question] = choices[0]
        elif question.kind == QuestionKind.MULTIPLE:
            answers[question] = choices[:2]
        elif question.kind == QuestionKind.SCALE:
            answers[question] = 3
        else:
            answers[question] = "Più occasioni di incontro."
    surveys.answer_survey(tools, people["P"], answers)


def _training_world(people):
    """Courses in every state as each person meets them: P holds seats (one in a course just
    over, to rate) and has a proposal under review; in a full course open to everyone O has an
    open offer and U waits; F (who facilitates the training group) teaches a draft made from
    an accepted proposal; an Agorà programme with an open event ahead and one past."""
    from tests.factories import (
        CourseFactory,
        CourseTrainerFactory,
        EnrolmentFactory,
        ProgrammeFactory,
        SessionFactory,
        TrainerProposalFactory,
    )
    from training import services

    now = timezone.now()
    agora = ProgrammeFactory(name="Agorà", slug="agora")
    agora.events.create(
        title="Incontro aperto",
        starts_at=now + timedelta(days=6),
        ends_at=now + timedelta(days=6, hours=2),
        online_url="https://agora.example/diretta",
    )
    agora.events.create(
        title="Primo incontro", starts_at=now - timedelta(days=60), ends_at=now - timedelta(days=60, hours=-2)
    )
    open_course = CourseFactory(title="Progettare per i bandi", programme=agora, sessions=0, format="online")
    SessionFactory(course=open_course, location="", online_url="https://meet.example/corso")
    EnrolmentFactory(course=open_course, member=people["P"])
    full = CourseFactory(
        title="Montaggio video", capacity=2, audience="everyone", price_members="40", price_others="80"
    )
    EnrolmentFactory(course=full, member=people["P"], price="40")
    EnrolmentFactory(course=full, member=people["O"], state="offered", offer_expires_at=now + timedelta(hours=30))
    EnrolmentFactory(course=full, member=people["U"], state="waitlisted", price="80")
    over = CourseFactory(title="Comunicare sui social", programme=agora, state="closed", sessions=0)
    SessionFactory(course=over, starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=3, hours=-2))
    seat = EnrolmentFactory(course=over, member=people["P"])
    CourseTrainerFactory(course=over, member=people["F"])
    services.mark_attendance(over.sessions.get(), actor=people["F"], present={seat.pk})
    CourseFactory(title="Danza contemporanea", state="cancelled")
    TrainerProposalFactory(proposer=people["P"])
    accepted = TrainerProposalFactory(topic="Fotografia di scena")
    services.review_proposal(accepted, people["F"], score=5, comment="Sì")
    draft = services.accept_proposal(accepted, actor=people["F"])
    CourseTrainerFactory(course=draft, member=people["F"])
    services.save_interests(people["P"], areas=[full.area], skills=[], wish="Fotografia di scena")


def _proposals(group, people, *, co_author):
    """The participant's proposals, one in every state, and the life of the published ones."""
    from groups.proposals import services
    from groups.proposals.enums import ProposalState
    from tests.factories import proposal_in

    author, staff = people["P"], people["S"]
    made = {
        state: proposal_in(state, group=group, author=author, staff=staff, title=f"Proposta: {label}")
        for state, label in ProposalState.choices
    }
    published = made[ProposalState.ACCEPTED]
    services.update_proposal(
        made[ProposalState.DRAFT],
        actor=author,
        coauthors=[co_author],
        uploads=[SimpleUploadedFile("analisi.pdf", b"%PDF-1.4 analisi")],
        title="Proposta: bozza",
        problem="Il problema, con un [link](https://example.org).",
        solution="- uno\n- due",
        benefit="**Chiaro**.",
    )
    services.support(published, people["O"])
    services.add_progress_update(published, actor=staff, text="Primo passo fatto.")
    first = services.add_comment(published, author=people["F"], text="Bella idea.")
    services.add_comment(published, author=people["O"], text="Concordo.", parent=first)
    services.remove_comment(services.add_comment(published, author=people["O"], text="Tolgo."), author=people["O"])
    hidden = services.add_comment(published, author=people["O"], text="Fuori tema.")
    services.hide_comment(hidden, actor=staff, reason="Fuori tema.")
    services.report(made[ProposalState.PUBLISHED], reporter=people["O"], reason="Doppione.")
    services.hide_proposal(
        proposal_in(ProposalState.PUBLISHED, group=group, author=author, staff=staff, title="Proposta nascosta"),
        actor=staff,
        reason="Dati personali.",
    )
