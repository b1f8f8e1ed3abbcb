"""Access control, proven by walking the URLconf.

Every URL pattern that takes an object (a slug, an id, a token) has an entry in ROUTES: how
to find objects of the demo world for it, and who may see (GET) and who may act on (POST)
each one. The walk requests each sampled object as a visitor, a registered but unverified
person, a former member, a verified member in no group, a participant of another group, the
participant, the facilitator and the staff:

- who may not see it gets a 404 or 403 or the log-in page, never the object;
- who may see it gets the page;
- who may not act on it, posting, gets no 500 and writes nothing in the database.

A new pattern with no entry fails test_every_object_url_has_an_expectation, naming it. A
second walk posts to every pattern without a CSRF token and expects 403 and no write.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from calls import permissions as call_permissions
from calls.models import (
    Candidacy,
    CandidacyDocument,
    FundingCall,
    JoinOffer,
    LeadPartnerRequest,
    OpenRole,
    ReportingMilestone,
    RequiredDocument,
    ResponsibilityTask,
    RulesVersion,
)
from groups import permissions as group_permissions
from groups.enums import Role
from groups.models import DatePoll, Document, Meeting, Membership, WorkingGroup
from groups.proposals import permissions as proposal_permissions
from groups.proposals.models import Comment, Proposal, ProposalAttachment
from members.enums import MemberStatus
from members.models import Member
from networking import permissions as network_permissions
from networking.models import CommonProject, ContactMessage, ProjectInterest
from networking.surveys import permissions as survey_permissions
from networking.surveys.models import Survey
from notifications import services as notification_services
from notifications.models import Notification
from tests.crawl import LOGIN, demo_world
from tests.factories import MembershipFactory, VerifiedMemberFactory
from training import permissions as training_permissions
from training.models import Course, Programme, Session, TrainerProposal

# Not walked here, with the reason: the admin is for staff only and is crawled as staff
# elsewhere (test_admin_italian.py); allauth's pages manage the reader's own account and
# their keys are allauth's.
NOT_WALKED = ("admin/", "account/")
ROLES = ["A", "U", "X", "O", "G", "P", "F", "S"]
SAMPLES = 4


def _object_routes(patterns=None, prefix=""):
    """Every route of the URLconf that takes a parameter, as Django spells it."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _object_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and pattern.pattern.converters and not route.startswith(NOT_WALKED):
            yield route


# Who: small predicates over the person and the sampled object.


def anyone(person, obj):
    return True


def signed_in(person, obj):
    return person.is_authenticated


def verified(person, obj):
    return person.is_authenticated and (person.is_verified_member or person.is_staff)


def staff(person, obj):
    return person.is_authenticated and person.is_staff


def _group_of(obj):
    return obj if isinstance(obj, WorkingGroup) else obj.group


def participant(person, obj):
    group = _group_of(obj)
    return staff(person, obj) or group_permissions.is_participant(
        person, group_permissions.membership_for(person, group)
    )


def takes_part(person, obj):
    """A participant, staff not included (they take part in no group)."""
    group = _group_of(obj)
    return group_permissions.is_participant(person, group_permissions.membership_for(person, group))


def schedules(person, group):
    return group_permissions.can_schedule(person, group, group_permissions.membership_for(person, group))


def has_membership(person, group):
    return person.is_authenticated and Membership.objects.filter(member=person, group=group).exists()


def manager(person, obj):
    group = _group_of(obj)
    return group_permissions.can_manage(person, group_permissions.membership_for(person, group))


def sees_proposal(person, proposal):
    return proposal_permissions.can_see(person, proposal, list(proposal.coauthors.all()))


def edits_proposal(person, proposal):
    return proposal_permissions.can_edit(person, proposal, list(proposal.coauthors.all()))


def reports(person, obj):
    proposal = obj.proposal if isinstance(obj, Comment) else obj
    return proposal_permissions.can_report(person, proposal)


def edits_comment(person, comment):
    return proposal_permissions.can_edit_comment(person, comment)


def removes_comment(person, comment):
    return proposal_permissions.can_remove_comment(person, comment)


def sees_comment(person, comment):
    return sees_proposal(person, comment.proposal)


