from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from calls.demo import seed_calls
from groups.demo import seed_group_activity, seed_notifications, seed_proposals, seed_working_groups
from groups.enums import Role
from groups.models import Membership
from groups.proposals import services as proposal_services
from groups.proposals.enums import ProposalState
from groups.proposals.models import Comment, Proposal
from members import services as member_services
from members.enums import MemberStatus
from members.models import Member, RosterEntry, Sector, Skill
from members.vocabulary import seed_vocabulary
from networking.demo import seed_network
from training.demo import seed_training

DEMO_PASSWORD = "smart-demo-2020"
STAFF_EMAIL = "staff@smartinprogress.example"

# (e-mail local part, name, status, region, sectors, skills)
DEMO_MEMBERS = [
    (
        "giulia.rossi",
        "Giulia Rossi",
        MemberStatus.VERIFIED,
        "lombardia",
        ["musica"],
        ["composizione", "produzione-musicale"],
    ),
    (
        "marco.bianchi",
        "Marco Bianchi",
        MemberStatus.VERIFIED,
        "lazio",
        ["audiovisivo-e-cinema"],
        ["montaggio-video", "riprese-video"],
    ),
    (
        "sara.esposito",
        "Sara Esposito",
        MemberStatus.VERIFIED,
        "campania",
        ["arti-dello-spettacolo"],
        ["danza", "recitazione"],
    ),
    (
        "luca.ferrari",
        "Luca Ferrari",
        MemberStatus.VERIFIED,
        "emilia-romagna",
        ["organizzazione-e-produzione-culturale"],
        ["progettazione-e-bandi", "rendicontazione"],
    ),
    (
        "chiara.romano",
        "Chiara Romano",
        MemberStatus.VERIFIED,
        "piemonte",
        ["design-e-comunicazione"],
        ["grafica", "web-design"],
    ),
    (
        "andrea.colombo",
        "Andrea Colombo",
        MemberStatus.VERIFIED,
        "toscana",
        ["formazione-ed-educazione"],
        ["facilitazione", "progettazione-formativa"],
    ),
    ("elena.ricci", "Elena Ricci", MemberStatus.VERIFIED, "veneto", ["arti-visive"], ["fotografia", "curatela"]),
    (
        "davide.marino",
        "Davide Marino",
        MemberStatus.VERIFIED,
        "sicilia",
        ["tecnologia-e-digitale"],
        ["sviluppo-software", "accessibilita-digitale"],
    ),
    (
        "francesca.greco",
        "Francesca Greco",
        MemberStatus.VERIFICATION_REQUESTED,
        "puglia",
        ["editoria-e-scrittura"],
        ["traduzione"],
    ),
    (
        "matteo.bruno",
        "Matteo Bruno",
        MemberStatus.VERIFICATION_REQUESTED,
        "liguria",
        ["musica"],
        ["esecuzione-dal-vivo"],
    ),
    ("alessia.gallo", "Alessia Gallo", MemberStatus.REGISTERED, "sardegna", [], []),
    ("paolo.conti", "Paolo Conti", MemberStatus.REGISTERED, "marche", [], []),
]


