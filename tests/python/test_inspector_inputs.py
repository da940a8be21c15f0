"""What the inspector reports as read, written and used, and how it copes with notebook syntax."""

from __future__ import annotations

import textwrap

import nbformat
import pytest

from dofc.inspector import OPERATION_KINDS, InspectionError, inspect_source
from dofc.inspector.locations import looks_like_folder_or_glob, place_write
from dofc.inspector.magics import neutralise_ipython
from dofc.inspector.parsing import MAX_SKIPPED_LINES, parse_tolerantly

SPARK_PRELUDE = "from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n"


def inputs_of(code: str) -> list[tuple[str, str, str | None, bool, str | None]]:
    report = inspect_source(SPARK_PRELUDE + textwrap.dedent(code), "script")
    return [(ref.api, ref.kind, ref.location, ref.exact, ref.format) for ref in report.inputs]


def notebook_of(*cells: str, markdown_first: bool = False) -> str:
    notebook = nbformat.v4.new_notebook()
    if markdown_first:
        notebook.cells.append(nbformat.v4.new_markdown_cell("# Title"))
    notebook.cells.extend(nbformat.v4.new_code_cell(textwrap.dedent(cell)) for cell in cells)
    return nbformat.writes(notebook)


READS = [
    pytest.param("spark.read.csv('x')", [("spark.read.csv", "path", "x", True, "csv")], id="spark csv"),
    pytest.param(
        "spark.read.format('bigquery').load('proj.ds.table')",
        [("spark.read.load", "table", "proj.ds.table", True, "bigquery")],
        id="bigquery table through load",
    ),
    pytest.param(
        "t = 'proj.ds.t'\nspark.read.format('bigquery').option('table', t).load()",
        [("spark.read.load", "table", "proj.ds.t", True, "bigquery")],
        id="bigquery table through an option",
    ),
    pytest.param(
        "spark.read.option('mergeSchema', True).parquet('lake/events/')",
        [("spark.read.parquet", "path", "lake/events/", True, "parquet")],
        id="parquet after an option",
    ),
    pytest.param(
        "spark.read.option('path', 'p').load()",
        [("spark.read.load", "path", "p", True, "parquet")],
        id="load with path option defaults to parquet",
    ),
    pytest.param(
        "spark.read.csv(['a.csv', 'b.csv'])",
        [("spark.read.csv", "path", "a.csv", True, "csv"), ("spark.read.csv", "path", "b.csv", True, "csv")],
        id="list of paths",
    ),
    pytest.param("spark.table('db.events')", [("spark.table", "table", "db.events", True, "table")], id="spark table"),
    pytest.param(
        "spark.read.jdbc(url, 'public.orders')",
        [("spark.read.jdbc", "table", "public.orders", True, "jdbc")],
        id="jdbc table",
    ),
    pytest.param(
        "spark.sql('SELECT * FROM db.a JOIN db.b ON a.id = b.id')",
        [("spark.sql", "table", "db.a", True, None), ("spark.sql", "table", "db.b", True, None)],
        id="tables of a SQL query",
    ),
    pytest.param(
        "sc.textFile('hdfs:///logs/*.gz')",
        [("sc.textFile", "path", "hdfs:///logs/*.gz", True, "text")],
        id="RDD text file",
    ),
    pytest.param(
        "import pandas as pd\npd.read_csv('data.csv')",
        [("pandas.read_csv", "path", "data.csv", True, "csv")],
        id="pandas csv",
    ),
    pytest.param(
        "from pandas import read_parquet\nread_parquet(path='p.parquet')",
        [("pandas.read_parquet", "path", "p.parquet", True, "parquet")],
        id="pandas parquet by keyword",
    ),
    pytest.param(
        "import pandas as pd\npd.read_sql('SELECT * FROM sales', con)",
        [("pandas.read_sql", "table", "sales", True, "sql")],
        id="pandas SQL query",
    ),
    pytest.param("open('notes.txt')", [("open", "path", "notes.txt", True, None)], id="open for reading"),
    pytest.param(
        "with open('notes.txt', 'r+') as f:\n    pass",
        [("open", "path", "notes.txt", True, None)],
        id="open for update reads too",
    ),
    pytest.param(
        "base = 'gs://b'\nspark.read.json(base + '/events.json')",
        [("spark.read.json", "path", "gs://b/events.json", True, "json")],
        id="concatenated path",
    ),
    pytest.param(
        "spark.read.json('{}/x.json'.format(root))",
        [("spark.read.json", "path", "*/x.json", False, "json")],
        id="format with unknown part",
    ),
    pytest.param(
        "spark.read.text(f'logs/{day}.txt')",
        [("spark.read.text", "path", "logs/*.txt", False, "text")],
        id="f-string with unknown part",
    ),
    pytest.param(
        "spark.read.text('logs/%s.txt' % 'monday')",
        [("spark.read.text", "path", "logs/monday.txt", True, "text")],
        id="percent format",
    ),
    pytest.param(
        "import os\nopen(os.path.join('data', 'a.csv'))",
        [("open", "path", "data/a.csv", True, None)],
        id="os.path.join",
    ),
    pytest.param(
        "from pathlib import Path\n(Path('data') / 'a.txt').read_text()",
        [("Path.read_text", "path", "data/a.txt", True, None)],
        id="pathlib division",
    ),
    pytest.param(
        "import urllib.request\nurllib.request.urlretrieve('https://x.org/y.zip', 'y.zip')",
        [("urllib.request.urlretrieve", "url", "https://x.org/y.zip", True, None)],
        id="download",
    ),
    pytest.param("spark.read.csv(path)", [("spark.read.csv", "path", None, False, "csv")], id="unknown path"),
]


