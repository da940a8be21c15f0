"""Checkpoint events appended to the attempt's events.jsonl, which the scheduler reads."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

EVENTS_FILE = "events.jsonl"


def append_checkpoint_event(
    attempt_dir: Path, stage: str, action: str, size_bytes: int, duration_s: float
) -> None:
    """Append one checkpoint line with a single O_APPEND write, which a local file system does not interleave with the runner's writes."""
    event = {
        # "event" is the key the runner's own lines use; "type" is the key the scheduler's reader expects.
        "event": "checkpoint",
        "type": "checkpoint",
        "stage": stage,
        "action": action,
        "bytes": size_bytes,
        "duration_s": round(duration_s, 3),
        "at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
    }
    line = (json.dumps(event) + "\n").encode("utf-8")
    descriptor = os.open(
        attempt_dir / EVENTS_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644
    )
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)
