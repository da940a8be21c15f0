"""Flag loops that never end and long sleeps, which hold a cluster share while doing nothing."""

from __future__ import annotations

import ast

from ..report import Flag
from ..source_text import unparse
from ..values import Kind
from ..vocabulary import SLEEP_FUNCTIONS
from .context import RuleContext

# Names whose call ends the program, so a loop that calls one has a way out.
EXIT_CALLS = frozenset({"sys.exit", "exit", "quit", "os._exit", "os.abort"})

LOOP_FIX = (
    "Give the loop an exit: a maximum number of iterations or a deadline checked each time round, followed by `break`."
)
SLEEP_FIX = "Do not wait inside a job: submit it when its input is ready, or poll with short sleeps up to a deadline."


def check(context: RuleContext) -> list[Flag]:
    flags: list[Flag] = []
    for unit in context.units:
        if unit.tree is None:
            continue
        for node in ast.walk(unit.tree):
            if isinstance(node, ast.While) and _always_true(node.test) and not _has_exit(node.body):
                message = (
                    f"`while {unparse(node.test)}:` has no break, return, raise, yield or exit call, "
                    "so it runs until the job is killed and holds its resources meanwhile."
                )
                flags.append(Flag("unbounded_loop", "warning", unit.cell, node.lineno, message, LOOP_FIX))

    for call in context.facts.function_calls:
        if call.qualname not in SLEEP_FUNCTIONS:
            continue
        delay = call.keywords.get("secs") or call.keywords.get("delay") or (call.args[0] if call.args else None)
        if delay is None or delay.kind is not Kind.NUMBER or delay.number is None:
            continue
        if delay.number >= context.long_sleep_seconds:
            message = (
                f"`{unparse(call.node)}` idles for {delay.number:g} s while the job keeps its share of the cluster."
            )
            flags.append(Flag("long_sleep", "warning", call.cell, call.line, message, SLEEP_FIX))
    return flags


def _always_true(test: ast.expr) -> bool:
    return isinstance(test, ast.Constant) and bool(test.value)


def _has_exit(body: list[ast.stmt]) -> bool:
    """Tell whether a loop body can leave the loop: break, return, raise, yield or a call that exits.

    A break inside an inner loop leaves only that loop, and a nested definition does not run here.
    The walk keeps its own stack because expressions can nest deeper than Python's recursion limit.
    """
    pending: list[tuple[ast.AST, bool]] = [(statement, False) for statement in body]
    while pending:
        node, inside_inner_loop = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        # A generator's loop runs only as far as its consumer pulls, so a yield counts as a way out.
        if isinstance(node, (ast.Return, ast.Raise, ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, ast.Break) and not inside_inner_loop:
            return True
        if isinstance(node, ast.Call) and unparse(node.func) in EXIT_CALLS:
            return True
        inner = inside_inner_loop or isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        pending.extend((child, inner) for child in ast.iter_child_nodes(node))
    return False
