"""The job runner, run as the scheduler runs it: a process on an attempt folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
from dofc.runner.protocol import EXIT_ALREADY_STARTED, STARTS_LOG


def prepare_attempt(tmp_path: Path, kind: str, source: str, **spec_fields: object) -> Path:
    attempt_dir = tmp_path / "job" / "attempt-1"
    attempt_dir.mkdir(parents=True)
    source_file = {"notebook": "source.ipynb", "cell": "source-cell.py", "script": "source.py"}[kind]
    (attempt_dir / source_file).write_text(source, encoding="utf-8")
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    spec = {"job_id": 7, "attempt": 1, "kind": kind, "source_file": source_file, "workdir": str(workdir), "parameters": {}}
    spec.update(spec_fields)
    (attempt_dir / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    return attempt_dir


def run_runner(attempt_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dofc.runner", str(attempt_dir)], capture_output=True, text=True, timeout=120, check=False
    )


def notebook_text(*cells: str) -> str:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells]))


def result_of(attempt_dir: Path) -> dict:
    return json.loads((attempt_dir / "result.json").read_text(encoding="utf-8"))


def test_notebook_success_writes_output_and_progress(tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(tmp_path, "notebook", notebook_text("x = 6 * 7", "print(x)"))
    completed = run_runner(attempt_dir)

    assert completed.returncode == 0, completed.stderr
    assert result_of(attempt_dir)["outcome"] == "succeeded"
    executed = nbformat.read(str(attempt_dir / "output.ipynb"), as_version=4)
    assert executed.cells[1].outputs[0]["text"] == "42\n"
    events = [json.loads(line) for line in (attempt_dir / "events.jsonl").read_text().splitlines()]
    assert {"done": 2, "total": 2} == {key: events[-2][key] for key in ("done", "total")}


def test_failing_cell_is_named_with_its_exception(tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(tmp_path, "notebook", notebook_text("a = 1", "open('missing.csv')", "print(a)"))
    run_runner(attempt_dir)

    result = result_of(attempt_dir)
    assert result["outcome"] == "failed"
    assert result["failed_cell"]["code_cell_number"] == 2
    assert result["failed_cell"]["ename"] == "FileNotFoundError"
    assert result["message"].startswith("Cell 2 of 3 raised FileNotFoundError")
    assert "relative to" in result["message"]


def test_nbformat3_notebook_is_upgraded_and_runs(tmp_path: Path) -> None:
    version3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "old"},
        "worksheets": [{"cells": [{"cell_type": "code", "input": "print('old format')", "language": "python", "outputs": []}], "metadata": {}}],
    }
    attempt_dir = prepare_attempt(tmp_path, "notebook", json.dumps(version3))
    run_runner(attempt_dir)

    assert result_of(attempt_dir)["outcome"] == "succeeded"
    executed = nbformat.read(str(attempt_dir / "output.ipynb"), as_version=4)
    assert executed.cells[0].outputs[0]["text"] == "old format\n"


def test_cell_job_runs_setup_cells_first(tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(tmp_path, "cell", "print(base + 1)", setup_cells=["base = 41"])
    run_runner(attempt_dir)

    assert result_of(attempt_dir)["outcome"] == "succeeded"
    executed = nbformat.read(str(attempt_dir / "output.ipynb"), as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == "42\n"


def test_script_exit_code_is_reported(tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(tmp_path, "script", "import sys\nprint('partial')\nsys.exit(3)\n")
    completed = run_runner(attempt_dir)

    assert "partial" in completed.stdout
    result = result_of(attempt_dir)
    assert result["outcome"] == "failed"
    assert result["exit_code"] == 3


def test_second_runner_on_same_attempt_runs_nothing(tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(tmp_path, "script", "print('ran')\n")
    first = run_runner(attempt_dir)
    second = run_runner(attempt_dir)

    assert first.returncode == 0
    assert second.returncode == EXIT_ALREADY_STARTED
    assert "ran" not in second.stdout
    assert len((attempt_dir.parent / STARTS_LOG).read_text().splitlines()) == 1


def test_fenced_attempt_never_runs(tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(tmp_path, "script", "open('ran.txt', 'w').write('yes')\n")
    (attempt_dir / "started").write_text('{"fenced_by": "scheduler", "pid": null}')
    completed = run_runner(attempt_dir)

    assert completed.returncode == EXIT_ALREADY_STARTED
    assert not (tmp_path / "work" / "ran.txt").exists()
    assert not (attempt_dir / "result.json").exists()
