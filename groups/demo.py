"""The three working groups of Smart in Progress, in our own words from the
cooperative's call for participation (June 2020)."""

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
    from groups.models import DiscussionPrompt, WorkingGroup

    groups = []
    for data in WORKING_GROUPS:
        group, _ = WorkingGroup.objects.update_or_create(
            slug=data["slug"],
            defaults={key: data[key] for key in ("name", "theme", "position", "summary", "description")},
        )
        group.prompts.all().delete()
        DiscussionPrompt.objects.bulk_create(
            DiscussionPrompt(group=group, heading=heading, text=text, position=index)
            for index, (heading, text) in enumerate(data["prompts"])
        )
        groups.append(group)
    return groups


# The first meetings, 6, 7 and 8 July 2020 (Rome time), one per group.
FIRST_MEETINGS = {
    "dentro-e-fuori-i-bandi": (2020, 7, 6),
    "formazione": (2020, 7, 7),
    "ricerca-e-sviluppo": (2020, 7, 8),
}


def seed_group_activity(groups, participants):
    """Participants, facilitators, the first meetings of July 2020, one upcoming meeting
    and one open date poll. `participants` maps a group slug to a list of members, the
    first of whom facilitates. Idempotent."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from groups.enums import MembershipState, Role
    from groups.models import DatePoll, DateSlot, DateVote, Meeting, Membership

    rome = ZoneInfo("Europe/Rome")
    today = timezone.now().astimezone(rome).replace(hour=18, minute=0, second=0, microsecond=0)
    for group in groups:
        for index, member in enumerate(participants.get(group.slug, [])):
            Membership.objects.update_or_create(
                group=group,
                member=member,
                defaults={
                    "role": Role.FACILITATOR if index == 0 else Role.PARTICIPANT,
                    "state": MembershipState.ACTIVE,
                    "joined_at": timezone.now(),
                },
            )
        year, month, day = FIRST_MEETINGS[group.slug]
        start = datetime(year, month, day, 18, 0, tzinfo=rome)
        Meeting.objects.update_or_create(
            group=group,
            starts_at=start,
            defaults={
                "title": "Primo incontro del gruppo",
                "ends_at": start + timedelta(hours=2),
                "online_url": "https://meet.example/smart-in-progress",
                "agenda": "Presentazioni, temi del gruppo, come fissare insieme il calendario.",
                "minutes": (
                    "Ci siamo presentati e abbiamo ripreso i temi del gruppo. Abbiamo deciso di fissare "
                    "insieme le date dei prossimi incontri con un sondaggio sul portale."
                ),
                "minutes_updated_at": start + timedelta(days=1),
            },
        )
    calls, training = groups[0], groups[1]
    upcoming = today + timedelta(days=10)
    Meeting.objects.get_or_create(
        group=calls,
        title="Regole per i bandi a candidature limitate",
        defaults={
            "starts_at": upcoming,
            "ends_at": upcoming + timedelta(hours=2),
            "location": "Smart, via Example 1, Milano",
            "agenda": "Bozza delle regole di selezione quando un bando ammette poche candidature.",
        },
    )
    poll, created = DatePoll.objects.get_or_create(
        group=training,
        title="Prossimo incontro: aree di formazione",
        defaults={
            "closes_at": today + timedelta(days=5),
            "description": "Scegliamo le aree di formazione per il 2021.",
        },
    )
    if created:
        slots = DateSlot.objects.bulk_create(
            DateSlot(poll=poll, starts_at=today + timedelta(days=days)) for days in (8, 9, 12)
        )
        voters = participants.get(training.slug, [])[1:3]
        for voter, answers in zip(voters, (("yes", "maybe", "no"), ("yes", "yes", "no")), strict=False):
            DateVote.objects.bulk_create(
                DateVote(slot=slot, member=voter, answer=answer) for slot, answer in zip(slots, answers, strict=True)
            )
