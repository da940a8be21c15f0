"""Reads through the hot-set cache: local copies of the inputs Light jobs read most.

The scheduler copies hot inputs into the cache folder named by ``DOFC_HOT_SET_DIR``, one entry
per version of a file: ``entries/<key>/<file name>``, where the key is the SHA-256 of the file's
real path, size and modification time in nanoseconds (see ``entry_key``). A file that changed
has a new key, so a reader never gets a stale copy, and the old entry is simply never hit again.
The copy keeps the file's name, so readers that infer compression or format from the suffix
behave as on the original.

Every lookup of a local file appends a line to ``reads.jsonl`` in the cache folder. The
scheduler counts hits and misses from it, and uses hits as the recency for LRU eviction.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.abc
import importlib.machinery
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

CACHE_DIR_ENV = "DOFC_HOT_SET_DIR"
ENTRIES_DIR = "entries"
READS_LOG = "reads.jsonl"

T = TypeVar("T")
PathArgument = str | os.PathLike  # type: ignore[type-arg]

# The pandas readers whose first argument is a path, and that argument's keyword name.
PANDAS_READERS = {
    "read_csv": "filepath_or_buffer",
    "read_table": "filepath_or_buffer",
    "read_fwf": "filepath_or_buffer",
    "read_pickle": "filepath_or_buffer",
    "read_json": "path_or_buf",
    "read_parquet": "path",
    "read_feather": "path",
    "read_orc": "path",
    "read_excel": "io",
}


def entry_key(real_path: str, size: int, mtime_ns: int) -> str:
    """Return the cache key of one version of a file (the scheduler computes the same key)."""
    return hashlib.sha256(f"{real_path}\0{size}\0{mtime_ns}".encode()).hexdigest()


def cache_dir() -> Path | None:
    """Return the cache folder of this run, or None when the run has no hot-set cache."""
    raw = os.environ.get(CACHE_DIR_ENV, "")
    return Path(raw) if raw else None


def cached_path(path: Any) -> Any:
    """Return the cached copy's path for a local file in the hot set, or ``path`` unchanged.

    Anything that is not a path to a local regular file (a URL, a buffer, a folder) is returned
    as it is, and so is every path when the run has no cache.
    """
    root = cache_dir()
    if root is None or not isinstance(path, (str, os.PathLike)):
        return path
    text = os.fspath(path)
    if not isinstance(text, str) or "://" in text:
        return path

    real = os.path.realpath(text)
    if real.startswith(str(root) + os.sep):
        return path
    try:
        info = os.stat(real)
    except OSError:
        return path
    if not os.path.isfile(real):
        return path

    key = entry_key(real, info.st_size, info.st_mtime_ns)
    copy = root / ENTRIES_DIR / key / os.path.basename(real)
    hit = copy.is_file()
    _log_read(root, {"path": real, "key": key, "hit": hit, "bytes": info.st_size, "at": round(time.time(), 3)})
    return str(copy) if hit else path


def read_through_cache(path: Any, reader: Callable[[Any], T]) -> T:
    """Call ``reader`` on the cached copy of ``path`` when there is one, else on ``path``.

    The scheduler may evict an entry between the lookup and the read; the reader then gets the
    original path.
    """
    resolved = cached_path(path)
    if resolved is path:
        return reader(path)
    try:
        return reader(resolved)
    except FileNotFoundError:
        return reader(path)


def install_pandas_hooks() -> None:
    """Make pandas' file readers read through the cache, now or when pandas is first imported."""
    if "pandas" in sys.modules:
        _patch_pandas(sys.modules["pandas"])
        return
    if not any(isinstance(finder, _PatchPandasOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PatchPandasOnImport())


def _patch_pandas(pandas: Any) -> None:
    for name, keyword in PANDAS_READERS.items():
        original = getattr(pandas, name, None)
        if original is None or getattr(original, "_dofc_cached", False):
            continue
        setattr(pandas, name, _through_cache(original, keyword))


def _through_cache(original: Callable[..., Any], keyword: str) -> Callable[..., Any]:
    @functools.wraps(original)
    def reader(*args: Any, **kwargs: Any) -> Any:
        if args:
            return read_through_cache(args[0], lambda path: original(path, *args[1:], **kwargs))
        if keyword in kwargs:
            source = kwargs.pop(keyword)
            return read_through_cache(source, lambda path: original(**{keyword: path}, **kwargs))
        return original(*args, **kwargs)

    reader._dofc_cached = True  # type: ignore[attr-defined]
    return reader


class _PatchPandasOnImport(importlib.abc.MetaPathFinder):
    """Patches pandas right after its first import, so kernels that never use it do not pay for it."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "pandas":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader = spec.loader
        original_exec = loader.exec_module

        def exec_module(module: Any) -> None:
            original_exec(module)
            _patch_pandas(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _log_read(root: Path, record: dict[str, Any]) -> None:
    # One write in append mode per line keeps lines of concurrent kernels whole. A cache folder
    # that is not writable costs the count of this read, never the read itself.
    try:
        with open(root / READS_LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
    except OSError:
        pass
