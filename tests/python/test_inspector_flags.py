"""Each risk flag of the inspector on code that should raise it and on code that should not."""

from __future__ import annotations

import textwrap

import nbformat
import pytest

from dofc.inspector import Flag, inspect_source

SPARK_PRELUDE = "from pyspark.sql import SparkSession, functions as F\nspark = SparkSession.builder.getOrCreate()\n"
PANDAS_PRELUDE = "import pandas as pd\nleft = pd.DataFrame({'k': [1]})\nright = pd.DataFrame({'k': [1]})\n"


def flags_in(code: str, allowed_roots: tuple[str, ...] = (), **options: float) -> list[Flag]:
    return inspect_source(textwrap.dedent(code), "script", allowed_roots, **options).flags


def ids_in(code: str, allowed_roots: tuple[str, ...] = (), **options: float) -> list[str]:
    return [flag.id for flag in flags_in(code, allowed_roots, **options)]


def notebook_of(*cells: str) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(textwrap.dedent(cell)) for cell in cells]
    return nbformat.writes(notebook)


def case(*values: object) -> object:
    """Return a parametrize case; the last value is its id, written as the rule it checks."""
    *arguments, rule = values
    return pytest.param(*arguments, id=str(rule))


UNBOUNDED_COLLECT = [
    case("spark.read.parquet('events').collect()", True, "collect right after a read is flagged"),
    case(
        "df = spark.read.csv('a.csv')\nrows = df.filter(df.x > 1).toPandas()",
        True,
        "a filter alone does not bound toPandas",
    ),
    case("sc.textFile('a.txt').map(lambda line: line.split()).collect()", True, "collect of a mapped RDD is flagged"),
    case("def to_local(df):\n    return df.toPandas()", True, "toPandas on a parameter of a Spark program is flagged"),
    case("spark.read.csv('a.csv').limit(100).toPandas()", False, "limit before toPandas is not flagged"),
    case("spark.read.csv('a.csv').sample(0.01).collect()", False, "sample before collect is not flagged"),
    case(
        "df = spark.read.csv('a.csv')\ndf.groupBy('k').count().toPandas()",
        False,
        "aggregation before toPandas is not flagged",
    ),
    case(
        "spark.sql('SELECT k, count(*) FROM t GROUP BY k').collect()",
        False,
        "aggregating SQL before collect is not flagged",
    ),
    case(
        "pairs = sc.textFile('a').map(lambda w: (w, 1)).reduceByKey(min)\npairs.collect()",
        False,
        "reduceByKey before collect is not flagged",
    ),
    case("import gc\ngc.collect()", False, "gc.collect is not a Spark collect"),
]


@pytest.mark.parametrize(("code", "expected"), UNBOUNDED_COLLECT)
def test_unbounded_collect(code: str, expected: bool) -> None:
    assert ("unbounded_collect" in ids_in(SPARK_PRELUDE + code)) is expected


def test_unbounded_collect_ignored_without_spark() -> None:
    assert "unbounded_collect" not in ids_in("frame = load()\nframe.collect()")


CROSS_JOIN = [
    case("a = spark.table('x')\nb = spark.table('y')\na.crossJoin(b)", True, "crossJoin is flagged"),
    case("a = spark.table('x')\nb = spark.table('y')\na.join(b)", True, "join without condition is flagged"),
    case("a = spark.table('x')\nb = spark.table('y')\na.join(b, on=None)", True, "join on None is flagged"),
    case("a = spark.table('x')\nb = spark.table('y')\na.join(b, how='cross')", True, "join with how cross is flagged"),
    case("sc.parallelize([1]).cartesian(sc.parallelize([2]))", True, "RDD cartesian is flagged"),
    case(PANDAS_PRELUDE + "left.merge(right, how='cross')", True, "pandas merge how cross is flagged"),
    case(PANDAS_PRELUDE + "pd.merge(left, right, how='cross')", True, "pandas.merge how cross is flagged"),
    case("a = spark.table('x')\nb = spark.table('y')\na.join(b, 'id')", False, "join on a column is not flagged"),
    case(
        "a = spark.table('x')\nb = spark.table('y')\na.join(b, a.id == b.id, 'left')",
        False,
        "join on an expression is not flagged",
    ),
    case(PANDAS_PRELUDE + "left.join(right)", False, "pandas index join is not flagged"),
    case("names = ['a', 'b']\n','.join(names)", False, "str join is not flagged"),
]


