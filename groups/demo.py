"""The three working groups of Smart in Progress, in our own words from the
cooperative's call for participation (June 2020)."""

import textwrap
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.formats import date_format

from groups import kinds
from groups.enums import MeetingStatus, MembershipState, PollStatus, Role
from groups.models import DatePoll, DateSlot, DateVote, DiscussionPrompt, Meeting, Membership, WorkingGroup
from groups.proposals import services as proposal_services
from groups.proposals.models import CoAuthor, Proposal
from groups.services import add_document
from notifications import services as notification_services
from notifications.models import Event

WORKING_GROUPS = [
    {
        "slug": "dentro-e-fuori-i-bandi",
        "name": "Dentro e fuori i bandi",
        "theme": "calls",
        "position": 1,
        "summary": "Regole chiare e condivise per partecipare ai bandi tramite Smart e per proporre progetti con Smart capofila.",
        "description": (
            "I finanziamenti pubblici e privati sostengono il lavoro di molti soci e socie, che spesso devono "
            "candidarsi a un bando o presentare un progetto come persona giuridica. Farlo come cooperativa può "
            "essere un vantaggio, e con Smart è già possibile: ma la procedura di oggi ha dei limiti.\n\n"
            "Questo gruppo scrive insieme regole chiare, comuni e condivise, su due filoni di lavoro: come "
            "partecipare ai bandi tramite Smart e come Smart può fare da capofila per un progetto fuori dai bandi."
        ),
        "prompts": [
            (
                "Partecipare ai bandi",
                "Come scegliere le candidature quando un bando ne ammette solo un numero limitato?",
            ),
            ("Partecipare ai bandi", "Chi fa cosa tra soci, socie e staff Smart mentre si prepara una candidatura?"),
            ("Partecipare ai bandi", "Come gestire le scadenze e la rendicontazione?"),
            ("Partecipare ai bandi", "Come coinvolgere altri soci e socie in un bando?"),
            ("Smart capofila fuori dai bandi", "A quali condizioni, e come, si presenta un progetto a nome di Smart?"),
            (
                "Smart capofila fuori dai bandi",
                "Quali ruoli e responsabilità per soci, socie e staff nella preparazione del progetto?",
            ),
            ("Smart capofila fuori dai bandi", "Con quali criteri, anche etici, scegliamo i progetti da sostenere?"),
            ("Smart capofila fuori dai bandi", "Come aprire il progetto ad altri soci e socie?"),
        ],
    },
    {
        "slug": "formazione",
        "name": "Formazione",
        "theme": "training",
        "position": 2,
        "summary": "Quali occasioni di formazione può offrire Smart ai propri soci e socie, anche per ripartire dopo l'emergenza sanitaria.",
        "description": (
            "Il gruppo immagina le occasioni di formazione che Smart può creare per chi ne fa parte, con un occhio "
            "di riguardo a quelle che aiutano a riprendere il lavoro dopo l'emergenza sanitaria.\n\n"
            "Si parte da alcune domande concrete: quali competenze servono, a chi sono aperti i corsi, "
            "come si scelgono formatori e formatrici, e che futuro dare al progetto Agorà."
        ),
        "prompts": [
            ("", "Su quali aree di formazione puntare, e per acquisire quali competenze?"),
            ("", "Corsi gratuiti o a pagamento? Aperti a tutti e tutte o riservati ai soci e alle socie?"),
            ("", "Come individuare formatori e formatrici?"),
            ("", "Quale futuro possiamo immaginare per il progetto Agorà?"),
        ],
    },
    {
        "slug": "ricerca-e-sviluppo",
        "name": "Ricerca e sviluppo",
        "theme": "networking",
        "position": 3,
        "summary": "Gli strumenti di Smart rispondono ai bisogni di tutti i soci e le socie? E come favorire il networking tra noi?",
        "description": (
            "Con più di 2000 soci e socie crescono anche le differenze tra i mestieri di ciascuno: chi ha appena "
            "cominciato e lavora da solo ha bisogni diversi da chi gestisce con Smart tutti i propri progetti e "
            "coinvolge molte persone. La crisi del COVID-19 ci ha mostrato poi quanto eventi esterni possano far "
            "nascere necessità nuove e imprevedibili.\n\n"
            "Il gruppo analizza quanto gli strumenti di Smart rispondono a questi bisogni e quali cambiamenti "
            "servono, e pensa alle condizioni migliori per la ripresa: a partire da più occasioni di networking "
            "tra i soci e le socie."
        ),
        "prompts": [
            ("", "In quali casi le procedure di Smart non rispondono pienamente alle esigenze dei soci e delle socie?"),
            ("", "Quali cambiamenti sono possibili, nel rispetto della sostenibilità e della mutualità?"),
            ("", "Che cosa ci ha insegnato il lockdown? Come valorizzare di più l'essere parte di una cooperativa?"),
            ("", "Quanto i soci e le socie entrano in contatto tra loro, e come favorirlo?"),
            ("", "Come far emergere progetti comuni?"),
        ],
    },
]


