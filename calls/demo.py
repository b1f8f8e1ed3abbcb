"""Demo calls for "Dentro e fuori i bandi", one in each phase, made through the same services
members and staff use (so the ranking on the demo's page is computed by the real function):

- an open call with no limit, a draft candidacy, an invitation and an open role;
- an open call with a limit of 3;
- a call in scoring (limit 1): the seed's hash is on its page;
- a call whose limit of 2 bit, with its ranking published (a conflicted reviewer, a tie,
  an applicant selected in the previous 12 months) and one selected candidacy sent to the funder;
- a past call whose project was funded and is in reporting;
- lead-partner criteria and requests, and three versions of the rules (the last a draft).

Idempotent: a call that exists is left as it is, except that an open call whose deadline
time has left behind moves forward."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from calls import services
from calls.enums import CallStatus, CandidacyState, FunderKind, MilestoneKind, RulesStatus, TaskOwner
from calls.models import (
    CallReviewer,
    Candidacy,
    Criterion,
    FundingCall,
    LeadCriterion,
    LeadPartnerRequest,
    RequiredDocument,
    ResponsibilityTemplateItem,
    RulesVersion,
)
from groups.demo import demo_pdf
from members.models import Sector, Skill
from smartprogress import pagecache

ROME = ZoneInfo("Europe/Rome")

CRITERIA = [
    ("Qualità artistica e culturale del progetto", "Originalità, solidità, coerenza con il bando.", 3, False),
    ("Impatto sul territorio e sulle comunità", "Chi ne beneficia, con quali alleanze locali.", 2, False),
    ("Sostenibilità economica", "Un piano dei costi realistico, altre entrate.", 2, False),
    (
        "Lavoro equo e rispetto dei criteri etici",
        "Compensi adeguati per tutte le persone coinvolte, parità di genere, accessibilità.",
        2,
        True,
    ),
]
# After the internal deadline, before the funder's (two weeks later): the work between the two.
RESPONSIBILITIES = [
    ("Verificare l'ammissibilità e i documenti", TaskOwner.STAFF, -2),
    ("Raccogliere le lettere dei partner", TaskOwner.TEAM, -4),
    ("Firmare la domanda come legale rappresentante", TaskOwner.STAFF, -8),
    ("Caricare la domanda sulla piattaforma del finanziatore", TaskOwner.STAFF, -10),
]
REQUIRED = [("Progetto artistico (PDF)", "Al massimo dieci pagine.")]

LEAD_CRITERIA = [
    ("Coerenza con la missione mutualistica di Smart", "Il progetto crea lavoro per i soci e le socie.", False),
    ("Sostenibilità economica", "Il budget copre i costi, anche di gestione della cooperativa.", False),
    ("Lavoro equo", "Compensi adeguati e contratti regolari per tutte le persone coinvolte.", True),
    ("Nessun finanziatore in conflitto con i valori della cooperativa", "Niente armi, gioco d'azzardo, fossile.", True),
]
LEAD_RESPONSIBILITIES = [
    ("Presentare il budget dettagliato", TaskOwner.TEAM, 20),
    ("Aprire il progetto nel gestionale di Smart", TaskOwner.STAFF, 10),
    ("Firmare gli accordi con i partner", TaskOwner.STAFF, 3),
]

RULES = [
    (
        "Regole per partecipare ai bandi tramite Smart",
        "Prima versione, discussa dal gruppo a luglio 2020.",
        [
            "Ogni socio o socia verificato può candidarsi a un bando tramite Smart dal portale.",
            "La candidatura arriva a Smart entro la scadenza interna, prima di quella del finanziatore.",
            "Lo staff verifica l'ammissibilità e firma la domanda come legale rappresentante.",
        ],
    ),
    (
        "Regole per partecipare ai bandi tramite Smart",
        "Aggiunte le regole per i bandi a candidature limitate.",
        [
            "Ogni socio o socia verificato può candidarsi a un bando tramite Smart dal portale.",
            "La candidatura arriva a Smart entro la scadenza interna, prima di quella del finanziatore.",
            "Lo staff verifica l'ammissibilità e firma la domanda come legale rappresentante.",
            "Quando un bando ammette poche candidature, valutatori senza conflitti di interesse assegnano "
            "un punteggio da 0 a 5 a ogni criterio; a parità di punteggio passa prima chi non è stato "
            "selezionato negli ultimi 12 mesi, poi decide un sorteggio che chiunque può ricalcolare.",
        ],
    ),
    (
        "Regole per partecipare ai bandi tramite Smart",
        "Bozza: scadenze e rendicontazione.",
        [
            "Ogni socio o socia verificato può candidarsi a un bando tramite Smart dal portale.",
            "La candidatura arriva a Smart almeno sette giorni prima della scadenza del finanziatore.",
            "Lo staff verifica l'ammissibilità e firma la domanda come legale rappresentante.",
            "Quando un bando ammette poche candidature, valutatori senza conflitti di interesse assegnano "
            "un punteggio da 0 a 5 a ogni criterio; a parità di punteggio passa prima chi non è stato "
            "selezionato negli ultimi 12 mesi, poi decide un sorteggio che chiunque può ricalcolare.",
            "La rendicontazione segue le scadenze del finanziatore: il portale le ricorda a chi le deve.",
        ],
    ),
]


def _day(days, hour=12):
    """A moment `days` from today at `hour`, Rome time."""
    today = timezone.now().astimezone(ROME).replace(minute=0, second=0, microsecond=0)
    return today.replace(hour=hour) + timedelta(days=days)


def _make_call(slug, *, title, funder, kind, summary, days, limit=None, sectors=(), eligibility="", url=""):
    call = FundingCall.objects.create(
        slug=slug,
        title=title,
        funder=funder,
        funder_kind=kind,
        summary=summary,
        eligibility=eligibility,
        url=url,
        internal_deadline=_day(days),
        funder_deadline=_day(days + 14, hour=17),
        max_candidacies=limit,
    )
    call.sectors.set(Sector.objects.filter(slug__in=sectors))
    Criterion.objects.bulk_create(
        Criterion(call=call, name=name, description=text, weight=weight, is_ethical=ethical, position=index)
        for index, (name, text, weight, ethical) in enumerate(CRITERIA)
    )
    RequiredDocument.objects.bulk_create(
        RequiredDocument(call=call, name=name, description=text, position=index)
        for index, (name, text) in enumerate(REQUIRED)
    )
    ResponsibilityTemplateItem.objects.bulk_create(
        ResponsibilityTemplateItem(call=call, title=title, owner=owner, days_before=days, position=index)
        for index, (title, owner, days) in enumerate(RESPONSIBILITIES)
    )
    services.publish_call(call, actor=None)
    call.refresh_from_db()
    return call


def _apply(call, member, title, summary, budget, *, team=()):
    """A complete candidacy, submitted, with its team."""
    candidacy = services.start_candidacy(call, member, title=title, summary=summary, budget=Decimal(budget))
    services.update_candidacy(candidacy, actor=member, declares_no_conflict=True, accepts_ethics=True)
    for requirement in call.required_documents.all():
        pdf = demo_pdf(f"{title}", [summary, f"Budget: {budget} euro"])
        services.upload_document(candidacy, requirement, SimpleUploadedFile("progetto.pdf", pdf), actor=member)
    for mate in team:
        invitation = services.invite_team_member(candidacy, mate, actor=member)
        services.answer_invitation(invitation, accept=True)
    services.submit_candidacy(candidacy, actor=member)
    return candidacy


def _past_deadline(call, days=-1):
    """Time passes: the internal deadline is behind us (the funder's after it)."""
    FundingCall.objects.filter(pk=call.pk).update(internal_deadline=_day(days), funder_deadline=_day(days + 14, 17))
    call.refresh_from_db()


def _eligible(candidacies, staff):
    for candidacy in candidacies:
        services.set_candidacy_state(candidacy, CandidacyState.ELIGIBLE, actor=staff)


def _score(candidacy, reviewer, values, comments):
    criteria = list(candidacy.call.criteria.all())
    services.submit_scores(
        candidacy,
        reviewer,
        {c.pk: (value, comment) for c, value, comment in zip(criteria, values, comments, strict=True)},
    )


def seed_calls(applicants, reviewer, staff):
    """`applicants`: five verified members (the first applies to the ranked call and is selected;
    the fifth led a funded project last year with the second on the team, so the second was
    selected in the previous 12 months); `reviewer`: a verified member appointed to review."""
    first, second, third, fourth, fifth = applicants[:5]
    _seed_lead_partner(fifth, third, staff)
    _seed_rules(applicants, staff)
    if not FundingCall.objects.filter(slug="europa-creativa-2020").exists():
        _seed_funded(fifth, second, staff)
    if not FundingCall.objects.filter(slug="residenze-artistiche-2021").exists():
        _seed_ranked([first, second, third, fourth], reviewer, staff)
    if not FundingCall.objects.filter(slug="spettacolo-dal-vivo-2021").exists():
        _seed_scoring([third, fourth, fifth], reviewer, staff)
    _seed_open(first, fourth, third, staff)
    pagecache.changed("calls")  # deadlines moved by update(), which sends no signal


def _seed_open(applicant, invitee, offerer, staff):
    call = FundingCall.objects.filter(slug="cultura-futura-2021").first()
    if call is None:
        call = _make_call(
            "cultura-futura-2021",
            title="Cultura Futura 2021",
            funder="Regione Lombardia",
            kind=FunderKind.PUBLIC,
            summary=(
                "Contributi a fondo perduto per progetti culturali che coinvolgono le comunità locali, "
                "con attenzione ai giovani e alle periferie."
            ),
            eligibility="Imprese culturali e creative, cooperative, enti del terzo settore con sede in Lombardia.",
            url="https://example.org/bandi/cultura-futura-2021",
            days=25,
            sectors=["musica", "arti-visive", "arti-dello-spettacolo"],
        )
        candidacy = services.start_candidacy(
            call,
            applicant,
            title="Suoni di quartiere",
            summary="Laboratori musicali gratuiti nei cortili delle case popolari, con un concerto finale.",
            budget=Decimal("18000.00"),
        )
        services.invite_team_member(candidacy, invitee, actor=applicant, role="Fotografia e documentazione")
        role = services.open_role(
            candidacy,
            actor=applicant,
            title="Grafica per la comunicazione",
            description="Locandine, social e il libretto del concerto finale.",
            skills=Skill.objects.filter(slug__in=["grafica", "web-design", "social-media"]),
        )
        # An offer waiting for the team's answer: under the applicant's bell.
        services.offer_to_join(role, offerer, message="Ho già curato la grafica di due festival di quartiere.")
        services.follow_call(call, invitee)
    elif call.status == CallStatus.OPEN and call.internal_deadline <= timezone.now():
        FundingCall.objects.filter(pk=call.pk).update(internal_deadline=_day(25), funder_deadline=_day(39, 17))
    if not FundingCall.objects.filter(slug="fondo-giovani-creativi").exists():
        _make_call(
            "fondo-giovani-creativi",
            title="Fondo Giovani Creativi",
            funder="Fondazione Esempio per le arti",
            kind=FunderKind.PRIVATE,
            summary="Borse per progetti di artisti e artiste sotto i 35 anni: produzione, residenze, prime opere.",
            eligibility="Persone fisiche o cooperative per conto di soci e socie under 35.",
            days=12,
            limit=3,
            sectors=["arti-visive", "audiovisivo-e-cinema", "editoria-e-scrittura"],
        )
    else:
        kept = FundingCall.objects.filter(slug="fondo-giovani-creativi", status=CallStatus.OPEN)
        kept.filter(internal_deadline__lte=timezone.now()).update(
            internal_deadline=_day(12), funder_deadline=_day(26, 17)
        )


def _in_scoring(call, applicants, projects, reviewer, staff):
    """Each applicant submits a project; the deadline passes, all are eligible, scoring opens
    with the reviewer and the staff as reviewers. Returns the candidacies."""
    candidacies = [
        _apply(call, member, title, summary, budget)
        for member, (title, summary, budget) in zip(applicants, projects, strict=True)
    ]
    _past_deadline(call)
    _eligible(candidacies, staff)
    for member in (reviewer, staff):
        CallReviewer.objects.create(call=call, member=member)
    services.open_scoring(call, actor=staff)
    return candidacies


def _seed_ranked(applicants, reviewer, staff):
    """Limit 2, four eligible: scored by two reviewers, one of whom declared a conflict."""
    call = _make_call(
        "residenze-artistiche-2021",
        title="Residenze artistiche 2021",
        funder="Fondazione Esempio per le arti",
        kind=FunderKind.PRIVATE,
        summary="Tre mesi di residenza per progetti di creazione contemporanea, con un contributo alla produzione.",
        eligibility="Artisti, artiste e compagnie con un progetto di creazione; ogni ente ne presenta al massimo due.",
        days=6,
        limit=2,
        sectors=["arti-dello-spettacolo", "arti-visive", "musica"],
    )
    projects = [
        ("Corpi in ascolto", "Una performance di danza costruita con le persone anziane del quartiere.", "24000"),
        ("Il suono delle montagne", "Un documentario sonoro sulle valli alpine che si spopolano.", "15500"),
        ("Mappe tessili", "Arazzi collettivi cuciti con le comunità migranti della città.", "19800"),
        ("Teatro in cortile", "Spettacoli brevi nei cortili, scritti con chi ci abita.", "12000"),
    ]
    candidacies = _in_scoring(call, applicants, projects, reviewer, staff)
    # The reviewer knows the team of "Teatro in cortile": declared, so only the staff score it.
    services.declare_conflict(candidacies[3], reviewer, note="Ho lavorato con questa compagnia l'anno scorso.")
    comments = [
        "Progetto solido e originale.",
        "Buone alleanze locali.",
        "Budget realistico.",
        "Compensi adeguati per tutti.",
    ]
    # "Il suono delle montagne" and "Mappe tessili" tie; the first has an applicant selected
    # less than 12 months ago, so "Mappe tessili" passes ahead of it.
    _score(candidacies[0], reviewer, [5, 4, 4, 5], comments)
    _score(candidacies[0], staff, [5, 5, 4, 4], comments)
    _score(candidacies[1], reviewer, [4, 4, 3, 4], comments)
    _score(candidacies[1], staff, [4, 4, 4, 3], comments)
    _score(candidacies[2], reviewer, [4, 4, 4, 3], comments)
    _score(candidacies[2], staff, [4, 4, 3, 4], comments)
    _score(candidacies[3], staff, [3, 4, 3, 4], comments)
    services.publish_ranking(call, actor=staff)
    first = Candidacy.objects.get(pk=candidacies[0].pk)
    services.set_candidacy_state(first, CandidacyState.SENT_TO_FUNDER, actor=staff)


def _seed_scoring(applicants, reviewer, staff):
    call = _make_call(
        "spettacolo-dal-vivo-2021",
        title="Spettacolo dal vivo: ripartenza 2021",
        funder="Ministero della Cultura",
        kind=FunderKind.PUBLIC,
        summary="Sostegno alla ripresa delle attività di spettacolo dal vivo dopo l'emergenza sanitaria.",
        eligibility="Organismi di spettacolo dal vivo con almeno due anni di attività.",
        days=4,
        limit=1,
        sectors=["arti-dello-spettacolo", "musica"],
    )
    projects = [
        ("Concerti nelle biblioteche", "Venti concerti acustici nelle biblioteche di provincia.", "9000"),
        ("Danza nei parchi", "Una stagione estiva di danza contemporanea all'aperto.", "14000"),
        ("Radiodramma dal vivo", "Un radiodramma registrato davanti al pubblico, in quattro puntate.", "7500"),
    ]
    candidacies = _in_scoring(call, applicants, projects, reviewer, staff)
    _score(candidacies[0], reviewer, [4, 3, 4, 4], ["Bella idea.", "", "", ""])


def _seed_funded(applicant, teammate, staff):
    """A call of last year: the project was selected, funded, and is now in reporting."""
    call = _make_call(
        "europa-creativa-2020",
        title="Europa Creativa 2020: cooperazione su piccola scala",
        funder="Commissione europea",
        kind=FunderKind.PUBLIC,
        summary="Progetti di cooperazione culturale tra almeno tre paesi europei.",
        days=10,
    )
    candidacy = _apply(
        call,
        applicant,
        "Archivi di voci",
        "Un archivio sonoro europeo dei mestieri che scompaiono, con partner in Spagna e Belgio.",
        "60000",
        team=[teammate],
    )
    _past_deadline(call)
    _eligible([candidacy], staff)
    services.select_all_eligible(call, actor=staff)
    for state in (CandidacyState.SENT_TO_FUNDER, CandidacyState.FUNDED, CandidacyState.REPORTING):
        services.set_candidacy_state(candidacy, state, actor=staff)
    for task in candidacy.tasks.all():
        services.set_task_done(task, actor=staff if task.owner == TaskOwner.STAFF else applicant, done=True)
    services.add_milestone(
        candidacy,
        actor=staff,
        kind=MilestoneKind.EXPENSE_REPORT,
        title="Rendiconto intermedio delle spese",
        due_at=_day(10),
        description="Fatture e giustificativi del primo semestre.",
    )
    report = services.add_milestone(
        candidacy,
        actor=staff,
        kind=MilestoneKind.DELIVERABLE,
        title="Prima raccolta di registrazioni",
        due_at=_day(40),
    )
    pdf = demo_pdf("Prima raccolta di registrazioni", ["Trenta interviste registrate in tre paesi."])
    services.deliver_milestone(report, SimpleUploadedFile("registrazioni.pdf", pdf), actor=applicant)
    services.sign_off_milestone(report, actor=staff, note="Ottimo lavoro.")
    # A year ago: far enough to be last year's call, near enough for the 12-month rule.
    decided = _day(-200)
    FundingCall.objects.filter(pk=call.pk).update(
        internal_deadline=_day(-210), funder_deadline=_day(-196, 17), status=CallStatus.DECIDED
    )
    Candidacy.objects.filter(pk=candidacy.pk).update(submitted_at=_day(-212), selected_at=decided)


def _seed_lead_partner(requester, other, staff):
    for index, (name, text, ethical) in enumerate(LEAD_CRITERIA):
        LeadCriterion.objects.get_or_create(
            name=name, defaults={"description": text, "is_ethical": ethical, "position": index}
        )
    if not ResponsibilityTemplateItem.objects.filter(call=None).exists():
        ResponsibilityTemplateItem.objects.bulk_create(
            ResponsibilityTemplateItem(title=title, owner=owner, days_before=days, position=index)
            for index, (title, owner, days) in enumerate(LEAD_RESPONSIBILITIES)
        )
    if LeadPartnerRequest.objects.exists():
        return
    accepted = services.request_lead_partner(
        requester,
        title="Scuola di circo sociale",
        summary="Corsi di circo per ragazzi e ragazze, con due compagnie del territorio e il Comune.",
        partners="Compagnia Esempio, Comune di Esempio; con Sara Esposito e Marco Bianchi.",
        funder="Fondazione di comunità",
        budget=Decimal("42000.00"),
        deadline=_day(30, hour=17),
    )
    services.assess_lead_request(
        accepted,
        actor=staff,
        assessments={c.pk: (True, "Sì, come spiegato nella richiesta.") for c in LeadCriterion.objects.all()},
    )
    services.set_lead_request_state(
        accepted,
        "accepted",
        actor=staff,
        reason="Rispetta tutti i criteri; il budget copre anche la gestione.",
    )
    services.request_lead_partner(
        other,
        title="Rassegna di cinema nei borghi",
        summary="Proiezioni estive all'aperto in cinque borghi dell'Appennino.",
        budget=Decimal("8000.00"),
        deadline=_day(60, hour=17),
    )


def _seed_rules(members, staff):
    published = [_day(-330), _day(-120)]
    for number, (title, changes, paragraphs) in enumerate(RULES, start=1):
        if RulesVersion.objects.filter(number=number).exists():
            continue
        version = RulesVersion.objects.create(number=number, title=title, changes=changes, body="\n\n".join(paragraphs))
        if number <= len(published):
            RulesVersion.objects.filter(pk=version.pk).update(
                status=RulesStatus.PUBLISHED, published_at=published[number - 1], published_by=staff
            )
        else:
            services.comment_on_rules(
                version, members[1], "Sette giorni prima mi sembrano pochi per chi lavora da solo: proporrei dieci."
            )
            services.comment_on_rules(version, members[2], "D'accordo sui promemoria della rendicontazione!")
