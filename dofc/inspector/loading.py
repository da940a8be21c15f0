"""Read a notebook or a script into the units of code the inspector analyses."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import nbformat

from .report import InspectionError

SourceKind = Literal["notebook", "script"]

KIND_BY_SUFFIX: dict[str, SourceKind] = {".ipynb": "notebook", ".py": "script"}


@dataclass(frozen=True)
class CodeUnit:
    """The source of one code cell, or of a whole script (then `cell` is None)."""

    cell: int | None
    source: str


@dataclass(frozen=True)
class LoadedSource:
    """The code units of a notebook or script, with the counts the report shows.

    `language` is the kernel's language as the notebook's metadata states it, or None when the
    metadata has none (old notebooks), which the inspector takes as Python.
    """

    kind: SourceKind
    nbformat: int | None
    cells: int
    units: list[CodeUnit]
    language: str | None = None


def load_source(text: str, kind: SourceKind) -> LoadedSource:
    """Split notebook JSON or script text into code units; raise InspectionError if unreadable."""
    if kind == "script":
        return LoadedSource(kind="script", nbformat=None, cells=0, units=[CodeUnit(None, text)])
    if kind != "notebook":
        raise InspectionError(f"unknown source kind {kind!r}; use 'notebook' or 'script'")
    return _load_notebook(text)


def read_path(path: Path) -> tuple[str, SourceKind]:
    """Read a .ipynb or .py file as text and return it with its kind."""
    kind = KIND_BY_SUFFIX.get(path.suffix.lower())
    if kind is None:
        raise InspectionError(
            f"{path} is not a notebook or Python script: expected a .ipynb or .py file, "
            f"got {path.suffix or 'no extension'!r}"
        )
    if not path.is_file():
        hint = "check the path" if path.is_absolute() else f"check the path, which is relative to {Path.cwd()}"
        raise InspectionError(f"{path} not found: {hint}")
    try:
        return path.read_text(encoding="utf-8"), kind
    except UnicodeDecodeError as error:
        raise InspectionError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})") from error
    except OSError as error:
        raise InspectionError(f"{path} could not be read: {error.strerror}") from error


def _load_notebook(text: str) -> LoadedSource:
    original_version = _declared_nbformat(text)

    # Notebooks saved by older Jupyter versions lack cell ids, and nbformat warns about each one.
    # The inspector never writes them back, so the warning is noise here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            notebook = nbformat.reads(text, as_version=4)
        except (nbformat.ValidationError, ValueError, KeyError, AttributeError, TypeError) as error:
            message = getattr(error, "message", None) or str(error)
            raise InspectionError(f"not a valid Jupyter notebook: {message}") from error

    units = [CodeUnit(index, cell.source) for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    return LoadedSource(
        kind="notebook",
        nbformat=original_version,
        cells=len(notebook.cells),
        units=units,
        language=_kernel_language(notebook.metadata),
    )


def _declared_nbformat(text: str) -> int:
    """Return the major nbformat version the file declares, before any upgrade to version 4."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InspectionError(
            f"not a Jupyter notebook: invalid JSON at line {error.lineno}, column {error.colno} ({error.msg})"
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("nbformat"), int):
        raise InspectionError("not a Jupyter notebook: the JSON has no integer 'nbformat' field")
    return document["nbformat"]


def _kernel_language(metadata: dict) -> str | None:
    language = (metadata.get("kernelspec") or {}).get("language")
    if not language:
        language = (metadata.get("language_info") or {}).get("name")
    return language.lower() if isinstance(language, str) else None