@pytest.mark.parametrize(("code", "expected"), CROSS_JOIN)
def test_cross_join(code: str, expected: bool) -> None:
    assert ("cross_join" in ids_in(SPARK_PRELUDE + code)) is expected


JOIN_WITHOUT_BROADCAST = [
    case("a.join(b, 'id')", True, "shuffle join of two tables is a hint"),
    case("a.join(F.broadcast(b), 'id')", False, "broadcast right side is not flagged"),
    case("F.broadcast(a).join(b, 'id')", False, "broadcast left side is not flagged"),
    case("a.join(b.hint('broadcast'), 'id')", False, "broadcast hint is not flagged"),
    case("a.crossJoin(b)", False, "cross join gets its own flag only"),
]


@pytest.mark.parametrize(("code", "expected"), JOIN_WITHOUT_BROADCAST)
def test_join_without_broadcast(code: str, expected: bool) -> None:
    prelude = SPARK_PRELUDE + "a = spark.table('x')\nb = spark.table('y').where('d = 1')\n"
    flags = [flag for flag in flags_in(prelude + code) if flag.id == "join_without_broadcast"]
    assert bool(flags) is expected
    assert all(flag.severity == "info" for flag in flags)


UDFS = [
    case(
        "from pyspark.sql.functions import udf\n@udf('int')\ndef plus(x):\n    return x + 1",
        "python_udf",
        "udf decorator with type",
    ),
    case(
        "from pyspark.sql.functions import udf\n@udf\ndef plus(x):\n    return x + 1",
        "python_udf",
        "bare udf decorator",
    ),
    case("plus = F.udf(lambda x: x + 1, 'int')", "python_udf", "udf function call"),
    case("spark.udf.register('plus', lambda x: x + 1)", "python_udf", "udf registered for SQL"),
    case("from pyspark.sql.functions import *\nplus = udf(lambda x: x + 1)", "python_udf", "udf from a star import"),
    case(
        "from pyspark.sql.functions import pandas_udf\n@pandas_udf('double')\ndef plus(s):\n    return s + 1",
        "pandas_udf",
        "pandas_udf is a milder flag",
    ),
    case("from mylib import udf\n@udf\ndef plus(x):\n    return x", None, "a udf from another library is not flagged"),
]


@pytest.mark.parametrize(("code", "expected"), UDFS)
def test_udf_flags(code: str, expected: str | None) -> None:
    flags = [flag for flag in flags_in(SPARK_PRELUDE + code) if flag.id in ("python_udf", "pandas_udf")]
    assert [flag.id for flag in flags] == ([expected] if expected else [])
    severities = {"python_udf": "warning", "pandas_udf": "info"}
    assert all(flag.severity == severities[flag.id] for flag in flags)


RDD_PYTHON_FUNCTIONS = [
    case("df = spark.read.parquet('p')\ndf.rdd.map(lambda row: row[0])", 1, "map over DataFrame rows is flagged"),
    case("df = spark.read.parquet('p')\ndf.rdd.map(str).filter(bool).flatMap(list)", 1, "one flag per chain"),
    case("df = spark.sql('SELECT 1')\ndf.map(lambda row: row)", 1, "Spark 1 DataFrame.map is flagged"),
    case("sc.textFile('a.txt').map(lambda line: line.upper())", 0, "plain RDD code is not flagged"),
    case("df = spark.read.parquet('p')\ndf.rdd.getNumPartitions()", 0, "RDD metadata is not flagged"),
]


@pytest.mark.parametrize(("code", "expected"), RDD_PYTHON_FUNCTIONS)
def test_rdd_python_function(code: str, expected: int) -> None:
    assert ids_in(SPARK_PRELUDE + code).count("rdd_python_function") == expected


SINGLE_PARTITION_WRITES = [
    case("df.coalesce(1).write.csv('out')", True, "coalesce 1 before write is flagged"),
    case("df.repartition(1).write.parquet('out')", True, "repartition 1 before write is flagged"),
    case(
        "one = df.coalesce(1)\none.write.mode('overwrite').save('out')",
        True,
        "single partition through a variable is flagged",
    ),
    case("df.coalesce(8).write.csv('out')", False, "coalesce 8 is not flagged"),
    case("df.coalesce(1).repartition(16).write.csv('out')", False, "a later repartition clears it"),
    case("df.coalesce(1).collect()", False, "without a write it is not flagged"),
]


