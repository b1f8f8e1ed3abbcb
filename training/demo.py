"""The training group's courses for the demo: one in every state (a draft from an accepted
proposal, one with free seats, one full with an open offer and a waiting list, a closed one
with its ratings, a cancelled one), the Agorà programme with its open events, proposals from
trainers and what members ask to learn. Idempotent: a second run changes nothing, except to
move forward what time has left behind (sessions ahead, the open offer)."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from members.models import Sector, Skill
from training import services
from training.enums import CourseState, EnrolmentState, ProposalState
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

ROME = ZoneInfo("Europe/Rome")

AGORA = {
    "slug": "agora",
    "name": "Agorà",
    "summary": "Corsi e incontri aperti per imparare gli uni dagli altri: il progetto Agorà di Smart.",
    "description": (
        "Agorà è nata come piazza: un luogo dove i soci e le socie si incontrano, si raccontano il proprio "
        "lavoro e imparano gli uni dagli altri.\n\n"
        "Oggi raccoglie i corsi pensati con il gruppo Formazione e gli incontri aperti a tutti e tutte, "
        "senza iscrizione: per ripartire insieme dopo l'emergenza sanitaria."
    ),
}

# (title, days from today or a fixed date in Rome, hour, hours, place, online link, description)
AGORA_EVENTS = [
    (
        "Agorà: il lavoro culturale dopo il lockdown",
        datetime(2020, 9, 24, 18, 0, tzinfo=ROME),
        2,
        "Smart, via Example 1, Milano",
        "",
        "Il primo incontro aperto: racconti di soci e socie che hanno ripreso a lavorare.",
    ),
    (
        "Agorà: raccontare il proprio lavoro",
        12,
        2,
        "",
        "https://meet.example/smart-agora",
        "Un incontro aperto online: porta un progetto e raccontalo in cinque minuti.",
    ),
]

# Each course: its fields, its sessions ((days from today, hour) while it is ahead, or fixed
# dates in Rome), trainers (a demo member's first name, or an outside name) and enrolments.
COURSES = [
    {
        "slug": "progettare-per-i-bandi-europei",
        "title": "Progettare per i bandi europei",
        "area": "organizzazione-e-produzione-culturale",
        "skills": ["progettazione-e-bandi", "rendicontazione"],
        "summary": "Leggere un bando europeo, costruire il partenariato e scrivere una candidatura che regge.",
        "description": (
            "Tre incontri pratici per chi vuole candidarsi a un bando europeo tramite Smart: come si legge un "
            "bando, come si costruisce un partenariato, come si scrive e si rendiconta un progetto.\n\n"
            "Si lavora su bandi veri e sulle idee di chi partecipa."
        ),
        "format": "blended",
        "capacity": 12,
        "audience": "members",
        "state": CourseState.PUBLISHED,
        "agora": True,
        "sessions": [(14, 18), (21, 18), (28, 18)],
        "location": "Smart, via Example 1, Milano",
        "online_url": "https://meet.example/smart-bandi-europei",
        "trainers": [("luca", "", "Progetta e rendiconta bandi per la cultura da quindici anni.")],
        "enrolments": [("giulia", EnrolmentState.CONFIRMED), ("marco", EnrolmentState.CONFIRMED)],
    },
    {
        "slug": "montaggio-video-con-software-libero",
        "title": "Montaggio video con software libero",
        "area": "audiovisivo-e-cinema",
        "skills": ["montaggio-video"],
        "summary": "Dal girato al video finito con strumenti liberi e gratuiti: un corso pratico, computer alla mano.",
        "description": (
            "Due incontri di laboratorio: importare il girato, montare, correggere il colore, esportare per il "
            "web e per i festival.\n\n"
            "Aperto a chiunque abbia un account; porta il tuo computer portatile."
        ),
        "format": "in_person",
        "capacity": 3,
        "price_members": Decimal("40.00"),
        "price_others": Decimal("80.00"),
        "audience": "everyone",
        "state": CourseState.PUBLISHED,
        "agora": False,
        "sessions": [(10, 10), (17, 10)],
        "location": "Smart, via Example 1, Milano",
        "trainers": [("marco", "", "Montatore per il cinema documentario e la televisione.")],
        "enrolments": [
            ("sara", EnrolmentState.CONFIRMED),
            ("chiara", EnrolmentState.CONFIRMED),
            ("elena", EnrolmentState.OFFERED),
            ("davide", EnrolmentState.WAITLISTED),
            ("paolo", EnrolmentState.WAITLISTED),
        ],
    },
    {
        "slug": "comunicare-il-proprio-lavoro-sui-social",
        "title": "Comunicare il proprio lavoro sui social",
        "area": "design-e-comunicazione",
        "skills": ["social-media", "copywriting"],
        "summary": "Un piano semplice per raccontare il proprio lavoro sui social, senza perderci le giornate.",
        "description": "Due incontri online: obiettivi, pubblico, un calendario editoriale che si riesce a tenere.",
        "format": "online",
        "capacity": 20,
        "audience": "members",
        "state": CourseState.CLOSED,
        "agora": True,
        "sessions": [datetime(2020, 10, 6, 18, 0, tzinfo=ROME), datetime(2020, 10, 13, 18, 0, tzinfo=ROME)],
        "online_url": "https://meet.example/smart-social",
        "trainers": [("chiara", "", "Grafica e social media manager per festival e teatri.")],
        "enrolments": [
            ("giulia", EnrolmentState.CONFIRMED),
            ("sara", EnrolmentState.CONFIRMED),
            ("elena", EnrolmentState.CONFIRMED),
        ],
        "ratings": {
            "giulia": (5, "Finalmente un calendario che riesco a seguire."),
            "sara": (4, "Utile; avrei voluto più esempi sul video."),
            "elena": (4, ""),
        },
    },
    {
        "slug": "introduzione-alla-danza-contemporanea",
        "title": "Introduzione alla danza contemporanea",
        "area": "arti-dello-spettacolo",
        "skills": ["danza"],
        "summary": "Un laboratorio di movimento per chi lavora in scena e vuole conoscere il proprio corpo.",
        "description": "Annullato: la sala non era disponibile nelle date previste.",
        "format": "in_person",
        "capacity": 15,
        "price_members": Decimal("25.00"),
        "audience": "members",
        "state": CourseState.CANCELLED,
        "agora": False,
        "sessions": [datetime(2020, 11, 14, 10, 0, tzinfo=ROME)],
        "location": "Spazio danza, via Example 5, Napoli",
        "trainers": [("", "Marta Leone", "Danzatrice e coreografa.")],
        "enrolments": [("sara", EnrolmentState.CONFIRMED)],
    },
]

# Proposals from trainers: (proposer, topic, area, skills, format, fee, bio, state, answer, review).
PROPOSALS = [
    (
        "elena",
        "Fotografia di scena",
        "arti-visive",
        ["fotografia"],
        "in_person",
        Decimal("900.00"),
        "Fotografa di teatro e danza da dodici anni; ha insegnato in due accademie.",
        ProposalState.ACCEPTED,
        "Bella proposta: la mettiamo in calendario in autunno.",
        ("andrea", 5, "Molto richiesta da chi lavora in teatro."),
    ),
    (
        "giulia",
        "Registrare e montare un podcast",
        "musica",
        ["produzione-musicale"],
        "blended",
        Decimal("600.00"),
        "Compositrice e produttrice; cura due podcast sulla musica contemporanea.",
        ProposalState.SUBMITTED,
        "",
        ("andrea", 4, "Utile; teniamola in due incontri."),
    ),
    (
        "davide",
        "Un sito in un pomeriggio",
        "tecnologia-e-digitale",
        ["web-design"],
        "online",
        None,
        "Sviluppatore web, si occupa di accessibilità.",
        ProposalState.DECLINED,
        "Per ora ci concentriamo sui corsi più lunghi: riproponila con un programma più ampio.",
        None,
    ),
]
PROPOSAL_OUTLINE = "Tre incontri pratici, dal primo passo al lavoro finito, con esercizi tra un incontro e l'altro."

# What members ask to learn: (first name, areas, skills, wish).
INTERESTS = [
    ("giulia", ["audiovisivo-e-cinema"], ["fotografia", "montaggio-video"], ""),
    ("marco", [], ["social-media", "web-design"], "Scrivere un preventivo chiaro."),
    ("sara", ["design-e-comunicazione"], ["social-media"], "Gestire la contabilità da freelance."),
    ("davide", ["arti-visive"], ["fotografia"], ""),
    ("alessia", ["arti-visive"], ["illustrazione"], "Parlare in pubblico."),
]


def seed_training(members, staff):
    """`members` maps a demo member's first name to the member. Returns the courses."""
    today = timezone.now().astimezone(ROME).replace(minute=0, second=0, microsecond=0)
    agora = _seed_agora(today)
    courses = [_seed_course(spec, members, agora, today) for spec in COURSES]
    courses.append(_seed_proposals(members, staff))
    _seed_interests(members)
    # Who asked for a published course's area or skills is told once (InterestNotice).
    for course in Course.objects.filter(state=CourseState.PUBLISHED):
        services.tell_interested_members(course)
    return courses


