"""The runner's hints and failure classes, checked against exceptions that real code raises, not typed-in strings."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_runner import notebook_text, prepare_attempt, result_of, run_runner

from dofc.runner.failures import (
    INFRASTRUCTURE,
    OUT_OF_MEMORY,
    PREEMPTED,
    USER_CODE,
    classify_failure,
    hint_for,
)

# Run in a child process, because an address-space limit or a dropped user cannot be undone.
CHILD_REPORTS_EXCEPTION = """
import json, os, resource, sys
try:
    {body}
except BaseException as error:
    print(json.dumps([type(error).__name__, str(error)]))
"""

MEMORY_ERROR_BODY = "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); bytearray(8 << 30)"
# Root may read any file, so the child gives up root first; an unprivileged user is denied anyway.
PERMISSION_ERROR_BODY = (
    "open('secret.txt', 'w').close(); os.chmod('secret.txt', 0)\n"
    "    if os.geteuid() == 0: os.setuid(65534)\n"
    "    open(os.path.abspath('secret.txt'))"
)


def exception_in_child(body: str, cwd: Path) -> tuple[str, str]:
    completed = subprocess.run(
        [sys.executable, "-c", CHILD_REPORTS_EXCEPTION.format(body=body)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    ename, evalue = json.loads(completed.stdout)
    return ename, evalue


def open_missing_file(tmp_path: Path) -> tuple[str, str]:
    try:
        with open(tmp_path / "missing.csv", encoding="utf-8"):
            pass
    except FileNotFoundError as error:
        return type(error).__name__, str(error)
    raise AssertionError("opening a missing file raised nothing")


def import_missing_module(_tmp_path: Path) -> tuple[str, str]:
    try:
        importlib.import_module("dofc_module_that_is_not_installed")
    except ModuleNotFoundError as error:
        return type(error).__name__, str(error)
    raise AssertionError("importing a missing module raised nothing")


def write_to_full_device(_tmp_path: Path) -> tuple[str, str]:
    # /dev/full is the kernel's always-full device: every write fails with ENOSPC.
    try:
        with open("/dev/full", "wb") as device:
            device.write(b"x")
            device.flush()
    except OSError as error:
        return type(error).__name__, str(error)
    raise AssertionError("writing to /dev/full raised nothing")


CASES: list[tuple[str, Callable[[Path], tuple[str, str]], str]] = [
    (
        "missing file names the working folder",
        open_missing_file,
        "paths are relative to",
    ),
    (
        "missing module names the pip command",
        import_missing_module,
        "pip install dofc_module_that_is_not_installed",
    ),
    ("full disk says to free space", write_to_full_device, "A disk filled up"),
    (
        "memory limit says to raise memory",
        lambda tmp: exception_in_child(MEMORY_ERROR_BODY, tmp),
        "ran out of memory",
    ),
    (
        "denied file says to use an owned folder",
        lambda tmp: exception_in_child(PERMISSION_ERROR_BODY, tmp),
        "folder you own",
    ),
]


@pytest.mark.parametrize(("rule", "produce", "expected"), CASES, ids=[case[0] for case in CASES])
def test_hint_for_real_exception(
    rule: str, produce: Callable[[Path], tuple[str, str]], expected: str, tmp_path: Path
) -> None:
    ename, evalue = produce(tmp_path)
    assert expected in hint_for(ename, evalue, str(tmp_path)), (rule, ename, evalue)


def test_cell_hitting_full_disk_reports_it(tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(
        tmp_path,
        "notebook",
        notebook_text("open('/dev/full', 'wb').write(b'x' * 65536)"),
    )
    run_runner(attempt_dir)

    result = result_of(attempt_dir)
    assert result["code"] == "cell_error"
    assert result["failed_cell"]["evalue"] == "[Errno 28] No space left on device"
    assert "A disk filled up" in result["message"]


def test_cell_times_are_recorded(tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(tmp_path, "notebook", notebook_text("import time", "time.sleep(0.2)", "1 / 0"))
    run_runner(attempt_dir)

    events = [json.loads(line) for line in (attempt_dir / "events.jsonl").read_text().splitlines()]
    cells = [event for event in events if event["event"] == "cell"]
    assert [cell["cell"] for cell in cells] == [1, 2, 3]
    assert [cell["status"] for cell in cells] == ["ok", "ok", "error"]
    assert cells[1]["duration_s"] >= 0.2


def raise_zero_division(_tmp_path: Path) -> tuple[str, str]:
    try:
        _ = 1 / 0
    except ZeroDivisionError as error:
        return type(error).__name__, str(error)
    raise AssertionError("dividing by zero raised nothing")


def ask_for_missing_kernel(_tmp_path: Path) -> tuple[str, str]:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("dofc-kernel-that-is-not-installed")
    except NoSuchKernel as error:
        return type(error).__name__, str(error)
    raise AssertionError("asking for a missing kernel raised nothing")


def pause_in_checkpoint(tmp_path: Path) -> tuple[str, str]:
    import dofc

    attempt_dir = tmp_path / "attempt-1"
    attempt_dir.mkdir()
    (attempt_dir / "pause_requested").touch()
    environment = {"DOFC_CHECKPOINT_DIR": str(tmp_path / "checkpoints"), "DOFC_ATTEMPT_DIR": str(attempt_dir)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in environment.items():
            patch.setenv(key, value)
        try:
            dofc.checkpoint("stage", lambda: 1)
        except dofc.Paused as error:
            return type(error).__name__, str(error)
    raise AssertionError("a checkpoint with a pause request raised nothing")


CLASS_CASES: list[tuple[str, Callable[[Path], tuple[str, str]], str]] = [
    ("memory limit is out of memory", lambda tmp: exception_in_child(MEMORY_ERROR_BODY, tmp), OUT_OF_MEMORY),
    ("full disk is infrastructure", write_to_full_device, INFRASTRUCTURE),
    ("missing kernel is infrastructure", ask_for_missing_kernel, INFRASTRUCTURE),
    ("pause in a checkpoint is preempted", pause_in_checkpoint, PREEMPTED),
    ("missing file is user code", open_missing_file, USER_CODE),
    ("division by zero is user code", raise_zero_division, USER_CODE),
]


@pytest.mark.parametrize(("rule", "produce", "expected"), CLASS_CASES, ids=[case[0] for case in CLASS_CASES])
def test_failure_class_of_real_exception(
    rule: str, produce: Callable[[Path], tuple[str, str]], expected: str, tmp_path: Path
) -> None:
    ename, evalue = produce(tmp_path)
    assert classify_failure(ename, evalue) == expected, (rule, ename, evalue)


def test_killed_kernel_is_out_of_memory(tmp_path: Path) -> None:
    # SIGKILL is what the kernel's out-of-memory killer sends; here the cell sends it to itself.
    attempt_dir = prepare_attempt(tmp_path, "notebook", notebook_text("import os, signal", "os.kill(os.getpid(), signal.SIGKILL)"))
    run_runner(attempt_dir)

    result = result_of(attempt_dir)
    assert result["failed_cell"]["ename"] == "DeadKernelError"
    assert result["failure_class"] == OUT_OF_MEMORY


def test_cell_memory_error_is_out_of_memory(tmp_path: Path) -> None:
    cell = "import resource\nresource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))\nblock = bytearray(8 << 30)"
    attempt_dir = prepare_attempt(tmp_path, "notebook", notebook_text(cell))
    run_runner(attempt_dir)

    result = result_of(attempt_dir)
    assert result["failed_cell"]["ename"] == "MemoryError"
    assert result["failure_class"] == OUT_OF_MEMORY


def test_script_memory_error_is_out_of_memory(tmp_path: Path) -> None:
    script = "import resource\nresource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\nblock = bytearray(8 << 30)\n"
    attempt_dir = prepare_attempt(tmp_path, "script", script)
    run_runner(attempt_dir)

    result = result_of(attempt_dir)
    assert result["failure_class"] == OUT_OF_MEMORY
    assert "The script raised MemoryError" in result["message"]


def test_script_user_error_is_user_code(tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(tmp_path, "script", "import json\njson.loads('{')\n")
    run_runner(attempt_dir)

    result = result_of(attempt_dir)
    assert result["failure_class"] == USER_CODE
    assert "The script raised JSONDecodeError" in result["message"]


def test_kernel_with_missing_interpreter_is_infrastructure(tmp_path: Path) -> None:
    # A kernel spec found first on JUPYTER_PATH replaces the installed python3 kernel.
    kernel_dir = tmp_path / "jupyter" / "kernels" / "python3"
    kernel_dir.mkdir(parents=True)
    spec = {"argv": ["/nonexistent/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "missing", "language": "python"}
    (kernel_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    attempt_dir = prepare_attempt(tmp_path, "notebook", notebook_text("print(1)"))
    environment = {**os.environ, "JUPYTER_PATH": str(tmp_path / "jupyter")}
    subprocess.run([sys.executable, "-m", "dofc.runner", str(attempt_dir)], env=environment, capture_output=True, timeout=120, check=False)

    result = result_of(attempt_dir)
    assert result["code"] == "runner_error"
    assert result["failure_class"] == INFRASTRUCTURE


def test_missing_workdir_is_infrastructure(tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(tmp_path, "notebook", notebook_text("print(1)"), workdir=str(tmp_path / "gone"))
    run_runner(attempt_dir)

    assert result_of(attempt_dir)["failure_class"] == INFRASTRUCTURE
