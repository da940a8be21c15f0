"""Flag writes funnelled through one partition and writes outside the allowed roots."""

from __future__ import annotations

from ..locations import place_write
from ..report import Flag
from ..vocabulary import SPARK_SINGLE_PARTITION_METHODS
from .context import RuleContext

SINGLE_PARTITION_FIX = (
    "Drop the single-partition step and let Spark write one file per partition; if fewer files "
    "are needed, use a modest count such as `coalesce(16)`."
)
OUTSIDE_FIX = (
    "Write under one of the allowed roots or to a path relative to the job's folder; if the "
    "location is a shared dataset, ask the operator to add it to the allowed roots."
)


def check(context: RuleContext) -> list[Flag]:
    flags: list[Flag] = []
    for write in context.facts.writes:
        partition_steps = [step for step in write.lineage if step.name in SPARK_SINGLE_PARTITION_METHODS]
        if partition_steps and partition_steps[-1].argument == 1:
            step = partition_steps[-1]
            message = (
                f"`{step.name}(1)` before the write in {_where(write.ref.cell, write.ref.line)} puts "
                "all data in one partition, so a single task on one executor writes everything."
            )
            flags.append(Flag("single_partition_write", "warning", step.cell, step.line, message, SINGLE_PARTITION_FIX))

        if write.ref.kind != "path":
            continue
        placement = place_write(write.ref.location, context.allowed_roots)
        if placement == "outside":
            roots = ", ".join(context.allowed_roots) or "none configured"
            message = (
                f"`{write.ref.api}` writes to {write.ref.location}, outside the allowed roots "
                f"({roots}), where it may overwrite system files or another user's data."
            )
            flags.append(
                Flag("write_outside_allowed_roots", "error", write.ref.cell, write.ref.line, message, OUTSIDE_FIX)
            )
        elif placement == "above_working_directory":
            message = (
                f"`{write.ref.api}` writes to {write.ref.location}, whose `..` leads above the job's "
                "working folder into files the job does not own."
            )
            flags.append(
                Flag("write_outside_allowed_roots", "warning", write.ref.cell, write.ref.line, message, OUTSIDE_FIX)
            )
    return flags


def _where(cell: int | None, line: int) -> str:
    return f"cell {cell} line {line}" if cell is not None else f"line {line}"
