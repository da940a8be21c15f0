"""Read the tables and the shape of a SQL query without a full SQL parser.

Good enough for the queries notebooks pass to `spark.sql` or `%%sql`: the tables after FROM and
JOIN (less the names a WITH clause defines), and whether the query filters, aggregates or limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRING_LITERALS = re.compile(r"'(?:[^'\\]|\\.)*'")
_TABLE = re.compile(r"\b(?:FROM|JOIN)\s+((?:`[^`]+`|[\w\-]+)(?:\.(?:`[^`]+`|[\w\-]+))*)", re.IGNORECASE)
_COMMON_TABLE = re.compile(r"(?:\bWITH|,)\s*(\w+)\s+AS\s*\(", re.IGNORECASE)
_WHERE = re.compile(r"\b(?:WHERE|HAVING)\b", re.IGNORECASE)
_GROUP_BY = re.compile(r"\bGROUP\s+BY\b", re.IGNORECASE)
_AGGREGATE_CALL = re.compile(r"\b(?:COUNT|SUM|AVG|MIN|MAX|STDDEV|VARIANCE|APPROX_COUNT_DISTINCT)\s*\(", re.IGNORECASE)
_LIMIT = re.compile(r"\bLIMIT\s+\d+", re.IGNORECASE)


@dataclass(frozen=True)
class QueryShape:
    tables: tuple[str, ...]
    filters: bool
    aggregates: bool
    limited: bool


def read_query(query: str) -> QueryShape:
    """Return the tables a query reads and whether it filters, aggregates or limits its rows."""
    text = _STRING_LITERALS.sub("''", _COMMENTS.sub(" ", query))
    defined_here = {name.lower() for name in _COMMON_TABLE.findall(text)}

    tables: list[str] = []
    for match in _TABLE.finditer(text):
        name = match.group(1).replace("`", "")
        if name.lower() not in defined_here and name not in tables:
            tables.append(name)

    return QueryShape(
        tables=tuple(tables),
        filters=bool(_WHERE.search(text)),
        aggregates=bool(_GROUP_BY.search(text) or _AGGREGATE_CALL.search(text)),
        limited=bool(_LIMIT.search(text)),
    )
