"""Flag cross joins, and Spark joins that broadcast neither side."""

from __future__ import annotations

import ast

from ..facts import FunctionCall, MethodCall
from ..report import Flag
from ..source_text import unparse
from ..values import Kind, Value
from .context import RuleContext

BROADCAST_HINTS = frozenset({"broadcast", "broadcastjoin", "mapjoin"})

CROSS_JOIN_FIX = (
    "Join on a key (`a.join(b, on='id')`); if the cross product is intended, filter or "
    "aggregate both sides first so that their product stays small."
)
BROADCAST_FIX = (
    "If one side is small (up to a few hundred MB), wrap it in broadcast: "
    "`a.join(F.broadcast(b), on=...)`; if both sides are large, keep the shuffle join."
)


def check(context: RuleContext) -> list[Flag]:
    facts = context.facts
    flags: list[Flag] = []
    for call in facts.method_calls:
        reason = _cross_join_reason(call, facts.uses_spark)
        if reason is not None:
            flags.append(Flag("cross_join", "warning", call.cell, call.line, reason, CROSS_JOIN_FIX))
        elif _is_shuffle_join(call):
            message = (
                f"`{call.receiver_text}.join({_argument_text(call)}, ...)` shuffles both sides "
                "because neither is wrapped in broadcast(); a small side could be sent whole to every executor instead."
            )
            flags.append(Flag("join_without_broadcast", "info", call.cell, call.line, message, BROADCAST_FIX))
    for function_call in facts.function_calls:
        if (
            function_call.qualname == "pandas.merge"
            and _join_type(function_call.keywords, function_call.args, 2) == "cross"
        ):
            flags.append(
                Flag(
                    "cross_join",
                    "warning",
                    function_call.cell,
                    function_call.line,
                    _pandas_cross_message(function_call),
                    CROSS_JOIN_FIX,
                )
            )
    return flags


def _cross_join_reason(call: MethodCall, uses_spark: bool) -> str | None:
    """Return why a method call is a cross join, or None when it is not one."""
    kind = call.receiver.kind
    pair = f"`{call.receiver_text}.{call.name}({_argument_text(call)})`"
    if call.name == "crossJoin" and (kind is Kind.SPARK_DATAFRAME or (kind is Kind.UNKNOWN and uses_spark)):
        return (
            f"{pair} pairs every row of one side with every row of the other, so the output row count "
            "is the product of both sides' row counts."
        )
    if call.name == "cartesian" and kind is Kind.SPARK_RDD:
        return (
            f"{pair} pairs every element of one RDD with every element of the other, so the output size "
            "is the product of both sides' sizes."
        )
    if call.name == "join" and kind is Kind.SPARK_DATAFRAME:
        if _join_type(call.keywords, call.args, 2) == "cross":
            return f"{pair} is a cross join, so the output row count is the product of both sides' row counts."
        if not _has_condition(call):
            return f"{pair} has no join condition, so Spark computes the cross product of both sides."
    pandas_join = call.name in ("merge", "join") and kind in (Kind.PANDAS, Kind.PANDAS_GROUPED)
    if pandas_join and _join_type(call.keywords, call.args, 1 if call.name == "merge" else 2) == "cross":
        return f"{pair} with how='cross' pairs every row of one frame with every row of the other in memory."
    return None


def _is_shuffle_join(call: MethodCall) -> bool:
    if call.name != "join" or call.receiver.kind is not Kind.SPARK_DATAFRAME:
        return False
    other = call.keywords.get("other") or (call.args[0] if call.args else None)
    if other is None or other.kind not in (Kind.SPARK_DATAFRAME, Kind.UNKNOWN):
        return False
    return not (_is_broadcast(call.receiver) or _is_broadcast(other))


def _is_broadcast(value: Value) -> bool:
    if not value.steps:
        return False
    last = value.steps[-1]
    if last.name == "broadcast":
        return True
    return last.name == "hint" and isinstance(last.argument, str) and last.argument.lower() in BROADCAST_HINTS


def _has_condition(call: MethodCall) -> bool:
    node = _condition_node(call)
    # `on=None` is spelled out in some code and still means no condition.
    return node is not None and not (isinstance(node, ast.Constant) and node.value is None)


def _condition_node(call: MethodCall) -> ast.expr | None:
    for keyword in call.node.keywords:
        if keyword.arg == "on":
            return keyword.value
    return call.node.args[1] if len(call.node.args) > 1 else None


def _join_type(keywords: dict[str, Value], args: tuple[Value, ...], position: int) -> str | None:
    how = keywords.get("how") or (args[position] if len(args) > position else None)
    if how is None or how.kind is not Kind.STRING or not how.exact or how.text is None:
        return None
    return how.text.lower()


def _argument_text(call: MethodCall) -> str:
    return unparse(call.node.args[0]) if call.node.args else ""


def _pandas_cross_message(call: FunctionCall) -> str:
    return f"`{unparse(call.node)}` pairs every row of one frame with every row of the other in memory."
