"""The warm kernel pool and the runner that claims its kernels, as processes the way the scheduler runs them.

One pool of two kernels serves the whole module, because each kernel start costs about two
seconds of CPU on a two-core machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import nbformat
import pytest

from dofc.warm.processes import is_alive
from dofc.warm.slots import CLAIMED_DIR, CLAIMS_LOG, READY_DIR, STATUS_FILE, claim_slot

POOL_SIZE = 2


def wait_for(description: str, check: Callable[[], bool], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{description} did not happen within {timeout_s} s")
        time.sleep(0.1)


def pool_status(pool_dir: Path) -> dict:
    try:
        return json.loads((pool_dir / STATUS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def ready_count(pool_dir: Path) -> int:
    return len(list((pool_dir / READY_DIR).glob("*.json")))


@pytest.fixture(scope="module")
def pool_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("warm") / "pool"
    process = subprocess.Popen(
        [sys.executable, "-m", "dofc.runner.kernel_pool", str(folder), "--size", str(POOL_SIZE), "--preload", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for("the pool's first kernels", lambda: ready_count(folder) == POOL_SIZE)
        yield folder
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def prepare_attempt(tmp_path: Path, pool_dir: Path | None, *cells: str, job_id: int = 7) -> Path:
    attempt_dir = tmp_path / f"job-{job_id}" / "attempt-1"
    attempt_dir.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells])
    (attempt_dir / "source.ipynb").write_text(nbformat.writes(notebook), encoding="utf-8")
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    (workdir / "beside_notebook.py").write_text("VALUE = 42\n", encoding="utf-8")
    spec = {"job_id": job_id, "attempt": 1, "kind": "notebook", "source_file": "source.ipynb", "workdir": str(workdir), "parameters": {}}
    if pool_dir is not None:
        spec["warm_kernel_pool"] = str(pool_dir)
    (attempt_dir / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    return attempt_dir


def start_runner(attempt_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "dofc.runner", str(attempt_dir)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def run_runner(attempt_dir: Path) -> str:
    completed = subprocess.run([sys.executable, "-m", "dofc.runner", str(attempt_dir)], capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def cell_outputs(attempt_dir: Path) -> list[str]:
    executed = nbformat.read(str(attempt_dir / "output.ipynb"), as_version=4)
    return ["".join(output.get("text", "") for output in cell.outputs) for cell in executed.cells]


def kernel_event(attempt_dir: Path) -> dict:
    events = [json.loads(line) for line in (attempt_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    return next(event for event in events if event["event"] == "kernel")


def result_of(attempt_dir: Path) -> dict:
    return json.loads((attempt_dir / "result.json").read_text(encoding="utf-8"))


def test_pool_keeps_size_kernels_ready(pool_dir: Path) -> None:
    wait_for("status.json", lambda: pool_status(pool_dir).get("ready") == POOL_SIZE)

    status = pool_status(pool_dir)
    assert status["size"] == POOL_SIZE
    assert status["failed_starts_total"] == 0
    assert oct((pool_dir).stat().st_mode & 0o777) == oct(0o700)


def test_warm_kernel_runs_in_job_folder_and_env(pool_dir: Path, tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(
        tmp_path,
        pool_dir,
        "import os, sys\nprint(os.getcwd())\nprint(os.environ['DOFC_JOB_ID'])",
        "import beside_notebook\nprint(beside_notebook.VALUE)",
        # The preloaded module is imported, but its name must not be defined in the notebook.
        "print('json' in globals(), 'json' in sys.modules)",
    )
    run_runner(attempt_dir)

    assert result_of(attempt_dir)["outcome"] == "succeeded"
    assert kernel_event(attempt_dir)["warm"] is True
    cwd, job_id = cell_outputs(attempt_dir)[0].splitlines()
    assert cwd == str(tmp_path / "work")
    assert job_id == "7"
    assert cell_outputs(attempt_dir)[1] == "42\n"
    assert cell_outputs(attempt_dir)[2] == "False True\n"


def test_warm_kernel_serves_one_attempt_only(pool_dir: Path, tmp_path: Path) -> None:
    wait_for("a refilled pool", lambda: ready_count(pool_dir) == POOL_SIZE)
    first = prepare_attempt(tmp_path, pool_dir, "leaked = 'secret'\nimport os\nprint(os.getpid())", job_id=1)
    run_runner(first)
    second = prepare_attempt(tmp_path, pool_dir, "import os\nprint(os.getpid())\nprint('leaked' in globals())", job_id=2)
    run_runner(second)

    first_pid = int(cell_outputs(first)[0])
    second_pid, leaked = cell_outputs(second)[0].splitlines()
    assert kernel_event(first)["warm"] is True
    assert kernel_event(second)["warm"] is True
    assert int(second_pid) != first_pid
    assert leaked == "False"
    assert not is_alive(first_pid)
    wait_for("the pool replacing both kernels", lambda: ready_count(pool_dir) == POOL_SIZE)


def test_warm_kernel_dies_with_killed_runner(pool_dir: Path, tmp_path: Path) -> None:
    wait_for("a refilled pool", lambda: ready_count(pool_dir) == POOL_SIZE)
    attempt_dir = prepare_attempt(tmp_path, pool_dir, "import os\nprint(os.getpid(), flush=True)", "import time\ntime.sleep(120)")
    runner = start_runner(attempt_dir)
    wait_for("the first cell", lambda: (attempt_dir / "events.jsonl").exists() and '"cell": 1' in (attempt_dir / "events.jsonl").read_text())
    claimed = next((pool_dir / CLAIMED_DIR).glob(f"*.{runner.pid}.json"))
    kernel_pid = json.loads(claimed.read_text())["kernel_pid"]

    os.kill(runner.pid, signal.SIGKILL)
    runner.wait(timeout=10)

    wait_for("the kernel exiting after its runner", lambda: not is_alive(kernel_pid), timeout_s=10)
    wait_for("the claimed record removed", lambda: not claimed.exists(), timeout_s=10)


def test_runner_starts_cold_when_none_ready(tmp_path: Path) -> None:
    empty_pool = tmp_path / "empty-pool"
    (empty_pool / READY_DIR).mkdir(parents=True)
    (empty_pool / CLAIMED_DIR).mkdir()
    attempt_dir = prepare_attempt(tmp_path, empty_pool, "print(6 * 7)")
    output = run_runner(attempt_dir)

    assert result_of(attempt_dir)["outcome"] == "succeeded"
    assert kernel_event(attempt_dir)["warm"] is False
    assert "no warm kernel is ready" in output
    assert (empty_pool / CLAIMS_LOG).read_text().startswith("cold ")


def test_claim_is_exclusive(pool_dir: Path) -> None:
    wait_for("a refilled pool", lambda: ready_count(pool_dir) == POOL_SIZE)
    # This test process claims both kernels in place of two runners. It stays alive, so the pool
    # does not kill them, and the test does.
    first = claim_slot(pool_dir)
    second = claim_slot(pool_dir)
    try:
        assert first is not None and second is not None
        assert first.name != second.name
        assert ready_count(pool_dir) == 0
    finally:
        for slot in (first, second):
            if slot is not None:
                os.killpg(slot.kernel_pid, signal.SIGKILL)


def test_pool_stop_kills_idle_kernels(tmp_path: Path) -> None:
    folder = tmp_path / "pool"
    process = subprocess.Popen([sys.executable, "-m", "dofc.runner.kernel_pool", str(folder), "--size", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for("one ready kernel", lambda: ready_count(folder) == 1)
    kernel_pid = json.loads(next((folder / READY_DIR).glob("*.json")).read_text())["kernel_pid"]

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)

    assert not is_alive(kernel_pid)
    assert ready_count(folder) == 0
