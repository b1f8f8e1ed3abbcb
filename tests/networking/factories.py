from datetime import timedelta

import factory
from django.utils import timezone

from members.directory import refresh_directory_text
from members.enums import DirectoryField
from networking.models import CommonProject
from networking.surveys.enums import QuestionKind
from networking.surveys.models import Choice, Question, Survey
from tests.factories import VerifiedMemberFactory


def listed_member(*, skills=(), sectors=(), shows=tuple(DirectoryField.values), **fields):
    """A verified member in the directory who shows `shows` (everything by default)."""
    flags = {f"shows_{field}": field in shows for field in DirectoryField.values}
    member = VerifiedMemberFactory(in_directory=True, **{**flags, **fields})
    member.skills.set(skills)
    member.sectors.set(sectors)
    refresh_directory_text(member)
    return member


class CommonProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommonProject
        skip_postgeneration_save = True

    author = factory.SubFactory(VerifiedMemberFactory)
    title = factory.Sequence(lambda n: f"L'archivio n. {n} & co.")
    description = "Un archivio digitale delle produzioni dei soci e delle socie."

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title = factory.Sequence(lambda n: f"Il questionario n. {n}: com'è andata?")
    slug = factory.Sequence(lambda n: f"questionario-{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    anonymous = True


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    text = factory.Sequence(lambda n: f"Domanda {n}?")
    kind = QuestionKind.SINGLE
    position = factory.Sequence(int)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    label = factory.Sequence(lambda n: f"Risposta {n}")
    position = factory.Sequence(int)


def survey_with_every_kind(**fields):
    """A survey with a single choice (2 answers), a multiple choice (3), a scale and an
    optional free text: returns (survey, single, multiple, scale, text)."""
    survey = SurveyFactory(**fields)
    single = QuestionFactory(survey=survey, kind=QuestionKind.SINGLE, text="Smart risponde ai tuoi bisogni?")
    for label in ("Sì", "No"):
        ChoiceFactory(question=single, label=label)
    multiple = QuestionFactory(survey=survey, kind=QuestionKind.MULTIPLE, text="Quali strumenti usi?")
    for label in ("Contratti", "Anticipi", "Formazione"):
        ChoiceFactory(question=multiple, label=label)
    scale = QuestionFactory(survey=survey, kind=QuestionKind.SCALE, text="Quanto sei soddisfatto/a?")
    text = QuestionFactory(survey=survey, kind=QuestionKind.TEXT, text="Che cosa cambieresti?", required=False)
    return survey, single, multiple, scale, text
