"""Run a Python script as a child process whose output goes straight to the job's log."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from .pause import pause_requested, paused_before_start_result
from .protocol import EventWriter
from .script_outcome import SCRIPT_ERROR_FILE, script_failure_result


def run_script(script: Path, workdir: Path, events: EventWriter) -> dict[str, Any]:
    """Run the script with this interpreter and return the attempt's result."""
    events.emit("progress", done=0, total=1, unit="scripts")
    # The snapshot of the script lies in the attempt folder, where pause requests arrive.
    attempt_dir = script.parent
    if pause_requested(attempt_dir):
        return paused_before_start_result()
    command = [sys.executable, "-m", "dofc.runner.script_child", str(script), str(attempt_dir / SCRIPT_ERROR_FILE)]
    completed = subprocess.run(command, cwd=workdir, check=False)
    if completed.returncode == 0:
        events.emit("progress", done=1, total=1, unit="scripts")
        return {"outcome": "succeeded", "message": "The script exited with code 0."}
    return script_failure_result(completed.returncode, attempt_dir, workdir)
