"""Count the Spark and pandas operations a notebook or script uses, by kind."""

from __future__ import annotations

from collections import Counter

from .facts import Facts, MethodCall
from .report import OPERATION_KINDS
from .values import Kind
from .vocabulary import (
    LEGACY_DATAFRAME_RDD_METHODS,
    PANDAS_APPLY_METHODS,
    PANDAS_ROW_ITERATION_METHODS,
    RDD_PYTHON_FUNCTION_METHODS,
    SPARK_DATAFRAME_ACTIONS,
    SPARK_GROUP_OPERATIONS,
    SPARK_JOIN_METHODS,
    SPARK_RDD_ACTIONS,
    SPARK_SHUFFLING_METHODS,
)

# Methods whose name alone says they are Spark or pandas operations, counted even when the
# receiver is unknown (a function parameter, say): `df.groupby(...)` inside `def f(df)`.
_DISTINCTIVE_METHODS = {
    "groupBy": "groupBy",
    "groupby": "groupBy",
    "crossJoin": "join",
    "toPandas": "toPandas",
    "collectAsMap": "collect",
    "persist": "cache",
    "unpersist": "unpersist",
    "iterrows": "pandas_row_iteration",
    "itertuples": "pandas_row_iteration",
}


def count_operations(facts: Facts, sql_magics: int) -> dict[str, int]:
    """Return the number of operations of each kind in OPERATION_KINDS."""
    counts: Counter[str] = Counter()
    counts["read"] = len(facts.reads)
    counts["write"] = len(facts.writes)
    counts["sql"] = sql_magics
    for udf in facts.udfs:
        counts["pandas_udf" if udf.vectorised else "udf"] += 1
    for call in facts.method_calls:
        counts.update(_kinds_of(call, facts.uses_spark))
    for call in facts.function_calls:
        if call.qualname == "pandas.merge":
            counts["join"] += 1
        elif call.qualname == "pandas.concat":
            counts["pandas_concat"] += 1
    return {kind: counts[kind] for kind in OPERATION_KINDS}


def _kinds_of(call: MethodCall, uses_spark: bool) -> list[str]:
    kind = call.receiver.kind
    name = call.name
    if kind in (Kind.SPARK_DATAFRAME, Kind.SPARK_RDD, Kind.SPARK_GROUPED):
        return _spark_kinds(kind, name)
    if kind is Kind.SPARK_SESSION and name == "sql":
        return ["sql"]
    if kind in (Kind.PANDAS, Kind.PANDAS_GROUPED):
        return _pandas_kinds(name)
    if kind is Kind.UNKNOWN and name in _DISTINCTIVE_METHODS:
        kinds = [_DISTINCTIVE_METHODS[name]]
        if uses_spark and name in SPARK_SHUFFLING_METHODS:
            kinds.append("shuffle")
        return kinds
    return []


def _spark_kinds(kind: Kind, name: str) -> list[str]:
    kinds: list[str] = []
    if name in SPARK_JOIN_METHODS:
        kinds.append("join")
    if name in SPARK_GROUP_OPERATIONS and kind is not Kind.SPARK_GROUPED:
        kinds.append("groupBy")
    if name in SPARK_SHUFFLING_METHODS and kind is not Kind.SPARK_GROUPED:
        kinds.append("shuffle")
    if name in ("collect", "collectAsMap"):
        kinds.append("collect")
    if name == "toPandas":
        kinds.append("toPandas")
    if name in ("cache", "persist"):
        kinds.append("cache")
    if name == "unpersist":
        kinds.append("unpersist")
    actions = SPARK_RDD_ACTIONS if kind is Kind.SPARK_RDD else SPARK_DATAFRAME_ACTIONS
    if kind is not Kind.SPARK_GROUPED and name in actions:
        kinds.append("action")
    if kind is Kind.SPARK_RDD and name in RDD_PYTHON_FUNCTION_METHODS:
        kinds.append("rdd_python_function")
    if kind is Kind.SPARK_DATAFRAME and name in LEGACY_DATAFRAME_RDD_METHODS:
        kinds.append("rdd_python_function")
    return kinds


def _pandas_kinds(name: str) -> list[str]:
    if name in ("merge", "join"):
        return ["join"]
    if name == "groupby":
        return ["groupBy"]
    if name in PANDAS_APPLY_METHODS:
        return ["pandas_apply"]
    if name in PANDAS_ROW_ITERATION_METHODS:
        return ["pandas_row_iteration"]
    if name == "append":
        return ["pandas_concat"]
    return []
