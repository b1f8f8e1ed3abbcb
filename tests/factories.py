from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from calls.enums import CallStatus, FunderKind, TaskOwner, TeamMemberState
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
    TeamMember,
)
from groups.enums import DocumentVisibility, MembershipState, Role
from groups.models import DatePoll, DateSlot, DiscussionPrompt, Document, Meeting, Membership, WorkingGroup
from groups.proposals import rendering
from groups.proposals import services as proposal_services
from groups.proposals.enums import ProposalState
from groups.proposals.models import Comment, Proposal
from members.enums import MemberStatus
from members.models import Member, RosterEntry, Sector, Skill

PASSWORD = "una-password-lunga-2020"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@soci.example")
    full_name = factory.Faker("name", locale="it_IT")
    language = "it"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class VerifiedMemberFactory(MemberFactory):
    status = MemberStatus.VERIFIED
    status_changed_at = factory.LazyFunction(timezone.now)
    membership_number = factory.Sequence(lambda n: f"{100000 + n:06d}")


class StaffFactory(MemberFactory):
    is_staff = True
    is_superuser = True


class RosterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RosterEntry

    membership_number = factory.Sequence(lambda n: f"{500000 + n:06d}")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Settore {n}")
    slug = factory.Sequence(lambda n: f"settore-{n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Competenza {n}")
    slug = factory.Sequence(lambda n: f"competenza-{n}")


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    name = factory.Sequence(lambda n: f"Gruppo dell'area {n}")
    slug = factory.Sequence(lambda n: f"gruppo-{n}")
    summary = "Un gruppo di lavoro."
    description = "Primo paragrafo.\n\nSecondo paragrafo."


class DiscussionPromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscussionPrompt

    group = factory.SubFactory(WorkingGroupFactory)
    text = factory.Sequence(lambda n: f"Domanda {n}?")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(WorkingGroupFactory)
    member = factory.SubFactory(VerifiedMemberFactory)
    state = MembershipState.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


class FacilitatorFactory(MembershipFactory):
    role = Role.FACILITATOR


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(WorkingGroupFactory)
    # An apostrophe and an ampersand, as in most Italian titles: every e-mail a test
    # writes is checked for HTML escaping (tests/conftest.py).
    title = factory.Sequence(lambda n: f"L'incontro {n} di formazione & rete")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=2))
    location = "Sala riunioni Smart"


class DatePollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DatePoll

    group = factory.SubFactory(WorkingGroupFactory)
    title = "Quando facciamo l'incontro?"
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))


class DateSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DateSlot

    poll = factory.SubFactory(DatePollFactory)
    starts_at = factory.Sequence(lambda n: timezone.now().replace(microsecond=0) + timedelta(days=5, hours=n))


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    group = factory.SubFactory(WorkingGroupFactory)
    title = factory.Sequence(lambda n: f"Documento {n}")
    url = "https://example.org/documento"
    visibility = DocumentVisibility.PUBLIC


# Training


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Programme"

    name = factory.Sequence(lambda n: f"Programma {n}")
    slug = factory.Sequence(lambda n: f"programma-{n}")
    summary = "Corsi e incontri aperti."
    description = "Un programma di corsi.\n\nE di incontri aperti."


class CourseFactory(factory.django.DjangoModelFactory):
    """A published course with one session a week from now, unless told otherwise
    (`sessions=0` for none)."""

    class Meta:
        model = "training.Course"
        skip_postgeneration_save = True

    # An apostrophe and an ampersand, as in Italian titles: e-mails are checked for escaping.
    title = factory.Sequence(lambda n: f"L'arte del montaggio {n} & del suono")
    slug = factory.Sequence(lambda n: f"corso-{n}")
    area = factory.SubFactory(SectorFactory)
    summary = "Un corso pratico, dal primo giorno."
    description = "Primo paragrafo.\n\nSecondo paragrafo."
    capacity = 10
    state = "published"
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        if create:
            for _ in range(1 if extracted is None else extracted):
                SessionFactory(course=self)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Session"

    course = factory.SubFactory(CourseFactory, sessions=0)
    starts_at = factory.Sequence(lambda n: timezone.now().replace(microsecond=0) + timedelta(days=7, hours=n))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=2))
    location = "Smart, via Example 1, Milano"


class CourseTrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.CourseTrainer"

    course = factory.SubFactory(CourseFactory)
    member = factory.SubFactory(VerifiedMemberFactory)
    bio = "Insegna da dieci anni."


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Enrolment"

    course = factory.SubFactory(CourseFactory)
    member = factory.SubFactory(VerifiedMemberFactory)
    state = "confirmed"
    confirmed_at = factory.LazyFunction(timezone.now)


class TrainerProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.TrainerProposal"

    proposer = factory.SubFactory(VerifiedMemberFactory)
    topic = factory.Sequence(lambda n: f"Fotografia di scena {n}")
    area = factory.SubFactory(SectorFactory)
    outline = "Tre incontri: luce, movimento, racconto."
    bio = "Fotografa di teatro."


# Proposals