def seed_working_groups():
    groups = []
    for data in WORKING_GROUPS:
        group, _ = WorkingGroup.objects.update_or_create(
            slug=data["slug"],
            defaults={key: data[key] for key in ("name", "theme", "position", "summary", "description")},
        )
        prompts = [(heading, text, index) for index, (heading, text) in enumerate(data["prompts"])]
        if list(group.prompts.order_by("position").values_list("heading", "text", "position")) != prompts:
            group.prompts.all().delete()
            DiscussionPrompt.objects.bulk_create(
                DiscussionPrompt(group=group, heading=heading, text=text, position=position)
                for heading, text, position in prompts
            )
        groups.append(group)
    return groups


# The first meetings, 6, 7 and 8 July 2020 (Rome time), one per group.
FIRST_MEETINGS = {
    "dentro-e-fuori-i-bandi": (2020, 7, 6),
    "formazione": (2020, 7, 7),
    "ricerca-e-sviluppo": (2020, 7, 8),
}
FIRST_MINUTES = (
    "Ci siamo presentati e abbiamo ripreso i temi del gruppo. Abbiamo deciso di fissare "
    "insieme le date dei prossimi incontri con un sondaggio sul portale."
)

# Meetings that are always ahead: (title, days from the day the command runs, fields).
UPCOMING_MEETINGS = {
    "dentro-e-fuori-i-bandi": (
        "Regole per i bandi a candidature limitate",
        10,
        {
            "location": "Smart, via Example 1, Milano",
            "agenda": "Bozza delle regole di selezione quando un bando ammette poche candidature.",
        },
    ),
    "formazione": (
        "Come individuare formatori e formatrici",
        3,
        {
            "online_url": "https://meet.example/smart-formazione",
            "agenda": (
                "Corsi gratuiti o a pagamento, aperti a tutti e tutte o riservati ai soci e alle socie; "
                "come scegliere formatori e formatrici."
            ),
        },
    ),
}

PUBLIC_PAGE = "https://smartit.example/smart-in-progress"

# Each group's "Documenti utili": (title, who sees it, link or None, description). A document
# without a link is the minutes of the group's first meeting, as a PDF uploaded like any other.
DOCUMENTS = {
    "dentro-e-fuori-i-bandi": [
        (
            "Smart in Progress: costruiamo partecipazione e comunità",
            "public",
            PUBLIC_PAGE,
            "I gruppi di lavoro e i temi trattati.",
        ),
        (
            "Bozza: regole di partecipazione ai bandi",
            "members",
            "https://smartit.example/smart-in-progress/bandi/regole-bozza",
            "Regole chiare, comuni e condivise: la prima bozza da discutere.",
        ),
        ("Verbale del primo incontro", "group", None, ""),
    ],
    "formazione": [
        (
            "Il progetto Agorà",
            "public",
            "https://smartit.example/agora",
            "Incontri e corsi aperti: che futuro immaginiamo?",
        ),
        (
            "Quali aree di formazione? Le idee raccolte",
            "members",
            "https://smartit.example/smart-in-progress/formazione/idee",
            "",
        ),
        ("Verbale del primo incontro", "group", None, ""),
    ],
    "ricerca-e-sviluppo": [
        (
            "Smart in Progress: costruiamo partecipazione e comunità",
            "public",
            PUBLIC_PAGE,
            "I gruppi di lavoro e i temi trattati.",
        ),
        (
            "Networking tra i soci e le socie: come favorirlo",
            "members",
            "https://smartit.example/smart-in-progress/ricerca-e-sviluppo/networking",
            "",
        ),
        ("Verbale del primo incontro", "group", None, ""),
    ],
}


