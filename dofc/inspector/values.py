"""Static knowledge about the value of a Python expression.

The inspector follows values through assignments in execution order. It evaluates strings as
far as their constant parts go, and for Spark and pandas data it tracks the operations applied
since the data was read (the lineage) and which reads it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

UNKNOWN_PART = "*"


class Kind(str, Enum):
    UNKNOWN = "unknown"
    MODULE = "module"  # a module, or a function or class reached through one: `name` is its dotted path
    STRING = "string"
    NUMBER = "number"
    SEQUENCE = "sequence"
    SPARK_SESSION = "spark_session"  # SparkSession, SQLContext or HiveContext
    SPARK_CONTEXT = "spark_context"
    SPARK_READER = "spark_reader"
    SPARK_WRITER = "spark_writer"
    SPARK_DATAFRAME = "spark_dataframe"
    SPARK_GROUPED = "spark_grouped"
    SPARK_RDD = "spark_rdd"
    SPARK_CATALOG = "spark_catalog"
    SPARK_UDF_REGISTRY = "spark_udf_registry"
    SPARK_COLUMN = "spark_column"  # `name` is "aggregate" for the result of an aggregate function
    PANDAS = "pandas"  # a pandas DataFrame, Series or Index
    PANDAS_GROUPED = "pandas_grouped"


SPARK_DATA_KINDS = frozenset({Kind.SPARK_DATAFRAME, Kind.SPARK_GROUPED, Kind.SPARK_RDD})
PANDAS_KINDS = frozenset({Kind.PANDAS, Kind.PANDAS_GROUPED})
SPARK_KINDS = (
    frozenset(
        {
            Kind.SPARK_SESSION,
            Kind.SPARK_CONTEXT,
            Kind.SPARK_READER,
            Kind.SPARK_WRITER,
            Kind.SPARK_CATALOG,
            Kind.SPARK_UDF_REGISTRY,
            Kind.SPARK_COLUMN,
        }
    )
    | SPARK_DATA_KINDS
)


@dataclass(frozen=True)
class Step:
    """One operation in a dataset's lineage; `argument` is its first argument when constant."""

    name: str
    cell: int | None
    line: int
    argument: str | float | None = None


@dataclass(frozen=True)
class IoOptions:
    """The configuration of a Spark DataFrameReader or DataFrameWriter so far."""

    format: str | None = None
    options: tuple[IoOption, ...] = ()

    def option(self, name: str) -> IoOption | None:
        """Return the last setting of an option; option names are case-insensitive in Spark."""
        for option in reversed(self.options):
            if option.name.lower() == name.lower():
                return option
        return None


@dataclass(frozen=True)
class IoOption:
    """One `option(name, value)` of a reader or writer, with the value's source text."""

    name: str
    value: Value
    expression: str


@dataclass(frozen=True)
class Value:
    """The static knowledge about one value.

    For strings, `text` is a pattern in which `*` stands for parts computed at run time, and
    `exact` is true when there are none. For data, `steps` is the lineage and `origins` contains
    the ids of the reads the data comes from.
    """

    kind: Kind = Kind.UNKNOWN
    name: str | None = None
    text: str | None = None
    exact: bool = False
    number: float | None = None
    steps: tuple[Step, ...] = ()
    origins: frozenset[int] = frozenset()
    io: IoOptions | None = None
    items: tuple[Value, ...] = field(default=())

    def is_spark(self) -> bool:
        return self.kind in SPARK_KINDS

    def is_data(self) -> bool:
        return self.kind in SPARK_DATA_KINDS or self.kind in PANDAS_KINDS

    def with_step(self, step: Step, kind: Kind | None = None) -> Value:
        return replace(self, kind=kind or self.kind, steps=(*self.steps, step))

    def as_pattern(self) -> str:
        """Return the string pattern of the value, `*` when nothing of it is known."""
        if self.kind is Kind.STRING and self.text is not None:
            return self.text
        if self.kind is Kind.NUMBER and self.number is not None:
            return _number_text(self.number)
        return UNKNOWN_PART

    def is_exact_text(self) -> bool:
        return self.kind in (Kind.STRING, Kind.NUMBER) and self.exact


UNKNOWN = Value()


def string(text: str, exact: bool = True) -> Value:
    return Value(kind=Kind.STRING, text=text, exact=exact)


def number(amount: float) -> Value:
    return Value(kind=Kind.NUMBER, number=amount, exact=True)


def module(dotted_name: str) -> Value:
    return Value(kind=Kind.MODULE, name=dotted_name)


def concatenate(parts: list[Value]) -> Value:
    """Join values as strings; unknown parts become `*`."""
    text = "".join(part.as_pattern() for part in parts)
    return string(text, exact=all(part.is_exact_text() for part in parts))


def merge_origins(values: list[Value]) -> frozenset[int]:
    merged: frozenset[int] = frozenset()
    for value in values:
        merged |= value.origins
    return merged


def _number_text(amount: float) -> str:
    return str(int(amount)) if float(amount).is_integer() else repr(amount)
