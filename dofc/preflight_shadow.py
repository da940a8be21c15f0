"""Shadow working folders: a job's folder layout with sampled copies of its input files.

A pre-flight sample run of code that opens its files itself (``pd.read_csv("data/x.csv")``)
runs in a shadow folder. The shadow mirrors the smallest folder that contains the working
folder and every sampled input, so relative paths such as ``../datasets/a.csv`` find the
sample. Inputs in a sampled format (CSV rows with the header kept, Parquet rows, JSON records or
lines) are written as sampled copies. CSV rows are kept by a hash of their first field, so
files joined on that field keep matching rows. Everything else is a symbolic link to the original.
Known outputs are left out, so that the sample run cannot write through a link over them.

Run ``python -m dofc.preflight_shadow --help`` for the command that the scheduler calls.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import sys
from pathlib import Path
from typing import Any

from .sampling import (
    SEED,
    format_of,
    sample_lines_by_key,
    sample_size,
    write_json_sample,
)


def expand_inputs(patterns: list[str]) -> list[Path]:
    """Resolve absolute input paths and glob patterns to the data files in a sampled format.

    A folder input (a Spark or Hive table) contributes every data file under it. Names that
    start with ``_`` or ``.`` are Spark and Hadoop bookkeeping and are not data.
    """
    files: set[Path] = set()
    for pattern in patterns:
        matches = glob.glob(pattern, recursive=True) if glob.has_magic(pattern) else [pattern]
        for match in matches:
            path = Path(match).resolve()
            if path.is_file() and format_of(path) is not None:
                files.add(path)
            elif path.is_dir():
                files.update(_data_files_under(path))
    return sorted(files)


def _data_files_under(folder: Path) -> list[Path]:
    found = []
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = [name for name in subfolders if not name.startswith(("_", "."))]
        for name in names:
            path = Path(directory) / name
            if not name.startswith(("_", ".")) and format_of(path) is not None:
                found.append(path.resolve())
    return found


def build_shadow(workdir: Path, inputs: list[Path], outputs: list[Path], fraction: float, target: Path) -> dict[str, Any]:
    """Build the shadow folder under ``target`` and return what it contains.

    The result has the shadow working folder, the mirrored root, and for each sampled input its
    path relative to the root, its size and the sample's size and records.
    """
    workdir = workdir.resolve()
    root = Path(os.path.commonpath([workdir, *inputs])) if inputs else workdir
    sampled = {path: None for path in inputs}
    on_path = _ancestors_below(root, [workdir, *inputs])
    skipped = {path.resolve() for path in outputs}
    files: list[dict[str, Any]] = []

    target.mkdir(parents=True, exist_ok=True)
    _mirror(root, target, sampled, on_path, skipped, fraction, root, files)
    return {
        "root": str(root),
        "workdir": str(target / workdir.relative_to(root)),
        "fraction": fraction,
        "files": files,
        "input_bytes": sum(item["bytes"] for item in files),
        "sample_bytes": sum(item["sample_bytes"] for item in files),
    }


def _ancestors_below(root: Path, paths: list[Path]) -> set[Path]:
    """Return every folder between ``root`` and each path, the root and the folders themselves included."""
    folders = {root}
    for path in paths:
        current = path
        while current != root and root in current.parents:
            folders.add(current)
            current = current.parent
    return folders


def _mirror(
    original: Path,
    shadow: Path,
    sampled: dict[Path, None],
    on_path: set[Path],
    skipped: set[Path],
    fraction: float,
    root: Path,
    files: list[dict[str, Any]],
) -> None:
    for entry in os.scandir(original):
        source = Path(entry.path)
        destination = shadow / entry.name
        if source in skipped:
            continue
        if source in sampled:
            records = write_sample(source, destination, fraction)
            files.append(
                {
                    "path": str(source.relative_to(root)),
                    "format": format_of(source),
                    "bytes": source.stat().st_size,
                    "sample_bytes": destination.stat().st_size,
                    "records": records,
                }
            )
        elif source in on_path and entry.is_dir(follow_symlinks=True):
            destination.mkdir(exist_ok=True)
            _mirror(source, destination, sampled, on_path, skipped, fraction, root, files)
        else:
            destination.symlink_to(source)


def write_sample(source: Path, target: Path, fraction: float) -> int:
    """Write a seeded sample of one data file and return the records it holds."""
    file_format = format_of(source)
    if file_format == "csv":
        delimiter = "\t" if source.suffix.lower() == ".tsv" else ","
        header, lines = sample_lines_by_key(source, fraction, delimiter=delimiter)
        target.write_text(header + "".join(lines), encoding="utf-8", errors="surrogateescape")
        return len(lines)
    if file_format == "json":
        return write_json_sample(source, target, fraction)
    if file_format == "parquet":
        return _write_parquet_sample(source, target, fraction)
    raise ValueError(f"{source} is not CSV, JSON or Parquet, so it cannot be sampled; it should have been linked.")


def _write_parquet_sample(source: Path, target: Path, fraction: float) -> int:
    import pyarrow.parquet as pq

    table = pq.read_table(source)
    chosen = sorted(random.Random(SEED).sample(range(table.num_rows), sample_size(table.num_rows, fraction)))
    pq.write_table(table.take(chosen), target)
    return len(chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dofc.preflight_shadow",
        description="Build a shadow working folder with sampled inputs and print a JSON description of it.",
    )
    parser.add_argument("--workdir", type=Path, required=True, help="the job's working folder")
    parser.add_argument("--input", action="append", default=[], help="absolute input path or glob pattern to sample (repeatable)")
    parser.add_argument("--output", action="append", default=[], help="absolute path that the job writes, left out of the shadow (repeatable)")
    parser.add_argument("--fraction", type=float, required=True, help="share of each input's records to keep, in (0, 1]")
    parser.add_argument("--target", type=Path, required=True, help="empty folder to build the shadow in")
    parser.add_argument("--measure-only", action="store_true", help="print the inputs and their sizes without building anything")
    arguments = parser.parse_args(argv)
    if not 0 < arguments.fraction <= 1:
        parser.error(f"--fraction {arguments.fraction} is invalid: use a number in (0, 1].")

    inputs = expand_inputs(arguments.input)
    if arguments.measure_only:
        files = [{"path": str(path), "format": format_of(path), "bytes": path.stat().st_size} for path in inputs]
        json.dump({"files": files, "input_bytes": sum(item["bytes"] for item in files)}, sys.stdout)
        sys.stdout.write("\n")
        return 0

    outputs = [Path(path) for path in arguments.output]
    description = build_shadow(arguments.workdir, inputs, outputs, arguments.fraction, arguments.target)
    json.dump(description, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