def _at(when, today):
    """A fixed date as it is, or (days from today, hour)."""
    if isinstance(when, datetime):
        return when
    days, hour = when
    return (today + timedelta(days=days)).replace(hour=hour)


def _seed_agora(today):
    agora, _ = Programme.objects.update_or_create(
        slug=AGORA["slug"], defaults={key: AGORA[key] for key in ("name", "summary", "description")}
    )
    for title, when, hours, location, online_url, description in AGORA_EVENTS:
        start = when if isinstance(when, datetime) else (today + timedelta(days=when)).replace(hour=18)
        event = ProgrammeEvent.objects.filter(programme=agora, title=title).first()
        if event is not None and (isinstance(when, datetime) or event.starts_at > timezone.now()):
            continue
        fields = {"starts_at": start, "ends_at": start + timedelta(hours=hours), "location": location}
        ProgrammeEvent.objects.update_or_create(
            programme=agora, title=title, defaults={**fields, "online_url": online_url, "description": description}
        )
    return agora


def _seed_course(spec, members, agora, today):
    fields = {key: spec[key] for key in ("title", "summary", "description", "format", "capacity", "audience", "state")}
    fields.update(
        price_members=spec.get("price_members", Decimal("0.00")),
        price_others=spec.get("price_others", Decimal("0.00")),
        programme=agora if spec["agora"] else None,
        area=Sector.objects.get(slug=spec["area"]),
    )
    course, _ = Course.objects.update_or_create(
        slug=spec["slug"], defaults=fields, create_defaults={**fields, "published_at": timezone.now()}
    )
    course.skills.set(Skill.objects.filter(slug__in=spec["skills"]))
    for position, (first_name, name, bio) in enumerate(spec["trainers"]):
        member = members.get(first_name)
        CourseTrainer.objects.update_or_create(
            course=course, position=position, defaults={"member": member, "name": name, "bio": bio}
        )
    _seed_sessions(course, spec, today)
    _seed_enrolments(course, spec, members)
    for first_name, (rating, comment) in spec.get("ratings", {}).items():
        Feedback.objects.get_or_create(
            course=course, member=members[first_name], defaults={"rating": rating, "comment": comment}
        )
    return course


