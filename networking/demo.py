"""Demo data for the network (Ricerca e sviluppo): members in the directory showing different
parts of their profile, a common project with a collaborator and an interested member, a
message, and the R&D group's two first surveys with enough answers for the results and their
split to show. Idempotent: what exists is left as it is."""

from datetime import timedelta

from django.utils import timezone

from members.directory import refresh_directory_text
from members.enums import DirectoryField, WorkMode
from members.models import Skill
from networking import services
from networking.models import CommonProject, ContactMessage
from networking.surveys.enums import QuestionKind
from networking.surveys.models import Answer, Choice, Question, Response, Survey

# What each directory member writes and shows, in the order seed_network receives them.
PROFILES = [
    (
        "Compongo musiche per teatro e video; posso curare la colonna sonora di un progetto.",
        "Registi e videomaker con cui realizzare cortometraggi.",
        WorkMode.ALONE,
        DirectoryField.values,
    ),
    (
        "Montaggio e riprese per documentari, spot e spettacoli dal vivo.",
        "Una persona esperta di bandi per un documentario sul lavoro culturale.",
        WorkMode.WITH_WORKERS,
        ["region", "sectors", "skills", "offers", "looks_for", "groups", "projects"],
    ),
    (
        "Fotografia di scena e cura di mostre.",
        "Spazi espositivi e grafici per un catalogo.",
        WorkMode.ALONE,
        ["skills", "offers", "projects"],
    ),
    (
        "Siti accessibili e piccoli strumenti digitali per chi lavora nella cultura.",
        "Chi voglia costruire con me un archivio digitale delle produzioni dei soci e delle socie.",
        WorkMode.WITH_WORKERS,
        ["region", "skills", "offers", "looks_for", "projects"],
    ),
    (
        "Grafica e siti web per compagnie e festival.",
        "",
        WorkMode.ALONE,
        ["skills", "offers"],
    ),
]

PROJECT_TITLE = "Un archivio digitale delle produzioni dei soci e delle socie"
PROJECT_TEXT = (
    "Molti di noi producono spettacoli, video, fotografie e pubblicazioni che poi si disperdono. "
    "L'idea è un archivio online, curato insieme, dove ogni socio e socia possa mostrare il proprio "
    "lavoro e trovare con chi collaborare. Servono competenze di sviluppo, fotografia e montaggio."
)
PROJECT_SKILLS = ["sviluppo-software", "fotografia", "montaggio-video", "grafica"]

TOOLS = "strumenti-di-smart"
LOCKDOWN = "lockdown"

# (kind, text, required, choices); the answers of the demo respondents follow each question.
TOOLS_QUESTIONS = [
    (
        QuestionKind.SINGLE,
        "Gli strumenti che Smart mette a disposizione rispondono alle necessità della tua attività?",
        True,
        ["Sì, del tutto", "In parte", "No"],
    ),
    (
        QuestionKind.MULTIPLE,
        "Quali strumenti usi di più?",
        True,
        ["Contratti e fatturazione", "Anticipo dei pagamenti", "Assicurazioni", "Formazione", "Consulenza"],
    ),
    (QuestionKind.SCALE, "Quanto ti senti seguito/a dallo staff Smart? (1 = per niente, 5 = moltissimo)", True, []),
    (
        QuestionKind.TEXT,
        "C'è un caso in cui le procedure di Smart non hanno risposto alle tue esigenze? Raccontacelo.",
        False,
        [],
    ),
]
LOCKDOWN_QUESTIONS = [
    (
        QuestionKind.SINGLE,
        "Durante il lockdown la tua attività si è fermata?",
        True,
        ["Del tutto", "In parte", "No, è proseguita online", "No, è cresciuta"],
    ),
    (
        QuestionKind.MULTIPLE,
        "Che cosa ti è stato più utile?",
        True,
        [
            "Le informazioni sui sostegni pubblici",
            "Gli anticipi",
            "Il confronto con altri soci e socie",
            "La formazione online",
        ],
    ),
    (
        QuestionKind.SCALE,
        "Quanto essere parte di una cooperativa ti ha aiutato/a? (1 = per niente, 5 = moltissimo)",
        True,
        [],
    ),
    (
        QuestionKind.TEXT,
        "Che cosa ci ha insegnato il lockdown? Come valorizzare l'essere parte di una cooperativa?",
        False,
        [],
    ),
]
DEMO_RESPONSES = 24
TEXTS = [
    "Gli anticipi arrivano tardi quando il committente è un ente pubblico.",
    "Mi servirebbe un modo per gestire progetti con molti lavoratori insieme.",
    "Più occasioni per conoscere altri soci e socie della mia regione.",
    "La formazione online ha funzionato: continuiamo.",
]


