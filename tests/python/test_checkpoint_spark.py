"""dofc.checkpoint with a Spark DataFrame, and the class of a Java OutOfMemoryError, on one local SparkSession.

Both share this file because starting the JVM is the slow part.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import dofc
from dofc.runner.failures import OUT_OF_MEMORY, classify_failure

pyspark_sql = pytest.importorskip(
    "pyspark.sql", reason="pyspark is not installed in this environment"
)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("dofc-checkpoint-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_dataframe_round_trip(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempt_dir = tmp_path / "attempt-1"
    attempt_dir.mkdir()
    monkeypatch.setenv("DOFC_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    monkeypatch.setenv("DOFC_ATTEMPT_DIR", str(attempt_dir))
    rows = [("a", 1, 0.5), ("b", 2, None), ("c", 3, 1.5)]
    # A projection only: a shuffle would add Spark jobs without testing anything more here.
    saved = dofc.checkpoint(
        "weighted",
        lambda: spark.createDataFrame(rows, "key string, n int, weight double").where(
            "n > 1"
        ),
    )
    loaded = dofc.checkpoint(
        "weighted", lambda: pytest.fail("compute ran although the stage was stored")
    )

    expected = [("b", 2, None), ("c", 3, 1.5)]
    assert sorted(tuple(row) for row in saved.collect()) == expected
    assert sorted(tuple(row) for row in loaded.collect()) == expected
    assert loaded.schema == saved.schema
    assert (tmp_path / "checkpoints" / "weighted" / "data.parquet").is_dir()

    lines = (attempt_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["saved", "loaded"]


def test_java_out_of_memory_classified(spark: Any) -> None:
    # An ArrayList of 2**30 references needs at least 4 GiB, more than the driver's default 1 GiB heap.
    with pytest.raises(Exception) as raised:
        spark.sparkContext._jvm.java.util.ArrayList(2**30)

    assert type(raised.value).__name__ == "Py4JJavaError"
    assert (
        classify_failure(type(raised.value).__name__, str(raised.value))
        == OUT_OF_MEMORY
    )
