"""Flag cached Spark data that is never released."""

from __future__ import annotations

from ..report import Flag
from .context import RuleContext

FIX = "Call `.unpersist()` on it once it is no longer needed, or `spark.catalog.clearCache()` at the end of the job."


def check(context: RuleContext) -> list[Flag]:
    facts = context.facts
    if facts.released_everything:
        return []
    flags: list[Flag] = []
    # NOTE: the order of cache and release is not checked; an unpersist anywhere releases the name.
    for mark in facts.caches:
        if mark.key is not None and mark.key in facts.released:
            continue
        if mark.key is None:
            subject = f"Data cached by an unnamed `{mark.method}()`"
        elif mark.key.startswith("table "):
            subject = f"Table {mark.key[len('table ') :]} cached with `{mark.method}()`"
        else:
            subject = f"`{mark.key}`, cached with `{mark.method}()`,"
        message = f"{subject} is never released, so it occupies executor memory until the Spark session ends."
        flags.append(Flag("cache_not_released", "warning", mark.cell, mark.line, message, FIX))
    return flags
