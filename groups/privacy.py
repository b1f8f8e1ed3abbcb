"""The groups' rows that point at a member: see members/privacy.py."""

from groups.models import RSVP, DatePoll, DateVote, Document, Meeting, MeetingReminder, Membership, PollReminder
from groups.proposals.models import (
    CoAuthor,
    Comment,
    Proposal,
    ProposalAttachment,
    ProposalUpdate,
    Report,
    Support,
)
from members.privacy import Fate, register

register(Membership, "member", Fate.DELETE)
register(RSVP, "member", Fate.DELETE)
register(MeetingReminder, "member", Fate.DELETE)
register(PollReminder, "member", Fate.DELETE)
# What the group decided and shared stays readable.
register(Meeting, "created_by", Fate.ANONYMISE)
register(DatePoll, "created_by", Fate.ANONYMISE)
register(DateVote, "member", Fate.ANONYMISE)
register(Document, "uploaded_by", Fate.ANONYMISE)
register(Proposal, "author", Fate.ANONYMISE)
register(CoAuthor, "member", Fate.ANONYMISE)
register(ProposalAttachment, "uploaded_by", Fate.ANONYMISE)
# A support is counted in Proposal.support_count: the row stays so the count stays true.
register(Support, "member", Fate.ANONYMISE)
register(Comment, "author", Fate.ANONYMISE)
register(ProposalUpdate, "created_by", Fate.KEEP)
# Moderation records.
register(Report, "reporter", Fate.KEEP)
register(Report, "resolved_by", Fate.KEEP)
