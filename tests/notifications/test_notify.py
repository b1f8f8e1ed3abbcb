"""Notifications to a few named people: proposals' authors and supporters, a seat in a
course. Decisions about the member always arrive by e-mail; news can be turned off."""

import pytest

from groups import kinds
from groups.proposals import services as proposals
from groups.proposals.enums import ProposalState
from notifications.forms import PreferencesForm
from notifications.models import Notification, OutboxEmail, Preferences
from tests.factories import CourseFactory, StaffFactory, VerifiedMemberFactory, proposal_in
from training import kinds as training_kinds
from training import services as training

pytestmark = pytest.mark.django_db


def test_proposal_published_tells_its_author_once_with_a_link():
    proposal = proposal_in(ProposalState.PUBLISHED)

    notifications = list(Notification.objects.values_list("member", "kind", "url"))

    assert notifications == [(proposal.author_id, kinds.PROPOSAL_DECISION, f"/proposte/{proposal.pk}/")]


def test_answer_reaches_authors_and_supporters_and_news_can_be_turned_off():
    proposal = proposal_in(ProposalState.PUBLISHED)
    quiet, loud = VerifiedMemberFactory(), VerifiedMemberFactory()
    for supporter in (quiet, loud):
        proposals.support(proposal, supporter)
    Preferences.objects.create(member=quiet, emails_off=[kinds.PROPOSAL_NEWS])
    Notification.objects.all().delete()
    OutboxEmail.objects.all().delete()

    proposals.answer_proposal(proposal, actor=StaffFactory(), state=ProposalState.ACCEPTED, text="Sì, lo facciamo.")

    told = sorted(Notification.objects.filter(kind=kinds.PROPOSAL_NEWS).values_list("member", flat=True))
    assert told == sorted([proposal.author_id, quiet.pk, loud.pk])
    assert sorted(OutboxEmail.objects.values_list("recipient", flat=True)) == sorted([proposal.author_id, loud.pk])
    assert OutboxEmail.objects.get(recipient=loud).headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_seat_is_always_emailed_and_not_offered_as_a_switch():
    member = VerifiedMemberFactory()
    Preferences.objects.create(member=member, emails_off=[training_kinds.ENROLMENT])

    training.enrol(CourseFactory(), member)

    assert list(Notification.objects.values_list("member", "kind")) == [(member.pk, training_kinds.ENROLMENT)]
    email = OutboxEmail.objects.get(recipient=member)
    assert "List-Unsubscribe" not in email.headers
    assert "email_training_enrolment" not in PreferencesForm(instance=Preferences(member=member)).fields
