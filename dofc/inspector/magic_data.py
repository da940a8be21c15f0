"""Record the data that IPython magics read and write: `%%sql`, `%%writefile`, `%run`, ..."""

from __future__ import annotations

import shlex

from .facts import Facts, Write
from .magics import MagicUse
from .report import DataRef
from .sql import read_query

# Cell magics whose body is a SQL query, with the engine that runs it.
SQL_CELL_MAGICS = {"sql": "sql", "sparksql": "spark", "bigquery": "bigquery"}
FILE_WRITING_CELL_MAGICS = frozenset({"writefile", "file"})
FILE_READING_LINE_MAGICS = frozenset({"run", "load"})


def record_magic_data(facts: Facts, cell: int | None, magics: list[MagicUse]) -> None:
    """Add the reads and writes of a cell's magics to the facts."""
    for magic in magics:
        if magic.kind == "cell" and magic.name in SQL_CELL_MAGICS:
            _record_query(facts, cell, magic)
        elif magic.kind == "cell" and magic.name in FILE_WRITING_CELL_MAGICS:
            ref = _file_ref(magic, cell, f"%%{magic.name}")
            if ref is not None:
                facts.writes.append(Write(ref))
        elif magic.kind == "line" and magic.name in FILE_READING_LINE_MAGICS:
            ref = _file_ref(magic, cell, f"%{magic.name}")
            if ref is not None:
                facts.add_read(ref)


def is_sql_magic(magic: MagicUse) -> bool:
    return magic.kind == "cell" and magic.name in SQL_CELL_MAGICS


def _record_query(facts: Facts, cell: int | None, magic: MagicUse) -> None:
    shape = read_query(magic.body)
    for table in shape.tables:
        ref = _magic_ref(SQL_CELL_MAGICS[magic.name], f"%%{magic.name}", "table", table, True, cell, magic.line)
        facts.add_read(ref, partitioned=True, pushed_filter=shape.filters)


def _file_ref(magic: MagicUse, cell: int | None, api: str) -> DataRef | None:
    """Describe the file named by the first argument of a magic that is not an option."""
    try:
        words = shlex.split(magic.arguments)
    except ValueError:
        words = magic.arguments.split()
    paths = [word for word in words if not word.startswith("-")]
    if not paths:
        return None
    path = paths[0]
    # IPython expands $name and {expression} in magic arguments at run time.
    exact = "$" not in path and "{" not in path
    return _magic_ref("python", api, "path", path, exact, cell, magic.line)


def _magic_ref(engine: str, api: str, kind: str, location: str, exact: bool, cell: int | None, line: int) -> DataRef:
    return DataRef(
        engine=engine,
        api=api,
        kind=kind,  # type: ignore[arg-type]
        location=location,
        exact=exact,
        format=None,
        expression=location,
        cell=cell,
        line=line,
    )
