import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from groups.models import DiscussionPrompt, WorkingGroup
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

    name = factory.Sequence(lambda n: f"Gruppo {n}")
    slug = factory.Sequence(lambda n: f"gruppo-{n}")
    summary = "Un gruppo di lavoro."
    description = "Primo paragrafo.\n\nSecondo paragrafo."


class DiscussionPromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscussionPrompt

    group = factory.SubFactory(WorkingGroupFactory)
    text = factory.Sequence(lambda n: f"Domanda {n}?")