@pytest.mark.parametrize(("code", "expected"), SINGLE_PARTITION_WRITES)
def test_single_partition_write(code: str, expected: bool) -> None:
    prelude = SPARK_PRELUDE + "df = spark.read.csv('a.csv')\n"
    assert ("single_partition_write" in ids_in(prelude + code)) is expected


def test_single_partition_write_points_at_the_coalesce() -> None:
    code = SPARK_PRELUDE + "df = spark.read.csv('a.csv')\nsmall = df.coalesce(1)\nsmall.write.csv('out')\n"
    [flag] = [flag for flag in flags_in(code) if flag.id == "single_partition_write"]
    assert flag.line == 4
    assert "line 5" in flag.message


UNFILTERED_READS = [
    case("spark.read.parquet('s3a://lake/events').count()", True, "parquet dataset without filter"),
    case("spark.table('db.events').groupBy('k').count()", True, "table without filter"),
    case("spark.read.csv('data/2024/').show()", True, "folder of CSV files without filter"),
    case("spark.read.format('bigquery').load('p.d.t').show()", True, "BigQuery table without filter"),
    case("spark.sql('SELECT * FROM db.events').show()", True, "SQL without WHERE"),
    case("spark.read.parquet('s3a://lake/events').where('day = 1').count()", False, "where after read"),
    case(
        "df = spark.read.parquet('ev')\nrecent = df.select('a').filter(df.day > 3)",
        False,
        "filter later through a variable",
    ),
    case("spark.read.csv('data/sales.csv').show()", False, "single CSV file"),
    case("spark.read.format('bigquery').option('filter', 'd > 1').load('p.d.t')", False, "filter pushed to BigQuery"),
    case("spark.sql('SELECT * FROM db.events WHERE day = 1')", False, "SQL with WHERE"),
    case(
        "df = spark.read.parquet('ev')\ndf.createOrReplaceTempView('ev')\nspark.sql('SELECT * FROM ev WHERE d = 1')",
        False,
        "filter through a temporary view",
    ),
    case("sc.textFile('logs/').count()", False, "RDD reads cannot prune"),
]


@pytest.mark.parametrize(("code", "expected"), UNFILTERED_READS)
def test_unfiltered_partitioned_read(code: str, expected: bool) -> None:
    assert ("unfiltered_partitioned_read" in ids_in(SPARK_PRELUDE + code)) is expected


CACHES = [
    case("df = spark.read.csv('a.csv').cache()\ndf.count()", True, "cache never released"),
    case("df = spark.read.csv('a.csv')\ndf.persist()", True, "persist never released"),
    case("spark.read.csv('a.csv').cache().count()", True, "unnamed cache"),
    case("spark.catalog.cacheTable('events')", True, "cached table never released"),
    case("df = spark.read.csv('a.csv').cache()\ndf.count()\ndf.unpersist()", False, "unpersist releases it"),
    case(
        "df = spark.read.csv('a.csv')\ndf.cache()\nspark.catalog.clearCache()", False, "clearCache releases everything"
    ),
    case(
        "spark.catalog.cacheTable('events')\nspark.catalog.uncacheTable('events')",
        False,
        "uncacheTable releases a table",
    ),
    case("from functools import cache\n@cache\ndef f():\n    return 1", False, "functools cache is not Spark"),
]


@pytest.mark.parametrize(("code", "expected"), CACHES)
def test_cache_not_released(code: str, expected: bool) -> None:
    assert ("cache_not_released" in ids_in(SPARK_PRELUDE + code)) is expected


LOOPS = [
    case("while True:\n    poll()", True, "while True without exit"),
    case("while 1:\n    for item in queue:\n        break", True, "break of an inner loop does not count"),
    case("while True:\n    def inner():\n        return 1", True, "return in a nested function does not count"),
    case("while True:\n    if done():\n        break", False, "break ends it"),
    case("def wait():\n    while True:\n        return 1", False, "return ends it"),
    case("while True:\n    raise SystemExit", False, "raise ends it"),
    case("import sys\nwhile True:\n    sys.exit(0)", False, "sys.exit ends it"),
    case(
        "def numbers():\n    n = 0\n    while True:\n        yield n",
        False,
        "a generator loop is driven by its consumer",
    ),
    case("x = 0\nwhile x < 3:\n    x += 1", False, "a loop with a condition"),
]


