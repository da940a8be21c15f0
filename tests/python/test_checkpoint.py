"""dofc.checkpoint in this process: storage of each supported type, resume, refusals and atomicity."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import dofc
from dofc.checkpointing import UnsafeCheckpointError
from dofc.checkpointing.folder import TEMPORARY_PREFIX


@pytest.fixture
def job_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Point dofc.checkpoint at a fresh checkpoint folder and attempt folder, as the runner does."""
    checkpoint_dir = tmp_path / "job" / "checkpoints"
    attempt_dir = tmp_path / "job" / "attempt-1"
    attempt_dir.mkdir(parents=True)
    monkeypatch.setenv("DOFC_CHECKPOINT_DIR", str(checkpoint_dir))
    monkeypatch.setenv("DOFC_ATTEMPT_DIR", str(attempt_dir))
    return checkpoint_dir, attempt_dir


def checkpoint_events(attempt_dir: Path) -> list[dict[str, Any]]:
    lines = (attempt_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [
        event for event in map(json.loads, lines) if event.get("type") == "checkpoint"
    ]


def never_called() -> Any:
    raise AssertionError("compute ran although the stage was stored")


def assert_same(expected: Any, actual: Any) -> None:
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(actual, expected)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(actual, expected)
    elif isinstance(expected, np.ndarray):
        np.testing.assert_array_equal(actual, expected)
        assert actual.dtype == expected.dtype
    else:
        assert actual == expected


ROUND_TRIPS: list[tuple[str, Callable[[], Any]]] = [
    (
        "dataframe keeps dtypes and index",
        lambda: pd.DataFrame(
            {
                "price": [1.5, 2.25, None],
                "name": ["a", "b", "c"],
                "when": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            },
            index=pd.Index([10, 20, 30], name="id"),
        ),
    ),
    (
        "named series keeps its name",
        lambda: pd.Series([3, 1, 2], index=["x", "y", "z"], name="rank"),
    ),
    ("unnamed series stays unnamed", lambda: pd.Series([0.5, 0.25])),
    ("float matrix keeps shape", lambda: np.arange(12, dtype=np.float32).reshape(3, 4)),
    ("string array keeps dtype", lambda: np.array(["a", "bc"])),
    (
        "json dict nests lists",
        lambda: {"scores": [0.9, 0.8], "best": {"depth": 3, "name": None, "ok": True}},
    ),
    ("json scalar", lambda: 42),
]


@pytest.mark.parametrize(
    ("rule", "make"), ROUND_TRIPS, ids=[case[0] for case in ROUND_TRIPS]
)
def test_stage_round_trip(
    rule: str, make: Callable[[], Any], job_dirs: tuple[Path, Path]
) -> None:
    _checkpoint_dir, attempt_dir = job_dirs
    saved = dofc.checkpoint("stage", make)
    loaded = dofc.checkpoint("stage", never_called)

    assert_same(make(), saved)
    assert_same(make(), loaded)
    assert [event["action"] for event in checkpoint_events(attempt_dir)] == [
        "saved",
        "loaded",
    ], rule


def test_events_record_size_and_time(job_dirs: tuple[Path, Path]) -> None:
    _checkpoint_dir, attempt_dir = job_dirs
    dofc.checkpoint("features", lambda: pd.DataFrame({"x": range(1000)}))
    dofc.checkpoint("features", never_called)

    saved, loaded = checkpoint_events(attempt_dir)
    assert saved["stage"] == "features"
    assert saved["bytes"] > 0
    assert loaded["bytes"] == saved["bytes"]
    assert saved["duration_s"] >= 0
    assert saved["at"].endswith("+00:00")


def test_resume_skips_compute(job_dirs: tuple[Path, Path]) -> None:
    calls: list[str] = []

    def compute() -> list[int]:
        calls.append("ran")
        return [1, 2, 3]

    first = dofc.checkpoint("once", compute)
    second = dofc.checkpoint("once", compute)

    assert first == second == [1, 2, 3]
    assert calls == ["ran"]


def test_outside_job_only_computes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOFC_CHECKPOINT_DIR", raising=False)
    monkeypatch.delenv("DOFC_ATTEMPT_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    calls: list[int] = []

    assert dofc.checkpoint("plain", lambda: calls.append(1) or len(calls)) == 1
    assert dofc.checkpoint("plain", lambda: calls.append(1) or len(calls)) == 2
    assert list(tmp_path.iterdir()) == []


def test_folder_created_owner_only(job_dirs: tuple[Path, Path]) -> None:
    checkpoint_dir, _attempt_dir = job_dirs
    dofc.checkpoint("first", lambda: 1)

    assert (checkpoint_dir.stat().st_mode & 0o777) == 0o700
    assert ((checkpoint_dir / "first").stat().st_mode & 0o777) == 0o700


INVALID_NAMES = [
    "",
    "../escape",
    "a/b",
    "a\\b",
    ".hidden",
    "-flag",
    "x" * 129,
    "caf\u00e9",
    7,
]


@pytest.mark.parametrize(
    "name", INVALID_NAMES, ids=[repr(name)[:20] for name in INVALID_NAMES]
)
def test_invalid_stage_name_rejected(name: Any, job_dirs: tuple[Path, Path]) -> None:
    checkpoint_dir, _attempt_dir = job_dirs
    with pytest.raises(ValueError, match="Invalid checkpoint stage name"):
        dofc.checkpoint(name, never_called)
    assert not checkpoint_dir.exists() or list(checkpoint_dir.iterdir()) == []


class Model:
    """A value of a type dofc.checkpoint must not store, because only pickle could."""


UNSUPPORTED: list[tuple[str, Callable[[], Any], str]] = [
    ("plain object names its type", Model, "test_checkpoint.Model"),
    (
        "object array needs pickle",
        lambda: np.array([{"a": 1}, None], dtype=object),
        "dtype object",
    ),
    ("tuple would come back as list", lambda: (1, 2), "tuple"),
    ("non-string key is not json", lambda: {1: "a"}, "key of type int"),
    ("set nested in a list", lambda: [{"tags": {"a"}}], "builtins.set"),
]


@pytest.mark.parametrize(
    ("rule", "make", "named"), UNSUPPORTED, ids=[case[0] for case in UNSUPPORTED]
)
def test_unsupported_value_never_pickled(
    rule: str, make: Callable[[], Any], named: str, job_dirs: tuple[Path, Path]
) -> None:
    checkpoint_dir, _attempt_dir = job_dirs
    with pytest.raises(TypeError) as raised:
        dofc.checkpoint("stage", make)

    assert named in str(raised.value), rule
    assert "pickle" in str(raised.value)
    assert list(checkpoint_dir.iterdir()) == [], "a rejected value left files behind"


def make_group_writable(path: Path) -> None:
    path.chmod(0o770)


def make_world_writable_file(path: Path) -> None:
    (path / "meta.json").chmod(0o666)


def replace_with_symlink(path: Path) -> None:
    target = path.with_name("elsewhere")
    path.rename(target)
    path.symlink_to(target)


UNSAFE_STAGES: list[tuple[str, Callable[[Path], None], str]] = [
    ("group-writable stage folder", make_group_writable, "writable by group or others"),
    (
        "world-writable file in stage",
        make_world_writable_file,
        "writable by group or others",
    ),
    ("stage folder is a symlink", replace_with_symlink, "symbolic link"),
]


@pytest.mark.parametrize(
    ("rule", "tamper", "message"),
    UNSAFE_STAGES,
    ids=[case[0] for case in UNSAFE_STAGES],
)
def test_unsafe_stage_not_loaded(
    rule: str, tamper: Callable[[Path], None], message: str, job_dirs: tuple[Path, Path]
) -> None:
    checkpoint_dir, _attempt_dir = job_dirs
    dofc.checkpoint("stage", lambda: {"v": 1})
    tamper(checkpoint_dir / "stage")

    with pytest.raises(UnsafeCheckpointError, match=message):
        dofc.checkpoint("stage", never_called)


def test_world_writable_folder_rejected(job_dirs: tuple[Path, Path]) -> None:
    checkpoint_dir, _attempt_dir = job_dirs
    checkpoint_dir.mkdir(parents=True)
    checkpoint_dir.chmod(0o777)

    with pytest.raises(UnsafeCheckpointError, match="mode 777"):
        dofc.checkpoint("stage", lambda: 1)


@pytest.mark.skipif(
    os.geteuid() != 0, reason="giving a folder to another user needs root"
)
def test_foreign_owned_stage_rejected(job_dirs: tuple[Path, Path]) -> None:
    checkpoint_dir, _attempt_dir = job_dirs
    dofc.checkpoint("stage", lambda: 1)
    os.chown(checkpoint_dir / "stage", 65534, 65534)

    with pytest.raises(UnsafeCheckpointError, match="owned by uid 65534"):
        dofc.checkpoint("stage", never_called)


# The child stores a DataFrame, but its Parquet write stops halfway: it writes part of the file,
# reports that, and waits to be killed, as a process killed mid-write would leave things.
KILLED_MID_WRITE = """
import sys, time
import pandas as pd
import dofc
from dofc.checkpointing import formats

def write_half(value, value_format, folder):
    with open(folder / formats.DATA_PARQUET, "wb") as handle:
        handle.write(b"PAR1" + b"x" * 1000)
        handle.flush()
    print("writing", flush=True)
    time.sleep(60)

import dofc.checkpointing.stage as stage
stage.write_value = write_half
dofc.checkpoint("table", lambda: pd.DataFrame({"x": [1, 2]}))
"""


def test_kill_mid_write_leaves_no_stage(job_dirs: tuple[Path, Path]) -> None:
    checkpoint_dir, _attempt_dir = job_dirs
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_WRITE],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "writing\n"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)

    leftovers = [path.name for path in checkpoint_dir.iterdir()]
    assert not (checkpoint_dir / "table").exists()
    assert len(leftovers) == 1
    assert leftovers[0].startswith(TEMPORARY_PREFIX)

    value = dofc.checkpoint("table", lambda: pd.DataFrame({"x": [1, 2]}))
    pd.testing.assert_frame_equal(value, pd.DataFrame({"x": [1, 2]}))
    assert [path.name for path in checkpoint_dir.iterdir()] == ["table"], (
        "the killed save's folder was not removed"
    )


