"""The three working groups of Smart in Progress, in our own words from the
cooperative's call for participation (June 2020)."""

import textwrap
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.formats import date_format

from groups.enums import MeetingStatus, MembershipState, Role
from groups.models import DatePoll, DateSlot, DateVote, DiscussionPrompt, Meeting, Membership, WorkingGroup
from groups.services import add_document

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
