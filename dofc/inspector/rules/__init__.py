"""The risk rules. Each takes a RuleContext and returns the flags it raises."""

from __future__ import annotations

from collections.abc import Callable

from ..report import SEVERITY_ORDER, Flag
from . import caching, collect, credentials, joins, loops, reads, syntax, udfs, writes
from .context import RuleContext

RULES: tuple[Callable[[RuleContext], list[Flag]], ...] = (
    syntax.check,
    collect.check,
    joins.check,
    udfs.check,
    writes.check,
    caching.check,
    reads.check,
    loops.check,
    credentials.check,
)


def run_rules(context: RuleContext) -> list[Flag]:
    """Return the flags of all rules, one per id and place, ordered by cell, line and severity."""
    unique: dict[tuple[str, int | None, int], Flag] = {}
    for rule in RULES:
        for flag in rule(context):
            unique.setdefault((flag.id, flag.cell, flag.line), flag)
    return sorted(
        unique.values(),
        key=lambda flag: (-1 if flag.cell is None else flag.cell, flag.line, SEVERITY_ORDER[flag.severity], flag.id),
    )


__all__ = ["RULES", "RuleContext", "run_rules"]
