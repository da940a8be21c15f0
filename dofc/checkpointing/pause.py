"""The pause request as both sides of the attempt folder see it: the runner and the kernel."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

# Written by the scheduler to request a pause; the runner and dofc.checkpoint look for it.
PAUSE_REQUEST_FILE = "pause_requested"
# Written by dofc.checkpoint when it raises Paused, so the runner can tell a pause from a failure
# even when a script's exit code is all it gets.
PAUSED_MARKER_FILE = "paused"


class Paused(BaseException):
    """Raised by ``dofc.checkpoint`` after it saved a stage while a pause was requested.

    It derives from BaseException, like KeyboardInterrupt, so an ``except Exception`` in user code
    does not swallow it. The runner reports the attempt as ``paused``, and the next attempt loads
    the saved stages and continues after them.
    """


def pause_requested(attempt_dir: Path) -> bool:
    """Return whether the scheduler asked this attempt to pause."""
    return (attempt_dir / PAUSE_REQUEST_FILE).exists()


def mark_paused(attempt_dir: Path, stage: str) -> None:
    """Record the stage after which the attempt paused, for the runner to read."""
    marker = {"stage": stage, "at": time.time(), "pid": os.getpid()}
    (attempt_dir / PAUSED_MARKER_FILE).write_text(json.dumps(marker), encoding="utf-8")


def paused_stage(attempt_dir: Path) -> str | None:
    """Return the stage that ``dofc.checkpoint`` paused after, or None if it did not pause."""
    try:
        marker = json.loads(
            (attempt_dir / PAUSED_MARKER_FILE).read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        return None
    stage = marker.get("stage")
    return stage if isinstance(stage, str) else None
