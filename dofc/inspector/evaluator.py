"""Walk the code in execution order and record what it reads, writes and calls.

The walk is a light abstract interpretation: it keeps one scope of names across all cells, as
a kernel does, and evaluates each expression to a `Value` as far as that is possible without
running it. Function bodies are walked where they are defined, with their parameters unknown.
The API handlers (`spark_api`, `python_api`) give calls their meaning.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable

from . import python_api, spark_api
from .callsite import CallSite
from .facts import Facts, FunctionCall, MethodCall, UdfDefinition
from .source_text import unparse
from .strings import join_paths, percent_format
from .values import (
    PANDAS_KINDS,
    UNKNOWN,
    Kind,
    Value,
    concatenate,
    module,
    number,
    string,
)
from .vocabulary import (
    PANDAS_UDF_FUNCTIONS,
    PREDEFINED_SPARK_CONTEXTS,
    PREDEFINED_SPARK_SESSIONS,
    PYTHON_UDF_FUNCTIONS,
    RECOGNISED_FUNCTIONS,
    SPARK_MODULE_ALIASES,
)

_BUILTIN_NAMES = frozenset(dir(builtins))
_SPARK_PACKAGES = ("pyspark", "findspark", "databricks", "delta")


class Evaluator:
    """Evaluate the units of one notebook or script, in order, into a shared `Facts`."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.scope: dict[str, Value] = {}
        self.star_imports: list[str] = []
        self.cell: int | None = None
        self._assignment: tuple[ast.expr, tuple[str, ...]] | None = None

    def run(self, tree: ast.Module, cell: int | None) -> None:
        self.cell = cell
        for statement in tree.body:
            try:
                self.statement(statement)
            except RecursionError:
                # The parser accepts expressions nested deeper than this recursive walk can follow.
                self.facts.unanalysed.append((cell, statement.lineno))

    # Statements.

    def statement(self, node: ast.stmt) -> None:
        handler = getattr(self, f"_statement_{type(node).__name__}", None)
        if handler is None:
            self._walk_children(node)
        else:
            handler(node)

    def _walk_children(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.statement(child)
            elif isinstance(child, ast.expr):
                self.evaluate(child)
            else:
                self._walk_children(child)

    def _statement_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._note_spark_import(alias.name)
            if alias.asname:
                self.scope[alias.asname] = module(alias.name)
            else:
                top = alias.name.split(".")[0]
                self.scope[top] = module(top)

    def _statement_ImportFrom(self, node: ast.ImportFrom) -> None:
        source = node.module or ""
        self._note_spark_import(source)
        for alias in node.names:
            if alias.name == "*":
                self.star_imports.append(source)
            else:
                self.scope[alias.asname or alias.name] = module(f"{source}.{alias.name}")

    def _statement_Assign(self, node: ast.Assign) -> None:
        value = self._evaluate_assigned(node.value, node.targets)
        for target in node.targets:
            self.bind(target, value)

    def _statement_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is None:
            return
        self.bind(node.target, self._evaluate_assigned(node.value, [node.target]))

    def _statement_AugAssign(self, node: ast.AugAssign) -> None:
        increment = self.evaluate(node.value)
        if isinstance(node.target, ast.Name):
            current = self._lookup(node.target.id)
            self.scope[node.target.id] = self._binary(current, node.op, increment)
        else:
            self._walk_children(node.target)

    def _statement_For(self, node: ast.For | ast.AsyncFor) -> None:
        iterable = self.evaluate(node.iter)
        self.bind(node.target, _element_of(iterable))
        for statement in node.body + node.orelse:
            self.statement(statement)

    _statement_AsyncFor = _statement_For

    def _statement_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            context = self.evaluate(item.context_expr)
            if item.optional_vars is not None:
                self.bind(item.optional_vars, context)
        for statement in node.body:
            self.statement(statement)

    _statement_AsyncWith = _statement_With

    def _statement_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self._evaluate_decorator(decorator)
        self._evaluate_defaults(node.args)
        parameters = _parameter_names(node.args)
        self._in_scope(parameters, lambda: [self.statement(statement) for statement in node.body])
        self.scope[node.name] = Value(name=node.name)

    _statement_AsyncFunctionDef = _statement_FunctionDef

    def _statement_ClassDef(self, node: ast.ClassDef) -> None:
        for expression in [*node.decorator_list, *node.bases, *(item.value for item in node.keywords)]:
            self.evaluate(expression)
        self._in_scope([], lambda: [self.statement(statement) for statement in node.body])
        self.scope[node.name] = Value(name=node.name)

    def _evaluate_decorator(self, decorator: ast.expr) -> None:
        value = self.evaluate(decorator)
        # `@udf(...)` was recorded as a call while evaluating it; a bare `@udf` is recorded here.
        if isinstance(decorator, ast.Call) or value.kind is not Kind.MODULE:
            return
        qualname = _canonical(value.name or "")
        if qualname in PYTHON_UDF_FUNCTIONS or qualname in PANDAS_UDF_FUNCTIONS:
            self.facts.uses_spark = True
            self.facts.udfs.append(
                UdfDefinition(
                    qualname.rsplit(".", 1)[-1], qualname in PANDAS_UDF_FUNCTIONS, self.cell, decorator.lineno
                )
            )

    def _evaluate_defaults(self, arguments: ast.arguments) -> None:
        for default in [*arguments.defaults, *arguments.kw_defaults]:
            if default is not None:
                self.evaluate(default)

    def _note_spark_import(self, module_name: str) -> None:
        if module_name.split(".")[0] in _SPARK_PACKAGES:
            self.facts.uses_spark = True

    # Binding names.

    def bind(self, target: ast.expr, value: Value) -> None:
        if isinstance(target, ast.Name):
            self.scope[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            self._bind_unpacked(target.elts, value)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, UNKNOWN)
        elif isinstance(target, ast.Attribute):
            self.evaluate(target.value)
            dotted = _dotted_name(target)
            if dotted is not None:
                self.scope[dotted] = value
        else:
            self._walk_children(target)

    def _bind_unpacked(self, targets: list[ast.expr], value: Value) -> None:
        starred = any(isinstance(target, ast.Starred) for target in targets)
        if value.kind is Kind.SEQUENCE and not starred and len(value.items) == len(targets):
            for target, item in zip(targets, value.items, strict=False):
                self.bind(target, item)
            return
        for target in targets:
            self.bind(target, _element_of(value))

    def _in_scope(self, parameters: list[str], body: Callable[[], object]) -> None:
        saved = dict(self.scope)
        for name in parameters:
            self.scope[name] = Value(name=name)
        try:
            body()
        finally:
            self.scope = saved

    def _lookup(self, name: str) -> Value:
        if name in self.scope:
            return self.scope[name]
        if name in PREDEFINED_SPARK_SESSIONS:
            return Value(kind=Kind.SPARK_SESSION, name=name)
        if name in PREDEFINED_SPARK_CONTEXTS:
            return Value(kind=Kind.SPARK_CONTEXT, name=name)
        for source in reversed(self.star_imports):
            if _canonical(f"{source}.{name}") in RECOGNISED_FUNCTIONS:
                return module(f"{source}.{name}")
        if name in _BUILTIN_NAMES:
            return module(f"builtins.{name}")
        return Value(name=name)

    # Expressions.

    def evaluate(self, node: ast.expr) -> Value:
        handler = getattr(self, f"_expression_{type(node).__name__}", None)
        if handler is None:
            self._walk_children(node)
            return UNKNOWN
        return handler(node)

    def _evaluate_assigned(self, node: ast.expr, targets: list[ast.expr]) -> Value:
        saved = self._assignment
        self._assignment = (node, tuple(unparse(target) for target in targets))
        try:
            return self.evaluate(node)
        finally:
            self._assignment = saved

    def _expression_Constant(self, node: ast.Constant) -> Value:
        if isinstance(node.value, str):
            return string(node.value)
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return number(node.value)
        return UNKNOWN

    def _expression_JoinedStr(self, node: ast.JoinedStr) -> Value:
        parts: list[Value] = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                value = self.evaluate(part.value)
                if part.format_spec is not None:
                    self.evaluate(part.format_spec)
                plain = part.conversion in (-1, ord("s")) and part.format_spec is None
                parts.append(value if plain else UNKNOWN)
            else:
                parts.append(self.evaluate(part))
        return concatenate(parts)

    def _expression_Name(self, node: ast.Name) -> Value:
        return self._lookup(node.id)

    def _expression_Attribute(self, node: ast.Attribute) -> Value:
        dotted = _dotted_name(node)
        if dotted is not None and dotted in self.scope:
            return self.scope[dotted]
        receiver = self.evaluate(node.value)
        if receiver.kind is Kind.MODULE:
            return module(f"{receiver.name}.{node.attr}")
        if receiver.is_spark():
            self.facts.uses_spark = True
            return spark_api.attribute(receiver, node.attr)
        if receiver.kind in PANDAS_KINDS:
            return python_api.pandas_attribute(receiver, node.attr)
        return UNKNOWN

    def _expression_Call(self, node: ast.Call) -> Value:
        function = node.func
        receiver: Value | None = None
        callee = UNKNOWN
        dotted = _dotted_name(function) if isinstance(function, ast.Attribute) else None
        if isinstance(function, ast.Attribute) and (dotted is None or dotted not in self.scope):
            receiver = self.evaluate(function.value)
            if receiver.kind is Kind.MODULE:
                callee, receiver = module(f"{receiver.name}.{function.attr}"), None
        else:
            callee = self.evaluate(function)

        site = self._call_site(node)
        if receiver is not None and isinstance(function, ast.Attribute):
            return self._call_method(receiver, function, site)
        if callee.kind is Kind.MODULE and callee.name:
            return self._call_function(_canonical(callee.name), site)
        return UNKNOWN

    def _call_site(self, node: ast.Call) -> CallSite:
        args = [self.evaluate(argument) for argument in node.args]
        keywords: dict[str, Value] = {}
        for keyword in node.keywords:
            value = self.evaluate(keyword.value)
            if keyword.arg is not None:
                keywords[keyword.arg] = value
        assigned_to = self._assignment[1] if self._assignment and self._assignment[0] is node else ()
        return CallSite(node, self.cell, node.lineno, args, keywords, self.facts, assigned_to)

    def _call_method(self, receiver: Value, function: ast.Attribute, site: CallSite) -> Value:
        name = function.attr
        # In a chain spread over lines, the method's own line is where its name is.
        site.line = function.end_lineno or site.line
        site.receiver_key = _dotted_name(function.value)
        self.facts.method_calls.append(
            MethodCall(
                name=name,
                receiver=receiver,
                receiver_text=unparse(function.value),
                args=tuple(site.args),
                keywords=site.keywords,
                node=site.node,
                cell=site.cell,
                line=site.line,
            )
        )

        if receiver.is_spark():
            self.facts.uses_spark = True
            return spark_api.call_method(receiver, name, site)
        if receiver.kind in PANDAS_KINDS:
            return python_api.call_pandas_method(receiver, name, site)
        if receiver.kind is Kind.STRING:
            return python_api.call_string_method(receiver, name, site)
        if receiver.kind is Kind.UNKNOWN:
            # Keep the chain on values of unknown type, so `df.limit(5).toPandas()` on a function
            # parameter still shows the limit.
            return Value(steps=(*receiver.steps, site.step(name)))
        return UNKNOWN

    def _call_function(self, qualname: str, site: CallSite) -> Value:
        self.facts.function_calls.append(
            FunctionCall(qualname, tuple(site.args), site.keywords, site.node, site.cell, site.line)
        )
        if qualname.startswith("pyspark."):
            self.facts.uses_spark = True
            return spark_api.call_function(qualname, site)
        return python_api.call_function(qualname, site)

    def _expression_BinOp(self, node: ast.BinOp) -> Value:
        return self._binary(self.evaluate(node.left), node.op, self.evaluate(node.right))

    def _binary(self, left: Value, operator: ast.operator, right: Value) -> Value:
        if isinstance(operator, ast.Add) and Kind.STRING in (left.kind, right.kind):
            return concatenate([left, right])
        if isinstance(operator, ast.Mod) and left.kind is Kind.STRING:
            return percent_format(left, right)
        if isinstance(operator, ast.Div) and left.kind is Kind.STRING:
            # pathlib: Path(root) / "name"; a Path is tracked as its path string.
            return join_paths([left, right])
        if left.kind is Kind.NUMBER and right.kind is Kind.NUMBER:
            return _arithmetic(left.number, operator, right.number)
        return UNKNOWN

    def _expression_UnaryOp(self, node: ast.UnaryOp) -> Value:
        operand = self.evaluate(node.operand)
        if isinstance(node.op, ast.USub) and operand.kind is Kind.NUMBER and operand.number is not None:
            return number(-operand.number)
        return UNKNOWN

    def _expression_Tuple(self, node: ast.Tuple | ast.List | ast.Set) -> Value:
        return Value(kind=Kind.SEQUENCE, items=tuple(self.evaluate(item) for item in node.elts))

    _expression_List = _expression_Tuple
    _expression_Set = _expression_Tuple

    def _expression_Starred(self, node: ast.Starred) -> Value:
        return self.evaluate(node.value)

    def _expression_NamedExpr(self, node: ast.NamedExpr) -> Value:
        value = self.evaluate(node.value)
        self.bind(node.target, value)
        return value

    def _expression_Subscript(self, node: ast.Subscript) -> Value:
        container = self.evaluate(node.value)
        index = self.evaluate(node.slice)
        if container.kind in PANDAS_KINDS:
            return Value(kind=Kind.PANDAS, steps=container.steps, origins=container.origins)
        if container.kind is Kind.SEQUENCE and index.kind is Kind.NUMBER and index.number is not None:
            position = int(index.number)
            if -len(container.items) <= position < len(container.items):
                return container.items[position]
        return UNKNOWN

    def _expression_Lambda(self, node: ast.Lambda) -> Value:
        self._evaluate_defaults(node.args)
        self._in_scope(_parameter_names(node.args), lambda: self.evaluate(node.body))
        return Value(name="lambda")

    def _expression_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> Value:
        def body() -> None:
            for generator in node.generators:
                self.bind(generator.target, _element_of(self.evaluate(generator.iter)))
                for condition in generator.ifs:
                    self.evaluate(condition)
            if isinstance(node, ast.DictComp):
                self.evaluate(node.key)
                self.evaluate(node.value)
            else:
                self.evaluate(node.elt)

        self._in_scope([], body)
        return UNKNOWN

    _expression_SetComp = _expression_ListComp
    _expression_GeneratorExp = _expression_ListComp
    _expression_DictComp = _expression_ListComp


def _element_of(iterable: Value) -> Value:
    """Return what iterating over a value yields: the same data for a dataset, else unknown."""
    if iterable.is_data():
        return iterable
    return UNKNOWN


def _parameter_names(arguments: ast.arguments) -> list[str]:
    names = [argument.arg for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]]
    for special in (arguments.vararg, arguments.kwarg):
        if special is not None:
            names.append(special.arg)
    return names


def _dotted_name(node: ast.expr) -> str | None:
    """Return `a.b.c` for a chain of attribute accesses on a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _canonical(qualname: str) -> str:
    for alias, canonical in SPARK_MODULE_ALIASES.items():
        if qualname.startswith(alias):
            return canonical + qualname[len(alias) :]
    return qualname


def _arithmetic(left: float | None, operator: ast.operator, right: float | None) -> Value:
    if left is None or right is None:
        return UNKNOWN
    if isinstance(operator, ast.Add):
        return number(left + right)
    if isinstance(operator, ast.Sub):
        return number(left - right)
    if isinstance(operator, ast.Mult):
        return number(left * right)
    if isinstance(operator, (ast.Div, ast.FloorDiv)) and right != 0:
        return number(left / right if isinstance(operator, ast.Div) else left // right)
    return UNKNOWN
