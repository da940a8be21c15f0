"""Reads through the hot-set cache (dofc/warm/cache.py): hits, staleness, fallback and the pandas hooks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dofc.warm import cache
from dofc.warm.cache import (
    ENTRIES_DIR,
    READS_LOG,
    cached_path,
    entry_key,
    read_through_cache,
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    return folder


def put_in_cache(cache_dir: Path, source: Path, content: str | None = None) -> Path:
    """Copy ``source`` into the cache as the scheduler does; ``content`` marks which file a reader got."""
    real = os.path.realpath(source)
    info = os.stat(real)
    entry = cache_dir / ENTRIES_DIR / entry_key(real, info.st_size, info.st_mtime_ns)
    entry.mkdir(parents=True)
    copy = entry / source.name
    if content is None:
        shutil.copyfile(source, copy)
    else:
        copy.write_text(content, encoding="utf-8")
    return copy


def logged_reads(cache_dir: Path) -> list[dict]:
    log = cache_dir / READS_LOG
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_cached_file_resolves_to_copy(cache_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "sales.csv"
    source.write_text("a,b\n1,2\n")
    copy = put_in_cache(cache_dir, source)

    assert cached_path(str(source)) == str(copy)
    assert [record["hit"] for record in logged_reads(cache_dir)] == [True]
    assert logged_reads(cache_dir)[0]["path"] == os.path.realpath(source)


def test_changed_file_misses_old_copy(cache_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "sales.csv"
    source.write_text("a,b\n1,2\n")
    put_in_cache(cache_dir, source)
    source.write_text("a,b\n1,2\n3,4\n")

    assert cached_path(source) is source
    assert [record["hit"] for record in logged_reads(cache_dir)] == [False]


def test_same_size_rewrite_misses_old_copy(cache_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "sales.csv"
    source.write_text("a,b\n1,2\n")
    put_in_cache(cache_dir, source)
    stat = source.stat()
    source.write_text("a,b\n9,9\n")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))

    assert cached_path(str(source)) == str(source)


def test_uncached_file_is_a_miss(cache_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "other.csv"
    source.write_text("x\n1\n")

    assert cached_path(str(source)) == str(source)
    assert [record["hit"] for record in logged_reads(cache_dir)] == [False]


@pytest.mark.parametrize("argument", ["s3://bucket/key.csv", "missing.csv", 42])
def test_non_local_arguments_pass_through_unlogged(cache_dir: Path, argument: object) -> None:
    assert cached_path(argument) is argument
    assert logged_reads(cache_dir) == []


def test_without_cache_paths_pass_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.CACHE_DIR_ENV, raising=False)
    source = tmp_path / "sales.csv"
    source.write_text("a\n1\n")

    assert cached_path(str(source)) == str(source)


def test_evicted_copy_falls_back_to_source(cache_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "sales.csv"
    source.write_text("from source")
    copy = put_in_cache(cache_dir, source)
    opened: list[str] = []

    def reader(path: str) -> str:
        opened.append(str(path))
        # The scheduler evicts the entry between the lookup and the open.
        copy.unlink(missing_ok=True)
        return Path(path).read_text()

    assert read_through_cache(str(source), reader) == "from source"
    assert opened == [str(copy), str(source)]


def test_pandas_reads_through_cache_after_import(cache_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "sales.csv"
    source.write_text("a,b\n1,2\n")
    # A copy with other content shows which file pandas read; real copies are byte-identical.
    put_in_cache(cache_dir, source, content="a,b\n7,8\n")
    program = (
        "import dofc.warm.cache as c; c.install_pandas_hooks()\n"
        "import pandas as pd\n"
        f"print(pd.read_csv({str(source)!r}).iloc[0, 0], pd.read_csv(filepath_or_buffer={str(source)!r}).iloc[0, 0])\n"
    )
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env={**os.environ, cache.CACHE_DIR_ENV: str(cache_dir)}, check=False)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["7", "7"]
    assert [record["hit"] for record in logged_reads(cache_dir)] == [True, True]


def test_dofc_read_uses_cached_copy(cache_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "sales.csv"
    source.write_text("a,b\n1,2\n")
    put_in_cache(cache_dir, source, content="a,b\n7,8\n")
    from dofc.sampling import read

    assert read(str(source)).iloc[0, 0] == 7
    assert [record["hit"] for record in logged_reads(cache_dir)] == [True]
