"""The bench's data: the demo data, then 100,000 members, a group of 5,000, a poll with 1,000
voters and realistic lists of proposals, calls and courses, all with bulk inserts; then ANALYZE
(this PostgreSQL runs with autovacuum off, so without it the planner has no statistics)."""

import io
import json
import os
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

PASSWORD = "bench-password-2026"
BIG_GROUP_SLUG = "dentro-e-fuori-i-bandi"
# The member the bench signs in as: a participant of the big group who voted in its poll.
READER_EMAIL = "socio1@bench.example"


def sizes():
    return {
        "members": int(os.environ.get("BENCH_MEMBERS", "100000")),
        "group_size": int(os.environ.get("BENCH_GROUP_SIZE", "5000")),
        "voters": int(os.environ.get("BENCH_VOTERS", "1000")),
        "proposals": int(os.environ.get("BENCH_PROPOSALS", "300")),
        "calls": int(os.environ.get("BENCH_CALLS", "40")),
        "courses": int(os.environ.get("BENCH_COURSES", "40")),
        # Half of the members listed in the directory, each showing two skills.
        "directory": "half, two skills",
    }


def filled_with():
    """The sizes the database was filled with, or None (empty, or filled by an older bench)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_filled')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT sizes FROM bench_filled")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def fill(wanted):
    call_command("seed_demo", allow_production=True, stdout=io.StringIO())
    _bulk(wanted)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_filled (sizes text NOT NULL)")
        cursor.execute("INSERT INTO bench_filled VALUES (%s)", [json.dumps(wanted, sort_keys=True)])
    analyze()


def analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@transaction.atomic
def _bulk(wanted):
    from allauth.account.models import EmailAddress

    from calls.enums import CallStatus, FunderKind
    from calls.models import FundingCall
    from groups.enums import Answer, DocumentVisibility, MembershipState, Role
    from groups.models import DatePoll, DateSlot, DateVote, Document, Meeting, Membership, WorkingGroup
    from groups.proposals.enums import ProposalState
    from groups.proposals.models import Proposal
    from members.directory import directory_changed
    from members.enums import MemberStatus
    from members.models import Member, Sector
    from training.enums import CourseState
    from training.models import Course, Session

    members, group_size = wanted["members"], wanted["group_size"]
    password = make_password(PASSWORD)
    now = timezone.now()
    bio = "Lavoro come grafica e illustratrice; seguo progetti culturali e bandi europei. " * 8
    Member.objects.bulk_create(
        (
            Member(
                email=f"socio{i}@bench.example",
                full_name=f"Socio Numero {i}",
                password=password,
                status=MemberStatus.VERIFIED,
                membership_number=f"{i:08d}",
                status_changed_at=now,
                visibility=("members", "public", "private")[i % 3],
                bio=bio,
            )
            for i in range(members)
        ),
        batch_size=5000,
    )
    reader = Member.objects.get(email=READER_EMAIL)
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)

    demo_groups = list(WorkingGroup.objects.order_by("pk"))
    extra = WorkingGroup.objects.bulk_create(
        WorkingGroup(name=f"Gruppo {i}", slug=f"gruppo-{i}", summary="Un gruppo di lavoro.", description="Testo.")
        for i in range(20)
    )
    groups = demo_groups + extra
    big = WorkingGroup.objects.get(slug=BIG_GROUP_SLUG)
    ids = list(Member.objects.filter(email__endswith="@bench.example").order_by("pk").values_list("pk", flat=True))
    Membership.objects.bulk_create(
        (
            Membership(
                group=big,
                member_id=pk,
                state=MembershipState.ACTIVE,
                joined_at=now,
                role=Role.FACILITATOR if n == 0 else Role.PARTICIPANT,
            )
            for n, pk in enumerate(ids[:group_size])
        ),
        batch_size=5000,
    )
    for offset, group in enumerate(g for g in groups if g.pk != big.pk):
        start = group_size + offset * 300
        Membership.objects.bulk_create(
            Membership(group=group, member_id=pk, state=MembershipState.ACTIVE, joined_at=now)
            for pk in ids[start : start + 300]
        )
    # The reader also takes part in three more groups: their dashboard and feed have rows.
    Membership.objects.bulk_create(
        Membership(group=group, member=reader, state=MembershipState.ACTIVE, joined_at=now) for group in extra[:3]
    )
    for group in groups:
        Meeting.objects.bulk_create(
            Meeting(
                group=group,
                title=f"Incontro {d}",
                starts_at=now + timedelta(days=d, hours=2),
                ends_at=now + timedelta(days=d, hours=4),
                location="Milano, via Ventura 6",
            )
            for d in range(-60, 30, 2)
        )
        Document.objects.bulk_create(
            Document(
                group=group,
                title=f"Documento {d}",
                url="https://example.org/doc",
                visibility=(DocumentVisibility.PUBLIC, DocumentVisibility.MEMBERS, DocumentVisibility.GROUP)[d % 3],
            )
            for d in range(10)
        )
    poll = DatePoll.objects.create(group=big, title="Prossimo incontro", closes_at=now + timedelta(days=3))
    slots = DateSlot.objects.bulk_create(DateSlot(poll=poll, starts_at=now + timedelta(days=5 + s)) for s in range(10))
    DateVote.objects.bulk_create(
        (
            DateVote(slot=slot, member_id=pk, answer=(Answer.YES, Answer.MAYBE, Answer.NO)[(pk + slot.pk) % 3])
            for pk in ids[: wanted["voters"]]
            for slot in slots
        ),
        batch_size=5000,
    )
    DatePoll.objects.filter(pk=poll.pk).recount_tallies()
    text = "Oggi ogni candidatura segue una procedura diversa. " * 6
    Proposal.objects.bulk_create(
        Proposal(
            group=groups[n % len(groups)],
            author_id=ids[n % len(ids)],
            title=f"Proposta numero {n}",
            problem=text,
            solution=text,
            benefit=text,
            problem_html=f"<p>{text}</p>",
            solution_html=f"<p>{text}</p>",
            benefit_html=f"<p>{text}</p>",
            state=ProposalState.PUBLISHED,
            submitted_at=now - timedelta(hours=n + 1),
            published_at=now - timedelta(hours=n),
        )
        for n in range(wanted["proposals"])
    )
    FundingCall.objects.bulk_create(
        FundingCall(
            title=f"Bando numero {n}",
            slug=f"bando-bench-{n}",
            funder="Fondazione Esempio",
            funder_kind=(FunderKind.PUBLIC, FunderKind.PRIVATE)[n % 2],
            summary="Sostiene progetti culturali con ricadute sul territorio. " * 3,
            funder_deadline=now + timedelta(days=30 + n),
            internal_deadline=now + timedelta(days=20 + n),
            status=CallStatus.OPEN,
            published_at=now - timedelta(days=1),
        )
        for n in range(wanted["calls"])
    )
    areas = list(Sector.objects.all())
    courses = Course.objects.bulk_create(
        Course(
            title=f"Corso numero {n}",
            slug=f"corso-bench-{n}",
            area=areas[n % len(areas)],
            summary="Un corso pratico in quattro incontri.",
            description="Descrizione del corso. " * 10,
            state=CourseState.PUBLISHED,
            published_at=now - timedelta(days=1),
        )
        for n in range(wanted["courses"])
    )
    # Bulk inserts send no signal: store the participant counts the signals would have kept.
    WorkingGroup.objects.all().recount_participants()
    _directory(ids)
    # ... nor the directory's cached search counts: retire them.
    directory_changed()
    Session.objects.bulk_create(
        Session(
            course=course,
            starts_at=now + timedelta(days=10 + s * 7),
            ends_at=now + timedelta(days=10 + s * 7, hours=3),
        )
        for course in courses
        for s in range(4)
    )
    # ... nor the courses' stored seats and first session.
    Course.objects.recount()


def _directory(ids):
    """Half of the members in the directory showing two skills each; their search text written
    in one UPDATE, as members.directory.directory_text_of would write it for these fields."""
    from members.models import Member, Skill

    skills = list(Skill.objects.order_by("pk").values_list("pk", flat=True))
    listed = ids[::2]
    through = Member.skills.through
    through.objects.bulk_create(
        (through(member_id=pk, skill_id=skills[(pk * 7 + k) % len(skills)]) for pk in listed for k in (0, 1)),
        batch_size=10000,
        ignore_conflicts=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_member SET in_directory = true, shows_skills = true WHERE id = ANY(%s)", [listed]
        )
        cursor.execute(
            "UPDATE members_member m SET directory_text = m.full_name || coalesce((SELECT string_agg("
            "E'\\n' || s.name, '') FROM members_member_skills ms JOIN members_skill s ON s.id = ms.skill_id "
            "WHERE ms.member_id = m.id), '') WHERE m.id = ANY(%s)",
            [listed],
        )
