import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.enums import (
    Answer,
    DocumentVisibility,
    GroupTheme,
    JoinPolicy,
    MeetingStatus,
    MembershipState,
    PollStatus,
    ReminderKind,
    Role,
)
from groups.filetypes import EXTENSIONS
from members.models import Member
from members.validators import validate_sane_date
from smartprogress.versions import CacheVersion


class WorkingGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def with_overview(self, now=None):
        """The start of the next meeting, for the group list (the participant count is stored
        on the group: counting thousands of memberships of verified members on every list
        cost 80 ms at 100,000 members)."""
        next_meeting = (
            Meeting.objects.upcoming(now).filter(group=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1]
        )
        return self.annotate(next_meeting_at=Subquery(next_meeting))

    def recount_participants(self):
        """Store again, in one UPDATE, how many take part in each of these groups, and move
        their participants_version on (the key of the cached participant list). Called in the
        transaction of every write that changes who takes part or how they are listed
        (groups/signals.py), and after bulk inserts, which send no signals."""
        counted = (
            Membership.objects.taking_part()
            .filter(group=OuterRef("pk"))
            .order_by()
            .values("group")
            .annotate(count=Count("pk"))
            .values("count")
        )
        updated = self.update(
            participant_count=Coalesce(Subquery(counted), 0), participants_version=F("participants_version") + 1
        )
        from groups.pagecache import overview_changed  # pagecache imports this module

        overview_changed()  # the counts are on the groups' overview
        return updated


class WorkingGroup(models.Model):
    """A working group (gruppo di lavoro) of Smart in Progress."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    theme = models.CharField(_("theme"), max_length=20, choices=GroupTheme.choices, default=GroupTheme.OTHER)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order on the pages."))
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One sentence, shown in lists."))
    description = models.TextField(_("description"))
    join_policy = models.CharField(
        _("who may join"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    max_participants = models.PositiveIntegerField(
        _("maximum number of participants"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    participants_may_schedule = models.BooleanField(
        _("participants may create meetings"),
        default=False,
        help_text=_("Otherwise only facilitators and staff create meetings."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, validators=[validate_sane_date])
    # Stored, not counted on each page: who takes part (Membership.objects.taking_part()),
    # kept by WorkingGroupQuerySet.recount_participants in the transaction of every write
    # that changes it. The version moves with every such write: the participant list cached
    # in Redis is keyed by it, so a reader never gets a list older than the row it read.
    participant_count = models.PositiveIntegerField(_("participants"), default=0, editable=False)
    participants_version = models.PositiveIntegerField(_("version of the participant list"), default=0, editable=False)
    # Moves on (in the transaction of the write) with every write to what the group page and
    # its meeting list show of the group: its meetings, open polls, prompts, published
    # proposals and documents (groups/pagecache.py). Those parts are cached in Redis under it.
    content_version = models.PositiveIntegerField(_("version of the page's content"), default=0, editable=False)

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    # Moved only by UPDATEs in the transaction of the writes that change them.
    STORED_BY_WRITES = ("participant_count", "participants_version", "content_version")

    def save(self, *args, **kwargs):
        """A save of a row read earlier (an edit in the admin) leaves the stored count and the
        versions alone: writing back older values would bring an old cached list back."""
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.STORED_BY_WRITES
            ]
        super().save(*args, **kwargs)

    def description_paragraphs(self):
        return [p.strip() for p in self.description.split("\n\n") if p.strip()]


class DiscussionPrompt(models.Model):
    """A question the group works on (spunto di lavoro), optionally under a heading."""

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="prompts"
    )
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.CharField(_("text"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("discussion prompt")
        verbose_name_plural = _("discussion prompts")
        ordering = ["group", "position", "id"]

    def __str__(self):
        return self.text


def group_cards(now):
    """The open groups with what their cards show (/gruppi/, the visitor's home), as of `now`.
    Given to notifications.listkeys.DigestedRows, which compiles it once per process."""
    return WorkingGroup.objects.active().with_overview(now)


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=MembershipState.ACTIVE)

    def pending(self):
        return self.filter(state=MembershipState.PENDING)

    def taking_part(self):
        """Who takes part in a group: an active membership of an active account that is still
        a verified member. The pages ask its Python twin, permissions.is_participant; the
        e-mails about a group's meetings and polls ask this, so nobody is sent what the page
        would refuse them (tests/groups/test_who_takes_part.py holds the two equal)."""
        return self.active().filter(member__in=Member.objects.verified())


class Membership(models.Model):
    """A member's place in a working group: participant or facilitator."""

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    state = models.CharField(_("state"), max_length=10, choices=MembershipState.choices, default=MembershipState.ACTIVE)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, validators=[validate_sane_date])
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True, validators=[validate_sane_date])

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group", "-role", "joined_at"]
        constraints = [models.UniqueConstraint(fields=["group", "member"], name="membership_once_per_group")]
        indexes = [
            # "Which groups is this member in?" (dashboard, calendar feed, reminders).
            models.Index(fields=["member", "state"], name="membership_member_state_idx"),
        ]

    def __str__(self):
        return f"{self.member} · {self.group}"

    @property
    def is_facilitator(self):
        return self.state == MembershipState.ACTIVE and self.role == Role.FACILITATOR


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(status=MeetingStatus.SCHEDULED, ends_at__gte=now or timezone.now())

    def past(self):
        return self.filter(ends_at__lt=timezone.now())

    def starting_between(self, start, end):
        return self.filter(status=MeetingStatus.SCHEDULED, starts_at__gt=start, starts_at__lte=end)

    def of_member_groups(self, member):
        """Meetings of the groups the member takes part in."""
        return self.filter(group__in=Membership.objects.taking_part().filter(member=member).values("group"))


