"""What concerns a member in calls, training and the network reaches them under the bell:
time-limited offers always by e-mail too, whatever the preferences; nobody is told about
what they may not see."""

import pytest

from calls import kinds as calls_kinds
from calls import services as calls
from calls.enums import TeamMemberState
from members.enums import DirectoryField, MemberStatus
from members.models import Member
from networking import kinds as networking_kinds
from networking import services as networking
from notifications import services as notifications
from notifications.models import Event, Notification, OutboxEmail, Preferences
from tests.factories import (
    CandidacyFactory,
    CourseFactory,
    MemberFactory,
    SectorFactory,
    SkillFactory,
    TeamMemberFactory,
    VerifiedMemberFactory,
)
from tests.networking.factories import CommonProjectFactory, listed_member
from training import kinds as training_kinds
from training import services as training

pytestmark = pytest.mark.django_db


def _role(candidacy):
    return calls.open_role(candidacy, actor=candidacy.applicant, title="Fonica")


def test_an_offer_to_join_tells_the_whole_team_by_e_mail_whatever_their_preferences():
    candidacy = CandidacyFactory()
    teammate = TeamMemberFactory(candidacy=candidacy, state=TeamMemberState.ACCEPTED).member
    invited = TeamMemberFactory(candidacy=candidacy, state=TeamMemberState.INVITED).member
    Preferences.objects.create(member=teammate, emails_off=[calls_kinds.JOIN_OFFER])
    offerer = VerifiedMemberFactory(full_name="Zoë D'Amico")

    offer = calls.offer_to_join(_role(candidacy), offerer)

    told = sorted(Notification.objects.filter(kind=calls_kinds.JOIN_OFFER).values_list("member", flat=True))
    assert told == sorted([candidacy.applicant_id, teammate.pk])
    assert invited.pk not in told
    assert Notification.objects.get(member=teammate).url == candidacy.get_absolute_url()
    emails = OutboxEmail.objects.filter(kind="calls/email/join_offer")
    assert sorted(emails.values_list("recipient", flat=True)) == told
    for email in emails:
        assert "List-Unsubscribe" not in email.headers
        assert "Zoë D'Amico" in email.subject
    assert offer.pk


def test_the_answer_tells_the_offerer_once_and_a_declined_one_is_not_sent_to_the_candidacy():
    candidacy = CandidacyFactory()
    role = _role(candidacy)
    taken, declined = VerifiedMemberFactory(), VerifiedMemberFactory()
    Preferences.objects.create(member=declined, emails_off=[calls_kinds.OFFER_ANSWERED])
    first, second = calls.offer_to_join(role, taken), calls.offer_to_join(role, declined)
    Notification.objects.all().delete()
    OutboxEmail.objects.all().delete()

    calls.answer_offer(first, actor=candidacy.applicant, accept=True)
    calls.answer_offer(second, actor=candidacy.applicant, accept=False)

    assert Notification.objects.get(member=taken).url == candidacy.get_absolute_url()
    assert Notification.objects.get(member=declined).url == "/bandi/"
    assert sorted(OutboxEmail.objects.values_list("recipient", flat=True)) == sorted([taken.pk, declined.pk])
    assert Notification.objects.count() == 2


def test_an_applicant_no_longer_verified_is_not_told_of_offers():
    candidacy = CandidacyFactory()
    role = _role(candidacy)
    Member.objects.filter(pk=candidacy.applicant_id).update(status=MemberStatus.VERIFICATION_REQUESTED)

    calls.offer_to_join(role, VerifiedMemberFactory())

    assert not Notification.objects.filter(member=candidacy.applicant_id).exists()


def test_a_course_that_opens_in_my_interests_is_under_the_bell_once_and_its_e_mail_can_be_turned_off(staff):
    area = SectorFactory()
    loud, quiet = VerifiedMemberFactory(), VerifiedMemberFactory()
    for member in (loud, quiet):
        training.save_interests(member, areas=[area], skills=[])
    Preferences.objects.create(member=quiet, emails_off=[training_kinds.COURSE_MATCHES_INTEREST])
    course = CourseFactory(state="draft", area=area, title="L'arte del suono")

    training.set_course_state(course, "published", actor=staff)
    training.set_course_state(course, "closed", actor=staff)
    training.set_course_state(course, "published", actor=staff)

    told = Notification.objects.filter(kind=training_kinds.COURSE_MATCHES_INTEREST)
    assert sorted(told.values_list("member", flat=True)) == sorted([loud.pk, quiet.pk])
    assert set(told.values_list("url", flat=True)) == {f"/formazione/{course.slug}/"}
    assert "L'arte del suono" in told.first().text
    emails = OutboxEmail.objects.filter(kind="training/email/course_matches_interest")
    assert list(emails.values_list("recipient", flat=True)) == [loud.pk]
    assert emails.get().headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_contact_message_is_under_the_bell_without_the_senders_address():
    sender, recipient = listed_member(full_name="Zoë D'Amico"), listed_member()

    networking.send_message(sender, recipient, "Ciao, lavoriamo insieme?")

    notification = Notification.objects.get()
    assert (notification.member_id, notification.kind, notification.url) == (
        recipient.pk,
        networking_kinds.MESSAGE,
        "/rete/messaggi/",
    )
    assert "Zoë D'Amico" in notification.text
    assert sender.email not in notification.text
    email = OutboxEmail.objects.get()
    assert (email.recipient_id, sender.email in email.body_text) == (recipient.pk, False)


def test_interest_tells_the_author_and_acceptance_tells_the_collaborator():
    project = CommonProjectFactory()
    member = VerifiedMemberFactory()
    Preferences.objects.create(member=project.author, emails_off=[networking_kinds.INTEREST])

    interest = networking.express_interest(project, member, note="Conosco l'archivio")
    networking.accept_collaborator(interest, actor=project.author)

    assert sorted(Notification.objects.values_list("member", "kind", "url")) == sorted(
        [
            (project.author_id, networking_kinds.INTEREST, project.get_absolute_url()),
            (member.pk, networking_kinds.ACCEPTED, project.get_absolute_url()),
        ]
    )
    assert list(OutboxEmail.objects.values_list("recipient", flat=True)) == [member.pk]


def test_a_new_project_tells_only_verified_members_who_show_a_needed_skill():
    skill, other = SkillFactory(), SkillFactory()
    author = listed_member(skills=[skill])
    showing = listed_member(skills=[skill])
    hiding = listed_member(skills=[skill], shows=tuple(v for v in DirectoryField.values if v != "skills"))
    elsewhere = listed_member(skills=[other])
    not_verified = MemberFactory(shows_skills=True)
    not_verified.skills.set([skill])

    project = networking.post_project(author, title="L'archivio", description="Un archivio.", skills=[skill])
    notifications.fan_out_pending()
    notifications.fan_out_pending()

    told = Notification.objects.filter(kind=networking_kinds.PROJECT_NEEDS_MY_SKILLS)
    assert list(told.values_list("member", "url")) == [(showing.pk, project.get_absolute_url())]
    assert OutboxEmail.objects.get().body_text.startswith(f"Ciao {showing.get_short_name()},")
    assert "L'archivio" in OutboxEmail.objects.get().subject
    assert {hiding.pk, elsewhere.pk, not_verified.pk}.isdisjoint(told.values_list("member", flat=True))


def test_a_project_without_skills_or_closed_before_the_fan_out_tells_nobody():
    skill = SkillFactory()
    listed_member(skills=[skill])
    author = VerifiedMemberFactory()
    networking.post_project(author, title="Senza competenze", description="Niente.", skills=[])
    project = networking.post_project(author, title="Chiuso", description="Presto chiuso.", skills=[skill])
    networking.close_project(project, actor=author)

    notifications.fan_out_pending()

    assert Event.objects.count() == 1
    assert not Notification.objects.exists()
