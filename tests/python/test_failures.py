"""The runner's hints, checked against exceptions that real code raises, not typed-in strings."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_runner import notebook_text, prepare_attempt, result_of, run_runner

from dofc.runner.failures import hint_for

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
