"""Flag `collect()` and `toPandas()` on Spark data that nothing reduced first."""

from __future__ import annotations

from ..report import Flag
from ..values import Kind
from ..vocabulary import BOUNDING_STEPS
from .context import RuleContext

DRIVER_TRANSFERS = frozenset({"collect", "toPandas", "collectAsMap"})

FIX = (
    "Reduce the rows first with `.limit(n)`, `.sample(fraction)` or a groupBy aggregation, or "
    "write the result with `.write` instead of bringing it to the driver."
)


def check(context: RuleContext) -> list[Flag]:
    facts = context.facts
    flags: list[Flag] = []
    for call in facts.method_calls:
        if call.name not in DRIVER_TRANSFERS:
            continue
        receiver = call.receiver
        # An unknown receiver, such as a function parameter, is taken as Spark data in a Spark program.
        spark_data = receiver.kind in (Kind.SPARK_DATAFRAME, Kind.SPARK_RDD) or (
            receiver.kind is Kind.UNKNOWN and facts.uses_spark
        )
        if not spark_data or any(step.name in BOUNDING_STEPS for step in receiver.steps):
            continue
        message = (
            f"`{call.receiver_text}.{call.name}()` copies every row of data that no limit, sample "
            "or aggregation reduced into the driver's memory, which fails or stalls on large inputs."
        )
        flags.append(Flag("unbounded_collect", "warning", call.cell, call.line, message, FIX))
    return flags
