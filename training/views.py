from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from groups import ics
from groups.enums import GroupTheme
from groups.models import WorkingGroup
from members.models import Sector, Skill
from members.validators import parse_id
from smartprogress import pagecache
from training import exports, permissions, services
from training.calendar import session_event
from training.enums import CourseState, EnrolmentState, PriceFilter, ProposalState
from training.forms import CatalogueFilterForm, DecisionForm, FeedbackForm, InterestForm, ProposalForm, ReviewForm
from training.models import (
    Attendance,
    Course,
    CourseTrainer,
    Enrolment,
    Feedback,
    Programme,
    ProposalReview,
    Session,
    TrainerProposal,
    TrainingInterest,
)

TRAINERS = Prefetch("trainers", queryset=CourseTrainer.objects.select_related("member"))


def with_trainer_names(courses):
    """The courses, each with the names of its trainers as a tuple: the cards show them and
    their cache key is a digest of them (templates/training/includes/course_cards.html).

    One query of three columns for the whole list rather than prefetch_related: a prefetch
    builds a queryset per course and a model per trainer, which cost the catalogue about
    4 ms of CPU for 40 courses at the bench."""
    courses = list(courses)
    names = {}
    rows = (
        CourseTrainer.objects.filter(course__in=[course.pk for course in courses])
        .order_by("course", "position", "id")
        .values_list("course_id", "name", "member__full_name")
    )
    for course_id, name, full_name in rows:
        names.setdefault(course_id, []).append(name or full_name or "")
    for course in courses:
        course.trainer_names = tuple(names.get(course.pk, ()))
    return courses


def _messages_from(request, error):
    for text in error.messages:
        messages.error(request, text)


