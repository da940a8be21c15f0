"""``dofc.checkpoint``, defined here: keep a long job's intermediate results, so a later attempt starts after them.

Inside a DOFC job the runner sets ``DOFC_CHECKPOINT_DIR`` to a folder shared by all attempts of
the job, and ``DOFC_ATTEMPT_DIR`` to the current attempt's folder. Outside a job (in JupyterLab,
or a plain ``python`` run) neither is set, and ``checkpoint`` just calls ``compute``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .events import append_checkpoint_event
from .folder import (
    UnsafeCheckpointError,
    check_private,
    open_checkpoint_folder,
    size_on_disk,
    validate_stage_name,
)
from .pause import Paused, mark_paused, pause_requested
from .stage import is_stored, load_stage, save_stage

__all__ = ["Paused", "UnsafeCheckpointError", "checkpoint"]

T = TypeVar("T")


def checkpoint(name: str, compute: Callable[[], T]) -> T:
    """Return the stored result of stage ``name``, or call ``compute``, store its result and return it.

    Supported results are pandas DataFrames and Series and Spark DataFrames (stored as Parquet),
    numpy arrays (``.npy`` without pickle) and JSON values. Any other type raises TypeError after
    ``compute`` ran. A Spark DataFrame is returned as read back from the stored Parquet, so later
    actions start from the checkpoint instead of recomputing its lineage.

    A stored stage is loaded only if this user owns it and it is not group- or world-writable,
    and UnsafeCheckpointError is raised otherwise. When the scheduler requested a pause, ``Paused``
    is raised right after the stage is saved, and the next attempt continues from there.
    """
    stage = validate_stage_name(name)
    if not callable(compute):
        raise TypeError(
            f"dofc.checkpoint({stage!r}, compute) needs a function to call, got {type(compute).__name__}; pass e.g. lambda: build_features(df)."
        )

    configured = os.environ.get("DOFC_CHECKPOINT_DIR")
    if not configured:
        return compute()
    checkpoint_dir = open_checkpoint_folder(Path(configured))
    attempt = os.environ.get("DOFC_ATTEMPT_DIR")
    attempt_dir = Path(attempt) if attempt else None
    stage_dir = checkpoint_dir / stage

    if is_stored(stage_dir):
        started = time.monotonic()
        value = load_stage(stage_dir)
        _record(attempt_dir, stage, "loaded", stage_dir, time.monotonic() - started)
        return value

    if stage_dir.exists():
        # A folder without meta.json was not published by a save. It is replaced, but only if this user owns it.
        check_private(stage_dir)

    value = compute()
    started = time.monotonic()
    save_stage(checkpoint_dir, stage, value)
    _record(attempt_dir, stage, "saved", stage_dir, time.monotonic() - started)
    if _is_spark_dataframe_stage(stage_dir):
        value = load_stage(stage_dir)

    if attempt_dir is not None and pause_requested(attempt_dir):
        mark_paused(attempt_dir, stage)
        raise Paused(
            f"Paused after saving checkpoint stage {stage!r}; the next attempt loads it and continues from there."
        )
    return value


def _record(
    attempt_dir: Path | None,
    stage: str,
    action: str,
    stage_dir: Path,
    duration_s: float,
) -> None:
    if attempt_dir is not None:
        append_checkpoint_event(
            attempt_dir, stage, action, size_on_disk(stage_dir), duration_s
        )


def _is_spark_dataframe_stage(stage_dir: Path) -> bool:
    return (stage_dir / "data.parquet").is_dir()