def _seed_sessions(course, spec, today):
    """Fixed dates stay; dates counted from today stay while the course is ahead, and are
    set again from today once its first session has passed."""
    starts = [_at(when, today) for when in spec["sessions"]]
    relative = not isinstance(spec["sessions"][0], datetime)
    current = list(course.sessions.order_by("starts_at"))
    if len(current) == len(starts) and (not relative or current[0].starts_at > timezone.now()):
        return
    course.sessions.all().delete()
    Session.objects.bulk_create(
        Session(
            course=course,
            title=f"Incontro {number}",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            location=spec.get("location", ""),
            online_url=spec.get("online_url", ""),
        )
        for number, start in enumerate(starts, start=1)
    )


def _seed_enrolments(course, spec, members):
    """The enrolments as listed, in that order; made again when they have moved on (an offer
    that lapsed or was accepted), so the demo always shows an open offer."""
    wanted = [(members[first_name].pk, state) for first_name, state in spec["enrolments"]]
    current = list(course.enrolments.order_by("queued_at", "pk").values_list("member_id", "state"))
    if current == wanted:
        return
    course.enrolments.all().delete()
    now = timezone.now()
    for index, (first_name, state) in enumerate(spec["enrolments"]):
        member = members[first_name]
        Enrolment.objects.create(
            course=course,
            member=member,
            state=state,
            queued_at=now + timedelta(seconds=index),
            confirmed_at=now if state == EnrolmentState.CONFIRMED else None,
            offered_at=now if state == EnrolmentState.OFFERED else None,
            offer_expires_at=now + timedelta(hours=36) if state == EnrolmentState.OFFERED else None,
            price=course.price_for(member),
        )
    if course.state == CourseState.CLOSED:
        for session in course.sessions.all():
            for enrolment in course.enrolments.all():
                Attendance.objects.get_or_create(session=session, enrolment=enrolment, defaults={"present": True})