def seed_network(members, staff, *, now=None):
    """`members`: verified members, the first ones go into the directory."""
    now = now or timezone.now()
    listed = members[: len(PROFILES)]
    for member, (offers, looks_for, work_mode, shown) in zip(listed, PROFILES, strict=False):
        member.offers, member.looks_for, member.work_mode, member.in_directory = offers, looks_for, work_mode, True
        for field in DirectoryField.values:
            setattr(member, f"shows_{field}", field in shown)
        member.save()
        refresh_directory_text(member)
    project = _project(listed)
    _message(listed)
    tools = _survey(
        TOOLS,
        "Gli strumenti di Smart rispondono ai tuoi bisogni?",
        "Le esigenze di chi ha appena avviato la propria attività e lavora da solo/a sono diverse da quelle "
        "di chi gestisce con Smart tutti i propri progetti, magari coinvolgendo molti lavoratori. "
        "Aiutaci a capire se e dove gli strumenti della cooperativa vanno cambiati.",
        TOOLS_QUESTIONS,
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=30),
        now=now,
    )
    lockdown = _survey(
        LOCKDOWN,
        "Cosa ci ha insegnato il lockdown",
        "La crisi legata al COVID-19 ci ha mostrato come eventi esterni possano far nascere necessità nuove. "
        "Quali indicazioni possiamo ricevere da quell'esperienza?",
        LOCKDOWN_QUESTIONS,
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        now=now,
    )
    return {"project": project, "surveys": [tools, lockdown]}


def _project(listed):
    if len(listed) < 3:
        return None
    author, collaborator, interested = listed[3 % len(listed)], listed[2], listed[1]
    project = CommonProject.objects.filter(title=PROJECT_TITLE, author=author).first()
    if project is None:
        project = services.post_project(
            author, title=PROJECT_TITLE, description=PROJECT_TEXT, skills=Skill.objects.filter(slug__in=PROJECT_SKILLS)
        )
        accepted = services.express_interest(project, collaborator, "Posso curare la parte fotografica.")
        services.accept_collaborator(accepted, actor=author)
        services.express_interest(project, interested, "Mi piacerebbe occuparmi dei video.")
    return project


def _message(listed):
    if len(listed) < 2:
        return
    sender, recipient = listed[1], listed[0]
    if not ContactMessage.objects.filter(sender=sender, recipient=recipient).exists():
        services.send_message(
            sender,
            recipient,
            "Ciao! Ho visto che componi musiche per il video: sto montando un documentario, ti andrebbe di sentirci?",
        )


def _survey(slug, title, description, questions, *, opens_at, closes_at, now):
    survey, created = Survey.objects.get_or_create(
        slug=slug,
        defaults={"title": title, "description": description, "opens_at": opens_at, "closes_at": closes_at},
    )
    if not created:
        if survey.closes_at <= now < closes_at:
            # The open survey closed while the demo sat unused: it opens again.
            survey.closes_at = closes_at
            survey.save(update_fields=["closes_at"])
        return survey
    made = []
    for position, (kind, text, required, labels) in enumerate(questions, start=1):
        question = Question.objects.create(survey=survey, position=position, kind=kind, text=text, required=required)
        choices = [Choice.objects.create(question=question, position=i, label=label) for i, label in enumerate(labels)]
        made.append((question, choices))
    for number in range(DEMO_RESPONSES):
        # Demo respondents are not members: a key of their own, a work mode alternating 3 to 2.
        response = Response.objects.create(
            survey=survey,
            respondent_key=f"demo-{slug}-{number:02d}",
            work_mode=WorkMode.ALONE if number % 5 < 3 else WorkMode.WITH_WORKERS,
            updated_at=opens_at,
        )
        Answer.objects.bulk_create(_demo_answers(response, made, number))
    return survey


def _demo_answers(response, made, number):
    rows = []
    for question, choices in made:
        if question.kind == QuestionKind.SINGLE:
            # Who works with others leans to the second answer: the split shows a difference.
            index = (number % len(choices)) if response.work_mode == WorkMode.ALONE else min(1, len(choices) - 1)
            rows.append(Answer(response=response, question=question, choice=choices[index]))
        elif question.kind == QuestionKind.MULTIPLE:
            picked = {number % len(choices), (number * 3 + 1) % len(choices)}
            rows += [Answer(response=response, question=question, choice=choices[i]) for i in sorted(picked)]
        elif question.kind == QuestionKind.SCALE:
            rows.append(Answer(response=response, question=question, scale=1 + (number * 7) % 5))
        elif number % 6 == 0:
            rows.append(Answer(response=response, question=question, text=TEXTS[(number // 6) % len(TEXTS)]))
    return rows
