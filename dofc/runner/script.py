"""Run a Python script as a child process whose output goes straight to the job's log."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from .protocol import EventWriter


def run_script(script: Path, workdir: Path, events: EventWriter) -> dict[str, Any]:
    """Run the script with this interpreter and return the attempt's result."""
    events.emit("progress", done=0, total=1, unit="scripts")
    completed = subprocess.run([sys.executable, str(script)], cwd=workdir, check=False)
    if completed.returncode == 0:
        events.emit("progress", done=1, total=1, unit="scripts")
        return {"outcome": "succeeded", "message": "The script exited with code 0."}
    return {
        "outcome": "failed",
        "code": "script_error",
        "message": f"The script exited with code {completed.returncode}; its traceback is at the end of the job's log.",
        "exit_code": completed.returncode,
    }
