"""CPU time of a process and its descendants, with nanosecond resolution on Linux.

Pre-flight fits the CPU time of each code cell of its sample runs, and a cell of a 2% sample
often spends only a few milliseconds. psutil and ``/proc/PID/stat`` count in clock ticks of
10 ms (USER_HZ = 100), so on Linux this module reads the process CPU-time clock instead
(``clock_getcpuclockid(3)``), which counts in nanoseconds. That clock covers every thread of
the process, including threads that ended. Per-thread counters such as
``/proc/PID/task/*/schedstat`` lose a thread's time when it exits, so a cell in which a worker
thread ends would measure too little, or less than nothing.

The descendants count as well: live ones by their own clocks, and ended ones through the
cumulative CPU time of the parent that waited for them (``cutime`` and ``cstime`` of
``/proc/PID/stat``). A process that ends moves its time from the first figure to the second,
so a cell in which a worker process ends measures it once. Elsewhere psutil gives the same sum
with its own resolution.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time
from pathlib import Path

_libc: ctypes.CDLL | None = None


def process_tree_cpu_seconds(pid: int) -> float | None:
    """Return the CPU seconds that process ``pid`` and its descendants have used so far.

    Returns None when the process no longer exists or cannot be read.
    """
    if sys.platform.startswith("linux"):
        return _linux_tree_cpu_seconds(pid)
    return _psutil_tree_cpu_seconds(pid)


def process_cpu_clock_seconds(pid: int) -> float:
    """Return the CPU seconds of every thread of process ``pid``, ended ones included (Linux).

    Raises ProcessLookupError when no process ``pid`` exists, and OSError for another failure.
    """
    clock_id = ctypes.c_int()
    error = _load_libc().clock_getcpuclockid(pid, ctypes.byref(clock_id))
    # clock_getcpuclockid returns the error number instead of setting errno.
    if error != 0:
        raise OSError(error, f"clock_getcpuclockid({pid}) failed: {os.strerror(error)}")
    return time.clock_gettime(clock_id.value)


def _linux_tree_cpu_seconds(pid: int) -> float | None:
    try:
        total = process_cpu_clock_seconds(pid) + _waited_children_seconds(pid)
    except OSError:
        return None

    for descendant in _descendants(pid):
        # A descendant that ended since it was listed is skipped. Its time reaches its parent's
        # cumulative figure once the parent waits for it.
        try:
            total += process_cpu_clock_seconds(descendant) + _waited_children_seconds(descendant)
        except OSError:
            continue
    return total


def _waited_children_seconds(pid: int) -> float:
    """Return the CPU seconds of the ended children that ``pid`` waited for (``cutime + cstime``)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    # The command name in brackets may contain spaces, so the fields are counted after its ")".
    fields = stat[stat.rindex(")") + 2 :].split()
    # Fields 16 and 17 of proc(5), counted from 1 with the pid as field 1 and the state as field 3.
    cutime, cstime = int(fields[13]), int(fields[14])
    return (cutime + cstime) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    """List the live descendants of ``pid`` from ``/proc/PID/task/TID/children``, or through psutil without it."""
    if not _has_children_files():
        return _psutil_descendants(pid)
    found: list[int] = []
    pending = [pid]
    while pending:
        children = _children_of(pending.pop())
        found.extend(children)
        pending.extend(children)
    return found


def _has_children_files() -> bool:
    # The kernel provides /proc/PID/task/TID/children only with CONFIG_PROC_CHILDREN.
    return Path(f"/proc/self/task/{os.getpid()}/children").exists()


def _children_of(pid: int) -> list[int]:
    """Return the children of every thread of ``pid``. A thread or process that ended meanwhile has none."""
    children: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []
    for task in tasks:
        try:
            children.extend(int(child) for child in (task / "children").read_text(encoding="ascii").split())
        except OSError:
            continue
    return children


def _psutil_descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def _psutil_tree_cpu_seconds(pid: int) -> float | None:
    """Sum user and system time of the process, its waited-for children and its live descendants (clock ticks)."""
    try:
        import psutil
    except ImportError:
        return None
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return None

    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            if process is root:
                return None
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def _load_libc() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        # The symbols of the running interpreter include the C library's.
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc
