"""What every attempt sets up before user code runs, on the local runner and the Spark driver."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .checkpoint_env import export_checkpoint_env


def missing_workdir_result(workdir: Path, source_kind: str) -> dict[str, Any] | None:
    """Return the failed result for a working folder that does not exist, or None when it does."""
    if workdir.is_dir():
        return None
    return {
        "outcome": "failed",
        "code": "workdir_missing",
        "message": f"The working folder {workdir} does not exist on this machine; submit the {source_kind} from a folder the scheduler can read.",
    }


def export_job_env(spec: dict[str, Any], attempt_dir: Path) -> None:
    """Set the job id, attempt, parameters and checkpoint folders for the code and its kernel."""
    os.environ["DOFC_JOB_ID"] = str(spec["job_id"])
    os.environ["DOFC_ATTEMPT"] = str(spec["attempt"])
    os.environ["DOFC_PARAMETERS"] = json.dumps(spec.get("parameters", {}))
    export_checkpoint_env(spec, attempt_dir)
