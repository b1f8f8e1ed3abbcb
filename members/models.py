import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.enums import DirectoryField, Language, MemberStatus, Region, Visibility, WorkMode
from members.validators import validate_membership_number


class Sector(models.Model):
    """An activity sector (settore di attività), e.g. "Musica", "Arti visive"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("activity sector")
        verbose_name_plural = _("activity sectors")

    def __str__(self):
        return self.name


class Skill(models.Model):
    """A skill (competenza) a member offers, e.g. "Montaggio video"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.SET_NULL, related_name="skills"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self):
        return self.name


class MemberQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=MemberStatus.VERIFIED, is_active=True)

    def awaiting_verification(self):
        return self.filter(status=MemberStatus.VERIFICATION_REQUESTED)

    def visible_to(self, viewer):
        """The people whose name `viewer` may see: everyone for staff; for the rest, who chose
        "everyone", plus who chose "verified members" when the viewer is one, plus themselves."""
        if viewer.is_authenticated and viewer.is_staff:
            return self
        allowed = models.Q(visibility=Visibility.PUBLIC)
        if viewer.is_authenticated:
            allowed |= models.Q(pk=viewer.pk)
            if viewer.is_verified_member:
                allowed |= models.Q(visibility=Visibility.MEMBERS)
        return self.filter(allowed)

    def in_directory(self):
        """Who appears in the member directory: verified members who chose to, and who let
        verified members see their name (a private profile never shows, whatever the flag)."""
        return self.verified().filter(in_directory=True).exclude(visibility=Visibility.PRIVATE)


class MemberManager(BaseUserManager.from_queryset(MemberQuerySet)):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        member = self.model(email=self.normalize_email(email).lower(), **fields)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


def _time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class Member(AbstractBaseUser, PermissionsMixin):
    """A person with an account: a member of the cooperative once verified."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ITALIAN
    )
    time_zone = models.CharField(_("time zone"), max_length=64, choices=_time_zone_choices, default="Europe/Rome")
    membership_number = models.CharField(
        _("membership number"), max_length=8, blank=True, validators=[validate_membership_number]
    )
    status = models.CharField(
        _("member status"), max_length=32, choices=MemberStatus.choices, default=MemberStatus.REGISTERED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    region = models.CharField(_("region"), max_length=32, choices=Region.choices, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("activity sectors"), blank=True, related_name="members")
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="members")
    visibility = models.CharField(
        _("who can see my name and profile"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    work_mode = models.CharField(
        _("how I work with Smart"),
        max_length=16,
        choices=WorkMode.choices,
        blank=True,
        help_text=_("Used only to compare the needs of people who work in different ways, in survey results."),
    )
    offers = models.TextField(_("what I offer"), max_length=1000, blank=True)
    looks_for = models.TextField(_("what I am looking for"), max_length=1000, blank=True)
    in_directory = models.BooleanField(_("appear in the member directory"), default=False)
    # Which parts of the profile the directory shows: nothing but the name unless chosen.
    shows_region = models.BooleanField(_("show my region"), default=False)
    shows_sectors = models.BooleanField(_("show my activity sectors"), default=False)
    shows_skills = models.BooleanField(_("show my skills"), default=False)
    shows_bio = models.BooleanField(_("show my short bio"), default=False)
    shows_offers = models.BooleanField(_("show what I offer"), default=False)
    shows_looks_for = models.BooleanField(_("show what I am looking for"), default=False)
    shows_groups = models.BooleanField(_("show my working groups"), default=False)
    shows_projects = models.BooleanField(_("show my common projects"), default=False)
    # What the directory's full-text search reads: the name and only the fields shown, so a
    # search never finds anybody by a field they keep hidden. Written by
    # members.directory.refresh_directory_text whenever the profile changes.
    directory_text = models.TextField(_("directory search text"), blank=True, editable=False)
    calendar_token = models.CharField(_("calendar token"), max_length=43, blank=True, db_index=True)
    is_staff = models.BooleanField(_("staff"), default=False, help_text=_("May use the administration."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = MemberManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="member_email_ci_unique"),
            # One verified account per membership number; pending requests may
            # collide (staff settle them), verified members may not.
            models.UniqueConstraint(
                fields=["membership_number"],
                condition=models.Q(status="verified"),
                name="member_verified_number_unique",
            ),
        ]
        indexes = [
            # The admin's queue of requests to verify, oldest first.
            models.Index(fields=["status", "status_changed_at"], name="member_status_idx"),
            # The directory's page of results (networking `home`): `in_directory()` ordered by
            # full_name, pk, LIMIT 24. Only the directory's rows, in the page's order: the page
            # reads 24 index entries instead of sorting every match (27 ms to 1 ms for a skill
            # shared by 2,300 members, at 100,000 members). The condition must stay the one
            # `MemberQuerySet.in_directory` writes, or PostgreSQL will not use the index.
            models.Index(
                fields=["full_name", "id"],
                name="member_directory_name_idx",
                condition=models.Q(status=MemberStatus.VERIFIED, is_active=True, in_directory=True)
                & ~models.Q(visibility=Visibility.PRIVATE),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_verified_member(self):
        return self.is_active and self.status == MemberStatus.VERIFIED

    def ensure_calendar_token(self):
        """The secret of the personal calendar feed, made on first use."""
        if not self.calendar_token:
            self.renew_calendar_token()
        return self.calendar_token

    def renew_calendar_token(self):
        self.calendar_token = secrets.token_urlsafe(32)
        self.save(update_fields=["calendar_token"])

    def shows(self, field):
        """Whether the directory shows `field` (a DirectoryField value) of this member."""
        return getattr(self, f"shows_{DirectoryField(field).value}")

    @property
    def may_request_verification(self):
        return self.status in MemberStatus.MAY_REQUEST


class RosterEntry(models.Model):
    """A membership number from the cooperative's roster, imported by staff.

    A verification request whose number (and e-mail, when the roster has one)
    matches an entry is verified at once.
    """

    membership_number = models.CharField(
        _("membership number"), max_length=8, unique=True, validators=[validate_membership_number]
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("membership roster")
        ordering = ["membership_number"]

    def __str__(self):
        return self.membership_number

    def matches(self, member):
        return self.membership_number == member.membership_number and (
            not self.email or self.email.lower() == member.email.lower()
        )


class ActionLog(models.Model):
    """One line per state change anywhere in the portal: who did what to which object."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=100)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("activity log")
        ordering = ["-created_at", "-id"]
        indexes = [
            # An object's history, newest first (admin and service checks).
            models.Index(fields=["content_type", "object_id", "-created_at"], name="actionlog_subject_idx"),
        ]

    def __str__(self):
        return f"{self.action} ({self.created_at:%Y-%m-%d %H:%M})"

    @classmethod
    def record(cls, subject, action, *, actor=None, **data):
        return cls.objects.create(
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
            action=action,
            actor=actor if actor is not None and actor.is_authenticated else None,
            data=data,
        )
