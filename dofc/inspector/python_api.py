"""Handlers for calls of the standard library, pandas, NumPy and str methods."""

from __future__ import annotations

import ast

from .callsite import CallSite
from .facts import Write
from .source_text import unparse
from .sql import read_query
from .strings import format_template, join_items, join_paths
from .values import UNKNOWN, UNKNOWN_PART, Kind, Value, merge_origins, string
from .vocabulary import (
    PANDAS_CONSTRUCTORS,
    PANDAS_READS,
    PANDAS_SQL_READS,
    PANDAS_WRITES,
    PATH_READ_METHODS,
    PATH_WRITE_METHODS,
    PYTHON_FILE_READS,
    PYTHON_FILE_WRITES,
    PYTHON_URL_READS,
)

_OPEN_FUNCTIONS = frozenset({"builtins.open", "io.open", "codecs.open"})
_PATH_CONSTRUCTORS = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"})
_PATH_JOINS = frozenset({"os.path.join", "posixpath.join"})
_PATH_PASS_THROUGH = frozenset(
    {"os.path.expanduser", "os.path.abspath", "os.path.normpath", "os.path.realpath", "os.fspath", "builtins.str"}
)
_RUN_TIME_STRINGS = frozenset({"os.getenv", "os.environ.get", "os.getcwd", "getpass.getuser", "tempfile.mkdtemp"})
_STRING_TRANSFORMS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "casefold", "replace"})
_PANDAS_PATH_KEYWORDS = ("filepath_or_buffer", "path_or_buf", "path_or_buffer", "path", "io")


def call_function(qualname: str, site: CallSite) -> Value:
    """Return the result of a standard library, pandas or NumPy call, recording its reads and writes."""
    if qualname in _OPEN_FUNCTIONS:
        return _open(site, site.argument(0, "file"), site.argument(1, "mode"), site.source_text(0, "file"), "open")
    if qualname.startswith("pandas."):
        return _pandas_function(qualname[len("pandas.") :], site)
    if qualname in _PATH_JOINS or qualname in _PATH_CONSTRUCTORS:
        return join_paths(site.args) if site.args else string(".")
    if qualname in _PATH_PASS_THROUGH:
        first = site.argument(0)
        return first if first.kind is Kind.STRING else UNKNOWN
    if qualname in _RUN_TIME_STRINGS:
        return string(UNKNOWN_PART, exact=False)
    if qualname in PYTHON_URL_READS:
        _record_read(site, "python", qualname, site.argument(0, "url"), None, site.source_text(0, "url"))
        if qualname.endswith("urlretrieve") and site.has_argument(1, "filename"):
            _record_write(site, "python", qualname, site.argument(1, "filename"), None, site.source_text(1, "filename"))
        return UNKNOWN
    if qualname in PYTHON_FILE_READS:
        position = PYTHON_FILE_READS[qualname]
        _record_read(
            site, "python", qualname, site.argument(position, "fname"), None, site.source_text(position, "fname")
        )
        return UNKNOWN
    if qualname in PYTHON_FILE_WRITES:
        position = PYTHON_FILE_WRITES[qualname]
        _record_write(site, "python", qualname, site.argument(position), None, site.source_text(position))
        return UNKNOWN
    return UNKNOWN


def call_pandas_method(receiver: Value, name: str, site: CallSite) -> Value:
    """Return the result of a pandas DataFrame, Series or GroupBy method, recording its writes."""
    if name in PANDAS_WRITES:
        # Without a path, to_csv and the like return the text instead of writing a file.
        if site.has_argument(0, None) or any(keyword in site.keywords for keyword in _PANDAS_PATH_KEYWORDS):
            path, expression = _pandas_path(site)
            _record_write(site, "pandas", f"DataFrame.{name}", path, PANDAS_WRITES[name], expression)
        return UNKNOWN
    if name == "to_sql":
        _record_write(
            site,
            "pandas",
            "DataFrame.to_sql",
            site.argument(0, "name"),
            "sql",
            site.source_text(0, "name"),
            kind="table",
        )
        return UNKNOWN
    if name in ("merge", "join", "append", "combine_first"):
        other = site.argument(0, "right" if name == "merge" else "other")
        return Value(kind=Kind.PANDAS, origins=merge_origins([receiver, other]))
    if name == "groupby":
        return Value(kind=Kind.PANDAS_GROUPED, origins=receiver.origins)
    return Value(kind=Kind.PANDAS, origins=receiver.origins)


def pandas_attribute(receiver: Value, name: str) -> Value:
    """Return `receiver.name`: a column of a GroupBy stays grouped, anything else is pandas data."""
    if receiver.kind is Kind.PANDAS_GROUPED:
        return receiver
    return Value(kind=Kind.PANDAS, origins=receiver.origins)