@pytest.mark.parametrize(("code", "expected"), LOOPS)
def test_unbounded_loop(code: str, expected: bool) -> None:
    assert ("unbounded_loop" in ids_in(code)) is expected


SLEEPS = [
    case("import time\ntime.sleep(3600)", True, "an hour is long"),
    case("from time import sleep\nsleep(60 * 10)", True, "a computed ten minutes is long"),
    case("import time as t\nt.sleep(secs=120)", True, "a keyword argument counts"),
    case("import time\ntime.sleep(0.5)", False, "half a second is short"),
    case("import time\ntime.sleep(delay)", False, "an unknown delay is not flagged"),
    case("from time import time\ntime()", False, "time.time is not a sleep"),
]


@pytest.mark.parametrize(("code", "expected"), SLEEPS)
def test_long_sleep(code: str, expected: bool) -> None:
    assert ("long_sleep" in ids_in(code)) is expected


def test_long_sleep_threshold_is_configurable() -> None:
    code = "import time\ntime.sleep(30)"
    assert "long_sleep" not in ids_in(code)
    assert "long_sleep" in ids_in(code, long_sleep_seconds=10)


CREDENTIALS = [
    case("aws_key = 'AKIAIOSFODNN7EXAMPLE'", True, "AWS access key id"),
    case("key = '''-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA'''", True, "private key block"),
    case("password = 'hunter22'", True, "password assignment"),
    case("connect(host='db', password='s3cr3t!')", True, "password keyword argument"),
    case("reader.option('password', 'pw12345')", True, "password option pair"),
    case("conf.set('spark.hadoop.fs.s3a.secret.key', 'abcdEFGH1234')", True, "secret key configuration"),
    case("settings = {'api_token': 'ghp_abcdefgh12345678'}", True, "token in a dict"),
    case("self.clientSecret = 'f00b4r-b4z-qux'", True, "camelCase secret attribute"),
    case("url = 'postgresql://alice:pa55word@db:5432/sales'", True, "password inside a URL"),
    case("import os\npassword = os.environ['DB_PASSWORD']", False, "secret read from the environment"),
    case("password = ''", False, "empty password"),
    case("password = '<your-password>'", False, "placeholder in angle brackets"),
    case("api_key = 'your-api-key'", False, "placeholder wording"),
    case("token_pattern = r'\\w+'", False, "a name that only starts with token"),
    case("sep_token = '[SEP]'", False, "tokenizer label"),
    case("url = 'postgresql://alice@db/sales'", False, "URL without password"),
    case("password = getpass()", False, "password asked at run time"),
]


@pytest.mark.parametrize(("code", "expected"), CREDENTIALS)
def test_hardcoded_credential(code: str, expected: bool) -> None:
    flags = [flag for flag in flags_in(code) if flag.id == "hardcoded_credential"]
    assert bool(flags) is expected
    assert all(flag.severity == "error" for flag in flags)


def test_credential_message_hides_the_secret() -> None:
    [flag] = flags_in("db_password = 'hunter22'")
    assert "hunter22" not in flag.message
    assert "db_password" in flag.message


def test_credential_in_shell_escape_is_flagged() -> None:
    text = notebook_of("!aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE")
    flags = inspect_source(text, "notebook").flags
    assert [(flag.id, flag.cell, flag.line) for flag in flags] == [("hardcoded_credential", 0, 1)]


