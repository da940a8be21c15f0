"""Flag Python code that Spark runs row by row: UDFs and RDD functions over DataFrame rows.

The inspector cannot size the input statically, so it assumes that Spark data is large.
"""

from __future__ import annotations

from ..report import Flag
from ..values import Kind, Value
from ..vocabulary import LEGACY_DATAFRAME_RDD_METHODS, RDD_PYTHON_FUNCTION_METHODS
from .context import RuleContext

PYTHON_UDF_FIX = (
    "Use the built-in functions of pyspark.sql.functions, or a vectorised `pandas_udf` where Python is really needed."
)
PANDAS_UDF_FIX = "Keep it where built-in functions cannot express the logic; prefer them where they can."
RDD_FIX = (
    "Express the transformation with DataFrame operations (select, withColumn and "
    "pyspark.sql.functions), or with a `pandas_udf` if Python is needed."
)


def check(context: RuleContext) -> list[Flag]:
    flags: list[Flag] = []
    for udf in context.facts.udfs:
        if udf.vectorised:
            message = (
                f"`{udf.api}` runs Python on Arrow batches: much faster than a row-wise udf, "
                "but still outside Spark's optimiser."
            )
            flags.append(Flag("pandas_udf", "info", udf.cell, udf.line, message, PANDAS_UDF_FIX))
        else:
            message = (
                f"`{udf.api}` defines a Python UDF, which sends every row from the JVM to a "
                "Python worker and back and hides the logic from Spark's optimiser."
            )
            flags.append(Flag("python_udf", "warning", udf.cell, udf.line, message, PYTHON_UDF_FIX))

    for call in context.facts.method_calls:
        receiver = call.receiver
        if (
            receiver.kind is Kind.SPARK_RDD
            and call.name in RDD_PYTHON_FUNCTION_METHODS
            and _first_function_after_rdd(receiver)
        ):
            message = (
                f"`{call.receiver_text}.{call.name}(...)` turns DataFrame rows into Python objects "
                "and runs a Python function on each, outside Spark's optimiser."
            )
            flags.append(Flag("rdd_python_function", "warning", call.cell, call.line, message, RDD_FIX))
        elif receiver.kind is Kind.SPARK_DATAFRAME and call.name in LEGACY_DATAFRAME_RDD_METHODS:
            message = (
                f"`{call.receiver_text}.{call.name}(...)` runs a Python function on every row through "
                f"the RDD API; DataFrame.{call.name} exists only before Spark 2.0 (later `.rdd.{call.name}`)."
            )
            flags.append(Flag("rdd_python_function", "warning", call.cell, call.line, message, RDD_FIX))
    return flags


def _first_function_after_rdd(receiver: Value) -> bool:
    """Tell whether the RDD came from a DataFrame and no Python function ran on it yet.

    Only the first such call of a chain is flagged, since the rows are Python objects after it.
    """
    names = [step.name for step in receiver.steps]
    if "rdd" not in names:
        return False
    after = names[len(names) - names[::-1].index("rdd") :]
    return not any(name in RDD_PYTHON_FUNCTION_METHODS for name in after)
