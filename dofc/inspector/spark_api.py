"""Handlers for PySpark calls: sessions, readers, writers, DataFrames and RDDs."""

from __future__ import annotations

from dataclasses import replace

from .callsite import CallSite
from .facts import CacheMark, UdfDefinition, Write
from .locations import looks_like_folder_or_glob
from .sql import read_query
from .values import (
    UNKNOWN,
    IoOption,
    IoOptions,
    Kind,
    Step,
    Value,
    merge_origins,
    string,
)
from .vocabulary import (
    BROADCAST_FUNCTIONS,
    LEGACY_DATAFRAME_RDD_METHODS,
    PANDAS_UDF_FUNCTIONS,
    PARTITIONED_FORMATS,
    PUSHED_FILTER_OPTIONS,
    PYTHON_UDF_FUNCTIONS,
    SPARK_AGGREGATE_FUNCTIONS,
    SPARK_BUILDER_PREFIX,
    SPARK_CACHING,
    SPARK_CONTEXT_CONSTRUCTORS,
    SPARK_CONTEXT_READS,
    SPARK_DATAFRAME_ACTIONS,
    SPARK_FILTERS,
    SPARK_FUNCTIONS,
    SPARK_GROUPED_RESULTS,
    SPARK_GROUPING_METHODS,
    SPARK_RDD_ACTIONS,
    SPARK_RDD_WRITES,
    SPARK_READER_CONFIGURATION,
    SPARK_READER_FORMATS,
    SPARK_SESSION_CONSTRUCTORS,
    SPARK_VIEW_REGISTRATIONS,
    SPARK_WRITER_CONFIGURATION,
    SPARK_WRITER_FORMATS,
    SPARK_WRITER_TABLE_METHODS,
    TABLE_FORMATS,
)

# Spark's default data source when a reader or writer names none (spark.sql.sources.default).
DEFAULT_FORMAT = "parquet"

_DATAFRAME = Value(kind=Kind.SPARK_DATAFRAME)
_AGGREGATE_COLUMN = Value(kind=Kind.SPARK_COLUMN, name="aggregate")
_COLUMN = Value(kind=Kind.SPARK_COLUMN)


def attribute(receiver: Value, name: str) -> Value:
    """Return the value of `receiver.name` for a Spark object."""
    kind = receiver.kind
    if kind is Kind.SPARK_SESSION:
        return _session_attribute(name)
    if kind is Kind.SPARK_CONTEXT and name in ("sparkContext", "_sc"):
        return receiver
    if kind in (Kind.SPARK_DATAFRAME, Kind.SPARK_GROUPED, Kind.SPARK_RDD):
        return _data_attribute(receiver, name)
    return UNKNOWN


def call_method(receiver: Value, name: str, site: CallSite) -> Value:
    """Return the result of `receiver.name(...)` for a Spark object, recording facts on the way."""
    kind = receiver.kind
    if kind is Kind.SPARK_SESSION:
        return _session_method(name, site)
    if kind is Kind.SPARK_CONTEXT:
        return _context_method(name, site)
    if kind is Kind.SPARK_READER:
        return _reader_method(receiver, name, site)
    if kind is Kind.SPARK_WRITER:
        return _writer_method(receiver, name, site)
    if kind is Kind.SPARK_CATALOG:
        return _catalog_method(name, site)
    if kind is Kind.SPARK_UDF_REGISTRY:
        if name in ("register", "registerFunction"):
            site.facts.udfs.append(UdfDefinition(f"spark.udf.{name}", False, site.cell, site.line))
        return UNKNOWN
    if kind is Kind.SPARK_COLUMN:
        return receiver if name in ("alias", "name", "cast", "astype") else _COLUMN
    return _data_method(receiver, name, site)


def call_function(qualname: str, site: CallSite) -> Value:
    """Return the result of calling a `pyspark` function or class, recording facts on the way."""
    if qualname.startswith(SPARK_BUILDER_PREFIX):
        if qualname.endswith((".getOrCreate", ".create")):
            return Value(kind=Kind.SPARK_SESSION)
        return Value(kind=Kind.MODULE, name=qualname)
    if qualname in SPARK_SESSION_CONSTRUCTORS:
        return Value(kind=Kind.SPARK_SESSION)
    if qualname in SPARK_CONTEXT_CONSTRUCTORS:
        return Value(kind=Kind.SPARK_CONTEXT)
    if qualname in PYTHON_UDF_FUNCTIONS or qualname in PANDAS_UDF_FUNCTIONS:
        api = qualname.rsplit(".", 1)[-1]
        site.facts.udfs.append(UdfDefinition(api, qualname in PANDAS_UDF_FUNCTIONS, site.cell, site.line))
        return UNKNOWN
    if qualname in BROADCAST_FUNCTIONS:
        data = site.argument(0, "df")
        return data.with_step(site.step("broadcast")) if data.kind is Kind.SPARK_DATAFRAME else UNKNOWN
    if qualname.startswith(f"{SPARK_FUNCTIONS}."):
        short_name = qualname[len(SPARK_FUNCTIONS) + 1 :]
        return _AGGREGATE_COLUMN if short_name in SPARK_AGGREGATE_FUNCTIONS else _COLUMN
    return UNKNOWN


