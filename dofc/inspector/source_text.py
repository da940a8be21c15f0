"""Source text of AST nodes for reports and messages."""

from __future__ import annotations

import ast

TOO_DEEP = "<expression nested too deeply to show>"


def unparse(node: ast.AST) -> str:
    """Return the source text of a node, or a placeholder when it is nested too deeply to unparse."""
    try:
        return ast.unparse(node)
    except RecursionError:
        return TOO_DEEP
