"""Parse a cell or script into an AST, skipping the lines that are not valid Python 3.

Old notebooks often hold Python 2 (`print x`) next to code that still shows what the notebook
reads and runs, so a syntax error should cost the lines it is on, not the whole cell. Each
failing line is replaced first by `pass` at its indentation, then by a blank line, and the
parse is retried. Line numbers stay those of the original text.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .magics import MagicUse

# Enough for a cell with many Python 2 prints, small enough that a file of garbage fails fast.
MAX_SKIPPED_LINES = 50


@dataclass(frozen=True)
class SyntaxProblem:
    """The first syntax error in a unit, and the 1-based lines skipped to parse the rest."""

    line: int
    message: str
    skipped_lines: tuple[int, ...]
    parsed_rest: bool


def parse_tolerantly(code: str) -> tuple[ast.Module | None, SyntaxProblem | None]:
    """Return the AST of the code and the syntax problem met, if any.

    The tree is None when no amount of skipped lines made the code parse.
    """
    lines = code.split("\n")
    skipped: list[int] = []
    first_error: tuple[int, str] | None = None

    for _ in range(2 * MAX_SKIPPED_LINES):
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError as error:
            row = error.lineno or 0
            if first_error is None:
                first_error = (max(row, 1), error.msg)
            if not _skip_line(lines, row, skipped):
                return None, _problem(first_error, skipped, parsed_rest=False)
            continue
        except (ValueError, RecursionError, MemoryError) as error:
            # ValueError: NUL bytes in the source. The others: nesting too deep for the parser.
            reason = str(error) or type(error).__name__
            return None, SyntaxProblem(1, reason, tuple(skipped), parsed_rest=False)

        if first_error is None:
            return tree, None
        return tree, _problem(first_error, skipped, parsed_rest=True)

    assert first_error is not None
    return None, _problem(first_error, skipped, parsed_rest=False)


def _skip_line(lines: list[str], row: int, skipped: list[int]) -> bool:
    """Blank out one more step of the failing line; return False when there is nothing left to try."""
    if not 1 <= row <= len(lines) or len(set(skipped)) > MAX_SKIPPED_LINES:
        return False

    index = row - 1
    line = lines[index]
    indent = line[: len(line) - len(line.lstrip())]
    if line.strip() == "":
        return False
    if row in skipped and line.strip() == "pass":
        lines[index] = ""
        return True
    if row in skipped:
        return False

    skipped.append(row)
    lines[index] = f"{indent}pass"
    return True


def _problem(first_error: tuple[int, str], skipped: list[int], parsed_rest: bool) -> SyntaxProblem:
    line, message = first_error
    return SyntaxProblem(line, message, tuple(sorted(set(skipped))), parsed_rest)


@dataclass(frozen=True)
class ParsedUnit:
    """A code unit after IPython syntax was neutralised and the code parsed.

    `source` is the original text, which the credential scan reads because a secret in a shell
    escape or a comment leaks as well. `tree` is None when the code could not be parsed at all.
    """

    cell: int | None
    source: str
    tree: ast.Module | None
    problem: SyntaxProblem | None
    magics: list[MagicUse]
