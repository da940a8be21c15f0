"""Classify the location patterns of reads and writes.

A pattern is a path, URI or table name in which `*` may stand for a part computed at run time.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from typing import Literal

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*)://")
_FILE_SCHEME = re.compile(r"^file:(?://)?", re.IGNORECASE)

Placement = Literal["inside", "outside", "above_working_directory", "not_checked"]


def looks_like_folder_or_glob(pattern: str | None, exact: bool) -> bool:
    """Tell whether a read path names many files: a folder, a glob or a `key=value` partition."""
    if not pattern:
        return False
    if pattern.endswith("/"):
        return True
    segments = pattern.split("/")
    if any("=" in segment for segment in segments):
        return True
    if not exact:
        # A `*` may be an unknown part, not a glob, so only a folder-like tail counts.
        return False
    if any(character in pattern for character in "*?["):
        return True
    return "." not in segments[-1]


def place_write(pattern: str | None, allowed_roots: Iterable[str]) -> Placement:
    """Place a write location relative to the allowed roots.

    Local absolute paths must be under a local root. URIs (`gs://`, `s3a://`, ...) are checked
    only against roots with the same scheme, because without such a root the operator has not
    configured object stores. Relative paths are inside the job's working directory unless
    `..` takes them above it. Paths starting with `~` depend on the user running the job and are
    not checked.
    """
    if not pattern:
        return "not_checked"
    roots = [root for root in allowed_roots if root]

    scheme = _SCHEME.match(pattern)
    if scheme and scheme.group(1).lower() != "file":
        same_scheme = [root for root in roots if root.lower().startswith(scheme.group(0).lower())]
        if not same_scheme:
            return "not_checked"
        return _place_absolute(pattern, same_scheme, _normalise_uri)

    path = _FILE_SCHEME.sub("", pattern)
    if path.startswith("~"):
        return "not_checked"
    if not path.startswith("/"):
        relative = posixpath.normpath(_static_prefix(path) or ".")
        return "above_working_directory" if relative == ".." or relative.startswith("../") else "inside"

    local_roots = [_FILE_SCHEME.sub("", root) for root in roots if not _SCHEME.match(root)]
    return _place_absolute(path, local_roots, posixpath.normpath)


def _place_absolute(path: str, roots: list[str], normalise: Callable[[str], str]) -> Placement:
    definite = "*" not in path
    known = normalise(path if definite else _static_prefix(path))
    for root in map(normalise, roots):
        if _is_under(known, root):
            return "inside"
        # `/home/*/out` may or may not end up under `/home/alice`, so the write is not checked.
        if not definite and _is_under(root, known):
            return "not_checked"
    return "outside"


def _static_prefix(path: str) -> str:
    """Return the folders of a pattern before its first unknown part."""
    if "*" not in path:
        return path
    head = path[: path.index("*")]
    return head[: head.rfind("/") + 1]


def _normalise_uri(uri: str) -> str:
    scheme, _, rest = uri.partition("://")
    return f"{scheme.lower()}://" + posixpath.normpath("/" + rest).lstrip("/")


def _is_under(path: str, root: str) -> bool:
    if root == "/":
        return path.startswith("/")
    return path == root or path.startswith(root.rstrip("/") + "/")
