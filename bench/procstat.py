"""CPU time from /proc: far steadier than throughput on a shared machine."""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    text = Path(f"/proc/{pid}/stat").read_text()
    # The command name is in parentheses and may hold spaces: split after its closing one.
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid):
    """utime + stime of a process (its own threads included), or 0.0 if it is gone."""
    try:
        fields = _stat(pid)
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return 0.0
    # Fields 14 and 15 of stat(5); after the name, the list starts at field 3.
    return (int(fields[11]) + int(fields[12])) / TICKS


def children(parent):
    """The pids whose parent is `parent` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(entry.name)[1]) == parent:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
                continue
    return found


def snapshot(pids):
    return {pid: cpu_seconds(pid) for pid in pids}


def spent(before, after):
    """CPU seconds between two snapshots; a process born in between counts from zero."""
    return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())
