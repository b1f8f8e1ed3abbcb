"""Who may do what with calls and candidacies.

A candidacy is private to its team (the applicant and the members who accepted), the people
invited to it, the call's reviewers who have no conflict with it (once it is submitted), and
the staff. Scores stay with their reviewer and the staff until the ranking is published;
then the team reads its own. Predicates about one candidacy take the reader's `Standing`,
read once per request by `standing_in`."""

from dataclasses import dataclass

from calls.enums import CANDIDACY_TRANSITIONS, CallStatus, CandidacyState, LeadRequestState, TaskOwner, TeamMemberState
from calls.models import CallReviewer, Candidacy, ConflictDeclaration, LeadPartnerRequest, TeamMember


@dataclass(frozen=True)
class Standing:
    """The reader's relation to one candidacy."""

    on_team: bool = False
    is_applicant: bool = False
    invited: bool = False
    reviewer: bool = False
    conflicted: bool = False


def is_verified(user):
    return user.is_authenticated and user.is_verified_member


def is_staff(user):
    return user.is_authenticated and user.is_staff


def is_call_reviewer(user, call):
    """Appointed to score the call: a member of the staff, or a verified member."""
    return (
        user.is_authenticated
        and (user.is_staff or user.is_verified_member)
        and CallReviewer.objects.filter(call=call, member=user).exists()
    )


def standing_in(user, candidacy):
    if not user.is_authenticated:
        return Standing()
    team_state = TeamMember.objects.filter(candidacy=candidacy, member=user).values_list("state", flat=True).first()
    is_applicant = candidacy.applicant_id == user.pk
    on_team = user.is_verified_member and (is_applicant or team_state == TeamMemberState.ACCEPTED)
    invited = user.is_verified_member and team_state == TeamMemberState.INVITED
    reviewer = is_call_reviewer(user, candidacy.call)
    conflicted = (
        is_applicant
        or team_state in (TeamMemberState.ACCEPTED, TeamMemberState.INVITED)
        or (reviewer and ConflictDeclaration.objects.filter(candidacy=candidacy, reviewer=user).exists())
    )
    return Standing(on_team, is_applicant and on_team, invited, reviewer, conflicted)


def can_see_candidacy(user, candidacy, standing):
    return (
        is_staff(user)
        or standing.on_team
        or standing.invited
        or (standing.reviewer and not standing.conflicted and candidacy.state != CandidacyState.DRAFT)
    )


def can_edit_candidacy(user, candidacy, standing):
    """Title, budget, declarations and documents: the team, while it is a draft."""
    return standing.on_team and candidacy.state == CandidacyState.DRAFT


def can_manage_team(user, candidacy, standing):
    return standing.is_applicant and candidacy.state in CandidacyState.LIVE and candidacy.state != CandidacyState.CLOSED


def can_withdraw(user, candidacy, standing):
    return standing.on_team and CandidacyState.WITHDRAWN in CANDIDACY_TRANSITIONS[candidacy.state]


def can_decide(user):
    """Eligibility, the selection, the outcome and reporting: the staff."""
    return is_staff(user)


def can_score(user, candidacy, standing):
    return (
        standing.reviewer
        and not standing.conflicted
        and candidacy.call.status == CallStatus.SCORING
        and candidacy.state == CandidacyState.ELIGIBLE
    )


def can_see_all_scores(user):
    return is_staff(user)


def can_see_own_scores(user, candidacy, standing):
    """The team reads its candidacy's scores and comments once the ranking is published."""
    return standing.on_team and candidacy.call.ranking_is_published


def can_see_ranking(user, call):
    """Everyone who applied to the call (as applicant or team member), its reviewers and the staff,
    once it is published."""
    if not call.ranking_is_published or not user.is_authenticated:
        return False
    if user.is_staff or is_call_reviewer(user, call):
        return True
    return (
        is_verified(user)
        and Candidacy.objects.with_member(user).filter(call=call, ranking_entry__isnull=False).exists()
    )


def can_tick(user, task, standing):
    """Each side ticks its own tasks: the team the team's, the staff the staff's."""
    if task.owner == TaskOwner.STAFF:
        return is_staff(user)
    return standing.on_team


def can_deliver(user, standing):
    return standing.on_team


# Lead-partner requests: the requester is the whole team.


def lead_standing(user, request):
    mine = user.is_authenticated and user.is_verified_member and request.requester_id == user.pk
    return Standing(on_team=mine, is_applicant=mine)


def can_see_lead_request(user, standing):
    return is_staff(user) or standing.on_team


def can_withdraw_lead_request(user, request, standing):
    return standing.on_team and request.state == LeadRequestState.SUBMITTED


def can_ask_lead_partner(user):
    return is_verified(user)


def project_standing(user, project):
    if isinstance(project, LeadPartnerRequest):
        return lead_standing(user, project)
    return standing_in(user, project)


# Rules


def can_comment_on_rules(user, version):
    return version.is_draft and is_verified(user)