def _session_attribute(name: str) -> Value:
    if name in ("read", "readStream"):
        return Value(kind=Kind.SPARK_READER, io=IoOptions())
    if name in ("sparkContext", "_sc"):
        return Value(kind=Kind.SPARK_CONTEXT)
    if name == "udf":
        return Value(kind=Kind.SPARK_UDF_REGISTRY)
    if name == "catalog":
        return Value(kind=Kind.SPARK_CATALOG)
    return UNKNOWN


def _session_method(name: str, site: CallSite) -> Value:
    if name == "sql":
        return _sql_query(site)
    if name == "table":
        return _read(
            site, api="spark.table", kind="table", location_position=0, keyword="tableName", data_format="table"
        )
    if name == "createDataFrame":
        data = site.argument(0, "data")
        return Value(kind=Kind.SPARK_DATAFRAME, steps=(*data.steps, site.step(name)), origins=data.origins)
    if name == "range":
        return _DATAFRAME.with_step(site.step(name))
    if name in ("newSession", "getOrCreate"):
        return Value(kind=Kind.SPARK_SESSION)
    if name == "registerFunction":
        site.facts.udfs.append(UdfDefinition("sqlContext.registerFunction", False, site.cell, site.line))
        return UNKNOWN
    return _catalog_method(name, site)


def _catalog_method(name: str, site: CallSite) -> Value:
    """Handle the table cache calls that both SQLContext and spark.catalog offer."""
    table = site.argument(0, "tableName")
    key = f"table {table.text}" if table.kind is Kind.STRING else None
    if name == "clearCache":
        site.facts.released_everything = True
    elif name == "cacheTable":
        site.facts.caches.append(CacheMark(key, name, site.cell, site.line))
    elif name == "uncacheTable" and key:
        site.facts.released.add(key)
    return UNKNOWN


def _sql_query(site: CallSite) -> Value:
    query = site.argument(0, "sqlQuery")
    result = _DATAFRAME.with_step(site.step("sql"))
    if query.kind is not Kind.STRING or query.text is None:
        return result

    shape = read_query(query.text)
    origins: set[int] = set()
    for table in shape.tables:
        view = site.facts.views.get(table.lower())
        if view is not None:
            origins |= view.origins
            continue
        ref = site.data_ref(
            engine="spark",
            api="spark.sql",
            kind="table",
            location=string(table),
            data_format=None,
            expression=site.source_text(0, "sqlQuery"),
        )
        origins.add(site.facts.add_read(ref, partitioned=True, pushed_filter=shape.filters))
    if shape.filters:
        site.facts.filtered_datasets |= origins

    steps = list(result.steps)
    for applies, step_name in ((shape.filters, "filter"), (shape.aggregates, "agg"), (shape.limited, "limit")):
        if applies:
            steps.append(Step(step_name, site.cell, site.line))
    return replace(result, steps=tuple(steps), origins=frozenset(origins))


def _context_method(name: str, site: CallSite) -> Value:
    if name in SPARK_CONTEXT_READS:
        path = site.argument(0, "name") if site.has_argument(0, "name") else site.argument(None, "path")
        ref = site.data_ref(
            engine="spark",
            api=f"sc.{name}",
            kind="path",
            location=path,
            data_format=SPARK_CONTEXT_READS[name],
            expression=site.source_text(0, "name") or site.source_text(None, "path"),
        )
        dataset = site.facts.add_read(ref)
        return Value(kind=Kind.SPARK_RDD, steps=(site.step(name),), origins=frozenset({dataset}))
    if name in ("parallelize", "range", "emptyRDD", "union"):
        return Value(kind=Kind.SPARK_RDD, steps=(site.step(name),))
    return UNKNOWN


