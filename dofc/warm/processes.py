"""Process checks that survive pid reuse, for kernels and runners that are not our children."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def start_ticks(pid: int) -> int | None:
    """Return the process's start time in clock ticks since boot, or None when it is gone.

    A pid and its start time together name one process, because a recycled pid starts later.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # Fields after the command name, which is in parentheses and may contain spaces.
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


def is_alive(pid: int, ticks: int | None = None) -> bool:
    """Report whether ``pid`` runs and, when ``ticks`` is given, is still the same process."""
    current = start_ticks(pid)
    if current is None:
        return False
    return ticks is None or current == ticks


def kill_session(pid: int) -> None:
    """SIGKILL a kernel and everything in its session; kernels are started as session leaders."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    except PermissionError:
        # The pid is no longer a group leader of ours; kill the process alone if it is still there.
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
