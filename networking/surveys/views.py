from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from networking.surveys import permissions, services
from networking.surveys.enums import SMALLEST_GROUP_SHOWN, QuestionKind
from networking.surveys.forms import SurveyAnswerForm
from networking.surveys.models import Survey


def _survey(request, slug):
    """A survey that has opened, for verified members and staff; staff also reach one not yet open."""
    if not permissions.can_see_survey(request.user):
        raise PermissionDenied
    surveys = Survey.objects.all() if request.user.is_staff else Survey.objects.published()
    return get_object_or_404(surveys, slug=slug)


@login_required
def survey_list(request):
    if not permissions.can_see_survey(request.user):
        raise PermissionDenied
    now = timezone.now()
    surveys = list(Survey.objects.published(now).order_by("closes_at", "pk"))
    answered = set(services.response_keys_of(request.user, surveys))
    for survey in surveys:
        survey.answered = services.respondent_key(survey, request.user) in answered
    return render(
        request,
        "networking/surveys/list.html",
        {
            "open": [s for s in surveys if s.is_open(now)],
            "closed": [s for s in surveys if s.is_closed(now)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_detail(request, slug):
    survey = _survey(request, slug)
    # A choice question staff left without answers would be impossible to answer: left out.
    questions = [q for q in survey.questions.prefetch_related("choices") if not q.has_choices or q.choices.all()]
    response = services.response_of(survey, request.user)
    initial = services.initial_answers(response) if response else {}
    may_answer = permissions.can_answer(request.user, survey)
    form = SurveyAnswerForm(
        request.POST if request.method == "POST" else None,
        survey=survey,
        questions=questions,
        initial_answers=initial,
    )
    if request.method == "POST":
        if not may_answer:
            messages.error(request, _("This survey is closed: answers can no longer be given or changed."))
            return redirect(survey)
        if form.is_valid():
            try:
                services.answer_survey(survey, request.user, form.answers())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Thank you: your answers are saved. You can change them until the survey closes."),
                )
                return redirect(survey)
    context = {
        "survey": survey,
        "form": form,
        "may_answer": may_answer,
        "answered": response is not None,
        "may_see_results": permissions.can_see_results(request.user, survey),
        "may_export": permissions.can_export(request.user),
    }
    return render(request, "networking/surveys/detail.html", context)


@login_required
def survey_results(request, slug):
    survey = _survey(request, slug)
    if not permissions.can_see_results(request.user, survey):
        raise Http404
    split = request.GET.get("per") == "modo"
    figures = services.results(survey, split=split, with_texts=permissions.can_read_texts(request.user))
    context = {
        "survey": survey,
        "split": split,
        "smallest": SMALLEST_GROUP_SHOWN,
        "TEXT": QuestionKind.TEXT,
        "SCALE": QuestionKind.SCALE,
        "may_export": permissions.can_export(request.user),
        **figures,
    }
    return render(request, "networking/surveys/results.html", context)


@login_required
def survey_export(request, slug):
    survey = _survey(request, slug)
    if not permissions.can_export(request.user):
        raise Http404
    response = HttpResponse(services.export_csv(survey), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="questionario-{survey.slug}.csv"'
    return response
