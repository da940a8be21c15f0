"""CPU time of a kernel per cell, as the runner reports it to pre-flight, on real processes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dofc.process_cpu import process_tree_cpu_seconds
from test_runner import notebook_text, prepare_attempt, result_of, run_runner

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="nanosecond CPU clocks are read on Linux only")

BURN = """
import time
def burn(seconds):
    started = time.thread_time()
    while time.thread_time() - started < seconds:
        pass
"""


def cell_cpu_times(attempt_dir: Path) -> dict[int, float]:
    events = [json.loads(line) for line in (attempt_dir / "events.jsonl").read_text().splitlines()]
    return {event["cell"]: event["cpu_s"] for event in events if event["event"] == "cell"}


@linux_only
def test_kernel_cells_measure_milliseconds(tmp_path: Path) -> None:
    source = notebook_text(
        BURN + "import subprocess, sys, threading",
        "burn(0.003)",
        "worker = threading.Thread(target=burn, args=(0.05,))\nworker.start()\nworker.join()",
        "subprocess.run([sys.executable, '-c', 'import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.05: pass'], check=True)",
    )
    attempt_dir = prepare_attempt(tmp_path, "notebook", source)
    completed = run_runner(attempt_dir)
    assert completed.returncode == 0, completed.stderr
    assert result_of(attempt_dir)["outcome"] == "succeeded"
    cpu = cell_cpu_times(attempt_dir)

    # 3 ms of work plus the kernel's handling of the request. psutil counts 10 ms ticks, so it
    # reports 0 or 10 ms for this cell.
    assert 0.001 <= cpu[2] <= 0.010
    # A thread that ended before the cell did still counts.
    assert cpu[3] >= 0.045
    # So does a child process that the cell waited for.
    assert cpu[4] >= 0.045


@linux_only
def test_tree_counts_live_children(tmp_path: Path) -> None:
    # The parent starts a child that burns 0.2 s of CPU and then waits, so the child is alive
    # while the tree is measured.
    ready = tmp_path / "child-burned"
    child_code = (
        "import time, pathlib, sys\n"
        "t = time.process_time()\n"
        "while time.process_time() - t < 0.2: pass\n"
        "pathlib.Path(sys.argv[1]).write_text('done')\n"
        "time.sleep(30)\n"
    )
    parent_code = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {child_code!r}, {str(ready)!r}])\n"
    parent = subprocess.Popen([sys.executable, "-c", parent_code])
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "the child process did not finish burning within 30 s"

        total = process_tree_cpu_seconds(parent.pid)
        assert total is not None
        assert total >= 0.2
    finally:
        for child in _children(parent.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        parent.kill()
        parent.wait()


def test_tree_of_missing_process_is_none() -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    assert process_tree_cpu_seconds(finished.pid) is None


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []
