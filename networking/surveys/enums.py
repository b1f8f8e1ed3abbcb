from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale from 1 to 5")
    TEXT = "text", pgettext_lazy("survey question", "Free text")


SCALE_VALUES = (1, 2, 3, 4, 5)
# A split of the results never shows a group of fewer people than this: nobody is
# identified by their answers plus a profile attribute.
SMALLEST_GROUP_SHOWN = 5
