"""Reading gettext .po files in tests, ours and the libraries' alike."""

import ast
import re
from dataclasses import dataclass, field

_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$")


@dataclass
class Entry:
    msgctxt: str = ""
    msgid: str = ""
    msgid_plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    obsolete: bool = False


def read_catalogue(path):
    """Every entry of a .po file except its header, obsolete (#~) ones included and marked."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, current = Entry(), None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
                line = line[2:].strip()
            elif line.startswith("#"):
                continue
            keyword = _KEYWORD.match(line)
            if keyword:
                current = keyword.group(1)
                value = ast.literal_eval(keyword.group(2))
                if current.startswith("msgstr"):
                    entry.msgstrs.append(value)
                else:
                    setattr(entry, current, value)
            elif line.startswith('"') and current:
                value = ast.literal_eval(line)
                if current.startswith("msgstr"):
                    entry.msgstrs[-1] += value
                else:
                    setattr(entry, current, getattr(entry, current) + value)
        if entry.msgid:
            entries.append(entry)
    return entries
