"""Saving and loading one stage: a folder containing the value's files and a meta.json naming its format."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from .folder import (
    check_stage_private,
    new_temporary_folder,
    publish,
    remove_stale_temporaries,
)
from .formats import format_of, read_value, write_value

META_FILE = "meta.json"


def is_stored(stage_dir: Path) -> bool:
    """Return whether a complete stage is stored; a published stage always has its meta.json."""
    return (stage_dir / META_FILE).exists()


def save_stage(checkpoint_dir: Path, stage: str, value: Any) -> None:
    """Write ``value`` to a hidden folder, then rename it into place, so a kill leaves no half stage."""
    value_format = format_of(value, stage)
    temporary = new_temporary_folder(checkpoint_dir, stage)
    try:
        meta = {
            "format": value_format,
            "saved_at": time.time(),
            **write_value(value, value_format, temporary),
        }
        (temporary / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
        publish(temporary, checkpoint_dir / stage)
    except BaseException:
        remove_stale_temporaries(checkpoint_dir, stage)
        raise


def load_stage(stage_dir: Path) -> Any:
    """Read a stored stage, after checking that no other user could have written any of its files."""
    check_stage_private(stage_dir)
    meta = json.loads((stage_dir / META_FILE).read_text(encoding="utf-8"))
    return read_value(meta.get("format"), meta, stage_dir)
