import enum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProposalState(models.TextChoices):
    """shared/DESIGN.md section 4: draft -> submitted -> published | rejected; published ->
    under_review -> accepted -> implemented | declined. Authors may also withdraw a proposal
    staff have not published yet, and reopen it as a draft."""

    DRAFT = "draft", pgettext_lazy("proposal state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("proposal state", "Waiting for moderation")
    REJECTED = "rejected", pgettext_lazy("proposal state", "Not published")
    WITHDRAWN = "withdrawn", pgettext_lazy("proposal state", "Withdrawn")
    PUBLISHED = "published", pgettext_lazy("proposal state", "Published")
    UNDER_REVIEW = "under_review", pgettext_lazy("proposal state", "Under review")
    ACCEPTED = "accepted", pgettext_lazy("proposal state", "Accepted")
    IMPLEMENTED = "implemented", pgettext_lazy("proposal state", "Implemented")
    DECLINED = "declined", pgettext_lazy("proposal state", "Declined")

    # Readable by everyone (unless staff hid it); the rest only by its authors and staff.
    PUBLIC = enum.nonmember(("published", "under_review", "accepted", "implemented", "declined"))
    # The states an official answer moves a proposal to, and from which state each may be given.
    ANSWERS = enum.nonmember(("under_review", "accepted", "implemented", "declined"))
    ANSWERABLE_FROM = enum.nonmember(
        {
            "published": ("under_review", "accepted", "declined"),
            "under_review": ("accepted", "declined"),
            "accepted": ("implemented", "declined"),
        }
    )
    # Supports, comments and reports are open while the cooperative has not closed the matter.
    OPEN_FOR_DISCUSSION = enum.nonmember(("published", "under_review", "accepted"))
    WITHDRAWABLE = enum.nonmember(("draft", "submitted"))
    # The colour of each state's badge (templates/groups/proposals/includes/state_badge.html).
    BADGE = enum.nonmember(
        {
            "draft": "text-bg-secondary",
            "withdrawn": "text-bg-secondary",
            "submitted": "text-bg-warning",
            "rejected": "text-bg-danger",
            "declined": "text-bg-danger",
            "under_review": "text-bg-info",
            "accepted": "text-bg-success",
            "implemented": "text-bg-success",
            "published": "text-bg-primary",
        }
    )


class CoAuthorState(models.TextChoices):
    INVITED = "invited", pgettext_lazy("co-author", "Invited")
    ACCEPTED = "accepted", pgettext_lazy("co-author", "Co-author")
    DECLINED = "declined", pgettext_lazy("co-author", "Declined the invitation")


class UpdateKind(models.TextChoices):
    ANSWER = "answer", _("Official answer")
    PROGRESS = "progress", _("Progress update")


class ReportOutcome(models.TextChoices):
    HIDDEN = "hidden", _("Content hidden")
    DISMISSED = "dismissed", _("Report dismissed")


class ProposalOrder(models.TextChoices):
    """The sorts of the proposal lists, as the query string spells them."""

    RELEVANCE = "pertinenza", _("Best match (when searching)")
    NEWEST = "recenti", _("Newest")
    SUPPORTED = "sostegni", _("Most supported")
    ANSWERED = "risposte", _("Most recently answered")
