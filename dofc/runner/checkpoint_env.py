"""Environment that ``dofc.checkpoint`` reads in the kernel or script the runner starts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def export_checkpoint_env(spec: dict[str, Any], attempt_dir: Path) -> None:
    """Set DOFC_ATTEMPT_DIR and, when the spec names one, DOFC_CHECKPOINT_DIR for child processes.

    A spec from a scheduler without checkpoint support has no ``checkpoint_dir``, and then
    ``dofc.checkpoint`` only calls its function, as it does outside DOFC.
    """
    os.environ["DOFC_ATTEMPT_DIR"] = str(attempt_dir)
    checkpoint_dir = spec.get("checkpoint_dir")
    if checkpoint_dir:
        os.environ["DOFC_CHECKPOINT_DIR"] = str(checkpoint_dir)
    else:
        os.environ.pop("DOFC_CHECKPOINT_DIR", None)
