import enum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberStatus(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("member status", "Registered")
    VERIFICATION_REQUESTED = "verification_requested", pgettext_lazy("member status", "Verification requested")
    VERIFIED = "verified", pgettext_lazy("member status", "Verified member")
    REFUSED = "refused", pgettext_lazy("member status", "Verification refused")
    FORMER = "former", pgettext_lazy("member status", "Former member")
    # The person erased their account: the row stays, emptied, so what they wrote in shared
    # spaces and the records the cooperative keeps point at "ex socio/a".
    ERASED = "erased", pgettext_lazy("member status", "Account erased")

    # From these a person may ask (again) to be recognised as a member.
    MAY_REQUEST = enum.nonmember(("registered", "refused", "former"))
    # Staff may decide on a request only from these.
    DECIDABLE = enum.nonmember(("verification_requested", "registered", "refused"))


class Language(models.TextChoices):
    ITALIAN = "it", "Italiano"
    ENGLISH = "en", "English"


class Region(models.TextChoices):
    ABRUZZO = "abruzzo", "Abruzzo"
    BASILICATA = "basilicata", "Basilicata"
    CALABRIA = "calabria", "Calabria"
    CAMPANIA = "campania", "Campania"
    EMILIA_ROMAGNA = "emilia-romagna", "Emilia-Romagna"
    FRIULI_VENEZIA_GIULIA = "friuli-venezia-giulia", "Friuli-Venezia Giulia"
    LAZIO = "lazio", "Lazio"
    LIGURIA = "liguria", "Liguria"
    LOMBARDIA = "lombardia", "Lombardia"
    MARCHE = "marche", "Marche"
    MOLISE = "molise", "Molise"
    PIEMONTE = "piemonte", "Piemonte"
    PUGLIA = "puglia", "Puglia"
    SARDEGNA = "sardegna", "Sardegna"
    SICILIA = "sicilia", "Sicilia"
    TOSCANA = "toscana", "Toscana"
    TRENTINO_ALTO_ADIGE = "trentino-alto-adige", "Trentino-Alto Adige/Südtirol"
    UMBRIA = "umbria", "Umbria"
    VALLE_D_AOSTA = "valle-d-aosta", "Valle d'Aosta/Vallée d'Aoste"
    VENETO = "veneto", "Veneto"
    ABROAD = "abroad", _("Outside Italy")


class Visibility(models.TextChoices):
    """Who may see a member's name and profile outside the staff."""

    PRIVATE = "private", _("Only the staff and the facilitators of my groups")
    MEMBERS = "members", _("Verified members")
    PUBLIC = "public", _("Everyone, visitors included")


class WorkMode(models.TextChoices):
    """How a member works with Smart: the R&D group compares the needs of the two (surveys)."""

    ALONE = "alone", _("I work alone")
    WITH_WORKERS = "with_workers", _("I manage projects with other workers")


class DirectoryField(models.TextChoices):
    """The parts of a profile a member may choose to show in the member directory.
    Each is a `shows_<value>` flag on Member."""

    REGION = "region", _("Region")
    SECTORS = "sectors", _("Activity sectors")
    SKILLS = "skills", _("Skills")
    BIO = "bio", _("Short bio")
    OFFERS = "offers", _("What I offer")
    LOOKS_FOR = "looks_for", _("What I am looking for")
    GROUPS = "groups", _("My working groups")
    PROJECTS = "projects", _("My common projects")
