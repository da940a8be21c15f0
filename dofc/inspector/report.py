"""The inspector's output: data read and written, operation counts and risk flags."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["info", "warning", "error"]

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

# Every kind is present in a report's counts, with 0 when unused, so consumers can rely on the keys.
# "shuffle" counts every Spark operation that moves rows between partitions, so a Spark join or
# groupBy is counted both under its own kind and under "shuffle".
OPERATION_KINDS: tuple[str, ...] = (
    "read",
    "write",
    "sql",
    "join",
    "groupBy",
    "shuffle",
    "udf",
    "pandas_udf",
    "rdd_python_function",
    "collect",
    "toPandas",
    "cache",
    "unpersist",
    "action",
    "pandas_apply",
    "pandas_row_iteration",
    "pandas_concat",
)


class InspectionError(ValueError):
    """Raised when the input is not a notebook or Python script that can be read."""


@dataclass(frozen=True)
class Flag:
    """One risk found in the code, with where it is and what to do about it."""

    id: str
    severity: Severity
    cell: int | None
    line: int
    message: str
    fix: str


@dataclass(frozen=True)
class DataRef:
    """A dataset, table, file or URL that the code reads or writes.

    `location` is the path, table name or URL as far as it is known statically: a `*` stands
    for a part computed at run time (then `exact` is false), and it is None when nothing of it
    is known. `expression` is the source text it was computed from.
    """

    engine: str
    api: str
    kind: Literal["path", "table", "url", "query"]
    location: str | None
    exact: bool
    format: str | None
    expression: str
    cell: int | None
    line: int


@dataclass
class Report:
    """Everything the inspector found in one notebook or script."""

    kind: Literal["notebook", "script"]
    nbformat: int | None
    cells: int
    code_cells: int
    uses_spark: bool = False
    inputs: list[DataRef] = field(default_factory=list)
    outputs: list[DataRef] = field(default_factory=list)
    operations: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OPERATION_KINDS, 0))
    flags: list[Flag] = field(default_factory=list)

    def flag_ids(self) -> list[str]:
        return [flag.id for flag in self.flags]

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": [asdict(ref) for ref in self.inputs],
            "outputs": [asdict(ref) for ref in self.outputs],
            "operations": dict(self.operations),
            "uses_spark": self.uses_spark,
            "flags": [asdict(flag) for flag in self.flags],
            "cells": self.cells,
            "code_cells": self.code_cells,
            "nbformat": self.nbformat,
            "kind": self.kind,
        }
