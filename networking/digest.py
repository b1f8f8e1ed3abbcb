"""The network's section of the periodic digest (riepilogo).

The digest arrives with issue 9: until then nothing calls this function. When it exists, it
registers `section_for` as the network's section (notifications.registry, filled from
NetworkingConfig.ready)."""

from networking.models import CommonProject, ContactMessage

DIGEST_PROJECTS = 5


def section_for(member, since):
    """What is new for a member since the previous digest: open projects posted since then
    that need their skills, and how many messages they have not read."""
    projects = list(
        CommonProject.objects.needing_skills_of(member)
        .filter(created_at__gt=since)
        .order_by("-created_at")[:DIGEST_PROJECTS]
    )
    unread = ContactMessage.objects.received_by(member).unread().filter(created_at__gt=since).count()
    return {"projects": projects, "unread_messages": unread}
