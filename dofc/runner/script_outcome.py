"""The result of a script attempt, from its exit status and the files its process left."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .failures import USER_CODE, classify_failure, classify_killed, hint_for
from .pause import paused_after_stage_result, paused_stage

# Written by dofc.runner.script_child when the script raises.
SCRIPT_ERROR_FILE = "script_error.json"


def script_failure_result(
    returncode: int, attempt_dir: Path, workdir: Path
) -> dict[str, Any]:
    """Build the result of a script that exited with a non-zero code or was killed by a signal."""
    if paused_stage(attempt_dir) is not None:
        return paused_after_stage_result(attempt_dir)

    result: dict[str, Any] = {
        "outcome": "failed",
        "code": "script_error",
        "message": f"The script exited with code {returncode}; its traceback is at the end of the job's log.",
        "exit_code": returncode,
        "failure_class": USER_CODE,
    }
    if returncode < 0:
        result["message"] = (
            f"The script was killed by signal {-returncode}; the out-of-memory killer or an operator may have stopped it."
        )
        result["failure_class"] = classify_killed(-returncode)
        return result

    error = read_script_error(attempt_dir)
    if error is not None:
        ename, evalue = error
        first_line = evalue.splitlines()[0] if evalue else ""
        hint = hint_for(ename, evalue, str(workdir))
        result["message"] = (
            f"The script raised {ename}: {first_line}".rstrip(": ")
            + "."
            + (f" {hint}" if hint else "")
        )
        result["failure_class"] = classify_failure(ename, evalue)
    return result


def read_script_error(attempt_dir: Path) -> tuple[str, str] | None:
    try:
        record = json.loads(
            (attempt_dir / SCRIPT_ERROR_FILE).read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        return None
    return str(record.get("ename", "")), str(record.get("evalue", ""))