def _form_errors_from(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# The catalogue


# The query-string fields of the catalogue's filters (CatalogueFilterForm).
CATALOGUE_FILTERS = ("area", "competenza", "formato", "prezzo", "pubblico")


def catalogue(request):
    """Published courses, filtered by area, skill, format, price and audience.

    The body is the same for every reader of one kind with the same filters: it is built once
    and kept under the "training" version (smartprogress/pagecache.py; the writes that replace
    it are listed in TrainingConfig.ready). Built each time it cost about 9 ms of CPU at the
    bench (40 courses): the filter form's options, the cards, seven queries; from the cache,
    one read of the version and one of the body."""
    user = request.user
    reviewer = permissions.is_reviewer(user)
    body = pagecache.body(
        ["training"],
        (user.is_authenticated, reviewer, pagecache.query_of(request, CATALOGUE_FILTERS)),
        lambda: _catalogue_body(request, reviewer),
    )
    return render(request, "training/catalogue.html", {"body": body})


def _catalogue_body(request, reviewer):
    """The catalogue's HTML; not to be kept (0) when a filter is not among the choices."""
    context = _catalogue_context(request, reviewer)
    html = render_to_string("training/catalogue_body.html", context, request)
    return html, (0 if context["form"].errors else None)


def _catalogue_context(request, reviewer):
    listed = Course.objects.published()
    areas = list(Sector.objects.filter(pk__in=listed.values("area")))
    skills = list(Skill.objects.filter(pk__in=listed.values("skills")))
    form = CatalogueFilterForm(request.GET, areas=areas, skills=skills)
    chosen = form.filters()
    courses = listed.select_related("area", "programme")
    if "area" in chosen:
        courses = courses.filter(area__slug=chosen["area"])
    if "competenza" in chosen:
        courses = courses.filter(pk__in=Course.objects.filter(skills__slug=chosen["competenza"]).values("pk"))
    if "formato" in chosen:
        courses = courses.filter(format=chosen["formato"])
    if "prezzo" in chosen:
        courses = courses.free() if chosen["prezzo"] == PriceFilter.FREE else courses.paid()
    if "pubblico" in chosen:
        courses = courses.filter(audience=chosen["pubblico"])
    return {
        "courses": with_trainer_names(courses.order_by("first_session_at", "title")),
        "form": form,
        "filtered": bool(chosen),
        "programmes": list(Programme.objects.all()),
        "groups": list(WorkingGroup.objects.active().filter(theme=GroupTheme.TRAINING)),
        "is_reviewer": reviewer,
    }


def programme_detail(request, slug):
    programme = get_object_or_404(Programme, slug=slug)
    courses = programme.courses.public().select_related("area", "programme").order_by("first_session_at", "title")
    now = timezone.now()
    events = list(programme.events.all())
    context = {
        "programme": programme,
        "courses": with_trainer_names(courses),
        "upcoming_events": [event for event in events if event.ends_at >= now],
        "past_events": [event for event in reversed(events) if event.ends_at < now],
    }
    return render(request, "training/programme_detail.html", context)


# A course and its enrolment


def _course(request, slug):
    """The course if the reader may see it (a draft only for who prepares it), with
    whether the reader teaches it."""
    course = get_object_or_404(
        Course.objects.select_related("area", "programme").prefetch_related(TRAINERS, "skills"),
        slug=slug,
    )
    trainer = request.user.is_authenticated and any(t.member_id == request.user.pk for t in course.trainers.all())
    if not permissions.can_see_course(request.user, course, trainer=trainer):
        raise Http404
    return course, trainer


def _my_enrolment(request, course):
    if not request.user.is_authenticated:
        return None
    return Enrolment.objects.live().filter(course=course, member=request.user).first()


def course_detail(request, slug):
    course, trainer = _course(request, slug)
    enrolment = _my_enrolment(request, course)
    sessions = list(course.sessions.all())
    first_start = sessions[0].starts_at if sessions else None
    last_end = max((s.ends_at for s in sessions), default=None)
    can_teach = permissions.can_teach(request.user, course, trainer=trainer)
    past_enrolment = None
    if enrolment is None and request.user.is_authenticated:
        past_enrolment = Enrolment.objects.filter(course=course, member=request.user).order_by("-queued_at").first()
    context = {
        "course": course,
        "sessions": sessions,
        "enrolment": enrolment,
        "past_enrolment": past_enrolment,
        "seats_left": max(course.capacity - course.seats_taken, 0),
        "closes_at": services.enrolment_closes_at(course, first_start),
        "closed_reason": services.enrolment_closed_reason(course, first_start=first_start),
        "refusal": permissions.enrolment_refusal(request.user, course) if request.user.is_authenticated else None,
        "with_online_link": permissions.can_see_online_link(request.user, course, enrolment, trainer=trainer),
        "can_teach": can_teach,
        "can_export": permissions.can_export(request.user),
        "price": course.price_for(request.user) if request.user.is_authenticated else None,
        "feedback_open": request.user.is_authenticated
        and services.feedback_open_reason(course, request.user, last_end=last_end) is None,
        "ratings": _ratings(course) if can_teach else None,
        # Past its deadline, until the scan (every few minutes) passes the seat on.
        "offer_lapsed": enrolment is not None
        and enrolment.state == EnrolmentState.OFFERED
        and enrolment.offer_expires_at <= timezone.now(),
    }
    if enrolment is not None and enrolment.state == EnrolmentState.WAITLISTED:
        context["position"] = services.waiting_position(enrolment)
    return render(request, "training/course_detail.html", context)


def _ratings(course):
    summary = Feedback.objects.filter(course=course).aggregate(count=Count("pk"), average=Avg("rating"))
    distribution = dict(
        Feedback.objects.filter(course=course).values_list("rating").annotate(n=Count("pk")).values_list("rating", "n")
    )
    comments = list(Feedback.objects.filter(course=course).exclude(comment="").values_list("rating", "comment"))
    return {
        **summary,
        "distribution": [(score, distribution.get(score, 0)) for score in range(5, 0, -1)],
        "comments": comments,
    }


def _public_course(slug):
    return get_object_or_404(Course.objects.public(), slug=slug)


@login_required
@require_POST
def enrol(request, slug):
    course = _public_course(slug)
    try:
        enrolment = services.enrol(course, request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        if enrolment.state == EnrolmentState.CONFIRMED:
            messages.success(request, _("You are enrolled: your seat is confirmed. We sent you an e-mail."))
        else:
            messages.success(
                request, _("The course is full: you are on the waiting list. If a seat frees up we will write to you.")
            )
    return redirect("training:course", slug)


def _live_enrolment(request, course):
    enrolment = Enrolment.objects.live().filter(course=course, member=request.user).first()
    if enrolment is None:
        raise Http404
    return enrolment


@login_required
@require_POST
def cancel(request, slug):
    course = _public_course(slug)
    enrolment = _live_enrolment(request, course)
    was = enrolment.state
    if services.cancel_enrolment(enrolment, actor=request.user):
        if was == EnrolmentState.OFFERED:
            messages.success(request, _("You declined the seat: it goes to the next person on the waiting list."))
        elif was == EnrolmentState.WAITLISTED:
            messages.success(request, _("You have left the waiting list."))
        else:
            messages.success(request, _("Your enrolment is cancelled."))
    return redirect("training:course", slug)


@login_required
@require_POST
def accept(request, slug):
    course = _public_course(slug)
    enrolment = _live_enrolment(request, course)
    try:
        services.accept_offer(enrolment, request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("The seat is yours: your enrolment is confirmed."))
    return redirect("training:course", slug)


def course_ics(request, slug):
    course, trainer = _course(request, slug)
    enrolment = _my_enrolment(request, course)
    with_link = permissions.can_see_online_link(request.user, course, enrolment, trainer=trainer)
    events = [session_event(session, with_online_link=with_link) for session in course.sessions.all()]
    response = HttpResponse(ics.calendar_of(events, name=course.title), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="corso-{course.pk}.ics"'
    return response


@login_required
def my_courses(request):
    enrolments = list(Enrolment.objects.filter(member=request.user).with_course_dates().order_by("-queued_at"))
    context = {
        "live": [e for e in enrolments if e.state in EnrolmentState.LIVE],
        "ended": [e for e in enrolments if e.state not in EnrolmentState.LIVE],
        "now": timezone.now(),
    }
    return render(request, "training/my_courses.html", context)


@login_required
def rate(request, slug):
    course, _trainer = _course(request, slug)
    refusal = services.feedback_open_reason(course, request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect("training:course", slug)
    mine = Feedback.objects.filter(course=course, member=request.user).first()
    initial = {"rating": mine.rating, "comment": mine.comment} if mine else None
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_course(course, request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("training:course", slug)
    return render(request, "training/rate.html", {"course": course, "form": form, "mine": mine})


# Attendance and the staff's list


def _taught_course(request, slug):
    course, trainer = _course(request, slug)
    if not permissions.can_teach(request.user, course, trainer=trainer):
        raise PermissionDenied
    return course


def _attendance_context(course):
    enrolments = list(
        Enrolment.objects.filter(course=course).confirmed().select_related("member").order_by("member__full_name")
    )
    marks = set(
        Attendance.objects.filter(session__course=course, present=True).values_list("session_id", "enrolment_id")
    )
    marked = set(Attendance.objects.filter(session__course=course).values_list("session_id", flat=True).distinct())
    sessions = [
        {
            "session": session,
            "marked": session.pk in marked,
            "rows": [(enrolment, (session.pk, enrolment.pk) in marks) for enrolment in enrolments],
        }
        for session in course.sessions.all()
    ]
    return {"course": course, "enrolments": enrolments, "sessions": sessions, "now": timezone.now()}


@login_required
def attendance(request, slug):
    course = _taught_course(request, slug)
    return render(request, "training/attendance.html", _attendance_context(course))


@login_required
def attendance_sheet(request, slug):
    """One page per session to print: who is enrolled, and room to sign."""
    course = _taught_course(request, slug)
    return render(request, "training/attendance_sheet.html", _attendance_context(course))


@login_required
@require_POST
def attendance_mark(request, slug, pk):
    course = _taught_course(request, slug)
    session = get_object_or_404(Session, course=course, pk=pk)
    present = {parse_id(value) for value in request.POST.getlist("presente")} - {None}
    try:
        came = services.mark_attendance(session, actor=request.user, present=present)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(
            request,
            ngettext("Attendance saved: %(count)d present.", "Attendance saved: %(count)d present.", came)
            % {"count": came},
        )
    return redirect("training:attendance", slug)


@login_required
def export(request, slug):
    course, _trainer = _course(request, slug)
    if not permissions.can_export(request.user):
        raise PermissionDenied
    return exports.csv_response(f"iscrizioni-{course.slug}.csv", exports.enrolment_rows([course]))


# Call for trainers


@login_required
def propose(request):
    """Any verified member proposes a course; the page also lists their proposals."""
    may = permissions.can_propose(request.user)
    form = ProposalForm(request.POST or None)
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.propose_course(request.user, **data)
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                messages.success(request, _("Thank you: your proposal has been sent. We will write to you."))
                return redirect("training:propose")
    mine = TrainerProposal.objects.filter(proposer=request.user).select_related("area", "course")
    return render(request, "training/propose.html", {"form": form, "may_propose": may, "mine": list(mine)})


def _reviewer(request):
    if not permissions.is_reviewer(request.user):
        raise PermissionDenied


@login_required
def proposals(request):
    _reviewer(request)
    listed = TrainerProposal.objects.with_scores().select_related("proposer", "area").order_by("-created_at")
    mine = set(ProposalReview.objects.filter(reviewer=request.user).values_list("proposal_id", flat=True))
    open_proposals, decided = [], []
    for proposal in listed:
        proposal.reviewed_by_me = proposal.pk in mine
        (open_proposals if proposal.state == ProposalState.SUBMITTED else decided).append(proposal)
    return render(request, "training/proposals.html", {"open": open_proposals, "decided": decided})


def _proposal_page(request, proposal, *, review_form=None, decision_form=None):
    reviews = list(proposal.reviews.select_related("reviewer"))
    mine = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
    if review_form is None:
        review_form = ReviewForm(initial={"score": mine.score, "comment": mine.comment} if mine else None)
    context = {
        "proposal": proposal,
        "reviews": reviews,
        "average": sum(r.score for r in reviews) / len(reviews) if reviews else None,
        "review_form": review_form,
        "decision_form": decision_form or DecisionForm(),
        "own": proposal.proposer_id == request.user.pk,
        "course": Course.objects.filter(proposal=proposal).first(),
    }
    return render(request, "training/proposal_detail.html", context)


def _proposal(request, pk):
    _reviewer(request)
    return get_object_or_404(
        TrainerProposal.objects.select_related("proposer", "area").prefetch_related("skills"), pk=pk
    )


@login_required
def proposal_detail(request, pk):
    return _proposal_page(request, _proposal(request, pk))


@login_required
@require_POST
def proposal_review(request, pk):
    proposal = _proposal(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_proposal(proposal, request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("Your review is saved."))
            return redirect("training:proposal", proposal.pk)
    return _proposal_page(request, proposal, review_form=form)


@login_required
@require_POST
def proposal_decide(request, pk):
    proposal = _proposal(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if request.POST.get("decision") == "accept":
                course = services.accept_proposal(proposal, actor=request.user, note=note)
            else:
                services.decline_proposal(proposal, actor=request.user, note=note)
                course = None
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            if course is not None:
                messages.success(
                    request, _("Proposal accepted: the draft course is ready to be completed and published.")
                )
                return redirect("training:course", course.slug)
            messages.success(request, _("Proposal declined: the proposer has been told."))
            return redirect("training:proposal", proposal.pk)
    return _proposal_page(request, proposal, decision_form=form)


# Training interests and demand


@login_required
def interests(request):
    interest = TrainingInterest.objects.filter(member=request.user).first()
    initial = None
    if interest is not None:
        initial = {"areas": interest.areas.all(), "skills": interest.skills.all(), "wish": interest.wish}
    form = InterestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_interests(request.user, **form.cleaned_data)
        messages.success(request, _("Thank you: we will tell you when a course you want opens."))
        return redirect("training:interests")
    return render(request, "training/interests.html", {"form": form})


DEMAND_ROWS = 30
WISHES_SHOWN = 50


@login_required
def demand(request):
    """What members ask to learn, most wanted first: for staff and the training group."""
    _reviewer(request)
    areas = (
        Sector.objects.annotate(
            wanted=Count("training_interests", distinct=True),
            offered=Count("courses", filter=Q(courses__state=CourseState.PUBLISHED), distinct=True),
        )
        .filter(wanted__gt=0)
        .order_by("-wanted", "name")[:DEMAND_ROWS]
    )
    skills = (
        Skill.objects.annotate(
            wanted=Count("training_interests", distinct=True),
            offered=Count("courses", filter=Q(courses__state=CourseState.PUBLISHED), distinct=True),
        )
        .filter(wanted__gt=0)
        .select_related("sector")
        .order_by("-wanted", "name")[:DEMAND_ROWS]
    )
    wishes = TrainingInterest.objects.exclude(wish="").order_by("-updated_at").values_list("wish", "updated_at")
    context = {
        "areas": list(areas),
        "skills": list(skills),
        "wishes": list(wishes[:WISHES_SHOWN]),
        "people": TrainingInterest.objects.count(),
    }
    return render(request, "training/demand.html", context)
