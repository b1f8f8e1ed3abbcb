import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, F, Max, Min, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.enums import ReminderKind
from members.models import Sector, Skill
from members.validators import validate_sane_date
from training.enums import Audience, CourseFormat, CourseState, EnrolmentState, ProposalState

ZERO = Decimal("0.00")
MONEY = {"max_digits": 8, "decimal_places": 2, "validators": [MinValueValidator(ZERO)]}
RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]

# The pages under /formazione/ with a fixed address: a course slugged like one of them
# could never be opened, since the fixed path is matched first.
RESERVED_SLUGS = ("proponi", "proposte", "interessi", "domanda", "iscrizioni", "programmi")


def validate_course_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("This address belongs to a page of the portal: choose another one."), code="reserved_slug"
        )


class Programme(models.Model):
    """A named series of courses and open events under one page, e.g. Agorà."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One sentence, shown in lists."))
    description = models.TextField(_("description"))
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order on the pages."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def description_paragraphs(self):
        return [p.strip() for p in self.description.split("\n\n") if p.strip()]


class ProgrammeEvent(models.Model):
    """An open event of a programme: anyone may come, nobody enrols."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="events"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), validators=[validate_sane_date])
    ends_at = models.DateTimeField(_("ends at"), validators=[validate_sane_date])
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)

    class Meta:
        verbose_name = _("open event")
        verbose_name_plural = _("open events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="programme_event_ends_after_start"),
        ]

    def __str__(self):
        return self.title


# Nothing to pay for whoever may enrol: the price for others does not count where only
# members enrol.
FREE = Q(price_members=0) & (Q(price_others=0) | Q(audience=Audience.MEMBERS))


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=CourseState.PUBLISHED)

    def public(self):
        return self.filter(state__in=CourseState.PUBLIC)

    def free(self):
        return self.filter(FREE)

    def paid(self):
        return self.exclude(FREE)

    def recount(self):
        """Store the seats held (confirmed and offered), the waiting list and the first and
        last session on each course's row, counted now. Called in the transaction of every
        write that changes them (training/signals.py), after the course row is locked."""
        enrolments = Enrolment.objects.filter(course=OuterRef("pk")).order_by().values("course")
        sessions = Session.objects.filter(course=OuterRef("pk")).order_by().values("course")
        return self.update(
            seats_taken=Coalesce(
                Subquery(enrolments.filter(state__in=EnrolmentState.HOLDING_SEAT).annotate(n=Count("pk")).values("n")),
                0,
            ),
            waiting_count=Coalesce(
                Subquery(enrolments.filter(state=EnrolmentState.WAITLISTED).annotate(n=Count("pk")).values("n")), 0
            ),
            first_session_at=Subquery(sessions.annotate(first=Min("starts_at")).values("first")),
            last_session_end=Subquery(sessions.annotate(last=Max("ends_at")).values("last")),
        )


# The columns of a course that only CourseQuerySet.recount writes.
STORED = ("seats_taken", "waiting_count", "first_session_at", "last_session_end")


