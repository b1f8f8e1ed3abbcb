"""The network's rows that point at a member: see members/privacy.py."""

from members.privacy import Fate, register
from networking.models import Block, CommonProject, ContactMessage, ProjectInterest
from networking.surveys.models import Answer, Response

# What the erased person wrote to someone stays in that person's inbox, under "ex socio/a";
# what others wrote to the erased person is of use to nobody any more.
register(ContactMessage, "sender", Fate.ANONYMISE)
register(ContactMessage, "recipient", Fate.DELETE)
register(Block, "blocker", Fate.DELETE)
register(Block, "blocked", Fate.DELETE)
register(CommonProject, "author", Fate.ANONYMISE)
# The project keeps its list of collaborators; the note was written for the author only.
register(ProjectInterest, "member", Fate.ANONYMISE, blank=("note",))
# Survey results stay true: answers count, without a name.
register(Response, "member", Fate.ANONYMISE)
register(Answer, "response__member", Fate.ANONYMISE)
