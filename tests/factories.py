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
