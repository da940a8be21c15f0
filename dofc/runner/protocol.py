"""Files the runner shares with the scheduler in an attempt folder."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

SPEC_FILE = "spec.json"
STARTED_FILE = "started"
EVENTS_FILE = "events.jsonl"
RESULT_FILE = "result.json"
OUTPUT_NOTEBOOK = "output.ipynb"
STARTS_LOG = "starts.log"

# Exit code of a runner that found its attempt already claimed; it ran nothing.
EXIT_ALREADY_STARTED = 75


class AttemptAlreadyStarted(Exception):
    """Another runner, or a recovering scheduler, already owns this attempt."""


def claim_attempt(attempt_dir: Path) -> None:
    """Create the ``started`` marker exclusively, or raise if someone else already did."""
    try:
        fd = os.open(attempt_dir / STARTED_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError as error:
        raise AttemptAlreadyStarted(str(attempt_dir)) from error
    with os.fdopen(fd, "w") as marker:
        json.dump({"pid": os.getpid(), "at": time.time()}, marker)

    # The job folder keeps one line per start of any attempt, so a double start is visible.
    with open(attempt_dir.parent / STARTS_LOG, "a", encoding="utf-8") as starts:
        starts.write(f"{attempt_dir.name} pid={os.getpid()} at={time.time():.3f}\n")


class EventWriter:
    """Appends progress events as JSON lines, flushed at once so the scheduler sees them live."""

    def __init__(self, attempt_dir: Path) -> None:
        self._file = open(attempt_dir / EVENTS_FILE, "a", encoding="utf-8")

    def emit(self, event: str, **fields: Any) -> None:
        self._file.write(json.dumps({"event": event, "at": time.time(), **fields}) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def write_result(attempt_dir: Path, result: dict[str, Any]) -> None:
    """Write ``result.json`` through a temporary file and a rename, so a reader never sees half of it."""
    temporary = attempt_dir / (RESULT_FILE + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, attempt_dir / RESULT_FILE)