class ProposalFactory(factory.django.DjangoModelFactory):
    """A proposal as the service leaves it, written straight to the table: for lists of many
    rows. Tests of the rules make theirs with proposal_in(), through the services."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    group = factory.SubFactory(WorkingGroupFactory)
    author = factory.SubFactory(VerifiedMemberFactory)
    # An apostrophe and an ampersand: every e-mail a test writes is checked for HTML escaping.
    title = factory.Sequence(lambda n: f"L'idea n. {n}: formazione & rete")
    problem = "Oggi chi comincia non sa a chi chiedere."
    solution = "Uno *sportello* di ascolto una volta al mese."
    benefit = "Meno tempo perso, più soci e socie che partecipano."
    problem_html = factory.LazyAttribute(lambda p: rendering.render(p.problem))
    solution_html = factory.LazyAttribute(lambda p: rendering.render(p.solution))
    benefit_html = factory.LazyAttribute(lambda p: rendering.render(p.benefit))

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        if create:
            proposal_services.index_for_search(self)


class PublishedProposalFactory(ProposalFactory):
    state = ProposalState.PUBLISHED
    submitted_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyFunction(timezone.now)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(PublishedProposalFactory)
    author = factory.SubFactory(VerifiedMemberFactory)
    text = factory.Sequence(lambda n: f"Commento {n}: sono d'accordo & rilancio.")


PROPOSAL_TEXT = {
    "title": "Un calendario condiviso dei bandi",
    "problem": "Le scadenze dei bandi arrivano all'ultimo momento.",
    "solution": "Un calendario pubblico, aggiornato dallo staff & dai soci.",
    "benefit": "Candidature preparate con calma.",
}


def proposal_in(state, *, group=None, author=None, staff=None, reason="Non è una proposta concreta.", **text):
    """A proposal brought to `state` the way people do it: a participant writes and submits it,
    staff decide and answer, through the services."""
    membership = Membership.objects.filter(group=group, member=author).first() if group and author else None
    if membership is None:
        membership = MembershipFactory(**({"group": group} if group else {}), **({"member": author} if author else {}))
    staff = staff or StaffFactory()
    proposal = proposal_services.create_proposal(
        membership.group, author=membership.member, **{**PROPOSAL_TEXT, **text}
    )
    if state == ProposalState.DRAFT:
        return proposal
    if state == ProposalState.WITHDRAWN:
        return proposal_services.withdraw_proposal(proposal, actor=membership.member)
    proposal = proposal_services.submit_proposal(proposal, actor=membership.member)
    if state == ProposalState.SUBMITTED:
        return proposal
    if state == ProposalState.REJECTED:
        return proposal_services.reject_proposal(proposal, actor=staff, reason=reason)
    proposal = proposal_services.publish_proposal(proposal, actor=staff)
    path = {
        ProposalState.PUBLISHED: [],
        ProposalState.UNDER_REVIEW: [ProposalState.UNDER_REVIEW],
        ProposalState.ACCEPTED: [ProposalState.ACCEPTED],
        ProposalState.DECLINED: [ProposalState.DECLINED],
        ProposalState.IMPLEMENTED: [ProposalState.ACCEPTED, ProposalState.IMPLEMENTED],
    }[state]
    for step in path:
        proposal = proposal_services.answer_proposal(proposal, actor=staff, state=step, text=f"Risposta: {step}.")
    return proposal


# Funding calls


class FundingCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingCall

    title = factory.Sequence(lambda n: f"Bando per l'arte & la cultura {n}")
    slug = factory.Sequence(lambda n: f"bando-{n}")
    funder = "Fondazione Esempio"
    funder_kind = FunderKind.PRIVATE
    summary = "Sostegno a progetti culturali sul territorio."
    internal_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    funder_deadline = factory.LazyAttribute(lambda c: c.internal_deadline + timedelta(days=10))
    status = CallStatus.OPEN
    published_at = factory.LazyFunction(timezone.now)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(FundingCallFactory)
    name = factory.Sequence(lambda n: f"Criterio {n}")
    weight = 1


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    call = factory.SubFactory(FundingCallFactory)
    name = factory.Sequence(lambda n: f"Documento richiesto {n}")


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsibilityTemplateItem

    call = factory.SubFactory(FundingCallFactory)
    title = factory.Sequence(lambda n: f"Compito {n}")
    owner = TaskOwner.TEAM
    days_before = 3


class CallReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallReviewer

    call = factory.SubFactory(FundingCallFactory)
    member = factory.SubFactory(VerifiedMemberFactory)


class CandidacyFactory(factory.django.DjangoModelFactory):
    """A complete draft: it can be submitted as it is, to a call with no required documents."""

    class Meta:
        model = Candidacy

    call = factory.SubFactory(FundingCallFactory)
    applicant = factory.SubFactory(VerifiedMemberFactory)
    # An apostrophe and an ampersand: e-mails are checked for HTML escaping.
    title = factory.Sequence(lambda n: f"L'archivio sonoro {n} & dintorni")
    summary = "Un archivio di voci e suoni del quartiere."
    budget = Decimal("12500.50")
    declares_no_conflict = True
    accepts_ethics = True


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    candidacy = factory.SubFactory(CandidacyFactory)
    member = factory.SubFactory(VerifiedMemberFactory)
    state = TeamMemberState.ACCEPTED


class LeadCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadCriterion

    name = factory.Sequence(lambda n: f"Criterio capofila {n}")


class LeadPartnerRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadPartnerRequest

    requester = factory.SubFactory(VerifiedMemberFactory)
    title = factory.Sequence(lambda n: f"Festival dell'ascolto {n}")
    summary = "Un festival di tre giorni con artisti del territorio."
    budget = Decimal("30000.00")
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=40))


class RulesVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RulesVersion

    number = factory.Sequence(lambda n: n + 1)
    title = "Regole per partecipare ai bandi tramite Smart"
    body = "Chi può candidarsi.\n\nCome si scelgono le candidature."
