"""Inspect a notebook or script: the entry points that the runner, the server and the CLI call."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .evaluator import Evaluator
from .facts import Facts
from .loading import LoadedSource, SourceKind, load_source, read_path
from .magic_data import is_sql_magic, record_magic_data
from .magics import NeutralisedCode, neutralise_ipython
from .operations import count_operations
from .parsing import ParsedUnit, parse_tolerantly
from .report import Flag, InspectionError, Report
from .rules import RuleContext, run_rules

# A sleep this long (in seconds) or longer is flagged: a minute of idling keeps a cluster share
# that queued jobs could use.
DEFAULT_LONG_SLEEP_SECONDS = 60.0

_SPARK_CELL_MAGICS = frozenset({"spark", "pyspark", "sparksql"})
# Kernel language names of Python kernels: "python", "python3", and sparkmagic's "pyspark".
_PYTHON_LANGUAGES = ("python", "ipython", "pyspark")


def inspect_source(
    text: str,
    kind: SourceKind = "notebook",
    allowed_roots: Iterable[str] = (),
    *,
    long_sleep_seconds: float = DEFAULT_LONG_SLEEP_SECONDS,
) -> Report:
    """Inspect notebook JSON or Python script text without running it.

    `allowed_roots` are the folders (or URI prefixes such as `gs://team-bucket/`) that writes
    to absolute locations must stay under. Raises InspectionError when `text` is not a notebook
    of a format nbformat reads, or `kind` is neither "notebook" nor "script".
    """
    roots = (allowed_roots,) if isinstance(allowed_roots, str) else tuple(allowed_roots)
    loaded = load_source(text, kind)
    report = Report(
        kind=loaded.kind,
        nbformat=loaded.nbformat,
        cells=loaded.cells,
        code_cells=len(loaded.units) if loaded.kind == "notebook" else 0,
    )
    if loaded.language is not None and not loaded.language.startswith(_PYTHON_LANGUAGES):
        report.flags.append(_unsupported_language(loaded.language))
        return report

    facts, units = _analyse(loaded)

    context = RuleContext(facts, units, roots, long_sleep_seconds)
    report.flags = run_rules(context)
    report.inputs = [read.ref for read in facts.reads]
    report.outputs = [write.ref for write in facts.writes]
    sql_magics = sum(1 for unit in units for magic in unit.magics if is_sql_magic(magic))
    report.operations = count_operations(facts, sql_magics)
    report.uses_spark = facts.uses_spark
    return report


def inspect_path(
    path: str | Path,
    allowed_roots: Iterable[str] = (),
    *,
    long_sleep_seconds: float = DEFAULT_LONG_SLEEP_SECONDS,
) -> Report:
    """Inspect a .ipynb or .py file; raise InspectionError naming the file if it cannot be read."""
    path = Path(path)
    text, kind = read_path(path)
    try:
        return inspect_source(text, kind, allowed_roots, long_sleep_seconds=long_sleep_seconds)
    except InspectionError as error:
        raise InspectionError(f"{path}: {error}") from error


def _analyse(loaded: LoadedSource) -> tuple[Facts, list[ParsedUnit]]:
    """Neutralise, parse and evaluate every code unit in order, collecting facts into one Facts."""
    facts = Facts()
    evaluator = Evaluator(facts)
    units: list[ParsedUnit] = []
    for unit in loaded.units:
        neutralised = neutralise_ipython(unit.source) if loaded.kind == "notebook" else NeutralisedCode(unit.source)
        tree, problem = parse_tolerantly(neutralised.code)
        record_magic_data(facts, unit.cell, neutralised.magics)
        if any(magic.kind == "cell" and magic.name in _SPARK_CELL_MAGICS for magic in neutralised.magics):
            facts.uses_spark = True
        if tree is not None:
            evaluator.run(tree, unit.cell)
        units.append(ParsedUnit(unit.cell, unit.source, tree, problem, neutralised.magics))
    return facts, units


def _unsupported_language(language: str) -> Flag:
    return Flag(
        id="unsupported_kernel_language",
        severity="warning",
        cell=None,
        line=1,
        message=(
            f"The notebook's kernel language is {language}, and the inspector analyses only Python, "
            "so nothing was checked."
        ),
        fix="Review the notebook by hand before submitting it, or port it to a Python kernel.",
    )
