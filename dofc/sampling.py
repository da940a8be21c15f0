"""Deterministic samples of input files, for pre-flight sample runs.

A pre-flight sample run executes a job on a small fraction of its inputs to measure how its
runtime grows with the data. The fraction reaches the job's code through the environment
variable ``DOFC_SAMPLE_FRACTION``. Code that reads its inputs with :func:`read` gets a sample in a
sample run and the whole input in a real run. Code that reads files itself gets sampled copies
in a shadow working folder (see ``dofc/preflight_shadow.py``), which uses the same functions.

Rows are chosen in blocks: the file is split into equal byte ranges, and a seeded generator
picks which ranges to read from. Only the chosen ranges are read, so a 1% sample of a large CSV
file reads about 1% of it. NOTE: the line-based formats (CSV and JSON lines) assume one record
per line. A quoted CSV field that contains a newline can be cut in two at a block edge.
"""

from __future__ import annotations

import io
import json
import math
import os
import random
import zlib
from pathlib import Path
from typing import Any

from dofc.warm.cache import read_through_cache

SAMPLE_FRACTION_ENV = "DOFC_SAMPLE_FRACTION"
SEED = 20_260_101
# Code that groups or joins needs some rows to run at all, so a sample never has fewer than this
# many records unless the input has fewer.
MIN_SAMPLE_ROWS = 100
# A first field whose values are at least this share distinct is a key, so rows are sampled by it.
KEY_UNIQUE_SHARE = 0.9
# Blocks per sample: enough to spread the rows over the file, few enough to read in large runs.
BLOCKS = 32
# Bytes read at each of PROBES evenly spaced offsets to measure the mean line length, which
# sizes the sample. Lines often grow along a file (counters, timestamps), so one probe at the
# start would overestimate the line count.
PROBE_BYTES = 16 * 1024
PROBES = 4

