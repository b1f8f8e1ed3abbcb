from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

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
