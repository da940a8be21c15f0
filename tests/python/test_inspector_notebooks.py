"""The inspector on real public notebooks: what each one reads, uses and risks.

The expectations come from reading each notebook's code cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dofc.inspector import inspect_path


@dataclass(frozen=True)
class Expected:
    """What a notebook must report.

    `inputs` are (api, location) pairs that must all be among the inputs; `flags` is the exact
    list of (flag id, cell); `operations` are minimum counts.
    """

    nbformat: int
    uses_spark: bool
    inputs: tuple[tuple[str, str], ...]
    flags: tuple[tuple[str, int], ...]
    operations: dict[str, int] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()


NOTEBOOKS = {
    "1.1. BigQuery Storage & Spark DataFrames - Python.ipynb": Expected(
        nbformat=4,
        uses_spark=True,
        inputs=(
            ("spark.read.load", "bigquery-public-data.wikipedia.pageviews_2020"),
            ("%%bigquery", "dataset_name.wiki_total_pageviews"),
        ),
        flags=(("cache_not_released", 13),),
        operations={"groupBy": 1, "cache": 1, "write": 1},
        outputs=("dataset_name.wiki_total_pageviews",),
    ),
    "2.1. Google Cloud Storage (CSV) & Spark DataFrames - Python.ipynb": Expected(
        nbformat=4,
        uses_spark=True,
        inputs=(
            ("spark.read.csv", "gs://solutions-public-assets/time-series-master/GBPUSD_*.csv"),
            ("spark.read.csv", "gs://dataproc-bucket-name/currency/*"),
        ),
        flags=(
            ("unfiltered_partitioned_read", 14),
            ("cache_not_released", 23),
            ("single_partition_write", 28),
            ("unfiltered_partitioned_read", 31),
        ),
        operations={"groupBy": 1, "cache": 1, "write": 1, "read": 3},
        outputs=("gs://dataproc-bucket-name/currency/hourly_bids.csv",),
    ),
    "nb1-rdd-creation.ipynb": Expected(
        nbformat=3,
        uses_spark=True,
        inputs=(
            ("urllib.urlretrieve", "http://kdd.ics.uci.edu/databases/kddcup99/kddcup.data_10_percent.gz"),
            ("sc.textFile", "./kddcup.data_10_percent.gz"),
        ),
        flags=(),
        operations={"action": 4},
    ),
    "nb10-sql-dataframes.ipynb": Expected(
        nbformat=3,
        uses_spark=True,
        inputs=(("sc.textFile", "./kddcup.data_10_percent.gz"),),
        flags=(
            ("cache_not_released", 6),
            ("rdd_python_function", 21),
            ("unbounded_collect", 21),
            ("syntax_error", 21),
            ("syntax_error", 26),
            ("syntax_error", 28),
            ("syntax_error", 33),
            ("syntax_error", 35),
            ("syntax_error", 38),
        ),
        operations={"groupBy": 5, "sql": 1, "collect": 1},
    ),
    "modern_4_performance.ipynb": Expected(
        nbformat=4,
        uses_spark=False,
        inputs=(("pandas.read_csv", "data/347136217_T_ONTIME.csv"), ("pandas.read_csv", "data/airports.csv.zip")),
        flags=(),
        operations={"groupBy": 2, "pandas_apply": 1, "pandas_row_iteration": 1, "pandas_concat": 2},
    ),
}


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_public_notebook(name: str, shared_data: Callable[[str], Path]) -> None:
    expected = NOTEBOOKS[name]
    report = inspect_path(shared_data(f"notebooks/{name}"))

    assert report.nbformat == expected.nbformat
    assert report.uses_spark is expected.uses_spark
    inputs = {(ref.api, ref.location) for ref in report.inputs}
    assert set(expected.inputs) <= inputs
    assert [(flag.id, flag.cell) for flag in report.flags] == list(expected.flags)
    for kind, minimum in expected.operations.items():
        assert report.operations[kind] >= minimum, kind
    assert set(expected.outputs) <= {ref.location for ref in report.outputs}


def test_bigquery_notebook_reads_a_table(shared_data: Callable[[str], Path]) -> None:
    report = inspect_path(shared_data("notebooks/1.1. BigQuery Storage & Spark DataFrames - Python.ipynb"))
    [read] = [ref for ref in report.inputs if ref.engine == "spark"]
    assert (read.kind, read.format, read.exact, read.cell) == ("table", "bigquery", True, 11)


@dataclass(frozen=True)
class Runnable:
    path: str
    uses_spark: bool
    inputs: frozenset[str]
    outputs: frozenset[str] = frozenset()


RUNNABLE = [
    Runnable("tirthajyoti-spark-with-python/Word_Count.ipynb", True, frozenset({"Data/Moby-Dick.txt"})),
    Runnable("tirthajyoti-spark-with-python/GroupBy_aggregrate.ipynb", True, frozenset({"Data/sales_info.csv"})),
    Runnable(
        "mingchen-learning-apache-spark/random-forest-classification.ipynb", True, frozenset({"data/cuse_binary.csv"})
    ),
    Runnable(
        "jakevdp-pdsh/03.07-Merge-and-Join.ipynb",
        False,
        frozenset({"data/state-population.csv", "data/state-areas.csv", "data/state-abbrevs.csv"}),
    ),
    Runnable("jakevdp-pdsh/01.07-Timing-and-Profiling.ipynb", False, frozenset(), frozenset({"mprun_demo.py"})),
    Runnable(
        "inria-scikit-learn-mooc/notebooks/cross_validation_time.ipynb",
        False,
        frozenset({"../datasets/financial-data/*.csv"}),
    ),
    Runnable("ageron-handson-ml2/06_decision_trees.ipynb", False, frozenset(), frozenset({"./images/decision_trees"})),
]


@pytest.mark.parametrize("notebook", RUNNABLE, ids=[Path(notebook.path).stem for notebook in RUNNABLE])
def test_runnable_notebook(notebook: Runnable, shared_data: Callable[[str], Path]) -> None:
    report = inspect_path(shared_data(f"runnable/{notebook.path}"))

    assert report.uses_spark is notebook.uses_spark
    assert {ref.location for ref in report.inputs} == notebook.inputs
    assert notebook.outputs <= {ref.location for ref in report.outputs}
    # These notebooks run under Python 3, so a syntax error would mean the magics were mishandled.
    assert "syntax_error" not in report.flag_ids()


def test_word_count_cache_is_flagged(shared_data: Callable[[str], Path]) -> None:
    report = inspect_path(shared_data("runnable/tirthajyoti-spark-with-python/Word_Count.ipynb"))
    assert [(flag.id, flag.cell) for flag in report.flags] == [("cache_not_released", 23)]
    assert report.operations["rdd_python_function"] > 0