def edits_candidacy(person, candidacy):
    return call_permissions.can_edit_candidacy(person, candidacy, call_permissions.standing_in(person, candidacy))


def scores(person, candidacy):
    return call_permissions.can_score(person, candidacy, call_permissions.standing_in(person, candidacy))


def withdraws(person, candidacy):
    return call_permissions.can_withdraw(person, candidacy, call_permissions.standing_in(person, candidacy))


def reviews_call(person, call):
    return call_permissions.is_call_reviewer(person, call)


def rates(person, course):
    return person.is_authenticated and sees_course(person, course)


def sees_candidacy(person, candidacy):
    if not FundingCall.objects.visible_to(person).filter(pk=candidacy.call_id).exists():
        return False
    return call_permissions.can_see_candidacy(person, candidacy, call_permissions.standing_in(person, candidacy))


def on_team(person, candidacy):
    return staff(person, candidacy) or call_permissions.standing_in(person, candidacy).on_team


def sees_project(person, obj):
    project = obj.project
    if isinstance(project, Candidacy):
        return sees_candidacy(person, project)
    return call_permissions.can_see_lead_request(person, call_permissions.lead_standing(person, project))


def sees_lead(person, lead):
    return call_permissions.can_see_lead_request(person, call_permissions.lead_standing(person, lead))


def sees_call(person, call):
    return FundingCall.objects.visible_to(person).filter(pk=call.pk).exists()


def sees_rules(person, version):
    return RulesVersion.objects.visible_to(person).filter(pk=version.pk).exists()


def sees_course(person, course):
    return training_permissions.can_see_course(person, course)


def teaches(person, course):
    return training_permissions.can_teach(person, course)


def reviews_training(person, obj):
    return training_permissions.is_reviewer(person)


def sees_document(person, document):
    return Document.objects.visible_to(person).filter(pk=document.pk).exists()


def uses_network(person, obj):
    return network_permissions.can_use_network(person)


def sees_profile(person, member):
    """The directory is for verified members and staff: their own profile too."""
    return uses_network(person, member) and network_permissions.can_see_profile(person, member)


def writes_to(person, member):
    return network_permissions.can_write_to(person, member)


def knows_member(person, member):
    """May block them: they are in the directory for the reader, or wrote to the reader."""
    if not uses_network(person, member):
        return False
    wrote = ContactMessage.objects.filter(sender=member, recipient=person).exists()
    return wrote or sees_profile(person, member)


def project_author(person, obj):
    project = obj.project if isinstance(obj, ProjectInterest) else obj
    return network_permissions.is_author(person, project)


def sees_survey(person, survey):
    if not survey_permissions.can_see_survey(person):
        return False
    return person.is_staff or Survey.objects.published().filter(pk=survey.pk).exists()


def sees_results(person, survey):
    return sees_survey(person, survey) and survey_permissions.can_see_results(person, survey)


def either(*rules):
    return lambda person, obj: any(rule(person, obj) for rule in rules)


def of(rule, attribute):
    """The rule applied to an attribute of the object (a role's candidacy)."""
    return lambda person, obj: rule(person, getattr(obj, attribute))


@dataclass
class Expect:
    """`sample(world)` gives (url kwargs, object) pairs; `see` who gets the page on GET (None:
    the route only takes POST); `act` who may post (everyone else's post writes nothing);
    `visible` who may know the object exists (by default who sees the page): anyone else gets
    a 404, a 403 or the log-in page, whatever the method. Who may know it but not use the page
    may be sent back with a message."""

    sample: Any
    see: Any
    act: Any
    visible: Any = None

    def may_know(self, person, obj):
        rule = self.visible or self.see
        return rule is None or rule(person, obj)


def _first(queryset, n=SAMPLES):
    return list(queryset.order_by("pk")[:n])


def groups(world):
    return [({"slug": g.slug}, g) for g in WorkingGroup.objects.order_by("pk")]


def group_memberships(world):
    rows = _first(Membership.objects.exclude(role=Role.FACILITATOR).select_related("group"))
    return [({"slug": m.group.slug, "pk": m.pk}, m) for m in rows]


