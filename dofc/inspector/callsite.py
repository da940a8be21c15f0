"""One call in the code, with its evaluated arguments, as the API handlers see it."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .facts import Facts
from .report import DataRef
from .source_text import unparse
from .values import UNKNOWN, UNKNOWN_PART, Kind, Step, Value

_URL = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)


@dataclass
class CallSite:
    """A call being evaluated.

    `assigned_to` contains the source text of the assignment targets when the call is the whole
    right-hand side of an assignment, as in `df = spark.read.csv(path).cache()`.
    `receiver_key` is the dotted name a method is called on (`df` in `df.cache()`), if any.
    """

    node: ast.Call
    cell: int | None
    line: int
    args: list[Value]
    keywords: dict[str, Value]
    facts: Facts
    assigned_to: tuple[str, ...] = ()
    receiver_key: str | None = None

    def argument(self, position: int | None, keyword: str | None = None) -> Value:
        """Return the argument passed by keyword or at a position, or UNKNOWN if absent."""
        if keyword is not None and keyword in self.keywords:
            return self.keywords[keyword]
        if position is not None and 0 <= position < len(self.args):
            return self.args[position]
        return UNKNOWN

    def has_argument(self, position: int | None, keyword: str | None = None) -> bool:
        if keyword is not None and keyword in self.keywords:
            return True
        return position is not None and 0 <= position < len(self.args)

    def source_text(self, position: int | None, keyword: str | None = None) -> str:
        """Return the source text of an argument, or an empty string if absent."""
        for item in self.node.keywords:
            if keyword is not None and item.arg == keyword:
                return unparse(item.value)
        if position is not None and 0 <= position < len(self.node.args):
            return unparse(self.node.args[position])
        return ""

    def step(self, name: str) -> Step:
        """Return a lineage step for this call, keeping its first argument when it is constant."""
        first = self.argument(0)
        constant: str | float | None = None
        if first.kind is Kind.NUMBER and first.exact:
            constant = first.number
        elif first.kind is Kind.STRING and first.exact:
            constant = first.text
        return Step(name, self.cell, self.line, constant)

    def data_ref(
        self,
        *,
        engine: str,
        api: str,
        kind: str,
        location: Value,
        data_format: str | None,
        expression: str,
    ) -> DataRef:
        """Describe the data this call reads or writes."""
        pattern = location.as_pattern() if location.kind in (Kind.STRING, Kind.NUMBER) else UNKNOWN_PART
        known = pattern.strip("*/") != ""
        if kind == "path" and _URL.match(pattern):
            kind = "url"
        return DataRef(
            engine=engine,
            api=api,
            kind=kind,  # type: ignore[arg-type]
            location=pattern if known else None,
            exact=known and location.is_exact_text(),
            format=data_format,
            expression=expression,
            cell=self.cell,
            line=self.line,
        )
