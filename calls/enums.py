import enum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FunderKind(models.TextChoices):
    PUBLIC = "public", pgettext_lazy("funder", "Public")
    PRIVATE = "private", pgettext_lazy("funder", "Private")


class CallStatus(models.TextChoices):
    """A call's life on the portal. Members see it from OPEN on; candidacies come in while it
    is OPEN and its internal deadline is ahead; SCORING is the selection when the limit bites."""

    DRAFT = "draft", pgettext_lazy("call status", "Draft")
    OPEN = "open", pgettext_lazy("call status", "Open")
    SCORING = "scoring", pgettext_lazy("call status", "Selection under way")
    DECIDED = "decided", pgettext_lazy("call status", "Selection concluded")
    ARCHIVED = "archived", pgettext_lazy("call status", "Archived")

    PUBLISHED = enum.nonmember(("open", "scoring", "decided", "archived"))


class CandidacyState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("candidacy state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("candidacy state", "Submitted")
    ELIGIBLE = "eligible", pgettext_lazy("candidacy state", "Eligible")
    INELIGIBLE = "ineligible", pgettext_lazy("candidacy state", "Not eligible")
    SELECTED = "selected", pgettext_lazy("candidacy state", "Selected")
    WAITLISTED = "waitlisted", pgettext_lazy("candidacy state", "On the waiting list")
    NOT_SELECTED = "not_selected", pgettext_lazy("candidacy state", "Not selected")
    SENT_TO_FUNDER = "sent_to_funder", pgettext_lazy("candidacy state", "Sent to the funder")
    FUNDED = "funded", pgettext_lazy("candidacy state", "Funded")
    NOT_FUNDED = "not_funded", pgettext_lazy("candidacy state", "Not funded")
    REPORTING = "reporting", pgettext_lazy("candidacy state", "Reporting")
    CLOSED = "closed", pgettext_lazy("candidacy state", "Closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("candidacy state", "Withdrawn")

    # What counts as "selected" for the 12-month rule of the ranking: the cooperative
    # chose the candidacy, whatever the funder said afterwards.
    SELECTED_OR_LATER = enum.nonmember(("selected", "sent_to_funder", "funded", "not_funded", "reporting", "closed"))
    # Still being worked on: its checklist is live and its late tasks are reminded.
    IN_PROGRESS = enum.nonmember(
        ("submitted", "eligible", "selected", "waitlisted", "sent_to_funder", "funded", "reporting")
    )
    # A member's candidacy that counts against "one candidacy per member" in a call.
    LIVE = enum.nonmember(
        (
            "draft",
            "submitted",
            "eligible",
            "selected",
            "waitlisted",
            "sent_to_funder",
            "funded",
            "reporting",
            "closed",
        )
    )
    # Reporting milestones are set and delivered in these.
    REPORTING_OPEN = enum.nonmember(("funded", "reporting"))


S = CandidacyState
# Every move a candidacy may make (shared/DESIGN.md section 4). Withdrawing is possible from
# any state before the candidacy is sent to the funder; after that the cooperative has
# committed to the funder, and only the outcome and the reporting follow.
CANDIDACY_TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.ELIGIBLE, S.INELIGIBLE, S.WITHDRAWN},
    S.ELIGIBLE: {S.SELECTED, S.WAITLISTED, S.NOT_SELECTED, S.WITHDRAWN},
    S.INELIGIBLE: {S.WITHDRAWN},
    S.WAITLISTED: {S.SELECTED, S.NOT_SELECTED, S.WITHDRAWN},
    S.SELECTED: {S.SENT_TO_FUNDER, S.WITHDRAWN},
    S.NOT_SELECTED: {S.WITHDRAWN},
    S.SENT_TO_FUNDER: {S.FUNDED, S.NOT_FUNDED},
    S.FUNDED: {S.REPORTING},
    S.NOT_FUNDED: set(),
    S.REPORTING: {S.CLOSED},
    S.CLOSED: set(),
    S.WITHDRAWN: set(),
}
del S


class TeamMemberState(models.TextChoices):
    INVITED = "invited", pgettext_lazy("team member", "Invited")
    ACCEPTED = "accepted", pgettext_lazy("team member", "In the team")
    DECLINED = "declined", pgettext_lazy("team member", "Declined")


class OfferState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("offer", "Waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("offer", "Accepted")
    DECLINED = "declined", pgettext_lazy("offer", "Declined")


class TaskOwner(models.TextChoices):
    TEAM = "team", _("The applicant team")
    STAFF = "staff", _("Smart staff")


class MilestoneKind(models.TextChoices):
    DELIVERABLE = "deliverable", _("Deliverable")
    EXPENSE_REPORT = "expenses", _("Expense report")


class MilestoneReminderKind(models.TextChoices):
    WEEK_BEFORE = "7d", _("7 days before")
    DAY_BEFORE = "1d", _("1 day before")


class RankingReason(models.TextChoices):
    """Why a candidacy is ranked above the next one."""

    SCORE = "score", _("higher weighted score")
    NOT_RECENT = "not_recent", _("same score; not selected in the previous 12 months")
    DRAW = "draw", _("same score; the reproducible draw")


class LeadRequestState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("lead partner request", "Being evaluated")
    ACCEPTED = "accepted", pgettext_lazy("lead partner request", "Accepted")
    DECLINED = "declined", pgettext_lazy("lead partner request", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("lead partner request", "Withdrawn")
    CLOSED = "closed", pgettext_lazy("lead partner request", "Closed")


LEAD_REQUEST_TRANSITIONS = {
    LeadRequestState.SUBMITTED: {LeadRequestState.ACCEPTED, LeadRequestState.DECLINED, LeadRequestState.WITHDRAWN},
    LeadRequestState.ACCEPTED: {LeadRequestState.CLOSED},
    LeadRequestState.DECLINED: set(),
    LeadRequestState.WITHDRAWN: set(),
    LeadRequestState.CLOSED: set(),
}


class RulesStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("rules version", "Draft open for comments")
    PUBLISHED = "published", pgettext_lazy("rules version", "Published")
