"""Pausing a running attempt through ``pause_requested`` and SIGUSR1, and resuming it from its checkpoints."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from test_runner import notebook_text, prepare_attempt, result_of

# Code that blocks until the scheduler's pause request arrives, after announcing that it runs.
# It makes the pause land inside a known stage or cell without timing guesses.
WAIT_FOR_PAUSE = (
    "import os, pathlib, time\n"
    "def wait_for_pause(value):\n"
    "    pathlib.Path('waiting').touch()\n"
    "    attempt = pathlib.Path(os.environ['DOFC_ATTEMPT_DIR'])\n"
    "    while not (attempt / 'pause_requested').exists():\n"
    "        time.sleep(0.05)\n"
    "    return value"
)
STAGED_CELLS = [
    "import dofc",
    WAIT_FOR_PAUSE,
    "a = dofc.checkpoint('a', lambda: [1])",
    "b = dofc.checkpoint('b', lambda: wait_for_pause(a + [2]))",
    "c = dofc.checkpoint('c', lambda: b + [3])",
    "print(c)",
]


def start_runner(attempt_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dofc.runner", str(attempt_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def request_pause_when_waiting(
    runner: subprocess.Popen[str], attempt_dir: Path, workdir: Path
) -> str:
    """Request a pause as the scheduler does, once the attempt waits for it; return the runner's output."""
    deadline = time.monotonic() + 120
    while not (workdir / "waiting").exists():
        assert runner.poll() is None, (
            f"the runner ended before the pause: {runner.communicate()[0]}"
        )
        assert time.monotonic() < deadline, (
            "the attempt never reached the stage that waits for the pause"
        )
        time.sleep(0.05)
    (attempt_dir / "pause_requested").write_text("{}", encoding="utf-8")
    started = json.loads((attempt_dir / "started").read_text(encoding="utf-8"))
    os.kill(started["pid"], signal.SIGUSR1)
    output, _ = runner.communicate(timeout=120)
    return output


def checkpoint_actions(attempt_dir: Path) -> list[tuple[str, str]]:
    lines = (attempt_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
    events: list[dict[str, Any]] = [json.loads(line) for line in lines]
    return [
        (event["stage"], event["action"])
        for event in events
        if event.get("type") == "checkpoint"
    ]


def next_attempt(attempt_dir: Path) -> Path:
    following = attempt_dir.with_name("attempt-2")
    following.mkdir()
    for path in attempt_dir.iterdir():
        if path.name == "spec.json" or path.name.startswith("source"):
            (following / path.name).write_bytes(path.read_bytes())
    return following


def test_notebook_pauses_after_stage_and_resumes(tmp_path: Path) -> None:
    checkpoint_dir = tmp_path / "job" / "checkpoints"
    first = prepare_attempt(
        tmp_path,
        "notebook",
        notebook_text(*STAGED_CELLS),
        checkpoint_dir=str(checkpoint_dir),
    )
    output = request_pause_when_waiting(start_runner(first), first, tmp_path / "work")

    paused = result_of(first)
    assert paused["outcome"] == "paused", paused["message"]
    assert paused["failure_class"] == "preempted"
    assert paused["paused_after_stage"] == "b"
    assert checkpoint_actions(first) == [("a", "saved"), ("b", "saved")]
    assert "[dofc] pause requested" in output, "the runner did not handle SIGUSR1"

    second = next_attempt(first)
    subprocess.run(
        [sys.executable, "-m", "dofc.runner", str(second)],
        capture_output=True,
        timeout=120,
        check=True,
    )

    assert result_of(second)["outcome"] == "succeeded", result_of(second)["message"]
    assert checkpoint_actions(second) == [
        ("a", "loaded"),
        ("b", "loaded"),
        ("c", "saved"),
    ]
    executed = nbformat.read(str(second / "output.ipynb"), as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == "[1, 2, 3]\n"


def test_notebook_without_checkpoints_pauses_between_cells(tmp_path: Path) -> None:
    cells = [
        WAIT_FOR_PAUSE,
        "x = wait_for_pause(1)",
        "pathlib.Path('third-cell-ran').touch()",
        "print(x)",
    ]
    attempt_dir = prepare_attempt(tmp_path, "notebook", notebook_text(*cells))
    request_pause_when_waiting(
        start_runner(attempt_dir), attempt_dir, tmp_path / "work"
    )

    result = result_of(attempt_dir)
    assert result["outcome"] == "paused", result["message"]
    assert result["failure_class"] == "preempted"
    assert result["paused_before_cell"] == 3
    assert not (tmp_path / "work" / "third-cell-ran").exists()


SCRIPT = "\n".join([*STAGED_CELLS[:-1], "print('result', c)"]) + "\n"


def test_script_pauses_after_stage_and_resumes(tmp_path: Path) -> None:
    checkpoint_dir = tmp_path / "job" / "checkpoints"
    first = prepare_attempt(
        tmp_path, "script", SCRIPT, checkpoint_dir=str(checkpoint_dir)
    )
    request_pause_when_waiting(start_runner(first), first, tmp_path / "work")

    paused = result_of(first)
    assert paused["outcome"] == "paused", paused["message"]
    assert paused["paused_after_stage"] == "b"

    second = next_attempt(first)
    completed = subprocess.run(
        [sys.executable, "-m", "dofc.runner", str(second)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert result_of(second)["outcome"] == "succeeded", result_of(second)["message"]
    assert checkpoint_actions(second) == [
        ("a", "loaded"),
        ("b", "loaded"),
        ("c", "saved"),
    ]
    assert "result [1, 2, 3]" in completed.stdout
