"""The facts the evaluator records while walking the code, for the rules and the report."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .report import DataRef
from .values import Step, Value


@dataclass(frozen=True)
class Read:
    """A read of external data.

    `partitioned` is true when the data is a table, a folder or glob of files, or a columnar format
    that Spark stores as partition folders, so a filter can prune what is scanned.
    `pushed_filter` is true when the reader was given a filter option for the source to apply.
    """

    ref: DataRef
    dataset: int
    partitioned: bool = False
    pushed_filter: bool = False


@dataclass(frozen=True)
class Write:
    """A write of data, with the lineage of what was written when it is Spark data."""

    ref: DataRef
    lineage: tuple[Step, ...] = ()


@dataclass(frozen=True)
class MethodCall:
    """A call `receiver.name(...)` on a value that is not a module."""

    name: str
    receiver: Value
    receiver_text: str
    args: tuple[Value, ...]
    keywords: dict[str, Value]
    node: ast.Call
    cell: int | None
    line: int


@dataclass(frozen=True)
class FunctionCall:
    """A call of a function or class known by its dotted path, such as `time.sleep`."""

    qualname: str
    args: tuple[Value, ...]
    keywords: dict[str, Value]
    node: ast.Call
    cell: int | None
    line: int


@dataclass(frozen=True)
class UdfDefinition:
    """A Spark user-defined function; `vectorised` is true for pandas UDFs."""

    api: str
    vectorised: bool
    cell: int | None
    line: int


@dataclass(frozen=True)
class CacheMark:
    """A `cache()` or `persist()`; `key` is the source text of the cached variable, if any."""

    key: str | None
    method: str
    cell: int | None
    line: int


@dataclass
class Facts:
    reads: list[Read] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    method_calls: list[MethodCall] = field(default_factory=list)
    function_calls: list[FunctionCall] = field(default_factory=list)
    udfs: list[UdfDefinition] = field(default_factory=list)
    caches: list[CacheMark] = field(default_factory=list)
    released: set[str] = field(default_factory=set)
    released_everything: bool = False
    filtered_datasets: set[int] = field(default_factory=set)
    views: dict[str, Value] = field(default_factory=dict)
    uses_spark: bool = False
    unanalysed: list[tuple[int | None, int]] = field(default_factory=list)

    def add_read(self, ref: DataRef, partitioned: bool = False, pushed_filter: bool = False) -> int:
        """Record a read and return the dataset id that values read by it carry as origin."""
        dataset = len(self.reads)
        self.reads.append(Read(ref, dataset, partitioned, pushed_filter))
        return dataset