class Course(models.Model):
    """A training course (corso): sessions, seats, an audience and a price."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=150,
        unique=True,
        validators=[validate_course_slug],
        help_text=_("The course's address: /formazione/<slug>/."),
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses",
    )
    area = models.ForeignKey(Sector, verbose_name=_("area"), on_delete=models.PROTECT, related_name="courses")
    skills = models.ManyToManyField(Skill, verbose_name=_("skills taught"), blank=True, related_name="courses")
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One sentence, shown in the catalogue."))
    description = models.TextField(_("description"))
    format = models.CharField(_("format"), max_length=10, choices=CourseFormat.choices, default=CourseFormat.IN_PERSON)
    capacity = models.PositiveIntegerField(_("seats"), default=20, validators=[MinValueValidator(1)])
    price_members = models.DecimalField(
        _("price for members"), default=ZERO, help_text=_("In euros; 0 means free."), **MONEY
    )
    price_others = models.DecimalField(
        _("price for others"),
        default=ZERO,
        help_text=_("In euros, for people who are not members; 0 means free."),
        **MONEY,
    )
    audience = models.CharField(_("who may enrol"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS)
    enrolment_opens_at = models.DateTimeField(
        _("enrolment opens at"),
        null=True,
        blank=True,
        validators=[validate_sane_date],
        help_text=_("Empty: as soon as the course is published."),
    )
    enrolment_closes_at = models.DateTimeField(
        _("enrolment closes at"),
        null=True,
        blank=True,
        validators=[validate_sane_date],
        help_text=_("Empty: when the first session starts."),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a freed seat"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_("How long the first person on the waiting list has to accept a seat that frees up."),
    )
    state = models.CharField(_("state"), max_length=10, choices=CourseState.choices, default=CourseState.DRAFT)
    internal_notes = models.TextField(_("notes for the staff"), blank=True)
    proposal = models.OneToOneField(
        "TrainerProposal",
        verbose_name=_("from the proposal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="course",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Stored, recounted in the transaction of each enrolment, cancellation, offer and session
    # change (CourseQuerySet.recount, training/signals.py). Four subqueries per course on
    # every catalogue took about 2.5 ms of the page at the bench (40 courses).
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    waiting_count = models.PositiveIntegerField(_("waiting"), default=0, editable=False)
    first_session_at = models.DateTimeField(_("first session"), null=True, blank=True, editable=False)
    last_session_end = models.DateTimeField(_("end of the last session"), null=True, blank=True, editable=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_has_a_seat"),
            models.CheckConstraint(
                condition=Q(price_members__gte=0) & Q(price_others__gte=0), name="course_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(enrolment_opens_at__isnull=True)
                | Q(enrolment_closes_at__isnull=True)
                | Q(enrolment_closes_at__gt=F("enrolment_opens_at")),
                name="course_enrolment_closes_after_opening",
            ),
        ]
        indexes = [
            # The catalogue: published courses, by state.
            models.Index(fields=["state", "title"], name="course_state_title_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A course read before an enrolment and saved after it (the admin's form) must not
        # write back its old counts: only CourseQuerySet.recount writes them.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name for field in self._meta.concrete_fields if not field.primary_key and field.name not in STORED
            ]
        super().save(*args, **kwargs)

    def description_paragraphs(self):
        return [p.strip() for p in self.description.split("\n\n") if p.strip()]

    @property
    def is_free(self):
        return self.price_members == 0 and (self.price_others == 0 or self.audience == Audience.MEMBERS)

    @property
    def members_only(self):
        return self.audience == Audience.MEMBERS

    # seats_left and is_full read the stored counts (CourseQuerySet.recount).

    @property
    def seats_left(self):
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self):
        """No seat to take: all held, or people wait (a free seat is theirs, being offered)."""
        return self.seats_left == 0 or self.waiting_count > 0

    def price_for(self, member):
        return self.price_members if member.is_verified_member else self.price_others


class CourseTrainer(models.Model):
    """Who teaches a course: a member of the portal, or someone from outside (a name)."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="trainers")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses_taught",
        help_text=_("A trainer with an account marks attendance and reads the ratings."),
    )
    name = models.CharField(_("name"), max_length=150, blank=True, help_text=_("For a trainer without an account."))
    bio = models.TextField(_("short bio"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["course", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(member__isnull=False) | ~Q(name=""), name="trainer_has_a_name"),
            models.UniqueConstraint(
                fields=["course", "member"], condition=Q(member__isnull=False), name="trainer_once_per_course"
            ),
        ]
        indexes = [
            # "Which courses does this member teach?" (permissions, the trainer's pages).
            models.Index(fields=["member", "course"], name="trainer_member_idx"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name or (self.member.full_name if self.member_id else "")


class SessionQuerySet(models.QuerySet):
    def starting_between(self, start, end):
        """Sessions of courses that take place: a closed course has closed its enrolment, not its lessons."""
        return self.filter(course__state__in=CourseState.TAKING_PLACE, starts_at__gt=start, starts_at__lte=end)


class Session(models.Model):
    """One lesson of a course: a date, a time, a place or a link."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("Optional, e.g. “Module 1”."))
    starts_at = models.DateTimeField(_("starts at"), validators=[validate_sane_date])
    ends_at = models.DateTimeField(_("ends at"), validators=[validate_sane_date])
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, help_text=_("Raised at every change of time or status, for calendar programs.")
    )
    uid = models.UUIDField(_("calendar identifier"), default=uuid.uuid4, editable=False, unique=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]
        indexes = [
            # The reminder scan: sessions starting within a window.
            models.Index(fields=["starts_at"], name="session_start_idx"),
            models.Index(fields=["course", "starts_at"], name="session_course_start_idx"),
        ]

    def __str__(self):
        return f"{self.course} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_past(self):
        return self.ends_at < timezone.now()


class SessionReminder(models.Model):
    """A session reminder that was sent; the unique row is the claim (as MeetingReminder)."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="reminders")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=3, choices=ReminderKind.choices)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("session reminder sent")
        verbose_name_plural = _("session reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["session", "member", "kind"], name="session_reminder_once"),
        ]

    def __str__(self):
        return f"{self.session} · {self.member} · {self.kind}"


class EnrolmentQuerySet(models.QuerySet):
    def live(self):
        return self.filter(state__in=EnrolmentState.LIVE)

    def holding_seat(self):
        return self.filter(state__in=EnrolmentState.HOLDING_SEAT)

    def confirmed(self):
        return self.filter(state=EnrolmentState.CONFIRMED)

    def waiting_list(self):
        """Who waits, first come first served."""
        return self.filter(state=EnrolmentState.WAITLISTED).order_by("queued_at", "pk")

    def lapsed_offers(self, now):
        return self.filter(state=EnrolmentState.OFFERED, offer_expires_at__lte=now)

    def on_dashboard(self, member):
        """The member's seats, offers and waiting lists in courses not over yet, offers first."""
        return (
            self.filter(member=member)
            .live()
            .with_course_dates()
            .filter(Q(last_session_end__gte=timezone.now()) | Q(last_session_end=None))
            .order_by(Case(When(state=EnrolmentState.OFFERED, then=0), default=1), "first_session_at")
        )

    def with_course_dates(self):
        """Each enrolment's course, with its first and last session, in one query."""
        sessions = Session.objects.filter(course=OuterRef("course")).order_by().values("course")
        return self.select_related("course").annotate(
            first_session_at=Subquery(sessions.annotate(first=Min("starts_at")).values("first")),
            last_session_end=Subquery(sessions.annotate(last=Max("ends_at")).values("last")),
        )


class Enrolment(models.Model):
    """A person's seat in a course (iscrizione), or their place on its waiting list.

    confirmed | waitlisted -> offered (until offer_expires_at) -> confirmed | expired;
    cancelled. Every change goes through training.services, which locks the course row."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="enrolments"
    )
    state = models.CharField(_("state"), max_length=10, choices=EnrolmentState.choices)
    queued_at = models.DateTimeField(
        _("enrolled at"), default=timezone.now, help_text=_("The order of the waiting list.")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    offered_at = models.DateTimeField(_("seat offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer valid until"), null=True, blank=True)
    ended_at = models.DateTimeField(_("cancelled or expired at"), null=True, blank=True)
    price = models.DecimalField(_("price to pay"), default=ZERO, **MONEY)
    amount_paid = models.DecimalField(_("amount paid"), null=True, blank=True, **MONEY)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, validators=[validate_sane_date])
    feedback_requested_at = models.DateTimeField(_("rating asked at"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["course", "queued_at", "pk"]
        constraints = [
            # Enrolling twice is refused by the service under the course lock; this is the
            # floor under it. A cancelled or expired enrolment does not stop a new one.
            models.UniqueConstraint(
                fields=["course", "member"],
                condition=Q(state__in=EnrolmentState.LIVE),
                name="enrolment_live_once_per_course",
            ),
            models.CheckConstraint(
                condition=~Q(state=EnrolmentState.OFFERED) | Q(offer_expires_at__isnull=False),
                name="enrolment_offer_has_a_deadline",
            ),
        ]
        indexes = [
            # Seats taken and the waiting list of a course, in order (counted under the lock).
            models.Index(fields=["course", "state", "queued_at"], name="enrolment_course_state_idx"),
            # The lapse scan: open offers by deadline.
            models.Index(
                fields=["offer_expires_at"],
                condition=Q(state=EnrolmentState.OFFERED),
                name="enrolment_open_offer_idx",
            ),
            # "My courses", the dashboard and the calendar feed.
            models.Index(fields=["member", "state"], name="enrolment_member_state_idx"),
        ]

    def __str__(self):
        return f"{self.member} · {self.course}"

    @property
    def is_paid(self):
        return self.price == 0 or self.paid_at is not None


class Attendance(models.Model):
    """Whether a participant came to a session, as the trainer or staff marked it."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("present"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once_per_session")]

    def __str__(self):
        return f"{self.session} · {self.enrolment.member}"


class Feedback(models.Model):
    """A participant's rating of a course, 1 to 5, with an optional comment."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="feedback")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), validators=RATING_VALIDATORS)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "member"], name="feedback_once_per_course"),
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.course} · {self.rating}"


class TrainerProposalQuerySet(models.QuerySet):
    def with_scores(self):
        return self.annotate(review_count=Count("reviews"), average_score=models.Avg("reviews__score"))


class TrainerProposal(models.Model):
    """A member's proposal to teach a course (call for trainers)."""

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.CASCADE,
        related_name="trainer_proposals",
    )
    topic = models.CharField(_("topic"), max_length=200)
    area = models.ForeignKey(Sector, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    skills = models.ManyToManyField(Skill, verbose_name=_("skills taught"), blank=True, related_name="+")
    outline = models.TextField(_("outline"), max_length=5000)
    format = models.CharField(_("format"), max_length=10, choices=CourseFormat.choices, default=CourseFormat.IN_PERSON)
    bio = models.TextField(_("short bio"), max_length=2000)
    expected_fee = models.DecimalField(_("expected fee"), null=True, blank=True, **MONEY)
    state = models.CharField(_("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.SUBMITTED)
    decision_note = models.TextField(_("answer to the proposer"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TrainerProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("trainer proposal")
        verbose_name_plural = _("trainer proposals")
        ordering = ["-created_at"]
        indexes = [
            # The reviewers' list: proposals waiting for a decision first.
            models.Index(fields=["state", "created_at"], name="proposal_state_created_idx"),
        ]

    def __str__(self):
        return self.topic


class ProposalReview(models.Model):
    """A reviewer's score (1-5) and comment on a trainer proposal; one per reviewer."""

    proposal = models.ForeignKey(
        TrainerProposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=RATING_VALIDATORS)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("proposal review")
        verbose_name_plural = _("proposal reviews")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="review_once_per_reviewer"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="review_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.proposal} · {self.score}"


class TrainingInterest(models.Model):
    """What a person would like to learn: areas, skills and a wish in their own words."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="training_interest",
    )
    areas = models.ManyToManyField(Sector, verbose_name=_("areas"), blank=True, related_name="training_interests")
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="training_interests")
    wish = models.TextField(_("what else you would like to learn"), blank=True, max_length=1000)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("training interest")
        verbose_name_plural = _("training interests")
        ordering = ["-updated_at"]

    def __str__(self):
        return str(self.member)


class InterestNotice(models.Model):
    """A person was told that a course matching their interests opened. The unique row is
    the claim: a course published, closed and published again tells nobody twice."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course announcement sent")
        verbose_name_plural = _("course announcements sent")
        constraints = [models.UniqueConstraint(fields=["course", "member"], name="interest_notice_once")]

    def __str__(self):
        return f"{self.course} · {self.member}"