def seed_group_activity(groups, participants):
    """Participants, facilitators, the first meetings of July 2020, upcoming meetings,
    one open date poll and each group's documents. `participants` maps a group slug to a
    list of members, the first of whom facilitates. Idempotent: a second run changes
    nothing, except to move forward what time has left behind."""
    rome = ZoneInfo("Europe/Rome")
    today = timezone.now().astimezone(rome).replace(hour=18, minute=0, second=0, microsecond=0)
    for group in groups:
        members = participants.get(group.slug, [])
        for index, member in enumerate(members):
            place = {"role": Role.FACILITATOR if index == 0 else Role.PARTICIPANT, "state": MembershipState.ACTIVE}
            Membership.objects.update_or_create(
                group=group, member=member, defaults=place, create_defaults={**place, "joined_at": timezone.now()}
            )
        year, month, day = FIRST_MEETINGS[group.slug]
        start = datetime(year, month, day, 18, 0, tzinfo=rome)
        first, _ = Meeting.objects.update_or_create(
            group=group,
            starts_at=start,
            defaults={
                "title": "Primo incontro del gruppo",
                "ends_at": start + timedelta(hours=2),
                "online_url": "https://meet.example/smart-in-progress",
                "agenda": "Presentazioni, temi del gruppo, come fissare insieme il calendario.",
                "minutes": FIRST_MINUTES,
                "minutes_updated_at": start + timedelta(days=1),
            },
        )
        if group.slug in UPCOMING_MEETINGS:
            title, days, fields = UPCOMING_MEETINGS[group.slug]
            _keep_upcoming(group, title, today + timedelta(days=days), **fields)
        if members:
            _seed_documents(group, first, actor=members[0])
    _seed_open_poll(groups[1], participants.get(groups[1].slug, [])[1:3], today)


def seed_notifications(groups):
    """The bell and /notifiche/ on the demo: the upcoming meetings and the open poll are
    announced as if just created (once each: a second run finds their events)."""
    targets = [(kinds.MEETING_CREATED, m) for m in Meeting.objects.upcoming().filter(group__in=groups)]
    targets += [(kinds.POLL_CREATED, p) for p in DatePoll.objects.filter(group__in=groups, status=PollStatus.OPEN)]
    for kind, target in targets:
        content_type = ContentType.objects.get_for_model(target)
        if not Event.objects.filter(kind=kind, content_type=content_type, object_id=target.pk).exists():
            notification_services.fan_out_event(notification_services.announce(kind, target).pk)


def _keep_upcoming(group, title, start, **fields):
    """The meeting stays where it is while it is ahead; once past (or cancelled), it is
    scheduled again at `start`, so the demo always has something coming."""
    if group.meetings.upcoming().filter(title=title).exists():
        return
    when = {"starts_at": start, "ends_at": start + timedelta(hours=2), "status": MeetingStatus.SCHEDULED}
    Meeting.objects.update_or_create(group=group, title=title, defaults={**when, **fields})


def _seed_open_poll(group, voters, today):
    """An open date poll with a few votes; made again once it has closed."""
    title = "Prossimo incontro: aree di formazione"
    poll = DatePoll.objects.filter(group=group, title=title).first()
    if poll is not None and poll.is_open:
        return
    if poll is not None:
        poll.delete()
    poll = DatePoll.objects.create(
        group=group,
        title=title,
        closes_at=today + timedelta(days=5),
        description="Scegliamo le aree di formazione su cui lavorare.",
    )
    slots = DateSlot.objects.bulk_create(DateSlot(poll=poll, starts_at=today + timedelta(days=d)) for d in (8, 9, 12))
    for voter, answers in zip(voters, (("yes", "maybe", "no"), ("yes", "yes", "no")), strict=False):
        DateVote.objects.bulk_create(
            DateVote(slot=slot, member=voter, answer=answer) for slot, answer in zip(slots, answers, strict=True)
        )
    DatePoll.objects.filter(pk=poll.pk).recount_tallies()


