"""Surveys: answering once and changing until closing, the rules of each kind of question,
the figures (counts, percentages, split by how people work with groups under 5 hidden), who
sees the results, and the CSV export (anonymous never says who; no spreadsheet formulas)."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.enums import WorkMode
from networking.surveys import services
from networking.surveys.models import Answer, Response, Survey
from tests.factories import MemberFactory, StaffFactory, VerifiedMemberFactory
from tests.networking.factories import QuestionFactory, survey_with_every_kind

pytestmark = pytest.mark.django_db


def _post(survey, single, multiple, scale, text, *, yes=True, tools=(0,), value="4", words=""):
    return {
        f"q{single.pk}": single.choices.all()[0 if yes else 1].pk,
        f"q{multiple.pk}": [multiple.choices.all()[i].pk for i in tools],
        f"q{scale.pk}": value,
        f"q{text.pk}": words,
    }


def _answer(survey, questions, member, **kwargs):
    single, multiple, scale, text = questions
    values = {
        single: single.choices.all()[0 if kwargs.get("yes", True) else 1],
        multiple: [multiple.choices.all()[i] for i in kwargs.get("tools", (0,))],
        scale: kwargs.get("value", 4),
        text: kwargs.get("words", ""),
    }
    return services.answer_survey(survey, member, values)


def test_member_answers_then_changes_the_answer(client):
    survey, *questions = survey_with_every_kind()
    member = VerifiedMemberFactory(work_mode=WorkMode.ALONE)
    client.force_login(member)

    first = client.post(f"/questionari/{survey.slug}/", _post(survey, *questions, yes=True))
    second = client.post(f"/questionari/{survey.slug}/", _post(survey, *questions, yes=False, tools=(1, 2)))

    assert (first.status_code, second.status_code) == (302, 302)
    response = Response.objects.get()
    assert response.member is None  # anonymous
    assert response.work_mode == WorkMode.ALONE
    labels = sorted(str(answer) for answer in Answer.objects.filter(choice__isnull=False))
    assert labels == ["Anticipi", "Formazione", "No"]
    page = client.get(f"/questionari/{survey.slug}/").content.decode()
    assert "Puoi modificare le tue risposte" in page


def test_named_survey_keeps_who_answered():
    survey, *questions = survey_with_every_kind(anonymous=False)
    member = VerifiedMemberFactory()

    _answer(survey, questions, member)

    assert Response.objects.get().member == member


def test_closed_survey_refuses_answers_and_keeps_the_old_one(client):
    survey, *questions = survey_with_every_kind()
    member = VerifiedMemberFactory()
    _answer(survey, questions, member, yes=True)
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.save()
    client.force_login(member)

    response = client.post(f"/questionari/{survey.slug}/", _post(survey, *questions, yes=False), follow=True)

    assert "Questo questionario è chiuso" in response.content.decode()
    assert str(Answer.objects.get(question=questions[0])) == "Sì"
    with pytest.raises(ValidationError):
        _answer(survey, questions, member)


@pytest.mark.parametrize("value", ["0", "6", "tre", "٣", "", "99999999999999999999"])
def test_invalid_scale_gets_a_clear_message(client, value):
    survey, *questions = survey_with_every_kind()
    client.force_login(VerifiedMemberFactory())

    response = client.post(f"/questionari/{survey.slug}/", _post(survey, *questions, value=value))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Scegli un valore da 1 a 5." in page or "Rispondi a questa domanda." in page
    assert Response.objects.count() == 0


def test_choice_of_another_question_is_refused(client):
    survey, single, multiple, scale, text = survey_with_every_kind()
    client.force_login(VerifiedMemberFactory())
    data = _post(survey, single, multiple, scale, text)
    data[f"q{single.pk}"] = multiple.choices.first().pk

    response = client.post(f"/questionari/{survey.slug}/", data)

    assert "Scegli una delle risposte proposte." in response.content.decode()


def test_long_odd_free_text_is_kept_as_written(client):
    survey, *questions = survey_with_every_kind()
    client.force_login(VerifiedMemberFactory())
    words = "=SOMMA(A1) l'idea «bella» & <b>\u202e" + "x" * 4000

    client.post(f"/questionari/{survey.slug}/", _post(survey, *questions, words=words))

    assert Answer.objects.get(question=questions[3]).text == words


def test_free_text_too_long_or_with_nul_is_refused(client):
    survey, *questions = survey_with_every_kind()
    client.force_login(VerifiedMemberFactory())

    too_long = client.post(f"/questionari/{survey.slug}/", _post(survey, *questions, words="x" * 10_000))
    nul = client.post(f"/questionari/{survey.slug}/", _post(survey, *questions, words="a\x00b"))

    assert too_long.status_code == 200
    assert nul.status_code == 400
    assert Response.objects.count() == 0


def test_results_counts_and_percentages():
    survey, *questions = survey_with_every_kind()
    for index in range(4):
        _answer(survey, questions, VerifiedMemberFactory(), yes=index < 3, tools=(0, 1) if index else (0,), value=5)

    figures = services.results(survey)

    single, multiple, scale = figures["figures"][:3]
    assert figures["respondents"] == 4
    assert [(row["label"], row["cells"][0]) for row in single["rows"]] == [
        ("Sì", {"count": 3, "percent": 75}),
        ("No", {"count": 1, "percent": 25}),
    ]
    assert [row["cells"][0]["count"] for row in multiple["rows"]] == [4, 3, 0]
    assert [row["cells"][0]["percent"] for row in multiple["rows"]] == [100, 75, 0]
    assert scale["columns"][0]["mean"] == 5.0


def test_results_split_hides_groups_under_five():
    survey, *questions = survey_with_every_kind()
    for _ in range(5):
        _answer(survey, questions, VerifiedMemberFactory(work_mode=WorkMode.ALONE), yes=True)
    for _ in range(4):
        _answer(survey, questions, VerifiedMemberFactory(work_mode=WorkMode.WITH_WORKERS), yes=False)

    figures = services.results(survey, split=True)

    assert [label for _mode, label in figures["groups"]] == ["Tutti e tutte", "Lavoro da solo/a"]
    assert figures["hidden_groups"] == ["Gestisco progetti con altri lavoratori e lavoratrici"]
    single = figures["figures"][0]
    assert [column["answered"] for column in single["columns"]] == [9, 5]
    assert single["rows"][0]["cells"][1] == {"count": 5, "percent": 100}


def test_results_page_for_staff_while_open_and_members_after(client):
    survey, *questions = survey_with_every_kind()
    _answer(survey, questions, VerifiedMemberFactory(), words="Più formazione")
    member = VerifiedMemberFactory()
    client.force_login(member)
    assert client.get(f"/questionari/{survey.slug}/risultati/").status_code == 404
    client.force_login(StaffFactory())
    staff_page = client.get(f"/questionari/{survey.slug}/risultati/?per=modo").content.decode()
    assert "Più formazione" in staff_page
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.save()
    client.force_login(member)
    page = client.get(f"/questionari/{survey.slug}/risultati/").content.decode()
    assert "Più formazione" not in page  # free text is for staff only
    assert "1 (100%)" in page


def test_results_page_query_count_does_not_grow(client, django_assert_num_queries):
    survey, *questions = survey_with_every_kind()
    _answer(survey, questions, VerifiedMemberFactory())
    client.force_login(StaffFactory())
    # session, user, survey, questions, choices, responses, answers
    with django_assert_num_queries(7):
        client.get(f"/questionari/{survey.slug}/risultati/?per=modo")
    for _ in range(6):
        _answer(survey, questions, VerifiedMemberFactory(work_mode=WorkMode.ALONE))
    with django_assert_num_queries(7):
        client.get(f"/questionari/{survey.slug}/risultati/?per=modo")


def _rows(client, survey):
    response = client.get(f"/questionari/{survey.slug}/risposte.csv")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_export_of_an_anonymous_survey_never_says_who(client):
    survey, *questions = survey_with_every_kind()
    member = VerifiedMemberFactory(full_name="Giulia Rossi", email="giulia@soci.example")
    _answer(survey, questions, member, words='=HYPERLINK("http://x")', tools=(0, 2))
    client.force_login(StaffFactory())

    rows = _rows(client, survey)

    text = repr(rows)
    assert "Giulia" not in text and "giulia@" not in text
    assert rows[0][:2] == ["Risposta", "Come lavora"]
    assert rows[1][3] == "Contratti; Formazione"
    assert rows[1][-1] == '\'=HYPERLINK("http://x")'


def test_csv_export_of_a_named_survey_names_who(client):
    survey, *questions = survey_with_every_kind(anonymous=False)
    _answer(survey, questions, VerifiedMemberFactory(full_name="-Giulia", email="giulia@soci.example"))
    client.force_login(StaffFactory())

    rows = _rows(client, survey)

    assert rows[1][1:3] == ["'-Giulia", "giulia@soci.example"]


@pytest.mark.parametrize("who", ["member", "registered", "visitor"])
def test_csv_export_is_for_staff_only(client, who):
    survey, *_questions = survey_with_every_kind()
    if who == "member":
        client.force_login(VerifiedMemberFactory())
    elif who == "registered":
        client.force_login(MemberFactory())

    assert client.get(f"/questionari/{survey.slug}/risposte.csv").status_code in (302, 403, 404)


def test_survey_not_yet_open_is_hidden_from_members(client):
    survey, *_questions = survey_with_every_kind(opens_at=timezone.now() + timedelta(days=1))
    client.force_login(VerifiedMemberFactory())

    assert client.get(f"/questionari/{survey.slug}/").status_code == 404
    assert survey.title not in client.get("/questionari/").content.decode()


def test_not_verified_may_not_answer(client):
    survey, *questions = survey_with_every_kind()
    client.force_login(MemberFactory())

    assert client.post(f"/questionari/{survey.slug}/", _post(survey, *questions)).status_code == 403
    assert Response.objects.count() == 0


def test_survey_list_query_count_does_not_grow(client, django_assert_num_queries):
    survey_with_every_kind()
    client.force_login(VerifiedMemberFactory())
    with django_assert_num_queries(4):
        client.get("/questionari/")
    for _ in range(4):
        survey_with_every_kind()
    with django_assert_num_queries(4):
        client.get("/questionari/")


def test_choice_question_without_answers_is_left_out(client):
    survey, *questions = survey_with_every_kind()
    empty = QuestionFactory(survey=survey, text="Domanda senza risposte?")
    client.force_login(VerifiedMemberFactory())

    page = client.get(f"/questionari/{survey.slug}/").content.decode()
    saved = client.post(f"/questionari/{survey.slug}/", _post(survey, *questions))

    assert empty.text not in page
    assert saved.status_code == 302


def test_demo_survey_opens_again_when_time_closed_it():
    from networking.demo import TOOLS, seed_network

    seed_network([], None)
    Survey.objects.filter(slug=TOOLS).update(closes_at=timezone.now() - timedelta(days=1))

    seed_network([], None)

    assert Survey.objects.get(slug=TOOLS).is_open()
