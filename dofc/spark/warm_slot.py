"""The folder of one warm Spark driver, shared with the scheduler (server/src/executors/spark/warm-slot-files.ts).

- ``process.json``: the spark-submit pid, written by the scheduler when it starts the driver;
- ``log.txt``: output of spark-submit, the driver and its kernel;
- ``kernel/``: a pool folder (``dofc/warm/slots.py``) that holds the driver's one kernel;
- ``spark-events/``: the application's event log;
- ``ready.json``: written by the driver once its kernel has created a SparkSession;
- ``assignment.json``: the claim. The scheduler creates it for an attempt, or the driver creates
  it with ``retired`` when it stops waiting. Both create it with ``link``, which fails when the
  file exists, so exactly one of them wins and a driver never runs a job after it retired.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

READY_FILE = "ready.json"
ASSIGNMENT_FILE = "assignment.json"
LOG_FILE = "log.txt"
KERNEL_DIR = "kernel"
WAREHOUSE_LINK = "spark-warehouse"


def write_ready(slot_dir: Path, record: dict[str, Any]) -> None:
    """Publish the driver as ready, through a temporary file and a rename."""
    temporary = slot_dir / f".{READY_FILE}.tmp"
    temporary.write_text(json.dumps(record), encoding="utf-8")
    os.replace(temporary, slot_dir / READY_FILE)


def read_assignment(slot_dir: Path) -> dict[str, Any] | None:
    """Return the claim record, or None while no one has claimed the driver."""
    try:
        text = (slot_dir / ASSIGNMENT_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return json.loads(text)


def retire(slot_dir: Path, reason: str) -> bool:
    """Take the claim for the driver itself, so no job is assigned to it later.

    Returns False when a job's claim came first; the driver must then run that job.
    """
    temporary = slot_dir / f".retire-{secrets.token_hex(4)}.tmp"
    temporary.write_text(json.dumps({"retired": reason, "at": time.time()}), encoding="utf-8")
    try:
        os.link(temporary, slot_dir / ASSIGNMENT_FILE)
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)
    return True


def link_warehouse(slot_dir: Path, warehouse_dir: Path) -> None:
    """Point the application's warehouse folder at the job's, so saved tables stay with the job.

    The application was started with ``spark.sql.warehouse.dir`` at ``slot_dir/spark-warehouse``,
    which Spark cannot change later. Spark may have created that folder empty when the session
    started, and nothing has been written into it before the claim.
    """
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    link = slot_dir / WAREHOUSE_LINK
    if link.is_dir() and not link.is_symlink():
        link.rmdir()
    link.symlink_to(warehouse_dir, target_is_directory=True)
