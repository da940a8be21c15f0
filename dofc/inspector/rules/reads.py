"""Flag Spark reads of partitioned data that no filter follows."""

from __future__ import annotations

from ..report import Flag
from ..vocabulary import PARTITIONED_FORMATS
from .context import RuleContext

FIX = (
    "Filter on the partition columns right after the read (`.where(\"date >= '2024-01-01'\")`) "
    "so that Spark prunes partitions, or read only the folders needed."
)


def check(context: RuleContext) -> list[Flag]:
    facts = context.facts
    flags: list[Flag] = []
    for read in facts.reads:
        ref = read.ref
        if ref.engine != "spark" or not read.partitioned:
            continue
        if read.pushed_filter or read.dataset in facts.filtered_datasets:
            continue
        if ref.kind == "table":
            described = f"table {ref.location or ref.expression}"
        elif ref.format in PARTITIONED_FORMATS:
            described = f"{ref.format} dataset {ref.location or ref.expression}"
        else:
            described = f"every file of {ref.location or ref.expression}"
        message = f"`{ref.api}` reads {described} and no filter or where follows, so Spark scans all of its partitions."
        flags.append(Flag("unfiltered_partitioned_read", "warning", ref.cell, ref.line, message, FIX))
    return flags