def call_string_method(receiver: Value, name: str, site: CallSite) -> Value:
    """Return the result of a str method, or of a pathlib.Path method on a path tracked as str."""
    if name == "format":
        return format_template(receiver, site.args, site.keywords)
    if name == "join":
        return join_items(receiver, site.argument(0))
    if name in _STRING_TRANSFORMS:
        return _transform_string(receiver, name, site)
    if name == "joinpath":
        return join_paths([receiver, *site.args])
    if name in ("expanduser", "resolve", "absolute"):
        return receiver
    if name in PATH_READ_METHODS:
        _record_read(site, "python", f"Path.{name}", receiver, None, _receiver_text(site))
    elif name in PATH_WRITE_METHODS:
        _record_write(site, "python", f"Path.{name}", receiver, None, _receiver_text(site))
    elif name == "open":
        return _open(site, receiver, site.argument(0, "mode"), _receiver_text(site), "Path.open")
    return UNKNOWN


def _pandas_function(name: str, site: CallSite) -> Value:
    if name in PANDAS_READS:
        path, expression = _pandas_path(site)
        dataset = _record_read(site, "pandas", f"pandas.{name}", path, PANDAS_READS[name], expression)
        return Value(kind=Kind.PANDAS, origins=frozenset({dataset}))
    if name in PANDAS_SQL_READS:
        return _pandas_sql_read(name, site)
    if name in ("merge", "concat"):
        parts: list[Value] = []
        for argument in site.args:
            parts.extend(argument.items if argument.kind is Kind.SEQUENCE else [argument])
        return Value(kind=Kind.PANDAS, origins=merge_origins(parts))
    if f"pandas.{name}" in PANDAS_CONSTRUCTORS:
        return Value(kind=Kind.PANDAS)
    return UNKNOWN


def _pandas_sql_read(name: str, site: CallSite) -> Value:
    """Record `pd.read_sql(...)` and kin: one read per table of the query, or the query itself."""
    query = site.argument(0)
    expression = site.source_text(0)
    api = f"pandas.{name}"
    text = query.text if query.kind is Kind.STRING and query.exact else None
    if text is None or name == "read_sql_table" or not text.strip().count(" "):
        dataset = _record_read(site, "pandas", api, query, "sql", expression, kind="table")
        return Value(kind=Kind.PANDAS, origins=frozenset({dataset}))

    tables = read_query(text).tables
    origins = {_record_read(site, "pandas", api, string(table), "sql", expression, kind="table") for table in tables}
    if not origins:
        origins.add(_record_read(site, "pandas", api, query, "sql", expression, kind="query"))
    return Value(kind=Kind.PANDAS, origins=frozenset(origins))


def _pandas_path(site: CallSite) -> tuple[Value, str]:
    for keyword in _PANDAS_PATH_KEYWORDS:
        if keyword in site.keywords:
            return site.keywords[keyword], site.source_text(None, keyword)
    return site.argument(0), site.source_text(0)


def _open(site: CallSite, path: Value, mode: Value, expression: str, api: str) -> Value:
    mode_text = mode.text if mode.kind is Kind.STRING and mode.exact and mode.text else "r"
    writes = any(flag in mode_text for flag in "wax+")
    if writes:
        _record_write(site, "python", api, path, None, expression)
    if not writes or "+" in mode_text:
        _record_read(site, "python", api, path, None, expression)
    return UNKNOWN


def _transform_string(receiver: Value, name: str, site: CallSite) -> Value:
    arguments = [argument.text for argument in site.args]
    if (
        not receiver.exact
        or receiver.text is None
        or not all(argument.is_exact_text() and argument.kind is Kind.STRING for argument in site.args)
    ):
        return string(UNKNOWN_PART, exact=False)
    return string(getattr(str, name)(receiver.text, *arguments))


def _receiver_text(site: CallSite) -> str:
    function = site.node.func
    return unparse(function.value) if isinstance(function, ast.Attribute) else ""


def _record_read(
    site: CallSite, engine: str, api: str, location: Value, data_format: str | None, expression: str, kind: str = "path"
) -> int:
    ref = site.data_ref(
        engine=engine, api=api, kind=kind, location=location, data_format=data_format, expression=expression
    )
    return site.facts.add_read(ref)


def _record_write(
    site: CallSite, engine: str, api: str, location: Value, data_format: str | None, expression: str, kind: str = "path"
) -> None:
    ref = site.data_ref(
        engine=engine, api=api, kind=kind, location=location, data_format=data_format, expression=expression
    )
    site.facts.writes.append(Write(ref))
