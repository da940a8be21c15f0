"""Static inspection of notebooks and Python scripts before they run on the shared cluster.

`inspect_source` reads notebook JSON (nbformat 3 or 4) or script text and walks its Python AST
without running anything. It returns a Report of the data the code reads and writes, the Spark
and pandas operations it uses, whether it uses Spark, and risk flags with a fix for each.
"""

from __future__ import annotations

from dofc._startup import skip_slow_optional_imports

skip_slow_optional_imports()

from .inspect import DEFAULT_LONG_SLEEP_SECONDS, inspect_path, inspect_source  # noqa: E402 - after the start-up tuning
from .report import OPERATION_KINDS, DataRef, Flag, InspectionError, Report  # noqa: E402

__all__ = [
    "DEFAULT_LONG_SLEEP_SECONDS",
    "OPERATION_KINDS",
    "DataRef",
    "Flag",
    "InspectionError",
    "Report",
    "inspect_path",
    "inspect_source",
]