def _seed_documents(group, first_meeting, *, actor):
    """Through the service members use, so the demo's PDF is sniffed and stored like theirs."""
    for title, visibility, url, description in DOCUMENTS[group.slug]:
        if group.documents.filter(title=title).exists():
            continue
        if url:
            add_document(group, actor=actor, title=title, visibility=visibility, description=description, url=url)
            continue
        with translation.override("it"):
            held_on = date_format(timezone.localtime(first_meeting.starts_at), "j F Y, H:i").lower()
        lines = [f"Gruppo di lavoro: {group.name}", f"Data dell'incontro: {held_on}", ""]
        pdf = demo_pdf(f"Smart in Progress – {title}", [*lines, *textwrap.wrap(FIRST_MINUTES, 80)])
        add_document(
            group,
            actor=actor,
            title=title,
            visibility=visibility,
            description="Il verbale del primo incontro, in PDF.",
            upload=SimpleUploadedFile("verbale-primo-incontro.pdf", pdf, content_type="application/pdf"),
            meeting=first_meeting,
        )


def demo_pdf(title, lines):
    """A valid one-page PDF (A4, Helvetica) with a title and some lines, written out by
    hand: object by object, then the table of where each object starts."""

    def literal(text):
        encoded = text.encode("cp1252")  # WinAnsiEncoding: accented Italian letters print as such
        return b"(" + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    operations = [b"BT", b"/F1 16 Tf", b"72 770 Td", literal(title) + b" Tj", b"/F1 11 Tf", b"0 -30 Td"]
    for line in lines:
        operations += [literal(line) + b" Tj", b"0 -16 Td"]
    operations.append(b"ET")
    content = b"\n".join(operations)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(content), content),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(pdf)
    # Each entry of the table is exactly 20 bytes, the last two "\r\n" or " \n".
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


