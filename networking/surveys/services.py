"""Answering a survey, its results and their export."""

import csv
import hashlib
import hmac
import io
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.enums import WorkMode
from members.models import ActionLog
from networking.surveys.enums import SCALE_VALUES, SMALLEST_GROUP_SHOWN, QuestionKind
from networking.surveys.models import Answer, Response


def respondent_key(survey, member):
    """A keyed hash of (survey, member): the same member always finds their own response,
    yet the row does not say who they are, and keys of two surveys cannot be matched."""
    message = f"survey-response:{survey.pk}:{member.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def response_of(survey, member):
    return Response.objects.filter(survey=survey, respondent_key=respondent_key(survey, member)).first()


def _answers_for(question, value):
    """The Answer rows (unsaved, without response) for a cleaned form value."""
    if value in (None, "", []):
        return []
    if question.kind == QuestionKind.SINGLE:
        return [Answer(question=question, choice=value)]
    if question.kind == QuestionKind.MULTIPLE:
        return [Answer(question=question, choice=choice) for choice in value]
    if question.kind == QuestionKind.SCALE:
        if int(value) not in SCALE_VALUES:
            raise ValidationError(_("Choose a value from 1 to 5."), code="scale")
        return [Answer(question=question, scale=int(value))]
    return [Answer(question=question, text=value)]


@transaction.atomic
def answer_survey(survey, member, values, *, now=None):
    """Save (or replace) `member`'s answers: `values` maps each question to its cleaned value.
    Only verified members, only while the survey is open; a second answer replaces the first."""
    now = now or timezone.now()
    if not member.is_verified_member:
        raise ValidationError(_("Only verified members can answer the surveys."), code="not_verified")
    if not survey.is_open(now):
        raise ValidationError(_("This survey is closed: answers can no longer be given or changed."), code="closed")
    rows = []
    for question, value in values.items():
        found = _answers_for(question, value)
        if question.required and not found:
            raise ValidationError(_("Please answer every required question."), code="required")
        rows += found
    key = respondent_key(survey, member)
    fields = {
        "member": None if survey.anonymous else member,
        "work_mode": member.work_mode,
        # An anonymous answer keeps no time more precise than the day: a time would match it
        # to the log of who was online.
        "updated_at": now.replace(hour=0, minute=0, second=0, microsecond=0) if survey.anonymous else now,
    }
    try:
        with transaction.atomic():
            response, created = Response.objects.select_for_update().get_or_create(
                survey=survey, respondent_key=key, defaults=fields
            )
    except IntegrityError:  # the same member answering twice at once: the other won, update it
        response, created = Response.objects.select_for_update().get(survey=survey, respondent_key=key), False
    if not created:
        for name, value in fields.items():
            setattr(response, name, value)
        response.save(update_fields=list(fields))
        response.answers.all().delete()
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    if not survey.anonymous:
        ActionLog.record(response, "survey.answered" if created else "survey.answer_changed", actor=member)
    return response


def _percent(part, whole):
    return round(100 * part / whole) if whole else 0


def results(survey, *, split=False, with_texts=False):
    """The figures of each question: for choices and the scale, each option's count and
    percentage of who answered that question; with `split`, the same per work mode, groups
    under SMALLEST_GROUP_SHOWN left out. Three queries whatever the number of answers."""
    questions = list(survey.questions.prefetch_related("choices"))
    responses = dict(Response.objects.filter(survey=survey).values_list("pk", "work_mode"))
    answers = Answer.objects.filter(response__survey=survey).values_list(
        "question_id", "response_id", "choice_id", "scale", "text"
    )
    by_question = defaultdict(list)
    for question_id, response_id, choice_id, scale, text in answers:
        by_question[question_id].append((response_id, choice_id, scale, text))
    groups = [("", _("Everyone"))]
    if split:
        sizes = Counter(responses.values())
        groups += [(mode.value, mode.label) for mode in WorkMode if sizes[mode.value] >= SMALLEST_GROUP_SHOWN]
    hidden_groups = (
        [mode.label for mode in WorkMode if 0 < Counter(responses.values())[mode.value] < SMALLEST_GROUP_SHOWN]
        if split
        else []
    )
    figures = []
    for question in questions:
        rows = by_question[question.pk]
        options = _options(question)
        columns = []
        for mode, label in groups:
            mine = [row for row in rows if not mode or responses[row[0]] == mode]
            answered = len({row[0] for row in mine})
            counts = Counter(row[1] if question.has_choices else row[2] for row in mine)
            columns.append(
                {
                    "label": label,
                    "answered": answered,
                    "cells": [
                        {"count": counts[key], "percent": _percent(counts[key], answered)} for key, _label in options
                    ],
                    "mean": _mean(mine) if question.kind == QuestionKind.SCALE else None,
                }
            )
        figures.append(
            {
                "question": question,
                "options": [label for _key, label in options],
                "columns": columns,
                "rows": [
                    {"label": label, "cells": [column["cells"][index] for column in columns]}
                    for index, (_key, label) in enumerate(options)
                ],
                "texts": [row[3] for row in rows if row[3]] if with_texts else [],
                "text_count": sum(1 for row in rows if row[3]),
            }
        )
    return {"respondents": len(responses), "groups": groups, "hidden_groups": hidden_groups, "figures": figures}


def _options(question):
    if question.has_choices:
        return [(choice.pk, choice.label) for choice in question.choices.all()]
    if question.kind == QuestionKind.SCALE:
        return [(value, str(value)) for value in SCALE_VALUES]
    return []


def _mean(rows):
    values = [row[2] for row in rows if row[2] is not None]
    return round(sum(values) / len(values), 1) if values else None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A spreadsheet never runs a cell as a formula: text starting like one gets a quote."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def export_csv(survey):
    """Every response as one CSV row, one column per question. Anonymous surveys carry no
    name, no e-mail and no time, and the rows are in the order of their keys, not of arrival."""
    questions = list(survey.questions.prefetch_related("choices"))
    responses = Response.objects.filter(survey=survey).select_related("member").prefetch_related("answers__choice")
    out = io.StringIO()
    writer = csv.writer(out)
    head = [_("Response")]
    if not survey.anonymous:
        head += [_("Name"), _("E-mail address"), _("Last changed")]
    head += [_("How they work")] + [question.text for question in questions]
    writer.writerow([_cell(value) for value in head])
    for number, response in enumerate(responses.order_by("respondent_key"), start=1):
        answers = defaultdict(list)
        for answer in response.answers.all():
            answers[answer.question_id].append(answer.choice.label if answer.choice else answer.scale or answer.text)
        row = [number]
        if not survey.anonymous:
            member = response.member
            row += [member.full_name if member else "", member.email if member else "", response.updated_at.isoformat()]
        row += [response.get_work_mode_display()]
        row += ["; ".join(str(value) for value in answers[question.pk]) for question in questions]
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def response_keys_of(member, surveys):
    """Which of `surveys` `member` answered, as their respondent keys: one query."""
    keys = [respondent_key(survey, member) for survey in surveys]
    return Response.objects.filter(respondent_key__in=keys).values_list("respondent_key", flat=True)


def initial_answers(response):
    """{question id: value} of a saved response, to fill the form in again."""
    values = {}
    for answer in response.answers.select_related("question"):
        question = answer.question
        if question.kind == QuestionKind.MULTIPLE:
            values.setdefault(question.pk, []).append(answer.choice_id)
        elif question.kind == QuestionKind.SINGLE:
            values[question.pk] = answer.choice_id
        elif question.kind == QuestionKind.SCALE:
            values[question.pk] = answer.scale
        else:
            values[question.pk] = answer.text
    return values