@pytest.mark.parametrize(("code", "expected"), READS)
def test_inputs(code: str, expected: list[tuple[str, str, str | None, bool, str | None]]) -> None:
    assert inputs_of(code) == expected


def test_input_position_and_expression() -> None:
    report = inspect_source(
        notebook_of("import pandas as pd", "x = 1\nframe = pd.read_csv(name)", markdown_first=True), "notebook"
    )
    [ref] = report.inputs
    assert (ref.cell, ref.line, ref.expression, ref.location) == (2, 2, "name", None)


def test_outputs() -> None:
    code = SPARK_PRELUDE + textwrap.dedent(
        """
        df = spark.read.csv('in.csv')
        df.write.mode('overwrite').parquet('out/events')
        df.write.format('bigquery').option('table', '{}.{}'.format('ds', 't')).save()
        df.write.saveAsTable('db.events')
        df.toPandas().to_csv('local.csv')
        with open('log.txt', 'a') as log:
            pass
        """
    )
    report = inspect_source(code, "script")
    assert [(ref.api, ref.kind, ref.location) for ref in report.outputs] == [
        ("DataFrame.write.parquet", "path", "out/events"),
        ("DataFrame.write.save", "table", "ds.t"),
        ("DataFrame.write.saveAsTable", "table", "db.events"),
        ("DataFrame.to_csv", "path", "local.csv"),
        ("open", "path", "log.txt"),
    ]


def test_operations_are_counted_by_kind() -> None:
    code = SPARK_PRELUDE + textwrap.dedent(
        """
        import pyspark.sql.functions as F
        a = spark.read.parquet('a').cache()
        b = spark.read.parquet('b')
        joined = a.join(b, 'id').groupBy('k').agg(F.sum('v'))
        plus = F.udf(lambda x: x + 1)
        joined.repartition(4).write.parquet('out')
        joined.toPandas()
        a.rdd.map(lambda row: row).collect()
        a.unpersist()
        """
    )
    operations = inspect_source(code, "script").operations
    assert list(operations) == list(OPERATION_KINDS)
    expected = {
        "read": 2,
        "write": 1,
        "join": 1,
        "groupBy": 1,
        "shuffle": 3,
        "udf": 1,
        "toPandas": 1,
        "collect": 1,
        "cache": 1,
        "unpersist": 1,
        "rdd_python_function": 1,
    }
    assert {kind: count for kind, count in operations.items() if count and kind != "action"} == expected


