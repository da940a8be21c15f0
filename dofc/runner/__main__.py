"""Entry point: ``python -m dofc.runner ATTEMPT_DIR`` runs the attempt described by its spec.json."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import nbformat

from dofc.preflight_sample_run import enter_sample_mode
from dofc.warm.attach import export_warm_settings

from .attempt import execute_attempt
from .job_env import export_job_env, missing_workdir_result
from .notebook import run_notebook
from .protocol import OUTPUT_NOTEBOOK, SPEC_FILE, EventWriter
from .script import run_script


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dofc.runner", description=__doc__)
    parser.add_argument("attempt_dir", type=Path, help="folder with spec.json, prepared by the scheduler")
    arguments = parser.parse_args(argv)
    attempt_dir: Path = arguments.attempt_dir.resolve()

    # The spec names the job in the start line. Reading it before the claim is safe, because a
    # fenced attempt still runs nothing.
    spec = json.loads((attempt_dir / SPEC_FILE).read_text(encoding="utf-8"))
    return execute_attempt(
        attempt_dir,
        f"job {spec['job_id']} attempt {spec['attempt']} started in {spec['workdir']}",
        lambda events: run_attempt(spec, attempt_dir, events),
        "The job runner failed before the code finished",
    )


def run_attempt(spec: dict[str, Any], attempt_dir: Path, events: EventWriter) -> dict[str, Any]:
    workdir = Path(spec["workdir"])
    missing = missing_workdir_result(workdir, "notebook")
    if missing is not None:
        return missing

    # PySpark starts its Python workers with the first python3 on PATH unless told otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # A local Spark driver binds to loopback unless the operator chooses another address.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    export_job_env(spec, attempt_dir)
    export_warm_settings(spec)
    enter_sample_mode(spec)

    source_file = attempt_dir / spec["source_file"]
    kind = spec["kind"]
    if kind == "script":
        return run_script(source_file, workdir, events)

    notebook = load_notebook(kind, source_file, spec.get("setup_cells") or [])
    return run_notebook(notebook, workdir, attempt_dir / OUTPUT_NOTEBOOK, events)


def load_notebook(kind: str, source_file: Path, setup_cells: list[str]) -> Any:
    """Read a notebook (nbformat 3 is upgraded to 4), or build one from a cell and its setup cells."""
    text = source_file.read_text(encoding="utf-8")
    if kind == "notebook":
        return nbformat.reads(text, as_version=4)
    cells = [nbformat.v4.new_code_cell(code) for code in [*setup_cells, text]]
    return nbformat.v4.new_notebook(cells=cells)


if __name__ == "__main__":
    sys.exit(main())
