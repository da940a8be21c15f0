"""Spark driver entry: ``spark-submit [conf...] dofc/spark/driver.py ATTEMPT_DIR``.

spark-submit starts the JVM with the attempt's configuration (master, core ceiling, AQE, event
log, application name) and then runs this file. The attempt uses the runner's file protocol
(``started``, ``events.jsonl``, ``result.json``), so the scheduler watches it like a local one.

- A notebook runs through the job runner. Its kernel inherits the JVM's gateway and creates the
  SparkSession there before the first cell (see ``kernel_session.py``).
- A script runs inside this process after the SparkSession is created, as spark-submit runs any
  ``.py`` program, so its own ``getOrCreate()`` returns the session DOFC configured.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any

from dofc.checkpointing import Paused
from dofc.runner.__main__ import main as run_with_runner
from dofc.runner.attempt import execute_attempt
from dofc.runner.failures import classify_failure, hint_for
from dofc.runner.job_env import export_job_env, missing_workdir_result
from dofc.runner.pause import paused_after_stage_result
from dofc.runner.protocol import SPEC_FILE, EventWriter

KERNEL_SESSION_FILE = Path(__file__).with_name("kernel_session.py")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: spark-submit [options] dofc/spark/driver.py ATTEMPT_DIR", file=sys.stderr)
        return 2
    attempt_dir = Path(argv[0]).resolve()
    spec = json.loads((attempt_dir / SPEC_FILE).read_text(encoding="utf-8"))

    if spec["kind"] != "script":
        os.environ["PYTHONSTARTUP"] = str(KERNEL_SESSION_FILE)
        return run_with_runner([str(attempt_dir)])
    return run_script_attempt(spec, attempt_dir)


def run_script_attempt(spec: dict[str, Any], attempt_dir: Path) -> int:
    """Claim the attempt, run the script in this process and write its result."""
    return execute_attempt(
        attempt_dir,
        f"job {spec['job_id']} attempt {spec['attempt']} started on Spark in {spec['workdir']}",
        lambda events: run_script(spec, attempt_dir, events),
        "The Spark driver failed before the script finished",
    )


def run_script(spec: dict[str, Any], attempt_dir: Path, events: EventWriter) -> dict[str, Any]:
    workdir = Path(spec["workdir"])
    missing = missing_workdir_result(workdir, "script")
    if missing is not None:
        return missing
    export_job_env(spec, attempt_dir)

    # Imported here so that a notebook attempt never creates a SparkContext in this process.
    from pyspark.sql import SparkSession

    session = SparkSession.builder.getOrCreate()
    script = attempt_dir / spec["source_file"]
    events.emit("progress", done=0, total=1, unit="scripts")
    os.chdir(workdir)
    sys.argv = [str(script)]
    sys.path.insert(0, str(workdir))
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit_request:
        if exit_request.code not in (None, 0):
            return _script_failed(f"The script exited with code {exit_request.code}.", exit_request.code)
    except Paused:
        return paused_after_stage_result(attempt_dir)
    except Exception as error:  # noqa: BLE001 - the user's exception becomes the attempt's result
        traceback.print_exc()
        first_line = str(error).splitlines()[0] if str(error) else ""
        message = f"The script raised {type(error).__name__}: {first_line}".rstrip(": ") + "."
        hint = hint_for(type(error).__name__, str(error), str(workdir))
        failed = _script_failed(message + (f" {hint}" if hint else ""), 1)
        failed["failure_class"] = classify_failure(type(error).__name__, str(error))
        return failed
    finally:
        session.stop()

    events.emit("progress", done=1, total=1, unit="scripts")
    return {"outcome": "succeeded", "message": "The script ran to the end on Spark."}


def _script_failed(message: str, exit_code: object) -> dict[str, Any]:
    return {"outcome": "failed", "code": "script_error", "message": message, "exit_code": exit_code}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