def polls(world):
    return [({"slug": p.group.slug, "pk": p.pk}, p) for p in _first(DatePoll.objects.select_related("group"))]


def meetings(world):
    return [({"pk": m.pk}, m) for m in _first(Meeting.objects.select_related("group"))]


def documents(world):
    return [({"pk": d.pk}, d) for d in Document.objects.exclude(file="").order_by("pk")]


def proposals(world):
    return [({"pk": p.pk}, p) for p in Proposal.objects.order_by("pk")]


def attachments(world):
    return [({"pk": a.proposal_id, "attachment_pk": a.pk}, a.proposal) for a in ProposalAttachment.objects.all()]


def comments(world):
    return [({"pk": c.proposal_id, "comment_pk": c.pk}, c) for c in _first(Comment.objects.select_related("proposal"))]


def calls(world):
    return [({"slug": c.slug}, c) for c in FundingCall.objects.order_by("pk")]


def candidacies(world):
    return [({"slug": c.call.slug, "pk": c.pk}, c) for c in Candidacy.objects.select_related("call").order_by("pk")]


def required_documents(world):
    rows = RequiredDocument.objects.filter(call__candidacies__isnull=False).distinct()
    found = []
    for requirement in _first(rows):
        candidacy = requirement.call.candidacies.order_by("pk").first()
        found.append(({"slug": requirement.call.slug, "pk": candidacy.pk, "requirement": requirement.pk}, candidacy))
    return found


def candidacy_documents(world):
    rows = _first(CandidacyDocument.objects.select_related("candidacy__call"))
    return [({"slug": d.candidacy.call.slug, "pk": d.candidacy_id, "document": d.pk}, d.candidacy) for d in rows]


def roles(world):
    rows = _first(OpenRole.objects.select_related("candidacy__call"))
    return [({"slug": r.candidacy.call.slug, "role": r.pk}, r) for r in rows]


def candidacy_roles(world):
    rows = _first(OpenRole.objects.select_related("candidacy__call"))
    return [({"slug": r.candidacy.call.slug, "pk": r.candidacy_id, "role": r.pk}, r.candidacy) for r in rows]


def offers(world):
    rows = _first(JoinOffer.objects.select_related("role__candidacy__call"))
    return [
        ({"slug": o.role.candidacy.call.slug, "pk": o.role.candidacy_id, "offer": o.pk}, o.role.candidacy) for o in rows
    ]


def tasks(world):
    return [({"task": t.pk}, t) for t in _first(ResponsibilityTask.objects.all())]


def milestones(world):
    return [({"milestone": m.pk}, m) for m in _first(ReportingMilestone.objects.all())]


def delivered_milestones(world):
    return [({"milestone": m.pk}, m) for m in _first(ReportingMilestone.objects.exclude(file=""))]


def leads(world):
    return [({"pk": lead.pk}, lead) for lead in LeadPartnerRequest.objects.order_by("pk")]


def rules_versions(world):
    return [({"number": v.number}, v) for v in RulesVersion.objects.order_by("number")]


def courses(world):
    return [({"slug": c.slug}, c) for c in Course.objects.order_by("pk")]


def course_sessions(world):
    return [({"slug": s.course.slug, "pk": s.pk}, s.course) for s in _first(Session.objects.select_related("course"))]


def programmes(world):
    return [({"slug": p.slug}, p) for p in Programme.objects.order_by("pk")]


def trainer_proposals(world):
    return [({"pk": p.pk}, p) for p in TrainerProposal.objects.order_by("pk")]


def members(world):
    listed = _first(Member.objects.filter(in_directory=True), 2)
    return [({"pk": m.pk}, m) for m in [*listed, world["P"], world["O"], world["U"], world["X"]]]


def projects(world):
    return [({"pk": p.pk}, p) for p in CommonProject.objects.order_by("pk")]


def project_interests(world):
    rows = _first(ProjectInterest.objects.select_related("project"))
    return [({"pk": i.project_id, "interest": i.pk}, i) for i in rows]


def surveys(world):
    return [({"slug": s.slug}, s) for s in Survey.objects.order_by("pk")]


