"""Writing each supported kind of value to a stage folder, and reading it back.

Values are never pickled, because loading a pickle runs whatever code the file names, and the
files outlive the process that wrote them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DATA_PARQUET = "data.parquet"
DATA_NUMPY = "data.npy"
DATA_JSON = "data.json"
# A Series is stored as a one-column table, and its own name goes to the metadata.
SERIES_COLUMN = "__series__"

SUPPORTED = (
    "pandas DataFrame or Series, Spark DataFrame, numpy ndarray (not of dtype object), "
    "or a JSON value (dict with str keys, list, str, int, float, bool, None)"
)


def format_of(value: Any, stage: str) -> str:
    """Return the storage format for ``value``, or raise TypeError naming the type and the options."""
    # A value can only be a pandas, numpy or Spark object if its library is already imported,
    # so checking sys.modules first keeps dofc.checkpoint from importing them itself.
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(value, pandas.DataFrame):
        return "pandas-dataframe"
    if pandas is not None and isinstance(value, pandas.Series):
        return "pandas-series"
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray):
        if value.dtype.hasobject:
            raise TypeError(
                f"dofc.checkpoint cannot store stage {stage!r}: a numpy array of dtype {value.dtype} "
                "holds Python objects, which would need pickle. Convert it to a numeric or string dtype, "
                "or to a pandas DataFrame."
            )
        return "numpy"
    if is_spark_dataframe(value):
        return "spark-dataframe"

    problem = json_problem(value)
    if problem is None:
        return "json"
    raise TypeError(
        f"dofc.checkpoint cannot store stage {stage!r}: {problem}. Supported values are a {SUPPORTED}. "
        "Convert the value to one of these, or checkpoint its parts separately; DOFC never pickles values."
    )


def is_spark_dataframe(value: Any) -> bool:
    # Since Spark 4.0 the classic and the Spark Connect DataFrame both derive from this class.
    spark_sql = sys.modules.get("pyspark.sql")
    return spark_sql is not None and isinstance(value, spark_sql.DataFrame)


def json_problem(value: Any, where: str = "the value") -> str | None:
    """Describe why ``value`` would not come back from JSON unchanged, or return None if it would."""
    # Python's json module writes NaN and infinities as NaN and Infinity and reads them back.
    if value is None or isinstance(value, (bool, str, int, float)):
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            problem = json_problem(item, f"{where}[{index}]")
            if problem is not None:
                return problem
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{where} has a key of type {type(key).__name__} ({key!r}), but JSON keys are strings"
            problem = json_problem(item, f"{where}[{key!r}]")
            if problem is not None:
                return problem
        return None
    if isinstance(value, tuple):
        return f"{where} is a tuple, which JSON would return as a list; pass a list instead"
    return f"{where} is of type {type(value).__module__}.{type(value).__qualname__}"


def write_value(value: Any, value_format: str, folder: Path) -> dict[str, Any]:
    """Write ``value`` into ``folder`` and return the metadata needed to read it back."""
    if value_format == "pandas-dataframe":
        value.to_parquet(folder / DATA_PARQUET, engine="pyarrow")
        return {}
    if value_format == "pandas-series":
        value.to_frame(name=SERIES_COLUMN).to_parquet(
            folder / DATA_PARQUET, engine="pyarrow"
        )
        return {"series_name": series_name_for_json(value.name)}
    if value_format == "numpy":
        import numpy

        numpy.save(folder / DATA_NUMPY, value, allow_pickle=False)
        return {}
    if value_format == "spark-dataframe":
        value.write.parquet(str(folder / DATA_PARQUET))
        return {}
    with open(folder / DATA_JSON, "w", encoding="utf-8") as handle:
        json.dump(value, handle)
    return {}


def series_name_for_json(name: Any) -> Any:
    if name is None or isinstance(name, (str, int, float, bool)):
        return name
    raise TypeError(
        f"dofc.checkpoint cannot store a pandas Series named {name!r} of type {type(name).__name__}; "
        "rename it to a str or int first."
    )


def read_value(value_format: str, meta: dict[str, Any], folder: Path) -> Any:
    """Read back a value that ``write_value`` stored in ``folder``."""
    if value_format == "pandas-dataframe":
        import pandas

        return pandas.read_parquet(folder / DATA_PARQUET, engine="pyarrow")
    if value_format == "pandas-series":
        import pandas

        series = pandas.read_parquet(folder / DATA_PARQUET, engine="pyarrow")[
            SERIES_COLUMN
        ]
        series.name = meta.get("series_name")
        return series
    if value_format == "numpy":
        import numpy

        return numpy.load(folder / DATA_NUMPY, allow_pickle=False)
    if value_format == "spark-dataframe":
        return active_spark_session().read.parquet(str(folder / DATA_PARQUET))
    if value_format == "json":
        with open(folder / DATA_JSON, encoding="utf-8") as handle:
            return json.load(handle)
    raise ValueError(
        f"Checkpoint folder {folder} has unknown format {value_format!r}; delete it to compute the stage again."
    )


def active_spark_session() -> Any:
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    # The active session is per thread, and a DOFC kernel creates its session on another thread.
    if session is None and SparkContext._active_spark_context is not None:
        session = SparkSession.builder.getOrCreate()
    if session is None:
        raise RuntimeError(
            "dofc.checkpoint found a stored Spark DataFrame but no active SparkSession to read it with; "
            "create the session before the first checkpoint."
        )
    return session
