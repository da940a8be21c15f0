"""Shuffle bytes of a sample run's local Spark session, read from Spark's monitoring REST API."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from dofc.preflight_sample_run import SPARK_BROADCAST_THRESHOLD_BYTES
from test_runner import notebook_text, prepare_attempt, result_of, run_runner

pytest.importorskip("pyspark", reason="pyspark is not installed in this environment")

SESSION = (
    "from pyspark.sql import SparkSession\n"
    "spark = SparkSession.builder.master('local[2]').appName('dofc-shuffle-test')"
    ".config('spark.sql.shuffle.partitions', '4').getOrCreate()"
)
THRESHOLD = "print(spark.conf.get('spark.sql.autoBroadcastJoinThreshold'))"
# Broadcast joins are off, so the join shuffles both sides, as a join of two large tables does.
JOIN = (
    "spark.conf.set('spark.sql.autoBroadcastJoinThreshold', -1)\n"
    "orders = spark.read.csv('orders.csv', header=True, inferSchema=True)\n"
    "customers = spark.read.csv('customers.csv', header=True, inferSchema=True)\n"
    "rows = orders.join(customers, 'customer_id').groupBy('country').count().collect()\n"
    "print(len(rows))"
)
FRACTION = 0.02


def write_tables(workdir: Path) -> None:
    workdir.mkdir(exist_ok=True)
    orders = ["order_id,customer_id,amount"] + [f"{i},{i % 500},{i % 97}.5" for i in range(20_000)]
    customers = ["customer_id,country"] + [f"{i},c{i % 7}" for i in range(500)]
    (workdir / "orders.csv").write_text("\n".join(orders) + "\n")
    (workdir / "customers.csv").write_text("\n".join(customers) + "\n")


def run_spark_notebook(tmp_path: Path, *cells: str, **spec: object) -> dict:
    write_tables(tmp_path / "work")
    attempt_dir = prepare_attempt(tmp_path, "notebook", notebook_text(*cells), **spec)
    completed = run_runner(attempt_dir)
    assert completed.returncode == 0, completed.stderr
    result = result_of(attempt_dir)
    assert result["outcome"] == "succeeded", result["message"]
    result["outputs"] = [
        "".join(output.get("text", "") for output in cell.outputs)
        for cell in nbformat.read(str(attempt_dir / "output.ipynb"), as_version=4).cells
    ]
    return result


def test_join_shuffle_reported_after_stop(tmp_path: Path) -> None:
    result = run_spark_notebook(tmp_path, SESSION, THRESHOLD, JOIN, "spark.stop()", sample_fraction=FRACTION)

    shuffle = result["spark_shuffle"]
    # Both sides of the join and the grouped counts go through shuffle files.
    assert shuffle["shuffle_write_bytes"] > 10_000
    assert shuffle["shuffle_read_bytes"] > 10_000
    assert len(shuffle["applications"]) == 1
    assert shuffle["applications"][0]["application_id"].startswith("local-")
    assert shuffle["applications"][0]["stages"] >= 3
    # The runner scaled the broadcast threshold by the sample fraction.
    assert result["outputs"][1].strip() == str(int(SPARK_BROADCAST_THRESHOLD_BYTES * FRACTION))


def test_sample_run_reads_live_session(tmp_path: Path) -> None:
    result = run_spark_notebook(tmp_path, SESSION, JOIN, sample_fraction=FRACTION)

    shuffle = result["spark_shuffle"]
    assert shuffle["shuffle_write_bytes"] > 10_000
    assert shuffle["applications"][0]["stages"] >= 3


def test_run_without_spark_reports_none(tmp_path: Path) -> None:
    attempt_dir = prepare_attempt(tmp_path, "notebook", notebook_text("x = 1"), sample_fraction=FRACTION)
    completed = run_runner(attempt_dir)

    assert completed.returncode == 0, completed.stderr
    assert "spark_shuffle" not in result_of(attempt_dir)
