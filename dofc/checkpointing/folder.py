"""The checkpoint folder on disk: stage names, ownership checks and atomic publication."""

from __future__ import annotations

import os
import re
import shutil
import stat
import uuid
from pathlib import Path

# Letters, digits, '.', '_' and '-', starting with a letter or digit: no path separators, no
# '..', and no clash with the hidden temporary folders that saves write first.
STAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
TEMPORARY_PREFIX = ".tmp-"


class UnsafeCheckpointError(PermissionError):
    """The checkpoint folder or a stored stage could be changed by another user, so it is not loaded."""


def validate_stage_name(name: object) -> str:
    """Return ``name`` if it can be a folder name inside the checkpoint folder, else raise ValueError."""
    if not isinstance(name, str) or STAGE_NAME.fullmatch(name) is None:
        raise ValueError(
            f"Invalid checkpoint stage name {name!r}: use 1 to 128 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (no path separators)."
        )
    return name


def open_checkpoint_folder(path: Path) -> Path:
    """Create the folder owner-only if it is missing, then check that only this user can write it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    check_private(path)
    return path


def check_private(path: Path) -> None:
    """Raise UnsafeCheckpointError unless ``path`` is owned by this user and not group- or world-writable.

    A symbolic link is rejected too, because it could point anywhere another user chooses.
    """
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeCheckpointError(
            f"Checkpoint path {path} is a symbolic link; replace it with a folder or file you own."
        )
    if info.st_uid != os.getuid():
        raise UnsafeCheckpointError(
            f"Checkpoint path {path} is owned by uid {info.st_uid}, not by this user (uid {os.getuid()}); "
            "another user could have replaced its contents. Delete it, or give it to this user."
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeCheckpointError(
            f"Checkpoint path {path} is writable by group or others (mode {stat.S_IMODE(info.st_mode):o}); "
            f"another user could have replaced its contents. Run chmod go-w on it, or delete it to compute the stage again."
        )


def check_stage_private(stage_dir: Path) -> None:
    """Check the stage folder and everything under it, as Spark writes a folder of part files."""
    check_private(stage_dir)
    for root, folders, files in os.walk(stage_dir):
        for name in [*folders, *files]:
            check_private(Path(root) / name)


def new_temporary_folder(checkpoint_dir: Path, stage: str) -> Path:
    """Create an owner-only folder for a stage being written, hidden until it is published."""
    remove_stale_temporaries(checkpoint_dir, stage)
    path = checkpoint_dir / f"{TEMPORARY_PREFIX}{stage}-{uuid.uuid4().hex}"
    path.mkdir(mode=0o700)
    return path


def remove_stale_temporaries(checkpoint_dir: Path, stage: str) -> None:
    """Delete what a killed save of ``stage`` left behind, since attempts of one job never run at once."""
    # A glob would also match the folders of a stage whose name starts with this one and a '-'.
    own_folder = re.compile(re.escape(f"{TEMPORARY_PREFIX}{stage}-") + "[0-9a-f]{32}")
    for leftover in checkpoint_dir.iterdir():
        if own_folder.fullmatch(leftover.name):
            shutil.rmtree(leftover, ignore_errors=True)


def publish(temporary: Path, stage_dir: Path) -> None:
    """Make a fully written stage visible with one rename, so readers see all of it or nothing."""
    fsync_tree(temporary)
    if stage_dir.exists():
        # A folder at the stage's path without meta.json was never published, so it is replaced.
        shutil.rmtree(stage_dir)
    os.rename(temporary, stage_dir)
    fsync_folder(stage_dir.parent)


def fsync_tree(path: Path) -> None:
    for root, _folders, files in os.walk(path):
        for name in files:
            with open(Path(root) / name, "rb") as handle:
                os.fsync(handle.fileno())
        fsync_folder(Path(root))


def fsync_folder(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def size_on_disk(path: Path) -> int:
    """Return the total size of the files under ``path``, in bytes."""
    return sum(
        (Path(root) / name).stat().st_size
        for root, _folders, files in os.walk(path)
        for name in files
    )