WRITES = [
    case("df.write.parquet('/etc/out')", ("/home/alice",), "error", "system folder"),
    case("open('/home/bob/notes.txt', 'w')", ("/home/alice",), "error", "another user's home"),
    case("open('/home/alice2/notes.txt', 'w')", ("/home/alice",), "error", "a sibling with a common prefix"),
    case("pd.DataFrame().to_csv('/tmp/x.csv')", (), "error", "any absolute path when no root is configured"),
    case("df.write.csv(f'/data/{user}/out')", ("/home/alice",), "error", "computed path under a foreign folder"),
    case("df.write.save('gs://other/x')", ("gs://team/",), "error", "bucket outside the allowed bucket"),
    case("open('../../shared/x', 'w')", (), "warning", "relative path above the working folder"),
    case("open('/home/alice/out.txt', 'w')", ("/home/alice",), None, "inside the allowed root"),
    case("open('file:///home/alice/x', 'w')", ("/home/alice/",), None, "file URI inside the allowed root"),
    case("open('/etc/passwd')", ("/home/alice",), None, "reading is not writing"),
    case("df.write.csv('out/x')", (), None, "relative path inside the working folder"),
    case("df.write.csv('gs://bucket/x')", (), None, "object store without a configured root"),
    case("df.write.csv(path)", (), None, "unknown path"),
    case("open(f'/home/{user}/x', 'w')", ("/home/alice",), None, "computed path that may be inside"),
    case("df.write.saveAsTable('etc')", (), None, "tables are not paths"),
]


@pytest.mark.parametrize(("code", "roots", "severity"), WRITES)
def test_write_outside_allowed_roots(code: str, roots: tuple[str, ...], severity: str | None) -> None:
    prelude = SPARK_PRELUDE + "import pandas as pd\ndf = spark.read.csv('a.csv')\n"
    flags = [flag for flag in flags_in(prelude + code, roots) if flag.id == "write_outside_allowed_roots"]
    assert [flag.severity for flag in flags] == ([severity] if severity else [])


def test_syntax_error_in_script() -> None:
    [flag] = flags_in("x = 1\nprint 'hello'\n")
    assert (flag.id, flag.severity, flag.cell, flag.line) == ("syntax_error", "error", None, 2)


def test_syntax_error_keeps_rest_of_cell() -> None:
    text = notebook_of("x = 1\nprint x\ndf = spark.read.csv('after.csv')")
    report = inspect_source(text, "notebook")
    assert [(flag.id, flag.cell, flag.line) for flag in report.flags] == [("syntax_error", 0, 2)]
    assert [ref.location for ref in report.inputs] == ["after.csv"]


def test_ipython_syntax_is_not_a_syntax_error() -> None:
    text = notebook_of("%matplotlib inline\n!ls -la\nfiles = !ls\nx = 1\nx?", "%%bash\necho $HOME")
    assert inspect_source(text, "notebook").flags == []


def test_unparsable_cell_is_a_flag() -> None:
    text = notebook_of("x = 1", "def broken(:\n    pass\n    )")
    report = inspect_source(text, "notebook")
    assert [(flag.id, flag.cell) for flag in report.flags] == [("syntax_error", 1)]


def test_every_flag_has_the_fields() -> None:
    code = (
        SPARK_PRELUDE
        + "df = spark.read.parquet('/lake/e').cache()\ndf.coalesce(1).write.csv('/etc/x')\nwhile True:\n    pass\n"
    )
    flags = flags_in(code)
    assert {flag.id for flag in flags} >= {
        "cache_not_released",
        "single_partition_write",
        "write_outside_allowed_roots",
        "unbounded_loop",
        "unfiltered_partitioned_read",
    }
    for flag in flags:
        assert flag.id.isidentifier()
        assert flag.id == flag.id.lower()
        assert flag.severity in ("info", "warning", "error")
        assert flag.line >= 1
        assert flag.message.endswith(".")
        assert flag.fix.endswith(".")


def test_deeply_nested_statement_is_reported() -> None:
    # The parser accepts a sum of 800 terms, but a recursive walk of it exceeds Python's recursion limit.
    code = "total = " + " + ".join(["1"] * 800) + "\nopen('/etc/out', 'w')\n"
    flags = flags_in(code)
    assert [(flag.id, flag.severity, flag.line) for flag in flags] == [
        ("analysis_incomplete", "info", 1),
        ("write_outside_allowed_roots", "error", 2),
    ]


def test_allowed_roots_as_one_string() -> None:
    assert flags_in("open('/srv/team/out.txt', 'w')", "/srv/team") == []  # type: ignore[arg-type]


def test_unbounded_collect_follows_chains_on_parameters() -> None:
    code = SPARK_PRELUDE + "def preview(df):\n    return df.select('a').limit(5).toPandas()\n"
    assert "unbounded_collect" not in ids_in(code)
