"""The warm Spark driver's folder: the claim race, the warehouse link, and a claim of a fenced attempt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dofc.runner.protocol import EXIT_ALREADY_STARTED, RESULT_FILE, STARTED_FILE
from dofc.spark.warm_slot import ASSIGNMENT_FILE, LOG_FILE, link_warehouse, read_assignment, retire


def claim_for_attempt(slot_dir: Path, attempt_dir: Path) -> None:
    """Create the claim the way the scheduler does: a complete file linked into place."""
    temporary = slot_dir / ".claim.tmp"
    temporary.write_text(json.dumps({"attempt_dir": str(attempt_dir)}), encoding="utf-8")
    os.link(temporary, slot_dir / ASSIGNMENT_FILE)
    temporary.unlink()


def test_retire_takes_an_unclaimed_driver(tmp_path: Path) -> None:
    assert retire(tmp_path, "the scheduler exited") is True

    assert read_assignment(tmp_path)["retired"] == "the scheduler exited"


def test_retire_loses_to_an_earlier_claim(tmp_path: Path) -> None:
    claim_for_attempt(tmp_path, tmp_path / "attempt-1")

    assert retire(tmp_path, "the scheduler exited") is False
    assert read_assignment(tmp_path) == {"attempt_dir": str(tmp_path / "attempt-1")}
    assert [path.name for path in tmp_path.iterdir()] == [ASSIGNMENT_FILE]


def test_link_warehouse_replaces_the_empty_folder(tmp_path: Path) -> None:
    slot_dir = tmp_path / "slot"
    (slot_dir / "spark-warehouse").mkdir(parents=True)
    job_warehouse = tmp_path / "jobs" / "7" / "spark-warehouse"

    link_warehouse(slot_dir, job_warehouse)

    assert (slot_dir / "spark-warehouse").is_symlink()
    assert (slot_dir / "spark-warehouse").resolve() == job_warehouse.resolve()
    assert job_warehouse.is_dir()


def test_fenced_attempt_runs_nothing_on_a_warm_driver(tmp_path: Path) -> None:
    slot_dir = tmp_path / "slot"
    slot_dir.mkdir()
    (slot_dir / LOG_FILE).write_text("", encoding="utf-8")
    attempt_dir = tmp_path / "jobs" / "7" / "attempt-1"
    attempt_dir.mkdir(parents=True)
    spec = {"job_id": 7, "attempt": 1, "kind": "notebook", "source_file": "source.ipynb", "workdir": str(tmp_path)}
    (attempt_dir / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    # A restarted scheduler fenced the attempt before the driver saw its claim.
    (attempt_dir / STARTED_FILE).write_text(json.dumps({"fenced_by": "scheduler", "pid": None}), encoding="utf-8")
    claim_for_attempt(slot_dir, attempt_dir)

    # In a process of its own, because the driver moves its stdout and stderr to the attempt's log.
    code = (
        "import sys; from pathlib import Path; from dofc.spark.warm_attempt import run_assigned_attempt; "
        f"sys.exit(run_assigned_attempt(Path({str(slot_dir)!r}), {{'attempt_dir': {str(attempt_dir)!r}}}))"
    )
    completed = subprocess.run([sys.executable, "-c", code], timeout=60, check=False)

    assert completed.returncode == EXIT_ALREADY_STARTED
    assert not (attempt_dir / RESULT_FILE).exists()
    assert "was already started; running nothing" in (attempt_dir / "log.txt").read_text(encoding="utf-8")