def _reader_method(reader: Value, name: str, site: CallSite) -> Value:
    io = reader.io or IoOptions()
    if name in SPARK_READER_CONFIGURATION:
        return replace(reader, io=_configure(io, name, site))
    if name in SPARK_READER_FORMATS:
        return _read(
            site, api=f"spark.read.{name}", kind="path", location_position=0, keyword="path", data_format=name, io=io
        )
    if name == "table":
        return _read(
            site,
            api="spark.read.table",
            kind="table",
            location_position=0,
            keyword="tableName",
            data_format="table",
            io=io,
        )
    if name == "jdbc":
        return _read(
            site, api="spark.read.jdbc", kind="table", location_position=1, keyword="table", data_format="jdbc", io=io
        )
    if name == "load":
        data_format = _format_name(site.argument(None, "format")) or io.format or DEFAULT_FORMAT
        return _read(
            site,
            api="spark.read.load",
            kind="path",
            location_position=0,
            keyword="path",
            data_format=data_format,
            io=io,
        )
    return UNKNOWN


def _read(
    site: CallSite,
    *,
    api: str,
    kind: str,
    location_position: int,
    keyword: str,
    data_format: str,
    io: IoOptions | None = None,
) -> Value:
    """Record the read of each location a reader call names and return the DataFrame."""
    io = io or IoOptions()
    location = site.argument(location_position, keyword)
    expression = site.source_text(location_position, keyword)
    if not site.has_argument(location_position, keyword):
        location, kind, expression = _location_from_options(io, kind)
    if data_format in TABLE_FORMATS and kind == "path":
        kind = "table"

    pushed_filter = any(io.option(option) is not None for option in PUSHED_FILTER_OPTIONS)
    locations = list(location.items) if location.kind is Kind.SEQUENCE else [location]
    origins: set[int] = set()
    for single in locations:
        ref = site.data_ref(
            engine="spark", api=api, kind=kind, location=single, data_format=data_format, expression=expression
        )
        partitioned = (
            kind in ("table", "query")
            or data_format in PARTITIONED_FORMATS
            or looks_like_folder_or_glob(ref.location, ref.exact)
        )
        origins.add(site.facts.add_read(ref, partitioned=partitioned, pushed_filter=pushed_filter))
    if pushed_filter:
        site.facts.filtered_datasets |= origins
    return Value(kind=Kind.SPARK_DATAFRAME, steps=(site.step("read"),), origins=frozenset(origins))


def _location_from_options(io: IoOptions, kind: str) -> tuple[Value, str, str]:
    """Find what a `load()` or `save()` without a path reads or writes, from its options."""
    for name, option_kind in (("path", kind), ("table", "table"), ("dbtable", "table"), ("query", "query")):
        option = io.option(name)
        if option is not None:
            return option.value, option_kind, option.expression
    return UNKNOWN, kind, ""


def _configure(io: IoOptions, name: str, site: CallSite) -> IoOptions:
    if name == "format":
        return replace(io, format=_format_name(site.argument(0, "source")))
    if name == "option":
        key = site.argument(0, "key")
        if key.kind is Kind.STRING and key.text is not None:
            option = IoOption(key.text, site.argument(1, "value"), site.source_text(1, "value"))
            return replace(io, options=(*io.options, option))
        return io
    if name == "options":
        options = tuple(IoOption(name, value, site.source_text(None, name)) for name, value in site.keywords.items())
        return replace(io, options=io.options + options)
    return io


def _format_name(value: Value) -> str | None:
    if value.kind is not Kind.STRING or not value.text:
        return None
    name = value.text.lower()
    # Connector class names such as com.google.cloud.spark.bigquery name the same source.
    return "bigquery" if "bigquery" in name else name


def _writer_method(writer: Value, name: str, site: CallSite) -> Value:
    io = writer.io or IoOptions()
    if name in SPARK_WRITER_CONFIGURATION:
        return replace(writer, io=_configure(io, name, site))

    target = _write_target(io, name, site)
    if target is None:
        return UNKNOWN
    location, kind, expression, data_format = target
    if data_format in TABLE_FORMATS and kind == "path":
        kind = "table"
    ref = site.data_ref(
        engine="spark",
        api=f"DataFrame.write.{name}",
        kind=kind,
        location=location,
        data_format=data_format,
        expression=expression,
    )
    site.facts.writes.append(Write(ref, writer.steps))
    return UNKNOWN


