"""The input of every rule: the recorded facts, the parsed units and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from ..facts import Facts
from ..parsing import ParsedUnit


@dataclass(frozen=True)
class RuleContext:
    """Input of a rule.

    `allowed_roots` are the folders (or URI prefixes) that writes with an absolute location
    must stay under. `long_sleep_seconds` is the shortest sleep reported as long.
    """

    facts: Facts
    units: list[ParsedUnit]
    allowed_roots: tuple[str, ...]
    long_sleep_seconds: float
