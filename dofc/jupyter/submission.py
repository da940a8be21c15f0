"""Rewrite of a job submission on its way from the browser to the scheduler."""

from __future__ import annotations

import os
from typing import Any


class SubmissionError(ValueError):
    """The submission cannot be forwarded. The message names the value and the reason."""


def rewrite_submission(body: Any, owner: str, root_dir: str) -> dict[str, Any]:
    """Set the owner to the authenticated user and make ``source.path`` absolute.

    The browser sends notebook paths relative to the Jupyter server's root_dir, and the
    scheduler needs absolute paths, because a notebook's folder is the job's working directory.
    A path that leaves root_dir is rejected.
    """
    if not isinstance(body, dict):
        raise SubmissionError("the job submission must be a JSON object")
    rewritten = dict(body)
    rewritten["owner"] = owner

    source = rewritten.get("source")
    if isinstance(source, dict) and isinstance(source.get("path"), str):
        rewritten["source"] = {**source, "path": absolute_path(source["path"], root_dir)}
    return rewritten


def absolute_path(relative: str, root_dir: str) -> str:
    """Resolve a Jupyter contents path against root_dir, rejecting paths outside it."""
    root = os.path.realpath(os.path.expanduser(root_dir))
    # A resubmitted job carries the absolute path the proxy made earlier; keep it if it is inside root.
    joined = relative if os.path.isabs(relative) else os.path.join(root, relative)
    candidate = os.path.realpath(joined)
    if candidate != root and not candidate.startswith(root + os.sep):
        raise SubmissionError(f"source.path {relative!r} is outside the Jupyter root folder {root}; submit a notebook inside it")
    return candidate
