from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from members.directory import directory_changed, options_changed
        from members.models import Member, Sector, Skill

        # What a directory search finds depends on these rows: a change retires cached counts.
        for model in (Member, Skill, Sector):
            uid = f"members.directory_changed.{model._meta.label}"
            post_save.connect(directory_changed, sender=model, dispatch_uid=uid + ".save", weak=False)
            post_delete.connect(directory_changed, sender=model, dispatch_uid=uid + ".delete", weak=False)
        for through in (Member.skills.through, Member.sectors.through):
            m2m_changed.connect(
                directory_changed, sender=through, dispatch_uid=f"members.directory_changed.{through.__name__}"
            )
        for model in (Skill, Sector):
            uid = f"members.options_changed.{model._meta.label}"
            post_save.connect(options_changed, sender=model, dispatch_uid=uid + ".save", weak=False)
            post_delete.connect(options_changed, sender=model, dispatch_uid=uid + ".delete", weak=False)