FORMER_MEMBER_COMMENT = "Lascio la cooperativa, ma questa proposta mi sembra ancora la strada giusta."


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo data: working groups with meetings, a date poll, documents and "
        "proposals in every state, courses in every state and the Agorà programme, funding calls in "
        "each phase, the member directory with a common project and two surveys, vocabulary, a staff account "
        "and twelve members."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (it creates accounts with a known password).",
        )

    @transaction.atomic
    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_demo creates accounts with a known password; with DEBUG off pass --allow-production."
            )
        seed_vocabulary()
        groups = seed_working_groups()
        staff = self._account(STAFF_EMAIL, "Staff Smart", MemberStatus.VERIFIED, is_staff=True, is_superuser=True)
        rows = [(staff.email, "staff")]
        members = {}
        for number, (local, name, status, region, sectors, skills) in enumerate(DEMO_MEMBERS, start=1001):
            member = self._account(
                f"{local}@soci.example",
                name,
                status,
                region=region,
                membership_number=f"{number:06d}" if status != MemberStatus.REGISTERED else "",
            )
            member.sectors.set(Sector.objects.filter(slug__in=sectors))
            member.skills.set(Skill.objects.filter(slug__in=skills))
            rows.append((member.email, str(member.get_status_display())))
            members[local.split(".")[0]] = member
        seed_group_activity(
            groups,
            {
                "dentro-e-fuori-i-bandi": [members[n] for n in ("luca", "giulia", "marco", "sara")],
                "formazione": [members[n] for n in ("andrea", "chiara", "elena", "giulia")],
                "ricerca-e-sviluppo": [members[n] for n in ("davide", "elena", "marco")],
            },
        )
        seed_notifications(groups)
        courses = seed_training(members, staff)
        seed_proposals(members, staff)
        seed_calls([members[n] for n in ("giulia", "marco", "sara", "elena", "luca")], members["andrea"], staff)
        seed_network([members[n] for n in ("giulia", "marco", "elena", "davide", "chiara")], staff)
        self._former_member_comment()
        # Half of the pending requests are on the roster: a staff import verifies them.
        RosterEntry.objects.update_or_create(membership_number="001009", defaults={"full_name": "Francesca Greco"})
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(groups)} working groups, {len(rows)} accounts."))
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        for email, role in rows:
            self.stdout.write(f"  {email:<36} {role}")
        self.stdout.write("Courses (Formazione): " + ", ".join(f"{c.slug} ({c.state})" for c in courses))
        self.stdout.write(
            "Funding calls at /bandi/, one in each phase; a published ranking at "
            "/bandi/residenze-artistiche-2021/graduatoria/ (andrea.colombo reviews, giulia.rossi applied)."
        )
        self.stdout.write(
            "Network (Rete): the directory at /rete/ (giulia.rossi, marco.bianchi, elena.ricci, davide.marino and "
            "chiara.romano are in it), a common project by davide.marino, surveys at /questionari/ (one open, "
            "one closed with its results)."
        )
        self._write_groups(groups)

    def _former_member_comment(self):
        """A member who commented and then erased their account: the comment reads "ex socio/a"."""
        if Comment.objects.filter(text=FORMER_MEMBER_COMMENT, author__status=MemberStatus.ERASED).exists():
            return
        proposal = Proposal.objects.filter(state=ProposalState.ACCEPTED).order_by("pk").first()
        leaving = self._account(
            "ex.socia@soci.example", "Roberta Fontana", MemberStatus.VERIFIED, membership_number="001099"
        )
        proposal_services.add_comment(proposal, author=leaving, text=FORMER_MEMBER_COMMENT)
        member_services.erase_member(leaving, actor=leaving)

    def _write_groups(self, groups):
        """Who to log in as to try each group: its facilitator, and who else takes part."""
        self.stdout.write("Working groups (log in as the facilitator to manage one):")
        self.stdout.write(f"  {'group':<24} {'facilitator':<32} participants")
        for group in groups:
            memberships = Membership.objects.taking_part().filter(group=group).select_related("member")
            facilitators = [m.member.email for m in memberships if m.role == Role.FACILITATOR]
            others = [m.member.email.split("@")[0] for m in memberships if m.role != Role.FACILITATOR]
            self.stdout.write(f"  {group.name:<24} {', '.join(facilitators):<32} {', '.join(sorted(others))}")

    def _account(self, email, name, status, **fields):
        defaults = {"full_name": name, "status": status, **fields}
        member, _ = Member.objects.update_or_create(
            email=email, defaults=defaults, create_defaults={**defaults, "status_changed_at": timezone.now()}
        )
        # A new hash at every run would be a change; the same password keeps the same hash.
        if not member.check_password(DEMO_PASSWORD):
            member.set_password(DEMO_PASSWORD)
            member.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=member, email=email, defaults={"verified": True, "primary": True})
        return member
