"""The command line `python -m dofc.inspector`: output formats, options and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from dofc.inspector.__main__ import EXIT_UNREADABLE, main

REPO_ROOT = Path(__file__).resolve().parents[2]


def write_notebook(path: Path, *cells: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(cell) for cell in cells]
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    return path


def test_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notebook = write_notebook(
        tmp_path / "my notebook & co.ipynb", "df = spark.read.csv('in.csv')\ndf.write.csv('/etc/out')"
    )

    assert main([str(notebook), "--json"]) == 0

    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"inputs", "operations", "uses_spark", "flags", "cells", "nbformat"}
    assert (report["cells"], report["nbformat"], report["uses_spark"]) == (1, 4, True)
    assert [ref["location"] for ref in report["inputs"]] == ["in.csv"]
    flag = next(flag for flag in report["flags"] if flag["id"] == "write_outside_allowed_roots")
    assert set(flag) == {"id", "severity", "cell", "line", "message", "fix"}
    assert (flag["severity"], flag["cell"], flag["line"]) == ("error", 0, 2)


def test_allowed_root_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "job.py"
    script.write_text("open('/srv/team/out.txt', 'w')\nopen('/srv/other/out.txt', 'w')\n", encoding="utf-8")

    assert main([str(script), "--json", "--allowed-root", "/srv/team", "--allowed-root", "/home/me"]) == 0

    flags = json.loads(capsys.readouterr().out)["flags"]
    assert [(flag["id"], flag["cell"], flag["line"]) for flag in flags] == [("write_outside_allowed_roots", None, 2)]


def test_long_sleep_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "job.py"
    script.write_text("import time\ntime.sleep(5)\n", encoding="utf-8")

    assert main([str(script), "--json", "--long-sleep", "5"]) == 0

    assert [flag["id"] for flag in json.loads(capsys.readouterr().out)["flags"]] == ["long_sleep"]


def test_summary_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notebook = write_notebook(
        tmp_path / "n.ipynb", "import pandas as pd\npd.read_csv('a.csv').groupby('k').sum()\nwhile True:\n    pass"
    )

    assert main([str(notebook)]) == 0

    output = capsys.readouterr().out
    assert "notebook, nbformat 4, 1 cells (1 code)" in output
    assert "Uses Spark: no" in output
    assert "path csv a.csv  [pandas.read_csv, cell 0, line 2]" in output
    assert "groupBy 1" in output
    assert "WARNING unbounded_loop (cell 0, line 3)" in output


UNREADABLE = [
    pytest.param("missing.ipynb", None, "missing.ipynb not found", id="missing file"),
    pytest.param("notes.txt", "hello", "notes.txt is not a notebook or Python script", id="other extension"),
    pytest.param(
        "broken.ipynb",
        "{not json",
        "broken.ipynb: not a Jupyter notebook: invalid JSON",
        id="notebook that is not JSON",
    ),
    pytest.param("latin1.py", b"name = '\xe9'", "latin1.py is not UTF-8 text", id="script that is not UTF-8"),
]


@pytest.mark.parametrize(("name", "content", "message"), UNREADABLE)
def test_unreadable_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")

    assert main([str(path)]) == EXIT_UNREADABLE

    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_module_entry_point(shared_data: Callable[[str], Path]) -> None:
    notebook = shared_data("notebooks/2.1. Google Cloud Storage (CSV) & Spark DataFrames - Python.ipynb")

    completed = subprocess.run(
        [sys.executable, "-m", "dofc.inspector", str(notebook), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["uses_spark"] is True
    assert "single_partition_write" in {flag["id"] for flag in report["flags"]}


def test_serve_answers_each_line_in_order() -> None:
    requests = [
        {"id": 1, "kind": "script", "text": "import pandas as pd\npd.read_csv('trips.csv').collect()"},
        {"id": 2, "kind": "notebook", "text": '{"cells": ['},
        {"id": 3, "kind": "excel", "text": ""},
        {"id": 4, "kind": "script", "text": "x = " + "-" * 100_000 + "1"},
        {"id": 5, "kind": "script", "text": "spark.read.parquet('events/')"},
    ]
    stdin = "\n".join(json.dumps(request) for request in requests) + "\nnot json\n"

    completed = subprocess.run(
        [sys.executable, "-m", "dofc.inspector", "--serve"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=True,
    )

    responses = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [response["id"] for response in responses] == [1, 2, 3, 4, 5, None]
    assert [ref["location"] for ref in responses[0]["report"]["inputs"]] == ["trips.csv"]
    assert "not a Jupyter notebook" in responses[1]["error"]
    assert "kind 'notebook' or 'script'" in responses[2]["error"]
    assert "report" in responses[3], "a source too deep to parse is reported, not fatal"
    assert responses[4]["report"]["uses_spark"] is True
    assert responses[5]["error"].startswith("the request is not JSON")