def _write_target(io: IoOptions, name: str, site: CallSite) -> tuple[Value, str, str, str] | None:
    """Return the location, kind, source text and format a writer method writes to, or None."""
    if name in SPARK_WRITER_FORMATS:
        return site.argument(0, "path"), "path", site.source_text(0, "path"), name
    if name in SPARK_WRITER_TABLE_METHODS:
        keyword = "name" if name == "saveAsTable" else "tableName"
        return site.argument(0, keyword), "table", site.source_text(0, keyword), io.format or "table"
    if name == "jdbc":
        return site.argument(1, "table"), "table", site.source_text(1, "table"), "jdbc"
    if name not in ("save", "start"):
        return None

    data_format = _format_name(site.argument(None, "format")) or io.format or DEFAULT_FORMAT
    if site.has_argument(0, "path"):
        return site.argument(0, "path"), "path", site.source_text(0, "path"), data_format
    location, kind, expression = _location_from_options(io, "path")
    return location, kind, expression, data_format


def _data_attribute(receiver: Value, name: str) -> Value:
    if name == "rdd":
        return Value(kind=Kind.SPARK_RDD, steps=(*receiver.steps, Step("rdd", None, 0)), origins=receiver.origins)
    if name in ("write", "writeStream"):
        return Value(kind=Kind.SPARK_WRITER, steps=receiver.steps, origins=receiver.origins, io=IoOptions())
    if name in ("na", "stat"):
        return receiver
    if receiver.kind is Kind.SPARK_DATAFRAME:
        return _COLUMN
    return UNKNOWN


def _data_method(receiver: Value, name: str, site: CallSite) -> Value:
    """Return the result of a DataFrame, GroupedData or RDD method and extend the lineage."""
    kind = receiver.kind
    facts = site.facts

    if name in SPARK_VIEW_REGISTRATIONS:
        view = site.argument(0, "name")
        if view.kind is Kind.STRING and view.text:
            facts.views[view.text.lower()] = receiver
        return UNKNOWN
    if name in SPARK_CACHING:
        key = site.assigned_to[0] if site.assigned_to else site.receiver_key
        facts.caches.append(CacheMark(key, name, site.cell, site.line))
        return receiver.with_step(site.step(name))
    if name == "unpersist":
        if site.receiver_key:
            facts.released.add(site.receiver_key)
        return receiver
    if kind is Kind.SPARK_RDD and name in SPARK_RDD_WRITES:
        ref = site.data_ref(
            engine="spark",
            api=f"rdd.{name}",
            kind="path",
            location=site.argument(0, "path"),
            data_format="text" if name == "saveAsTextFile" else None,
            expression=site.source_text(0, "path"),
        )
        facts.writes.append(Write(ref, receiver.steps))
        return UNKNOWN

    if kind is Kind.SPARK_GROUPED:
        if name == "pivot":
            return receiver.with_step(site.step(name))
        if name in SPARK_GROUPED_RESULTS:
            return receiver.with_step(Step("agg", site.cell, site.line, name), Kind.SPARK_DATAFRAME)
        return UNKNOWN

    if name in SPARK_FILTERS and kind is Kind.SPARK_DATAFRAME:
        facts.filtered_datasets |= receiver.origins
    if name in SPARK_GROUPING_METHODS and kind is Kind.SPARK_DATAFRAME:
        return receiver.with_step(site.step(name), Kind.SPARK_GROUPED)
    if kind is Kind.SPARK_DATAFRAME and name in ("agg", "describe", "summary"):
        return receiver.with_step(Step("agg", site.cell, site.line, name))
    if kind is Kind.SPARK_DATAFRAME and name in ("select", "selectExpr") and _aggregates(site):
        return receiver.with_step(Step("agg", site.cell, site.line, name))
    if name == "toPandas":
        return Value(kind=Kind.PANDAS, steps=(*receiver.steps, site.step(name)), origins=receiver.origins)
    if name == "toDF":
        return receiver.with_step(site.step(name), Kind.SPARK_DATAFRAME)
    if kind is Kind.SPARK_DATAFRAME and name in LEGACY_DATAFRAME_RDD_METHODS:
        return receiver.with_step(site.step(name), Kind.SPARK_RDD)

    actions = SPARK_DATAFRAME_ACTIONS if kind is Kind.SPARK_DATAFRAME else SPARK_RDD_ACTIONS
    if name in actions:
        return UNKNOWN

    others = [argument for argument in site.args if argument.kind in (Kind.SPARK_DATAFRAME, Kind.SPARK_RDD)]
    result = receiver.with_step(site.step(name))
    if others:
        result = replace(result, origins=merge_origins([receiver, *others]))
    return result


def _aggregates(site: CallSite) -> bool:
    """Tell whether a select's columns are aggregates, as in `df.select(F.count('x'))`."""
    return any(argument is _AGGREGATE_COLUMN or argument.name == "aggregate" for argument in site.args)