def test_uses_spark() -> None:
    assert inspect_source("import pandas as pd\npd.read_csv('a.csv')", "script").uses_spark is False
    assert inspect_source("sc.textFile('a.txt').count()", "script").uses_spark is True
    assert inspect_source("from pyspark import SparkConf", "script").uses_spark is True


def test_magics_keep_their_statements_and_data() -> None:
    text = notebook_of(
        "%%time\ndf = spark.read.parquet('timed')",
        "%time other = spark.read.csv('line.csv')",
        "%%bigquery\nSELECT * FROM `proj.ds.t` WHERE x > 1",
        "%run helpers.py",
        "%%writefile out/report.txt\nhello",
    )
    report = inspect_source(text, "notebook")
    assert [(ref.api, ref.location, ref.cell) for ref in report.inputs] == [
        ("spark.read.parquet", "timed", 0),
        ("spark.read.csv", "line.csv", 1),
        ("%%bigquery", "proj.ds.t", 2),
        ("%run", "helpers.py", 3),
    ]
    assert [(ref.api, ref.location) for ref in report.outputs] == [("%%writefile", "out/report.txt")]
    assert report.operations["sql"] == 1


def test_report_shape() -> None:
    report = inspect_source(notebook_of("x = 1", markdown_first=True), "notebook")
    data = report.to_dict()
    assert set(data) == {
        "inputs",
        "outputs",
        "operations",
        "uses_spark",
        "flags",
        "cells",
        "code_cells",
        "nbformat",
        "kind",
    }
    assert (data["cells"], data["code_cells"], data["nbformat"], data["kind"]) == (2, 1, 4, "notebook")
    script = inspect_source("x = 1", "script").to_dict()
    assert (script["cells"], script["nbformat"], script["kind"]) == (0, None, "script")


def test_nbformat_3_notebook_is_upgraded() -> None:
    text = nbformat.writes(
        nbformat.v3.new_notebook(
            worksheets=[nbformat.v3.new_worksheet(cells=[nbformat.v3.new_code_cell(input="sc.textFile('a.txt')")])]
        ),
        version=3,
    )
    report = inspect_source(text, "notebook")
    assert report.nbformat == 3
    assert [ref.location for ref in report.inputs] == ["a.txt"]


def test_other_kernel_language_is_not_analysed() -> None:
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}})
    notebook.cells = [nbformat.v4.new_code_cell("x <- read.csv('a.csv')")]
    report = inspect_source(nbformat.writes(notebook), "notebook")
    assert [flag.id for flag in report.flags] == ["unsupported_kernel_language"]


INVALID_NOTEBOOKS = [
    pytest.param("not json", "invalid JSON", id="text that is not JSON"),
    pytest.param("[]", "no integer 'nbformat'", id="JSON that is not an object"),
    pytest.param('{"nbformat": 4}', "not a valid Jupyter notebook", id="notebook without cells"),
    pytest.param('{"nbformat": 9, "cells": []}', "Unsupported nbformat version 9", id="unknown nbformat version"),
]


@pytest.mark.parametrize(("text", "message"), INVALID_NOTEBOOKS)
def test_invalid_notebook_raises(text: str, message: str) -> None:
    with pytest.raises(InspectionError, match=message):
        inspect_source(text, "notebook")


def test_unknown_kind_raises() -> None:
    with pytest.raises(InspectionError, match="unknown source kind 'markdown'"):
        inspect_source("x", "markdown")  # type: ignore[arg-type]