class Meeting(models.Model):
    """A meeting (incontro) of a working group, in person or online."""

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), validators=[validate_sane_date])
    ends_at = models.DateTimeField(_("ends at"), validators=[validate_sane_date])
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit."))
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_updated_at = models.DateTimeField(
        _("minutes updated at"), null=True, blank=True, validators=[validate_sane_date]
    )
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, help_text=_("Raised at every change of time or status, for calendar programs.")
    )
    uid = models.UUIDField(_("calendar identifier"), default=uuid.uuid4, editable=False, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
        ]
        indexes = [
            # The reminder scan and the group pages: scheduled meetings by start.
            models.Index(fields=["status", "starts_at"], name="meeting_status_start_idx"),
            models.Index(fields=["group", "starts_at"], name="meeting_group_start_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_cancelled(self):
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_past(self):
        return self.ends_at < timezone.now()


class RSVP(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="rsvps"
    )
    answer = models.CharField(_("answer"), max_length=5, choices=Answer.choices)
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("answer to a meeting")
        verbose_name_plural = _("answers to meetings")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="rsvp_once_per_meeting")]

    def __str__(self):
        return f"{self.member} · {self.meeting}: {self.answer}"


class MeetingReminder(models.Model):
    """A reminder that was sent. The unique row is the claim: inserting it is what
    makes a worker the one that sends (two workers or a repeated job cannot both)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="reminders")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=3, choices=ReminderKind.choices)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting reminder sent")
        verbose_name_plural = _("meeting reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member", "kind"], name="meeting_reminder_once"),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.member} · {self.kind}"


class DatePollQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=PollStatus.OPEN)

    def recount_tallies(self):
        """Store again, from the votes, each slot's yes, maybe and no counts and each poll's
        number of voters. For bulk inserts of votes, which send no signals (the demo, the
        bench's data) and the migration that first filled them; `services.vote` and a deleted
        vote keep them as they go."""
        store_tallies(DateSlot, DateVote, self.model.objects.filter(pk__in=self.values("pk")))


def store_tallies(slot_model, vote_model, polls):
    """The two UPDATEs of `recount_tallies`, on the given models (the migration passes its
    historical ones)."""

    def counted(answer):
        votes = vote_model.objects.filter(slot=OuterRef("pk"), answer=answer).order_by().values("slot")
        return Coalesce(Subquery(votes.annotate(n=Count("pk")).values("n")), 0)

    slot_model.objects.filter(poll__in=polls).update(
        yes_count=counted(Answer.YES), maybe_count=counted(Answer.MAYBE), no_count=counted(Answer.NO)
    )
    voters = (
        vote_model.objects.filter(slot__poll=OuterRef("pk"))
        .order_by()
        .values("slot__poll")
        .annotate(n=Count("member", distinct=True))
        .values("n")
    )
    polls.update(voter_count=Coalesce(Subquery(voters), 0))


class DatePoll(models.Model):
    """Participants propose dates for the next meeting and vote on them."""

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="date_polls"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    duration = models.DurationField(_("meeting length"), default=timedelta(hours=2))
    closes_at = models.DateTimeField(_("voting closes at"), validators=[validate_sane_date])
    status = models.CharField(_("status"), max_length=10, choices=PollStatus.choices, default=PollStatus.OPEN)
    chosen_slot = models.ForeignKey(
        "DateSlot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("chosen date")
    )
    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.SET_NULL, null=True, blank=True, related_name="date_poll"
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
    # Stored, like each slot's tallies: counting the distinct voters of 10,000 votes (a poll of
    # 1,000 voters and ten dates) was the poll page's main cost. Kept by services.vote and by a
    # deleted vote (groups/signals.py) in the same transaction as the vote.
    voter_count = models.PositiveIntegerField(_("voters"), default=0, editable=False)

    objects = DatePollQuerySet.as_manager()

    class Meta:
        verbose_name = _("date poll")
        verbose_name_plural = _("date polls")
        ordering = ["-created_at"]
        indexes = [
            # The poll-reminder scan: open polls closing soon.
            models.Index(fields=["status", "closes_at"], name="datepoll_status_closes_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status == PollStatus.OPEN and self.closes_at > timezone.now()


class DateSlotQuerySet(models.QuerySet):
    def best_first(self):
        """Most yes, then most maybe, then earliest (the counts are stored on each slot)."""
        return self.order_by("-yes_count", "-maybe_count", "starts_at")

    def with_answer_of(self, member):
        """Each slot with `member`'s answer to it (None if none), read in the same query
        through the (slot, member) unique index."""
        answers = DateVote.objects.filter(slot=OuterRef("pk"), member=member).values("answer")[:1]
        return self.annotate(my_answer=Subquery(answers))


class DateSlot(models.Model):
    poll = models.ForeignKey(DatePoll, verbose_name=_("date poll"), on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"), validators=[validate_sane_date])
    # The tallies, stored: counting them from 10,000 votes on every view of a poll of 1,000
    # voters cost more than the rest of the page's queries together. Kept exact in the vote's
    # transaction (services.vote, groups/signals.py); `DatePollQuerySet.recount_tallies` after
    # bulk inserts.
    yes_count = models.PositiveIntegerField(_("yes"), default=0, editable=False)
    maybe_count = models.PositiveIntegerField(_("maybe"), default=0, editable=False)
    no_count = models.PositiveIntegerField(_("no"), default=0, editable=False)

    objects = DateSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposed date")
        verbose_name_plural = _("proposed dates")
        ordering = ["starts_at"]
        constraints = [models.UniqueConstraint(fields=["poll", "starts_at"], name="dateslot_unique_start")]

    def __str__(self):
        return f"{self.poll}: {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + self.poll.duration


class DateVote(models.Model):
    slot = models.ForeignKey(DateSlot, verbose_name=_("proposed date"), on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="date_votes"
    )
    answer = models.CharField(_("answer"), max_length=5, choices=Answer.choices)

    class Meta:
        verbose_name = _("vote on a date")
        verbose_name_plural = _("votes on dates")
        constraints = [models.UniqueConstraint(fields=["slot", "member"], name="datevote_once_per_slot")]

    def __str__(self):
        return f"{self.slot} · {self.member}: {self.answer}"


class PollReminder(models.Model):
    """The one reminder a non-voter gets before a poll closes; the row is the claim."""

    poll = models.ForeignKey(DatePoll, verbose_name=_("date poll"), on_delete=models.CASCADE, related_name="reminders")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("poll reminder sent")
        verbose_name_plural = _("poll reminders sent")
        constraints = [models.UniqueConstraint(fields=["poll", "member"], name="poll_reminder_once")]

    def __str__(self):
        return f"{self.poll} · {self.member}"


def document_upload_path(document, filename):
    # A random folder per file: names never collide and are never guessable.
    return f"documents/{uuid.uuid4().hex}/{filename}"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.is_staff:
            return self
        allowed = Q(visibility=DocumentVisibility.PUBLIC)
        if user.is_authenticated and user.is_verified_member:
            allowed |= Q(visibility=DocumentVisibility.MEMBERS)
            # A subquery, not a join: a join on memberships would repeat every document.
            my_groups = Membership.objects.active().filter(member=user).values("group")
            allowed |= Q(visibility=DocumentVisibility.GROUP, group__in=my_groups)
        return self.filter(allowed)

    def audience_of(self, user):
        """A short name of what `visible_to(user)` lets the user see: two readers with the
        same name see the same documents (the key of the cached /documenti/ page)."""
        if user.is_authenticated and user.is_staff:
            return "staff"
        if user.is_authenticated and user.is_verified_member:
            my_groups = Membership.objects.active().filter(member=user).order_by("group_id")
            return "members:" + ",".join(str(pk) for pk in my_groups.values_list("group_id", flat=True))
        return "public"


class Document(models.Model):
    """A file or a link shared in "Documenti utili"."""

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="documents"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("meeting"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("who can see it"), max_length=10, choices=DocumentVisibility.choices, default=DocumentVisibility.MEMBERS
    )
    file = models.FileField(_("file"), upload_to=document_upload_path, blank=True, max_length=300)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    url = models.URLField(_("link"), blank=True, max_length=500)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["group__position", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="document_file_or_link",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_link(self):
        return bool(self.url)

    @property
    def file_kind(self):
        return EXTENSIONS.get(self.content_type, "").upper()


# The version of everything /documenti/ shows (groups.views.documents): every save or delete
# of a document or a group moves it (groups/signals.py).
DOCUMENTS_VERSION = CacheVersion("documents:version")


# Proposals live in a room of their own (groups/proposals/); importing their models here
# is what makes Django register them with this app.
from groups.proposals.models import (  # noqa: E402, F401
    CoAuthor,
    Comment,
    ModerationAlert,
    Proposal,
    ProposalAttachment,
    ProposalToModerate,
    ProposalUpdate,
    Report,
    Support,
)