def _seed_proposals(members, staff):
    """The proposals, their reviews and decisions (by the training group's facilitator);
    the accepted one is the draft course."""
    decider = members["andrea"]
    draft = None
    for proposer, topic, area, skills, format, fee, bio, state, answer, review in PROPOSALS:
        decided = state != ProposalState.SUBMITTED
        fields = {
            "area": Sector.objects.get(slug=area),
            "outline": PROPOSAL_OUTLINE,
            "format": format,
            "bio": bio,
            "expected_fee": fee,
            "state": state,
            "decision_note": answer,
            "decided_by": decider if decided else None,
        }
        proposal, _ = TrainerProposal.objects.update_or_create(
            proposer=members[proposer],
            topic=topic,
            defaults=fields,
            create_defaults={**fields, "decided_at": timezone.now() if decided else None},
        )
        proposal.skills.set(Skill.objects.filter(slug__in=skills))
        if review is not None:
            reviewer, score, comment = review
            ProposalReview.objects.get_or_create(
                proposal=proposal, reviewer=members[reviewer], defaults={"score": score, "comment": comment}
            )
        if state == ProposalState.ACCEPTED:
            draft = _draft_from(proposal, staff)
    return draft


def _draft_from(proposal, staff):
    """What accepting the proposal made: a draft course, its fields filled in from it."""
    fields = {
        "title": proposal.topic,
        "area": proposal.area,
        "summary": "Fotografare teatro, danza e concerti: luce, movimento, racconto.",
        "description": proposal.outline,
        "format": proposal.format,
        "state": CourseState.DRAFT,
        "internal_notes": f"Compenso richiesto nella proposta: € {proposal.expected_fee}.",
        "proposal": proposal,
    }
    course, _ = Course.objects.update_or_create(
        slug="fotografia-di-scena", defaults=fields, create_defaults={**fields, "created_by": staff}
    )
    course.skills.set(proposal.skills.all())
    CourseTrainer.objects.update_or_create(
        course=course, position=0, defaults={"member": proposal.proposer, "name": "", "bio": proposal.bio}
    )
    return course


def _seed_interests(members):
    for first_name, areas, skills, wish in INTERESTS:
        interest, _ = TrainingInterest.objects.get_or_create(member=members[first_name], defaults={"wish": wish})
        if interest.wish != wish:
            interest.wish = wish
            interest.save(update_fields=["wish", "updated_at"])
        interest.areas.set(Sector.objects.filter(slug__in=areas))
        interest.skills.set(Skill.objects.filter(slug__in=skills))
