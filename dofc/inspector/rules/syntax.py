"""Flag code the inspector could not read: invalid Python 3, or expressions nested too deeply."""

from __future__ import annotations

from ..report import Flag
from .context import RuleContext

FIX = "Fix the syntax before submitting; Python 2 code such as `print x` must be ported to Python 3 (`print(x)`)."


ANALYSIS_FIX = "Split the expression into several statements if the report should cover it."


def check(context: RuleContext) -> list[Flag]:
    flags: list[Flag] = []
    for unit in context.units:
        problem = unit.problem
        if problem is None:
            continue
        where = "The cell" if unit.cell is not None else "The script"
        if problem.parsed_rest:
            lines = ", ".join(str(line) for line in problem.skipped_lines)
            consequence = f"the inspector skipped line(s) {lines} and analysed the rest"
        else:
            consequence = "the inspector could not analyse it"
        message = f"{where} is not valid Python 3 ({problem.message}), so running it raises SyntaxError; {consequence}."
        flags.append(Flag("syntax_error", "error", unit.cell, problem.line, message, FIX))

    for cell, line in context.facts.unanalysed:
        message = (
            "The statement nests expressions too deeply for the inspector to follow, so the data it "
            "reads and writes and its risks are not reported."
        )
        flags.append(Flag("analysis_incomplete", "info", cell, line, message, ANALYSIS_FIX))
    return flags
