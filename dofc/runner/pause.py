"""Pause requests at the runner: the ``pause_requested`` file and SIGUSR1.

The scheduler writes ``pause_requested`` in the attempt folder and then sends SIGUSR1 to the
runner. The file is the request: the runner looks for it before each cell, and ``dofc.checkpoint``
looks for it inside the kernel after each saved stage. The signal only gets a line into the log
at once and must have a handler, because SIGUSR1 terminates a process that has none.

A cell that runs long without reaching a ``dofc.checkpoint`` call is not interrupted here. It
runs to its end, and the scheduler may stop the attempt after its own grace period.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from dofc.checkpointing.pause import pause_requested, paused_stage

__all__ = [
    "RunnerPaused",
    "install_pause_signal_handler",
    "pause_requested",
    "paused_result",
    "paused_stage",
]


class RunnerPaused(Exception):
    """Raised inside the runner to stop before the next cell once a pause was requested."""

    def __init__(self, next_cell: int, total_cells: int) -> None:
        super().__init__(f"paused before cell {next_cell} of {total_cells}")
        self.next_cell = next_cell
        self.total_cells = total_cells


def install_pause_signal_handler() -> None:
    """Handle SIGUSR1 before the attempt is claimed, since the scheduler signals a claimed runner."""
    signal.signal(signal.SIGUSR1, _log_pause_signal)


def _log_pause_signal(_signum: int, _frame: FrameType | None) -> None:
    print(
        "[dofc] pause requested; stopping at the next cell or checkpoint boundary",
        file=sys.stderr,
        flush=True,
    )


def paused_result(message: str, **details: Any) -> dict[str, Any]:
    """Build the result of an attempt that stopped because a pause was requested."""
    return {
        "outcome": "paused",
        "code": "paused",
        "failure_class": "preempted",
        "message": message,
        **details,
    }


def paused_before_cell_result(paused: RunnerPaused) -> dict[str, Any]:
    done = (
        "no cell ran"
        if paused.next_cell == 1
        else f"cells 1 to {paused.next_cell - 1} ran"
    )
    return paused_result(
        f"Paused before cell {paused.next_cell} of {paused.total_cells} because a pause was requested; {done}.",
        paused_before_cell=paused.next_cell,
    )


def paused_after_stage_result(
    attempt_dir: Path, fallback_stage: str | None = None
) -> dict[str, Any]:
    stage = paused_stage(attempt_dir) or fallback_stage
    return paused_result(
        f"Paused after saving checkpoint stage {stage!r} because a pause was requested; the next attempt loads it and continues.",
        paused_after_stage=stage,
    )


def paused_before_start_result() -> dict[str, Any]:
    return paused_result(
        "Paused before the script started because a pause was requested; nothing ran."
    )
