"""Runner hooks for pre-flight sample runs, and the resources every attempt reports.

The scheduler marks a sample run with ``sample_fraction`` in ``spec.json``. The runner passes
the fraction to the kernel as DOFC_SAMPLE_FRACTION, so ``dofc.read`` samples its inputs. Every
attempt, sampled or not, reports its CPU time and peak memory in ``result.json``, because
the scaling model of pre-flight fits those of the sample runs.
"""

from __future__ import annotations

import os
import resource
import sys
from typing import Any

from .sampling import SAMPLE_FRACTION_ENV


def enter_sample_mode(spec: dict[str, Any]) -> None:
    """Export the spec's ``sample_fraction`` to this process and its kernel, or clear a stale one."""
    fraction = spec.get("sample_fraction")
    if fraction is None:
        # A runner started from a sampled environment must still read whole inputs in a real run.
        os.environ.pop(SAMPLE_FRACTION_ENV, None)
        return
    os.environ[SAMPLE_FRACTION_ENV] = repr(float(fraction))


def resource_usage() -> dict[str, Any]:
    """Return CPU seconds of the runner and its waited-for children, and the larger peak resident set.

    ``ru_maxrss`` is in KiB on Linux and in bytes on macOS. The children's figure is the peak of
    the largest child (the kernel, usually), not a sum, so the peak memory is a lower bound
    for a job whose children run at the same time.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    unit = 1 if sys.platform == "darwin" else 1024
    return {
        "cpu_s": round(own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, 3),
        "max_rss_bytes": max(own.ru_maxrss, children.ru_maxrss) * unit,
    }


def kernel_cpu_seconds(kernel_process: Any) -> float | None:
    """Return the CPU seconds the kernel process and its waited-for children have used so far.

    ``kernel_process`` is the kernel's ``subprocess.Popen``, or None for a kernel this runner did
    not start (a warm kernel), for which None is returned. Pre-flight's scaling model fits
    the per-cell differences, which a busy machine disturbs far less than wall time.
    TODO: psutil counts in 10 ms clock ticks, too coarse for a cell that spends a few
    milliseconds on a 2% sample; /proc/PID/schedstat gives the main thread's time in ns.
    """
    pid = getattr(kernel_process, "pid", None)
    if pid is None:
        return None
    try:
        import psutil

        times = psutil.Process(pid).cpu_times()
    except (ImportError, OSError, ValueError):
        return None
    except Exception as error:
        if type(error).__module__.startswith("psutil"):
            return None
        raise
    return times.user + times.system + times.children_user + times.children_system


def cell_cpu_field(kernel_process: Any, started: float | None) -> dict[str, float]:
    """Return ``{"cpu_s": ...}`` for a cell event when the kernel's CPU time was read at both ends, else ``{}``."""
    ended = kernel_cpu_seconds(kernel_process)
    if started is None or ended is None:
        return {}
    return {"cpu_s": round(ended - started, 4)}
