"""Every write of the network: messages, blocks, common projects and their collaborators.
Each function checks its rule, saves, logs and tells whom it concerns in one transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import ActionLog
from networking import kinds, permissions
from networking.enums import InterestState
from networking.models import Block, CommonProject, ContactMessage, ProjectInterest
from notifications.services import announce, notify


@transaction.atomic
def send_message(sender, recipient, body, *, shares_address=False):
    """A message to another member, in the portal and by e-mail, without either address
    (the sender's only if they chose to share it)."""
    if not permissions.can_write_to(sender, recipient):
        raise ValidationError(_("You cannot write to this member."), code="not_allowed")
    if permissions.has_blocked(recipient, sender):
        raise ValidationError(
            _("This member does not wish to receive your messages: your message was not sent."), code="blocked"
        )
    message = ContactMessage.objects.create(
        sender=sender, recipient=recipient, body=body, shares_address=shares_address
    )
    ActionLog.record(message, "network.message_sent", actor=sender, recipient=recipient.pk)
    notify([recipient], kinds.MESSAGE, message, {"message": message, "sender": sender})
    return message


def mark_read(messages, member):
    """The unread messages of `member` among `messages` are read now."""
    ContactMessage.objects.filter(pk__in=[m.pk for m in messages], recipient=member, read_at=None).update(
        read_at=timezone.now()
    )


@transaction.atomic
def block(blocker, member):
    if blocker.pk == member.pk:
        raise ValidationError(_("You cannot block yourself."), code="self")
    found, created = Block.objects.get_or_create(blocker=blocker, blocked=member)
    if created:
        ActionLog.record(found, "network.blocked", actor=blocker, blocked=member.pk)
    return found


@transaction.atomic
def unblock(blocker, member):
    deleted, _rows = Block.objects.filter(blocker=blocker, blocked=member).delete()
    if deleted:
        ActionLog.record(blocker, "network.unblocked", actor=blocker, blocked=member.pk)
    return bool(deleted)


@transaction.atomic
def post_project(author, *, title, description, skills):
    if not author.is_verified_member:
        raise ValidationError(_("Only verified members can post a common project."), code="not_verified")
    project = CommonProject.objects.create(author=author, title=title, description=description)
    project.skills.set(skills)
    ActionLog.record(project, "project.posted", actor=author)
    if skills:
        # Who shows a needed skill is told by a task, in chunks: the post does not wait for them.
        announce(kinds.PROJECT_NEEDS_MY_SKILLS, project, actor=author)
    return project


@transaction.atomic
def express_interest(project, member, note=""):
    """A member says they would like to take part; the author is told by e-mail."""
    project = CommonProject.objects.select_for_update().get(pk=project.pk)
    if not permissions.may_join(member, project, None):
        raise ValidationError(_("You cannot join this project."), code="not_allowed")
    try:
        with transaction.atomic():
            interest = ProjectInterest.objects.create(project=project, member=member, note=note)
    except IntegrityError:
        raise ValidationError(_("You have already said you are interested in this project."), code="twice") from None
    ActionLog.record(interest, "project.interest", actor=member)
    if permissions.can_use_network(project.author):
        notify([project.author], kinds.INTEREST, project, {"project": project, "interested": member, "note": note})
    return interest


@transaction.atomic
def accept_collaborator(interest, *, actor):
    """The author welcomes an interested member as a collaborator; they are told by e-mail."""
    interest = ProjectInterest.objects.select_for_update().select_related("project", "member").get(pk=interest.pk)
    if not permissions.is_author(actor, interest.project):
        raise ValidationError(_("Only the author can accept collaborators."), code="not_author")
    if interest.state == InterestState.ACCEPTED:
        return interest
    interest.state = InterestState.ACCEPTED
    interest.save(update_fields=["state"])
    ActionLog.record(interest, "project.collaborator_accepted", actor=actor)
    if permissions.can_use_network(interest.member):
        notify([interest.member], kinds.ACCEPTED, interest.project, {"project": interest.project})
    return interest


@transaction.atomic
def close_project(project, *, actor):
    if not permissions.is_author(actor, project):
        raise ValidationError(_("Only the author can close the project."), code="not_author")
    if project.closed_at is None:
        project.closed_at = timezone.now()
        project.save(update_fields=["closed_at"])
        ActionLog.record(project, "project.closed", actor=actor)
    return project
