"""The warm kernel pool's folder, shared by the pool process and the runners that claim kernels.

Layout of the pool folder (owner-only, because a connection file lets its reader run code as
the pool's user):

- ``kernels/<slot>.json``: the connection file of a kernel, written before the kernel starts;
- ``ready/<slot>.json``: a started, preloaded kernel that no attempt has claimed yet;
- ``claimed/<slot>.<runner pid>.json``: the same record after a runner claimed it;
- ``claims.log``: one line per claim attempt of an eligible runner, ``warm <slot>`` or ``cold``;
- ``status.json``: the pool's counters, rewritten by the pool process.

A runner claims a kernel by renaming its ``ready`` record into ``claimed``. The rename is atomic,
so exactly one runner gets each kernel, and the runner's pid in the new name identifies the
owner for the pool.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KERNELS_DIR = "kernels"
READY_DIR = "ready"
CLAIMED_DIR = "claimed"
CLAIMS_LOG = "claims.log"
STATUS_FILE = "status.json"
LOCK_FILE = "pool.lock"


@dataclass(frozen=True)
class WarmSlot:
    """A started kernel as the pool publishes it."""

    name: str
    kernel_pid: int
    connection_file: Path
    #: Modules imported in the kernel before it was published.
    preloaded: tuple[str, ...]
    ready_at: float

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kernel_pid": self.kernel_pid,
            "connection_file": str(self.connection_file),
            "preloaded": list(self.preloaded),
            "ready_at": self.ready_at,
        }

    @staticmethod
    def from_json(record: dict[str, Any]) -> WarmSlot:
        return WarmSlot(
            name=str(record["name"]),
            kernel_pid=int(record["kernel_pid"]),
            connection_file=Path(record["connection_file"]),
            preloaded=tuple(record.get("preloaded", [])),
            ready_at=float(record["ready_at"]),
        )


def prepare_pool_dir(pool_dir: Path) -> None:
    """Create the pool folder and its subfolders, readable by the owner only."""
    for folder in (pool_dir, pool_dir / KERNELS_DIR, pool_dir / READY_DIR, pool_dir / CLAIMED_DIR):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(pool_dir, 0o700)


def publish_slot(pool_dir: Path, slot: WarmSlot) -> None:
    """Make a started kernel claimable, through a temporary file and a rename."""
    temporary = pool_dir / READY_DIR / f".{slot.name}.tmp"
    temporary.write_text(json.dumps(slot.to_json()), encoding="utf-8")
    os.replace(temporary, pool_dir / READY_DIR / f"{slot.name}.json")


def claim_slot(pool_dir: Path, runner_pid: int | None = None) -> WarmSlot | None:
    """Claim the oldest ready kernel for this process, or return None when none is ready.

    Several runners may race for the same record. ``os.rename`` succeeds for exactly one of
    them, and the others move on to the next record.
    """
    owner = os.getpid() if runner_pid is None else runner_pid
    ready = pool_dir / READY_DIR
    try:
        candidates = sorted(ready.glob("*.json"), key=lambda path: path.stat().st_mtime)
    except FileNotFoundError:
        return None

    for record in candidates:
        claimed = pool_dir / CLAIMED_DIR / f"{record.stem}.{owner}.json"
        try:
            os.rename(record, claimed)
        except FileNotFoundError:
            continue
        slot = WarmSlot.from_json(json.loads(claimed.read_text(encoding="utf-8")))
        _log_claim(pool_dir, f"warm {slot.name}")
        return slot
    _log_claim(pool_dir, "cold")
    return None


def claim_owner(claimed_record: Path) -> int | None:
    """Return the runner pid in a ``claimed`` record's name, or None for a name without one."""
    parts = claimed_record.name.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return int(parts[1])


def _log_claim(pool_dir: Path, line: str) -> None:
    # One short write in append mode per line, so lines of concurrent runners never interleave.
    with open(pool_dir / CLAIMS_LOG, "a", encoding="utf-8") as log:
        log.write(f"{line} {time.time():.3f}\n")
