"""The calls' rows that point at a member: see members/privacy.py. Candidacies, their teams,
reviews, reporting and lead-partner requests are records the cooperative must keep (funders
audit them): they stay, pointing at the anonymised account."""

from calls.models import (
    CallFollower,
    CallReminder,
    CallReviewer,
    Candidacy,
    CandidacyDocument,
    ConflictDeclaration,
    FundingCall,
    JoinOffer,
    LeadPartnerRequest,
    ReportingMilestone,
    ResponsibilityTask,
    RulesComment,
    RulesVersion,
    Score,
    TeamMember,
)
from members.privacy import Fate, register

register(CallFollower, "member", Fate.DELETE)
register(CallReminder, "member", Fate.DELETE)
register(JoinOffer, "member", Fate.DELETE)
register(RulesComment, "author", Fate.ANONYMISE)
register(FundingCall, "staff_contact", Fate.KEEP)
register(CallReviewer, "member", Fate.KEEP)
register(Candidacy, "applicant", Fate.KEEP)
register(TeamMember, "member", Fate.KEEP)
register(TeamMember, "invited_by", Fate.KEEP)
register(CandidacyDocument, "uploaded_by", Fate.KEEP)
register(ConflictDeclaration, "reviewer", Fate.KEEP)
register(Score, "reviewer", Fate.KEEP)
register(LeadPartnerRequest, "requester", Fate.KEEP)
register(LeadPartnerRequest, "decided_by", Fate.KEEP)
register(ResponsibilityTask, "done_by", Fate.KEEP)
register(ReportingMilestone, "submitted_by", Fate.KEEP)
register(ReportingMilestone, "signed_off_by", Fate.KEEP)
register(RulesVersion, "published_by", Fate.KEEP)
