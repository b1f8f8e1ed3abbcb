from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupTheme(models.TextChoices):
    CALLS = "calls", _("Calls for funding")
    TRAINING = "training", _("Training")
    NETWORKING = "networking", _("Research and development")
    OTHER = "other", _("Other")