def test_pause_request_raises_after_save(job_dirs: tuple[Path, Path]) -> None:
    checkpoint_dir, attempt_dir = job_dirs
    (attempt_dir / "pause_requested").write_text("{}", encoding="utf-8")

    with pytest.raises(dofc.Paused, match="'prepared'"):
        dofc.checkpoint("prepared", lambda: [1])

    assert (checkpoint_dir / "prepared" / "meta.json").exists()
    assert (
        json.loads((attempt_dir / "paused").read_text(encoding="utf-8"))["stage"]
        == "prepared"
    )


def test_paused_escapes_except_exception(job_dirs: tuple[Path, Path]) -> None:
    _checkpoint_dir, attempt_dir = job_dirs
    (attempt_dir / "pause_requested").write_text("{}", encoding="utf-8")

    with pytest.raises(dofc.Paused):
        try:
            dofc.checkpoint("prepared", lambda: [1])
        except Exception:  # noqa: BLE001 - user code that catches everything must not swallow a pause
            pytest.fail("Paused was caught by except Exception")


def test_save_removes_only_own_leftovers(job_dirs: tuple[Path, Path]) -> None:
    checkpoint_dir, _attempt_dir = job_dirs
    checkpoint_dir.mkdir(mode=0o700, parents=True)
    leftover = checkpoint_dir / f"{TEMPORARY_PREFIX}a-b-{'0' * 32}"
    leftover.mkdir()

    dofc.checkpoint("a", lambda: 1)
    assert leftover.exists(), "saving stage 'a' removed what a save of stage 'a-b' left"

    dofc.checkpoint("a-b", lambda: 2)
    assert not leftover.exists()