def notifications(world):
    """Someone else's notifications, and the participant's own when the demo gave them one."""
    own = _first(Notification.objects.filter(member=world["P"]), 1)
    return [({"pk": n.pk}, n) for n in [*_first(Notification.objects.exclude(member=world["P"]), 2), *own]]


def unsubscribe_tokens(world):
    """The signed token is the only authority (RFC 8058: no cookie, no log-in); a wrong one
    is refused, whoever sends it."""
    token = notification_services.unsubscribe_token(world["P"], "groups.meeting_created")
    return [({"token": token}, world["P"]), ({"token": "non-valido"}, None)]


def notification_owner(person, obj):
    return person.is_authenticated and obj.member_id == person.pk


def holds_valid_token(person, obj):
    return obj is not None


def calendar_tokens(world):
    return [({"token": world["P"].ensure_calendar_token()}, world["P"]), ({"token": "non-esiste"}, None)]


def token_holder(person, obj):
    return obj is not None


ROUTES = {
    # groups
    "gruppi/<slug:slug>/": Expect(groups, anyone, None),
    "gruppi/<slug:slug>/partecipa/": Expect(groups, None, verified),
    "gruppi/<slug:slug>/lascia/": Expect(groups, None, has_membership),
    "gruppi/<slug:slug>/richieste/<int:pk>/": Expect(group_memberships, None, manager),
    "gruppi/<slug:slug>/partecipanti/": Expect(groups, manager, manager),
    "gruppi/<slug:slug>/partecipanti/<int:pk>/facilitatore/": Expect(group_memberships, None, manager),
    "gruppi/<slug:slug>/incontri/": Expect(groups, anyone, None),
    "gruppi/<slug:slug>/incontri/nuovo/": Expect(groups, schedules, schedules),
    "gruppi/<slug:slug>/date/": Expect(groups, verified, None),
    "gruppi/<slug:slug>/date/nuovo/": Expect(groups, takes_part, takes_part),
    "gruppi/<slug:slug>/date/<int:pk>/": Expect(polls, verified, participant),
    "gruppi/<slug:slug>/date/<int:pk>/chiudi/": Expect(polls, None, manager, verified),
    "gruppi/<slug:slug>/documenti/nuovo/": Expect(groups, manager, manager),
    "incontri/<int:pk>/": Expect(meetings, anyone, None),
    "incontri/<int:pk>.ics": Expect(meetings, anyone, None),
    "incontri/<int:pk>/risposta/": Expect(meetings, None, participant),
    "incontri/<int:pk>/modifica/": Expect(meetings, manager, manager),
    "incontri/<int:pk>/annulla/": Expect(meetings, None, manager),
    "incontri/<int:pk>/verbale/": Expect(meetings, manager, manager),
    "documenti/<int:pk>/scarica/": Expect(documents, sees_document, None),
    "calendario/<str:token>.ics": Expect(calendar_tokens, token_holder, None),
    # proposals
    "gruppi/<slug:slug>/proposte/": Expect(groups, anyone, None),
    "gruppi/<slug:slug>/proposte/nuova/": Expect(groups, takes_part, takes_part),
    "proposte/<int:pk>/": Expect(proposals, sees_proposal, sees_proposal),
    "proposte/<int:pk>/modifica/": Expect(proposals, edits_proposal, edits_proposal, sees_proposal),
    "proposte/<int:pk>/invia/": Expect(proposals, None, sees_proposal, sees_proposal),
    "proposte/<int:pk>/ritira/": Expect(proposals, None, sees_proposal, sees_proposal),
    "proposte/<int:pk>/riapri/": Expect(proposals, None, sees_proposal, sees_proposal),
    "proposte/<int:pk>/invito/": Expect(proposals, None, sees_proposal, sees_proposal),
    "proposte/<int:pk>/allegati/<int:attachment_pk>/": Expect(attachments, sees_proposal, None),
    "proposte/<int:pk>/allegati/<int:attachment_pk>/rimuovi/": Expect(attachments, None, sees_proposal, sees_proposal),
    "proposte/<int:pk>/sostegno/": Expect(proposals, None, sees_proposal, sees_proposal),
    "proposte/<int:pk>/commenti/": Expect(proposals, None, sees_proposal, sees_proposal),
    "proposte/<int:pk>/commenti/<int:comment_pk>/modifica/": Expect(
        comments, edits_comment, edits_comment, sees_comment
    ),
    "proposte/<int:pk>/commenti/<int:comment_pk>/rimuovi/": Expect(comments, None, removes_comment, sees_comment),
    "proposte/<int:pk>/segnala/": Expect(proposals, reports, reports, sees_proposal),
    "proposte/<int:pk>/commenti/<int:comment_pk>/segnala/": Expect(comments, reports, reports, sees_comment),
    # calls
    "bandi/capofila/<int:pk>/": Expect(leads, sees_lead, sees_lead),
    "bandi/capofila/<int:pk>/stato/": Expect(leads, None, sees_lead, sees_lead),
    "bandi/capofila/<int:pk>/rendicontazione/": Expect(leads, None, staff, sees_lead),
    "bandi/regolamento/<int:number>/": Expect(rules_versions, sees_rules, sees_rules),
    "bandi/regolamento/<int:number>/pubblica/": Expect(rules_versions, None, staff, sees_rules),
    "bandi/compiti/<int:task>/": Expect(tasks, None, sees_project, sees_project),
    "bandi/rendicontazione/<int:milestone>/consegna/": Expect(milestones, None, sees_project, sees_project),
    "bandi/rendicontazione/<int:milestone>/approva/": Expect(milestones, None, staff, sees_project),
    "bandi/rendicontazione/<int:milestone>/scarica/": Expect(delivered_milestones, sees_project, None),
    "bandi/<slug:slug>/": Expect(calls, sees_call, None),
    "bandi/<slug:slug>/scadenza.ics": Expect(calls, sees_call, None),
    "bandi/<slug:slug>/segui/": Expect(calls, None, signed_in),
    "bandi/<slug:slug>/valutazione/": Expect(calls, reviews_call, None),
    "bandi/<slug:slug>/selezione/": Expect(calls, staff, staff),
    "bandi/<slug:slug>/selezione/azione/": Expect(calls, None, staff, sees_call),
    "bandi/<slug:slug>/graduatoria/": Expect(calls, call_permissions.can_see_ranking, None),
    "bandi/<slug:slug>/ruoli/<int:role>/": Expect(roles, verified, verified),
    "bandi/<slug:slug>/candidatura/": Expect(calls, signed_in, verified),
    "bandi/<slug:slug>/candidatura/<int:pk>/": Expect(candidacies, sees_candidacy, sees_candidacy),
    "bandi/<slug:slug>/candidatura/<int:pk>/modifica/": Expect(
        candidacies, edits_candidacy, edits_candidacy, sees_candidacy
    ),
    "bandi/<slug:slug>/candidatura/<int:pk>/invia/": Expect(candidacies, None, on_team, sees_candidacy),
    "bandi/<slug:slug>/candidatura/<int:pk>/ritira/": Expect(candidacies, withdraws, withdraws, sees_candidacy),
    "bandi/<slug:slug>/candidatura/<int:pk>/documenti/<int:requirement>/": Expect(
        required_documents, None, on_team, sees_candidacy
    ),
    "bandi/<slug:slug>/candidatura/<int:pk>/documenti/<int:document>/scarica/": Expect(
        candidacy_documents, sees_candidacy, None
    ),
    "bandi/<slug:slug>/candidatura/<int:pk>/squadra/": Expect(candidacies, None, on_team, sees_candidacy),
    "bandi/<slug:slug>/candidatura/<int:pk>/invito/": Expect(candidacies, None, sees_candidacy, sees_candidacy),
    "bandi/<slug:slug>/candidatura/<int:pk>/ruoli/": Expect(candidacies, None, on_team, sees_candidacy),
    "bandi/<slug:slug>/candidatura/<int:pk>/ruoli/<int:role>/chiudi/": Expect(
        candidacy_roles, None, on_team, sees_candidacy
    ),
    "bandi/<slug:slug>/candidatura/<int:pk>/offerte/<int:offer>/": Expect(offers, None, on_team, sees_candidacy),
    "bandi/<slug:slug>/candidatura/<int:pk>/valutazione/": Expect(candidacies, scores, scores, sees_candidacy),
    "bandi/<slug:slug>/candidatura/<int:pk>/conflitto/": Expect(
        candidacies, None, of(reviews_call, "call"), either(sees_candidacy, of(reviews_call, "call"))
    ),
    "bandi/<slug:slug>/candidatura/<int:pk>/stato/": Expect(candidacies, None, staff, sees_candidacy),
    "bandi/<slug:slug>/candidatura/<int:pk>/rendicontazione/": Expect(candidacies, None, staff, sees_candidacy),
    # training
    "formazione/proposte/<int:pk>/": Expect(trainer_proposals, reviews_training, None),
    "formazione/proposte/<int:pk>/valuta/": Expect(trainer_proposals, None, reviews_training, reviews_training),
    "formazione/proposte/<int:pk>/decidi/": Expect(trainer_proposals, None, reviews_training, reviews_training),
    "formazione/programmi/<slug:slug>/": Expect(programmes, anyone, None),
    "formazione/<slug:slug>/": Expect(courses, sees_course, None),
    "formazione/<slug:slug>.ics": Expect(courses, sees_course, None),
    "formazione/<slug:slug>/iscriviti/": Expect(courses, None, signed_in, sees_course),
    "formazione/<slug:slug>/annulla/": Expect(courses, None, signed_in, sees_course),
    "formazione/<slug:slug>/accetta/": Expect(courses, None, signed_in, sees_course),
    "formazione/<slug:slug>/valutazione/": Expect(courses, rates, signed_in),
    "formazione/<slug:slug>/presenze/": Expect(courses, teaches, teaches),
    "formazione/<slug:slug>/presenze/foglio/": Expect(courses, teaches, None),
    "formazione/<slug:slug>/presenze/<int:pk>/": Expect(course_sessions, None, teaches, sees_course),
    "formazione/<slug:slug>/iscrizioni.csv": Expect(courses, staff, None),
    # networking
    "rete/soci/<int:pk>/": Expect(members, sees_profile, None),
    "rete/soci/<int:pk>/contatta/": Expect(members, writes_to, writes_to),
    "rete/soci/<int:pk>/blocca/": Expect(members, None, knows_member, knows_member),
    "rete/progetti/<int:pk>/": Expect(projects, uses_network, None),
    "rete/progetti/<int:pk>/interesse/": Expect(projects, None, uses_network, uses_network),
    "rete/progetti/<int:pk>/collaboratori/<int:interest>/accetta/": Expect(
        project_interests, None, project_author, uses_network
    ),
    "rete/progetti/<int:pk>/chiudi/": Expect(projects, None, project_author, uses_network),
    "questionari/<slug:slug>/": Expect(surveys, sees_survey, sees_survey),
    "questionari/<slug:slug>/risultati/": Expect(surveys, sees_results, None),
    "questionari/<slug:slug>/risposte.csv": Expect(surveys, staff, None),
    # notifications
    "notifiche/<int:pk>/letta/": Expect(notifications, None, notification_owner, notification_owner),
    "disiscrizione/<str:token>/": Expect(unsubscribe_tokens, holds_valid_token, holds_valid_token),
}