# Proposals from the groups' own themes, one or more in every state: (group, author,
# co-authors, title, problem, solution, benefit) and what happened to each. Names are the
# demo members' first names (smartprogress/management/commands/seed_demo.py).
PROPOSALS = [
    {
        "group": "dentro-e-fuori-i-bandi",
        "author": "giulia",
        "coauthors": ["sara"],
        "title": "Una graduatoria pubblica quando un bando ammette poche candidature",
        "problem": (
            "Quando un bando ammette solo una o due candidature per ente, oggi non è chiaro come Smart "
            "sceglie quali presentare. Chi resta fuori non sa perché, e la prossima volta non sa come "
            "migliorare."
        ),
        "solution": (
            "Per ogni bando a candidature limitate:\n\n"
            "- lo staff pubblica **prima della scadenza interna** i criteri di scelta;\n"
            "- un piccolo gruppo misto (soci, socie e staff) valuta le candidature;\n"
            "- la graduatoria è pubblicata sul portale, con un breve commento per ciascuna."
        ),
        "benefit": "Scelte trasparenti e condivise; chi non viene scelto capisce perché e può riprovare.",
        "state": "accepted",
        "answers": [
            (
                "accepted",
                "La proposta è accolta. Dal prossimo bando a candidature limitate lo staff pubblica i criteri "
                "almeno tre settimane prima della scadenza interna, e la graduatoria con un commento per ciascuna "
                "candidatura.",
            )
        ],
        "progress": [
            "Abbiamo scritto la prima versione dei criteri: è tra i Documenti utili del gruppo.",
            "Il gruppo misto di valutazione è formato: due soci, una socia e due persone dello staff.",
        ],
        "supporters": ["marco", "andrea", "elena", "davide"],
        "comments": [
            (
                "marco",
                "Utile anche per chi non viene scelto: capisce che cosa migliorare.",
                [
                    ("giulia", "Sì, per questo chiediamo un breve commento per ogni candidatura."),
                ],
            ),
        ],
    },
    {
        "group": "dentro-e-fuori-i-bandi",
        "author": "marco",
        "title": "Un calendario condiviso delle scadenze dei bandi",
        "problem": "Spesso scopriamo un bando quando mancano pochi giorni alla scadenza, troppo tardi per coinvolgere altri soci e socie.",
        "solution": "Un calendario sul portale con i bandi aperti e le loro scadenze, aggiornato dallo staff e dai soci e dalle socie che ne trovano di nuovi.",
        "benefit": "Più tempo per preparare le candidature e per trovare partner tra di noi.",
        "state": "published",
        "supporters": ["luca", "chiara", "elena"],
        "comments": [
            ("sara", "Aggiungerei anche le scadenze di rendicontazione dei progetti già finanziati.", []),
        ],
        "removed": [("luca", "Ne parliamo al prossimo incontro?")],
    },
    {
        "group": "dentro-e-fuori-i-bandi",
        "author": "sara",
        "title": "Una checklist per la rendicontazione",
        "problem": "La rendicontazione di un progetto finanziato è lunga e ogni volta ripartiamo da zero.",
        "solution": "Una checklist condivisa, bando per bando: documenti da conservare, scadenze, chi fa cosa tra soci, socie e staff.",
        "benefit": "Meno errori e meno spese non riconosciute.",
        "state": "submitted",
        "waiting_days": 3,
    },
    {
        "group": "dentro-e-fuori-i-bandi",
        "author": "luca",
        "title": "Criteri etici pubblici per i progetti con Smart capofila",
        "problem": "Quando Smart fa da capofila fuori dai bandi, non ci sono criteri scritti per scegliere quali progetti sostenere.",
        "solution": "Scriviamo insieme una carta di criteri, anche etici, e pubblichiamola: ogni richiesta di capofila viene valutata su quella.",
        "benefit": "Decisioni coerenti e spiegabili, uguali per tutti e tutte.",
        "state": "under_review",
        "answers": [
            (
                "under_review",
                "Lo staff sta raccogliendo i criteri già usati negli ultimi anni; ne parliamo con il consiglio di "
                "amministrazione a ottobre.",
            )
        ],
        "supporters": ["giulia", "sara"],
    },
    {
        "group": "formazione",
        "author": "chiara",
        "title": "Corsi gratuiti per chi riprende a lavorare dopo l'emergenza",
        "problem": "Dopo i mesi di chiusura molti soci e socie devono reinventare il proprio lavoro, spesso senza risorse per formarsi.",
        "solution": "Un ciclo di corsi brevi e gratuiti per i soci e le socie: strumenti digitali, comunicazione, nuovi formati per lo spettacolo.",
        "benefit": "Ripartire prima, con competenze nuove, senza costi.",
        "state": "implemented",
        "answers": [
            ("accepted", "Accolta: il primo ciclo parte a settembre, online e in presenza a Milano."),
            ("implemented", "Realizzata: il primo ciclo si è concluso con sei corsi e 140 iscrizioni."),
        ],
        "progress": ["Il calendario dei sei corsi è pronto: le iscrizioni aprono il 1° settembre."],
        "supporters": ["andrea", "giulia", "marco", "sara", "luca"],
    },
    {
        "group": "formazione",
        "author": "elena",
        "title": "Un albo di formatori e formatrici tra i soci e le socie",
        "problem": "Per i corsi Smart cerca formatori e formatrici fuori, mentre molti soci e socie insegnano già.",
        "solution": "Un albo aperto: chi vuole insegnare si iscrive con le proprie competenze, lo staff lo consulta per ogni corso.",
        "benefit": "Lavoro per i soci e le socie, corsi fatti da chi conosce il nostro mestiere.",
        "state": "declined",
        "answers": [
            (
                "declined",
                "Per ora non la accogliamo: un albo chiuso escluderebbe chi non si iscrive. Useremo invece la "
                "proposta di corsi dal portale, aperta a tutti e tutte.",
            )
        ],
        "supporters": ["chiara"],
    },
    {
        "group": "formazione",
        "author": "giulia",
        "invited": ["chiara"],
        "title": "Agorà anche online: registrare gli incontri aperti",
        "problem": "Gli incontri di Agorà sono a Milano: chi vive lontano non può partecipare.",
        "solution": "Registrare gli incontri aperti e pubblicarli per i soci e le socie, con il consenso di chi interviene.",
        "benefit": "Agorà per tutta la cooperativa, non solo per chi è in città.",
        "state": "draft",
    },
    {
        "group": "formazione",
        "author": "andrea",
        "title": "Un corso di fatturazione elettronica ogni mese",
        "problem": "Molti nuovi soci e socie non sanno come funziona la fatturazione con Smart.",
        "solution": "Un corso mensile, sempre uguale, di un'ora.",
        "benefit": "Meno domande allo staff.",
        "state": "rejected",
        "reason": (
            "C'è già una proposta molto simile, “Corsi gratuiti per chi riprende a lavorare dopo l'emergenza”: "
            "aggiungi lì la tua idea in un commento, così le teniamo insieme."
        ),
    },
    {
        "group": "ricerca-e-sviluppo",
        "author": "davide",
        "title": "Una bacheca dei progetti comuni tra soci e socie",
        "problem": "Siamo più di 2000 ma ci conosciamo poco: chi cerca collaboratori per un progetto non sa a chi chiedere.",
        "solution": "Una bacheca sul portale dove proporre un progetto e dire quali competenze cerchi; chi è interessato risponde.",
        "benefit": "Più progetti comuni, più lavoro tra di noi.",
        "state": "published",
        "supporters": ["elena", "marco", "giulia"],
        "comments": [
            ("elena", "Mi piace: potremmo partire dai profili con le competenze, che il portale già ha.", []),
            ("marco", "Intanto iscrivetevi tutti al mio canale, trovate tutto lì!", []),
        ],
        # (who reports, which comment by its position in "comments", why)
        "report": ("elena", 1, "Sembra pubblicità, non un contributo alla proposta."),
    },
    {
        "group": "ricerca-e-sviluppo",
        "author": "elena",
        "title": "Uno sportello di ascolto per chi è appena entrato in Smart",
        "problem": "Chi ha appena avviato la propria attività e lavora da solo ha bisogni diversi da chi gestisce con Smart molti progetti.",
        "solution": "Un'ora al mese in cui un socio o una socia con esperienza risponde alle domande di chi è appena entrato.",
        "benefit": "Nessuno resta solo all'inizio; lo staff riceve meno domande ripetute.",
        "state": "submitted",
        "waiting_days": 1,
    },
    {
        "group": "ricerca-e-sviluppo",
        "author": "marco",
        "title": "Incontri di networking regione per regione",
        "problem": "Gli incontri si fanno quasi sempre a Milano o online.",
        "solution": "Un incontro all'anno in ogni regione con almeno cinquanta soci e socie.",
        "benefit": "Conoscersi di persona anche lontano da Milano.",
        "state": "withdrawn",
    },
]


