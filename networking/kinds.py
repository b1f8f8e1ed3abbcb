"""The network's kinds of notification (notifications.registry), registered from NetworkingConfig.ready."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.registry import NotificationKind, register_kind

MESSAGE = "networking.message"
INTEREST = "networking.interest"
ACCEPTED = "networking.accepted"
PROJECT_NEEDS_MY_SKILLS = "networking.project_needs_my_skills"


def needing_my_skills(project):
    """Who is told of a new common project: verified members who show on their profile a
    skill the project needs (the others cannot see the project or did not offer their
    skills). Nobody once the project is closed."""
    from members.models import Member

    if project.closed_at is not None:
        return Member.objects.none()
    offering = Member.skills.through.objects.filter(skill__in=project.skills.values("pk")).values("member")
    return Member.objects.verified().filter(shows_skills=True, pk__in=offering).exclude(pk=project.author_id)


def register():
    # The notification's text is the subject: the sender's name, never their address.
    register_kind(
        NotificationKind(
            key=MESSAGE,
            label=_("A message from another member"),
            template="networking/email/message",
            url=lambda message: reverse("networking:inbox"),
        )
    )
    register_kind(
        NotificationKind(
            key=INTEREST,
            label=_("Someone would like to take part in my common project"),
            template="networking/email/interest",
            url=lambda project: project.get_absolute_url(),
        )
    )
    register_kind(
        NotificationKind(
            key=ACCEPTED,
            label=_("I am accepted as a collaborator on a common project"),
            template="networking/email/accepted",
            url=lambda project: project.get_absolute_url(),
        )
    )
    # Fanned out (services.announce): it may concern many members.
    register_kind(
        NotificationKind(
            key=PROJECT_NEEDS_MY_SKILLS,
            label=_("A new common project needs my skills"),
            template="networking/email/project_needs_my_skills",
            url=lambda project: project.get_absolute_url(),
            audience=needing_my_skills,
            context=lambda project: {"project": project},
        )
    )
