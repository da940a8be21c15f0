"""Render a report as text for a person reading a terminal."""

from __future__ import annotations

from .report import DataRef, Flag, Report


def render_summary(report: Report, name: str) -> str:
    """Return a multi-line summary: shape, Spark use, data read and written, operations, flags."""
    lines: list[str] = []
    if report.kind == "notebook":
        lines.append(f"{name}: notebook, nbformat {report.nbformat}, {report.cells} cells ({report.code_cells} code)")
    else:
        lines.append(f"{name}: Python script")
    lines.append(f"Uses Spark: {'yes' if report.uses_spark else 'no'}")

    lines.append(_section("Reads", len(report.inputs)))
    lines.extend(f"  {_describe(ref)}" for ref in report.inputs)
    lines.append(_section("Writes", len(report.outputs)))
    lines.extend(f"  {_describe(ref)}" for ref in report.outputs)

    used = {kind: count for kind, count in report.operations.items() if count}
    operations = ", ".join(f"{kind} {count}" for kind, count in used.items()) or "none"
    lines.append(f"Operations: {operations}")

    lines.append(_section("Flags", len(report.flags)))
    for flag in report.flags:
        lines.extend(_flag_lines(flag))
    return "\n".join(lines)


def _section(title: str, count: int) -> str:
    return f"{title} ({count}):" if count else f"{title}: none"


def _describe(ref: DataRef) -> str:
    location = ref.location if ref.location is not None else f"<computed: {ref.expression or 'unknown'}>"
    data_format = f" {ref.format}" if ref.format else ""
    return f"{ref.kind}{data_format} {location}  [{ref.api}, {_where(ref.cell, ref.line)}]"


def _flag_lines(flag: Flag) -> list[str]:
    return [
        f"  {flag.severity.upper()} {flag.id} ({_where(flag.cell, flag.line)}): {flag.message}",
        f"    fix: {flag.fix}",
    ]


def _where(cell: int | None, line: int) -> str:
    return f"cell {cell}, line {line}" if cell is not None else f"line {line}"
