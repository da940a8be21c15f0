"""Shared fixtures for the Python tests.

Test data that is too large or not ours to commit lives outside the repository. Its folder
comes from the DOFC_SHARED_DATA environment variable, by default the `shared/data` folder
beside the repository checkout. A test that needs a missing file is skipped, not failed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_data_root() -> Path:
    """Return the test data folder named by DOFC_SHARED_DATA, or its default."""
    configured = os.environ.get("DOFC_SHARED_DATA")
    if configured:
        return Path(configured)
    return REPO_ROOT.parent / "shared" / "data"


def shared_data_path(relative: str) -> Path:
    """Return the path of a test data file or folder, skipping the test when it is missing."""
    root = shared_data_root()
    path = root / relative
    if not path.exists():
        pytest.skip(f"test data {relative!r} not found in {root}; set DOFC_SHARED_DATA to the folder that contains it")
    return path


@pytest.fixture
def shared_data() -> Callable[[str], Path]:
    """Resolve a path relative to the test data folder; the test is skipped when it is missing."""
    return shared_data_path