CSV_SUFFIXES = {".csv", ".tsv"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


def sample_fraction() -> float | None:
    """Return the sample fraction of the current run, or None in a real run.

    Raises ValueError when DOFC_SAMPLE_FRACTION is set to something other than a number in (0, 1].
    """
    raw = os.environ.get(SAMPLE_FRACTION_ENV, "").strip()
    if not raw:
        return None
    try:
        fraction = float(raw)
    except ValueError:
        fraction = math.nan
    if not 0 < fraction <= 1:
        raise ValueError(f"{SAMPLE_FRACTION_ENV}={raw!r} is invalid: set it to a number in (0, 1] or unset it.")
    return None if fraction == 1 else fraction


def format_of(path: str | os.PathLike[str]) -> str | None:
    """Return "csv", "json" or "parquet" for a file name, or None for a format that is not sampled."""
    suffix = Path(path).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    return None


def read(path: str | os.PathLike[str], **kwargs: Any) -> Any:
    """Read a CSV, JSON or Parquet input as a DataFrame: sampled in a sample run, whole otherwise.

    With an active SparkSession the result is a Spark DataFrame, sampled with
    ``df.sample(fraction=..., seed=...)``. Otherwise it is a pandas DataFrame, and ``kwargs``
    go to ``pandas.read_csv``, ``read_json`` or ``read_parquet``. Pass ``format="csv"`` (or
    "json", "parquet") for a file name without a known suffix.
    """
    fraction = sample_fraction()
    file_format = kwargs.pop("format", None) or format_of(path)
    if file_format is None:
        raise ValueError(f"dofc.read cannot tell the format of {str(path)!r}: pass format='csv', 'json' or 'parquet'.")

    spark = _active_spark_session()
    if spark is not None:
        frame = spark.read.format(file_format).options(**_spark_options(file_format, kwargs)).load(str(path))
        return frame if fraction is None else frame.sample(fraction=fraction, seed=SEED)
    # A local file in the hot-set cache is read from its local copy (dofc/warm/cache.py).
    return read_through_cache(path, lambda source: _read_pandas(Path(source), file_format, fraction, kwargs))


def _read_pandas(path: Path, file_format: str, fraction: float | None, kwargs: dict[str, Any]) -> Any:
    import pandas as pd

    if file_format == "parquet":
        frame = pd.read_parquet(path, **kwargs)
        return frame if fraction is None else sample_frame(frame, fraction)

    if file_format == "json" and not _is_json_lines(path, kwargs):
        frame = pd.read_json(path, **kwargs)
        return frame if fraction is None else sample_frame(frame, fraction)

    if fraction is None:
        return pd.read_csv(path, **kwargs) if file_format == "csv" else pd.read_json(path, **{"lines": True, **kwargs})

    header, lines = sample_lines(path, fraction, has_header=file_format == "csv")
    text = (header or "") + "".join(lines)
    if file_format == "csv":
        return pd.read_csv(io.StringIO(text), **kwargs)
    return pd.read_json(io.StringIO(text), **{"lines": True, **kwargs})


def sample_frame(frame: Any, fraction: float) -> Any:
    """Return a seeded sample of a pandas DataFrame: ``fraction`` of its rows, at least MIN_SAMPLE_ROWS."""
    rows = sample_size(len(frame), fraction)
    return frame.sample(n=rows, random_state=SEED).sort_index()


def sample_size(total: int, fraction: float) -> int:
    """Return the rows in a sample of ``total`` rows: the fraction rounded up, but at least MIN_SAMPLE_ROWS."""
    return min(total, max(MIN_SAMPLE_ROWS, math.ceil(total * fraction)))


def sample_lines(path: Path, fraction: float, *, has_header: bool) -> tuple[str | None, list[str]]:
    """Return the header line (when ``has_header``) and a seeded sample of the other lines.

    The number of lines is estimated from the file size and the mean length of the first lines,
    and the sample is read in BLOCKS runs of consecutive lines starting at seeded byte offsets.
    A small file is read whole.
    """
    with open(path, "rb") as handle:
        header = handle.readline() if has_header else b""
        body_start = handle.tell()
        body_bytes = os.fstat(handle.fileno()).st_size - body_start
        probe_bytes, probe_lines = _probe_line_length(handle, body_start, body_bytes)

        # Block reads could overlap once the sample is a large share of the file.
        if probe_lines == 0 or PROBES * PROBE_BYTES >= body_bytes or fraction > 0.25:
            handle.seek(body_start)
            lines = _decode_lines(handle.read().splitlines(keepends=True))
            sample_rows = sample_size(len(lines), fraction)
            chosen = sorted(random.Random(SEED).sample(range(len(lines)), sample_rows))
            return _decode(header) if has_header else None, [_with_newline(lines[i]) for i in chosen]

        estimated_lines = max(1, round(body_bytes / (probe_bytes / probe_lines)))
        sample_rows = sample_size(estimated_lines, fraction)
        lines = _read_blocks(handle, body_start, body_bytes, sample_rows)
    return _decode(header) if has_header else None, lines


def sample_lines_by_key(path: Path, fraction: float, *, delimiter: str = ",") -> tuple[str, list[str]]:
    """Return the header and the lines whose first field hashes below the sample threshold.

    Rows are kept by a hash of their key (the first field) instead of their position, so files
    that share keys, such as daily quotes joined on the date, keep the same keys and still join
    in the sample. This is universe sampling as used in approximate query processing. The
    threshold is the fraction, raised so that about MIN_SAMPLE_ROWS rows are kept from a small
    file. Because thresholds only grow, the keys kept from a larger file are also kept from a
    smaller one. A first field with repeated values (a category, not a key) would keep whole
    groups, so such a file is sampled by seeded row positions instead. The whole file is read.
    """
    with open(path, "rb") as handle:
        header = _decode(handle.readline())
        body = handle.read()
    raw_lines = [line for line in body.splitlines(keepends=True) if line.strip()]
    separator = delimiter.encode()
    keys = [line.split(separator, 1)[0] for line in raw_lines]
    if len(set(keys)) < KEY_UNIQUE_SHARE * len(keys):
        chosen = sorted(random.Random(SEED).sample(range(len(raw_lines)), sample_size(len(raw_lines), fraction)))
        return header, [_with_newline(_decode(raw_lines[i])) for i in chosen]

    threshold = min(1.0, max(fraction, MIN_SAMPLE_ROWS / max(1, len(raw_lines))))
    limit = threshold * 2**32
    kept = [_with_newline(_decode(line)) for line, key in zip(raw_lines, keys) if zlib.crc32(key) < limit]
    return header, kept


def _probe_line_length(handle: Any, body_start: int, body_bytes: int) -> tuple[int, int]:
    """Return the bytes and whole lines found in PROBES reads spread over the body."""
    total_bytes = 0
    total_lines = 0
    for probe in range(PROBES):
        offset = body_start + probe * max(0, body_bytes - PROBE_BYTES) // max(1, PROBES - 1)
        handle.seek(offset)
        chunk = handle.read(PROBE_BYTES)
        if offset > body_start:
            # Skip the partial line at the offset so only whole lines are measured.
            chunk = chunk[chunk.find(b"\n") + 1 :]
        last = chunk.rfind(b"\n")
        if last < 0:
            continue
        total_bytes += last + 1
        total_lines += chunk[: last + 1].count(b"\n")
    return total_bytes, total_lines


def _read_blocks(handle: Any, body_start: int, body_bytes: int, sample_rows: int) -> list[str]:
    """Read ``sample_rows`` whole lines in up to BLOCKS runs that start at seeded, sorted offsets."""
    blocks = min(BLOCKS, sample_rows)
    per_block = math.ceil(sample_rows / blocks)
    block_size = body_bytes / blocks
    generator = random.Random(SEED)
    lines: list[str] = []

    for block in range(blocks):
        # A random offset inside each equal share of the file spreads the runs over all of it.
        offset = body_start + int(block * block_size + generator.random() * block_size * 0.5)
        handle.seek(offset)
        if offset > body_start:
            # The offset is inside a line; that partial line belongs to the previous run.
            handle.readline()
        for _ in range(per_block):
            raw = handle.readline()
            if not raw:
                break
            lines.append(_with_newline(_decode(raw)))
        if len(lines) >= sample_rows:
            break
    return lines[:sample_rows]


def _is_json_lines(path: Path, kwargs: dict[str, Any]) -> bool:
    if "lines" in kwargs:
        return bool(kwargs["lines"])
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        return True
    with open(path, "rb") as handle:
        first = handle.read(1024).lstrip()
    return first.startswith(b"{")


def is_json_lines_file(path: Path) -> bool:
    """Return whether a JSON file contains one object per line rather than one JSON document."""
    return _is_json_lines(path, {})


def _spark_options(file_format: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    # Spark's CSV reader reads the first line as data unless header is set, but pandas assumes a header.
    defaults = {"header": "true", "inferSchema": "true"} if file_format == "csv" else {}
    return {**defaults, **kwargs}


def _active_spark_session() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="surrogateescape")


def _decode_lines(raw_lines: list[bytes]) -> list[str]:
    return [_decode(line) for line in raw_lines if line.strip()]


def _with_newline(line: str) -> str:
    return line if line.endswith("\n") else line + "\n"


def write_json_sample(source: Path, target: Path, fraction: float) -> int:
    """Write a seeded sample of a JSON file (an array of records or JSON lines) and return its records."""
    if is_json_lines_file(source):
        _, lines = sample_lines(source, fraction, has_header=False)
        target.write_text("".join(lines), encoding="utf-8", errors="surrogateescape")
        return len(lines)
    records = json.loads(source.read_text(encoding="utf-8"))
    if not isinstance(records, list):
        # A single object is one record; it cannot be sampled, so it is kept.
        target.write_text(json.dumps(records), encoding="utf-8")
        return 1
    chosen = sorted(random.Random(SEED).sample(range(len(records)), sample_size(len(records), fraction)))
    target.write_text(json.dumps([records[i] for i in chosen]), encoding="utf-8")
    return len(chosen)