def seed_proposals(people, staff):
    """Each proposal of PROPOSALS that is not there yet, written and moved through its states
    by the services members and staff use, so its page and its history in the admin read as
    a real one. Idempotent: a proposal already there (by group and title) is left alone."""
    groups = {group.slug: group for group in WorkingGroup.objects.filter(slug__in={p["group"] for p in PROPOSALS})}
    for spec in PROPOSALS:
        group = groups[spec["group"]]
        if not group.proposals.filter(title=spec["title"]).exists():
            _seed_proposal(group, spec, people, staff)


def _seed_proposal(group, spec, people, staff):
    author = people[spec["author"]]
    text = {name: spec[name] for name in ("title", "problem", "solution", "benefit")}
    coauthors = [people[name] for name in spec.get("coauthors", []) + spec.get("invited", [])]
    proposal = proposal_services.create_proposal(group, author=author, coauthors=coauthors, **text)
    for name in spec.get("coauthors", []):
        proposal_services.answer_invitation(CoAuthor.objects.get(proposal=proposal, member=people[name]), accept=True)
    state = spec["state"]
    if state == "draft":
        return
    if state == "withdrawn":
        proposal_services.withdraw_proposal(proposal, actor=author)
        return
    proposal = proposal_services.submit_proposal(proposal, actor=author)
    if state == "submitted":
        # Waiting for a few days, so the queue shows how long.
        Proposal.objects.filter(pk=proposal.pk).update(
            submitted_at=timezone.now() - timedelta(days=spec["waiting_days"])
        )
        return
    if state == "rejected":
        proposal_services.reject_proposal(proposal, actor=staff, reason=spec["reason"])
        return
    proposal = proposal_services.publish_proposal(proposal, actor=staff)
    for name in spec.get("supporters", []):
        proposal_services.support(proposal, people[name])
    comments = []
    for name, comment_text, replies in spec.get("comments", []):
        comment = proposal_services.add_comment(proposal, author=people[name], text=comment_text)
        comments.append(comment)
        for reply_name, reply_text in replies:
            proposal_services.add_comment(proposal, author=people[reply_name], text=reply_text, parent=comment)
    for name, comment_text in spec.get("removed", []):
        proposal_services.remove_comment(
            proposal_services.add_comment(proposal, author=people[name], text=comment_text), author=people[name]
        )
    if "report" in spec:
        reporter, position, reason = spec["report"]
        proposal_services.report(proposal, reporter=people[reporter], reason=reason, comment=comments[position])
    for answer_state, answer_text in spec.get("answers", []):
        proposal = proposal_services.answer_proposal(proposal, actor=staff, state=answer_state, text=answer_text)
        if answer_state == "accepted":
            for update in spec.get("progress", []):
                proposal_services.add_progress_update(proposal, actor=staff, text=update)