def test_every_object_url_has_an_expectation():
    missing = [route for route in _object_routes() if route not in ROUTES]

    assert missing == [], (
        "Add an entry to ROUTES in tests/smartprogress/test_access_walk.py for each: "
        "how to sample its objects, who sees it, who may post to it."
    )
    assert set(ROUTES) - set(_object_routes()) == set(), "ROUTES names a pattern that no longer exists"


def _writes():
    """Rows inserted, updated or deleted so far in this transaction, sessions aside (a refusal
    may leave a message in the session)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables "
            "WHERE relname <> 'django_session'"
        )
        return cursor.fetchone()[0]


def _url(route, kwargs):
    from django.urls import resolve

    path = "/" + route
    for name, value in kwargs.items():
        path = path.replace(f"<{_converter(route, name)}:{name}>", str(value))
    resolve(path)
    return path


def _converter(route, name):
    start = route.index(f":{name}>")
    return route[route.rindex("<", 0, start) + 1 : start]


def _refused(response):
    # 400: a token that is not one (an unsubscribe link mistyped).
    if response.status_code in (400, 403, 404):
        return True
    return response.status_code in (301, 302, 303) and response["Location"].startswith(LOGIN)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people = demo_world()
    research = WorkingGroup.objects.get(theme="networking")
    people["G"] = MembershipFactory(group=research).member
    former = VerifiedMemberFactory()
    for group in WorkingGroup.objects.all():
        MembershipFactory(group=group, member=former)
    former.status = MemberStatus.FORMER
    former.save(update_fields=["status"])
    people["X"] = former
    return people


def _client(world, role, **kwargs):
    client = Client(**kwargs)
    if role != "A":
        client.force_login(world[role])
    return client


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.parametrize("role", ROLES)
def test_walk_every_object_url_as_each_person(world, role):
    person = world[role] if role != "A" else _anonymous()
    client = _client(world, role)
    problems, refusals = [], 0
    for route, expect in ROUTES.items():
        for kwargs, obj in expect.sample(world):
            url = _url(route, kwargs)
            knows = expect.may_know(person, obj)
            if expect.see is not None:
                response = client.get(url)
                if expect.see(person, obj):
                    if _refused(response) or response.status_code >= 500:
                        problems.append(f"{role} may see {url} ({route}) but got {response.status_code}")
                elif not knows:
                    refusals += 1
                    if not _refused(response):
                        problems.append(f"{role} must not see {url} ({route}) but got {response.status_code}")
                elif response.status_code >= 500:
                    problems.append(f"{role} opening {url} ({route}) got {response.status_code}")
            if expect.act is not None and not expect.act(person, obj):
                before = _writes()
                response = client.post(url, {})
                if response.status_code >= 500:
                    problems.append(f"{role} posting to {url} ({route}) got {response.status_code}")
                if _writes() != before:
                    problems.append(f"{role} may not act on {url} ({route}) but the post wrote to the database")
                if not knows and not _refused(response):
                    problems.append(f"{role} posting to {url} ({route}), hidden from them, got {response.status_code}")

    assert problems == [], "\n".join(problems)
    # The walk met private objects: outsiders were refused something.
    assert refusals > 0 or role == "S"


# Views that take a POST without a CSRF token on purpose, with the reason.
CSRF_EXEMPT = {
    "disiscrizione/<str:token>/": "RFC 8058 one-click unsubscribe: mail programs post with no page and no cookie",
}


def _all_routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _all_routes(pattern.url_patterns, route)
        else:
            yield route, pattern


def _csrf_targets(world):
    """One address per route: the route itself when it takes nothing, else its first sample."""
    for route, pattern in _all_routes():
        takes_nothing = not pattern.pattern.converters and not pattern.pattern.regex.groups
        if takes_nothing:
            # The admin's own patterns are regular expressions; its index stands for them.
            # allauth's patterns that take a key are allauth's, with its own CSRF checks.
            if route == "admin/" or not route.startswith("admin/"):
                yield route, pattern, "/" + route
        elif route in ROUTES:
            samples = ROUTES[route].sample(world)
            if samples:
                yield route, pattern, _url(route, samples[0][0])


@pytest.mark.parametrize("role", ["P", "S"])
def test_every_view_refuses_a_post_without_csrf_token(world, role):
    client = _client(world, role, enforce_csrf_checks=True)
    problems, posted = [], 0
    for route, pattern, url in _csrf_targets(world):
        if getattr(pattern.callback, "csrf_exempt", False):
            if route not in CSRF_EXEMPT:
                problems.append(f"{route} is csrf_exempt: say why in CSRF_EXEMPT")
            continue
        before = _writes()
        response = client.post(url, {"x": "1"})
        posted += 1
        if response.status_code != 403:
            problems.append(f"{role} posting to {url} ({route}) without a CSRF token got {response.status_code}")
        if _writes() != before:
            problems.append(f"{role} posting to {url} ({route}) without a CSRF token wrote to the database")

    assert problems == [], "\n".join(problems)
    assert posted > 100
