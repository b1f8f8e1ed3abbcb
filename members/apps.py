from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from members.directory import DIRECTORY_VERSION, NOT_SEARCHED, OPTIONS_VERSION
        from members.models import Member, Sector, Skill

        # What a directory search finds depends on these rows: a change retires cached counts.
        DIRECTORY_VERSION.follow(
            Member, Skill, Sector, through=[Member.skills, Member.sectors], except_fields=NOT_SEARCHED
        )
        OPTIONS_VERSION.follow(Skill, Sector)
