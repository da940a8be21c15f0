"""Turn IPython syntax in a notebook cell into plain Python, keeping every line where it was.

Shell escapes (`!cmd`), line magics (`%name`), cell magics (`%%name`), `x = !cmd` and help
queries (`obj?`) are not Python, so the `ast` module rejects them. Each such line becomes `pass`
(or `x = None`), so the rest of the cell parses and line numbers still match the cell. The timing
magics keep their statement, because `%time df = spark.read.csv(path)` still reads the file.
The magics found are returned, so callers can see what `%%sql`, `%%writefile` or `%run` touch.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Literal

# Cell magics whose body is Python that the kernel runs (timing, capture, sparkmagic's session).
PYTHON_BODY_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "memit", "debug", "spark", "pyspark", "local"}
)

# Line magics followed by a Python statement that the kernel runs.
STATEMENT_LINE_MAGICS = frozenset({"time", "timeit", "prun", "memit"})

_SHELL = re.compile(r"^(\s*)!(.*)$")
_LINE_MAGIC = re.compile(r"^(\s*)%{1,2}(\w*)\s*(.*)$")
_ASSIGNED_MAGIC = re.compile(r"^(\s*)([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*([!%])(.*)$")
_HELP = re.compile(r"^(\s*)(\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")
# Options of %time/%timeit/%prun written before the statement, e.g. `-n 10 -r 3` or `-q`.
_TIMING_OPTIONS = re.compile(r"^(?:-[A-Za-z]\S*\s+(?:\d+\s+)?)*")


@dataclass(frozen=True)
class MagicUse:
    """An IPython magic or shell escape in a cell.

    `line` is 1-based within the cell. `body` is the text below a cell magic whose body is not
    Python (such as `%%sql` or `%%writefile`), and empty otherwise.
    """

    line: int
    kind: Literal["cell", "line", "shell"]
    name: str
    arguments: str
    body: str = ""


@dataclass(frozen=True)
class NeutralisedCode:
    """Plain Python with the same number of lines as the cell, and the magics taken out of it."""

    code: str
    magics: list[MagicUse] = field(default_factory=list)


def neutralise_ipython(source: str) -> NeutralisedCode:
    """Replace IPython-only syntax in a cell with Python that parses, keeping the line numbers."""
    lines = source.split("\n")
    magics: list[MagicUse] = []

    body_start = _strip_cell_magic(lines, magics)
    if body_start is None:
        return NeutralisedCode("\n".join(lines), magics)

    candidates = [index for index in range(body_start, len(lines)) if _is_ipython_line(lines[index])]
    if not candidates:
        return NeutralisedCode("\n".join(lines), magics)

    statement_rows = _statement_rows(lines, candidates)
    for index in candidates:
        # A line inside a multi-line string or a bracket is data or a continuation, not a magic.
        if statement_rows is not None and index + 1 not in statement_rows:
            continue
        lines[index] = _neutralise_line(lines[index], index + 1, magics)
    return NeutralisedCode("\n".join(lines), magics)


def _strip_cell_magic(lines: list[str], magics: list[MagicUse]) -> int | None:
    """Blank a leading `%%magic` line, and its body unless it is Python.

    Returns the index of the first line that may hold Python, or None when none does.
    """
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None or not lines[first].lstrip().startswith("%%"):
        return 0

    header = lines[first].strip()[2:]
    name, _, arguments = header.partition(" ")
    lines[first] = ""
    if name in PYTHON_BODY_CELL_MAGICS:
        magics.append(MagicUse(first + 1, "cell", name, arguments.strip()))
        return first + 1

    body = "\n".join(lines[first + 1 :])
    magics.append(MagicUse(first + 1, "cell", name, arguments.strip(), body))
    for index in range(first + 1, len(lines)):
        lines[index] = ""
    return None


def _is_ipython_line(line: str) -> bool:
    return bool(_SHELL.match(line) or _LINE_MAGIC.match(line) or _ASSIGNED_MAGIC.match(line) or _HELP.match(line))


def _statement_rows(lines: list[str], candidates: list[int]) -> set[int] | None:
    """Return the 1-based rows where a statement starts, or None when the code cannot be tokenized.

    The cell is tokenized as it is first, so a `%` continuing an expression in brackets stays
    an operator. When the magics themselves upset the tokenizer (an unbalanced quote or bracket
    in a shell command), it is tokenized again with the candidate lines read as `pass`.
    """
    rows = _tokenized_statement_rows("\n".join(lines))
    if rows is not None:
        return rows
    placeholder = list(lines)
    for index in candidates:
        indent = len(lines[index]) - len(lines[index].lstrip())
        placeholder[index] = lines[index][:indent] + "pass"
    return _tokenized_statement_rows("\n".join(placeholder))


def _tokenized_statement_rows(text: str) -> set[int] | None:
    rows: set[int] = set()
    depth = 0
    at_start = True
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NEWLINE or (token.type == tokenize.NL and depth == 0):
                at_start = True
                continue
            if token.type in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT, tokenize.ENDMARKER):
                continue
            if at_start:
                rows.add(token.start[0])
                at_start = False
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth = max(0, depth - 1)
    except (tokenize.TokenError, SyntaxError):
        return None
    return rows


def _neutralise_line(line: str, row: int, magics: list[MagicUse]) -> str:
    assigned = _ASSIGNED_MAGIC.match(line)
    if assigned:
        indent, targets, marker, rest = assigned.groups()
        if marker == "!":
            magics.append(MagicUse(row, "shell", "", rest.strip()))
        else:
            name, _, arguments = rest.strip().partition(" ")
            magics.append(MagicUse(row, "line", name, arguments.strip()))
        return f"{indent}{targets} = None"

    shell = _SHELL.match(line)
    if shell:
        indent, command = shell.groups()
        magics.append(MagicUse(row, "shell", "", command.strip()))
        return f"{indent}pass"

    magic = _LINE_MAGIC.match(line)
    if magic:
        indent, name, arguments = magic.groups()
        magics.append(MagicUse(row, "line", name, arguments.strip()))
        return indent + (_timed_statement(name, arguments) or "pass")

    indent = line[: len(line) - len(line.lstrip())]
    return f"{indent}pass"


def _timed_statement(name: str, arguments: str) -> str | None:
    """Return the statement a timing magic runs, or None when there is none that parses."""
    if name not in STATEMENT_LINE_MAGICS:
        return None
    statement = _TIMING_OPTIONS.sub("", arguments.strip(), count=1).strip()
    if not statement:
        return None
    try:
        ast.parse(statement)
    except SyntaxError:
        return None
    return statement
