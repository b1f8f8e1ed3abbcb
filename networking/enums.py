from django.db import models
from django.utils.translation import pgettext_lazy


class InterestState(models.TextChoices):
    """A member's interest in a common project, as its author answered it."""

    INTERESTED = "interested", pgettext_lazy("project interest", "Interested")
    ACCEPTED = "accepted", pgettext_lazy("project interest", "Collaborator")