NEUTRALISED = [
    pytest.param("!pip install x\nx = 1", "pass\nx = 1", id="shell escape becomes pass"),
    pytest.param("files = !ls\nfiles", "files = None\nfiles", id="assigned shell output becomes None"),
    pytest.param("if x:\n    %time f()\n", "if x:\n    f()\n", id="indented timing magic keeps its statement"),
    pytest.param("%timeit -n 10 -r 3 f(x)", "f(x)", id="timing options are dropped"),
    pytest.param("%lprun -f g g(1)", "pass", id="other line magics become pass"),
    pytest.param("df.head?", "pass", id="help query becomes pass"),
    pytest.param("%%bash\necho hi\nls", "\n\n", id="non-Python cell magic blanks the cell"),
    pytest.param("\n%%capture out\nx = 1", "\n\nx = 1", id="Python cell magic keeps its body"),
    pytest.param('query = """\n%s\n!done\n"""', 'query = """\n%s\n!done\n"""', id="magic-like lines in a string stay"),
    pytest.param("total = (a\n  % b)", "total = (a\n  % b)", id="modulo continuation stays"),
    pytest.param("!echo (don't\nx = 1", "pass\nx = 1", id="unbalanced shell command"),
]


@pytest.mark.parametrize(("source", "code"), NEUTRALISED)
def test_neutralise_ipython(source: str, code: str) -> None:
    assert neutralise_ipython(source).code == code


def test_parse_tolerantly_skips_bad_lines() -> None:
    tree, problem = parse_tolerantly("a = 1\nprint a\nfor x in y:\n    print x\nb = 2")
    assert tree is not None
    assert problem is not None
    assert (problem.line, problem.skipped_lines, problem.parsed_rest) == (2, (2, 4), True)
    assert [node.lineno for node in tree.body] == [1, 2, 3, 5]


def test_parse_tolerantly_gives_up_on_garbage() -> None:
    tree, problem = parse_tolerantly("\n".join(["def f(:"] * (MAX_SKIPPED_LINES + 2)))
    assert tree is None
    assert problem is not None and not problem.parsed_rest


PLACEMENTS = [
    pytest.param("/etc/x", (), "outside", id="absolute path without roots"),
    pytest.param("/home/alice/x", ("/home/alice",), "inside", id="under a root"),
    pytest.param("/home/alice/../bob/x", ("/home/alice",), "outside", id="dot-dot out of a root"),
    pytest.param("/home/*/x", ("/home/alice",), "not_checked", id="unknown part that may be inside"),
    pytest.param("/tmp/*/x", ("/home/alice",), "outside", id="unknown part under a foreign folder"),
    pytest.param("gs://b/x", (), "not_checked", id="object store without a root"),
    pytest.param("gs://b/x", ("gs://c",), "outside", id="other bucket"),
    pytest.param("a/../../x", (), "above_working_directory", id="relative path climbing out"),
    pytest.param("~/x", (), "not_checked", id="home of whoever runs it"),
]


@pytest.mark.parametrize(("pattern", "roots", "placement"), PLACEMENTS)
def test_place_write(pattern: str, roots: tuple[str, ...], placement: str) -> None:
    assert place_write(pattern, roots) == placement


FOLDERS = [
    pytest.param("lake/events/", True, True, id="trailing slash"),
    pytest.param("lake/events", True, True, id="no extension"),
    pytest.param("lake/day=1/x.parquet", True, True, id="partition folder"),
    pytest.param("logs/*.csv", True, True, id="glob"),
    pytest.param("logs/*.csv", False, False, id="unknown part is not a glob"),
    pytest.param("data/sales.csv", True, False, id="single file"),
]


@pytest.mark.parametrize(("pattern", "exact", "expected"), FOLDERS)
def test_looks_like_folder_or_glob(pattern: str, exact: bool, expected: bool) -> None:
    assert looks_like_folder_or_glob(pattern, exact) is expected
