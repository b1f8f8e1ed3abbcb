"""The difference between two versions of the rules, paragraph by paragraph, for people:
what was added, what was removed, and a little of what stayed around each change."""

import difflib
from dataclasses import dataclass

ADDED, REMOVED, SAME = "added", "removed", "same"
# Unchanged paragraphs shown around a change, so a reader knows where it is.
CONTEXT = 1


@dataclass(frozen=True)
class Line:
    kind: str
    text: str


def paragraphs(text):
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]


def difference(old_text, new_text):
    """Groups of lines, one group per stretch of changes (with CONTEXT unchanged paragraphs
    either side); an empty list when nothing changed."""
    old, new = paragraphs(old_text), paragraphs(new_text)
    groups = []
    for opcodes in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_grouped_opcodes(CONTEXT):
        lines = []
        for tag, old_start, old_end, new_start, new_end in opcodes:
            if tag == "equal":
                lines += [Line(SAME, text) for text in old[old_start:old_end]]
                continue
            lines += [Line(REMOVED, text) for text in old[old_start:old_end]]
            lines += [Line(ADDED, text) for text in new[new_start:new_end]]
        groups.append(lines)
    return groups
