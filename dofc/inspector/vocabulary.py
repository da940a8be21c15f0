"""Names of the Spark, pandas and standard library APIs the inspector recognises.

Method names follow PySpark 3.5 and pandas 2.2; a few PySpark 1.x names (registerTempTable,
DataFrame.map) are kept because old notebooks still use them.
"""

from __future__ import annotations

# Names a PySpark shell or a Spark-enabled Jupyter kernel defines before the first cell runs.
PREDEFINED_SPARK_SESSIONS = frozenset({"spark", "sqlContext", "sqlCtx", "hiveContext"})
PREDEFINED_SPARK_CONTEXTS = frozenset({"sc"})

SPARK_SESSION_CONSTRUCTORS = frozenset(
    {
        "pyspark.sql.SparkSession",
        "pyspark.sql.SQLContext",
        "pyspark.sql.HiveContext",
        "pyspark.sql.SparkSession.getActiveSession",
        "pyspark.sql.SparkSession.active",
    }
)
SPARK_CONTEXT_CONSTRUCTORS = frozenset({"pyspark.SparkContext", "pyspark.SparkContext.getOrCreate"})
SPARK_BUILDER_PREFIX = "pyspark.sql.SparkSession.builder"

# Module aliases that name the same PySpark object.
SPARK_MODULE_ALIASES = {
    "pyspark.sql.session.": "pyspark.sql.",
    "pyspark.sql.context.": "pyspark.sql.",
    "pyspark.context.": "pyspark.",
}

SPARK_FUNCTIONS = "pyspark.sql.functions"
PYTHON_UDF_FUNCTIONS = frozenset({f"{SPARK_FUNCTIONS}.udf"})
PANDAS_UDF_FUNCTIONS = frozenset({f"{SPARK_FUNCTIONS}.pandas_udf"})
BROADCAST_FUNCTIONS = frozenset({f"{SPARK_FUNCTIONS}.broadcast"})
SPARK_AGGREGATE_FUNCTIONS = frozenset(
    {
        "count",
        "countDistinct",
        "count_distinct",
        "approx_count_distinct",
        "sum",
        "sum_distinct",
        "avg",
        "mean",
        "max",
        "min",
        "stddev",
        "stddev_samp",
        "stddev_pop",
        "variance",
        "var_samp",
        "var_pop",
        "first",
        "last",
        "collect_list",
        "collect_set",
        "percentile_approx",
        "median",
        "mode",
        "corr",
        "covar_pop",
        "covar_samp",
        "skewness",
        "kurtosis",
    }
)

# Methods of SparkContext that read files into an RDD.
SPARK_CONTEXT_READS = {
    "textFile": "text",
    "wholeTextFiles": "text",
    "binaryFiles": "binary",
    "binaryRecords": "binary",
    "sequenceFile": "sequence",
    "pickleFile": "pickle",
    "objectFile": "object",
    "hadoopFile": "hadoop",
    "newAPIHadoopFile": "hadoop",
}

# DataFrameReader methods that read with a fixed format; `load` and `table` are handled apart.
SPARK_READER_FORMATS = frozenset({"csv", "json", "parquet", "orc", "text", "avro", "xml"})
SPARK_READER_CONFIGURATION = frozenset({"format", "option", "options", "schema"})
SPARK_WRITER_FORMATS = frozenset({"csv", "json", "parquet", "orc", "text", "avro", "xml"})
SPARK_WRITER_CONFIGURATION = frozenset(
    {
        "format",
        "option",
        "options",
        "mode",
        "partitionBy",
        "bucketBy",
        "sortBy",
        "trigger",
        "outputMode",
        "queryName",
        "foreachBatch",
        "clusterBy",
    }
)
SPARK_WRITER_TABLE_METHODS = frozenset({"saveAsTable", "insertInto"})
SPARK_RDD_WRITES = frozenset(
    {"saveAsTextFile", "saveAsPickleFile", "saveAsSequenceFile", "saveAsHadoopFile", "saveAsNewAPIHadoopFile"}
)

# Spark data sources whose `load()` target is a table name, not a path.
TABLE_FORMATS = frozenset(
    {"bigquery", "jdbc", "snowflake", "org.apache.spark.sql.cassandra", "mongodb", "redshift", "kusto"}
)
# Columnar formats that Spark writes as a folder of partitions, whatever the name looks like.
PARTITIONED_FORMATS = frozenset({"parquet", "orc", "delta", "iceberg", "hudi"})
# Reader options that push a row filter down to the source (the BigQuery connector's `filter`).
PUSHED_FILTER_OPTIONS = ("filter", "query", "predicates")

SPARK_GROUPING_METHODS = frozenset({"groupBy", "groupby", "rollup", "cube", "groupingSets"})
SPARK_GROUPED_RESULTS = frozenset(
    {"agg", "count", "sum", "avg", "mean", "max", "min", "apply", "applyInPandas", "cogroup"}
)
SPARK_FILTERS = frozenset({"filter", "where"})
SPARK_VIEW_REGISTRATIONS = frozenset(
    {
        "registerTempTable",
        "createTempView",
        "createOrReplaceTempView",
        "createGlobalTempView",
        "createOrReplaceGlobalTempView",
    }
)
SPARK_CACHING = frozenset({"cache", "persist"})
SPARK_SINGLE_PARTITION_METHODS = frozenset({"repartition", "coalesce"})

# Operations after which the rows are few enough to bring to the driver.
BOUNDING_STEPS = (
    frozenset(
        {
            "limit",
            "sample",
            "sampleBy",
            "agg",
            "describe",
            "summary",
            "reduceByKey",
            "aggregateByKey",
            "combineByKey",
            "foldByKey",
            "countByKey",
            "countByValue",
        }
    )
    | SPARK_GROUPING_METHODS
)

SPARK_DATAFRAME_ACTIONS = frozenset(
    {
        "count",
        "show",
        "take",
        "first",
        "head",
        "tail",
        "foreach",
        "foreachPartition",
        "toLocalIterator",
        "isEmpty",
        "printSchema",
        "explain",
        "collect",
        "toPandas",
        "toJSON",
    }
)
SPARK_RDD_ACTIONS = frozenset(
    {
        "collect",
        "collectAsMap",
        "count",
        "take",
        "first",
        "reduce",
        "fold",
        "aggregate",
        "foreach",
        "foreachPartition",
        "countByKey",
        "countByValue",
        "top",
        "takeOrdered",
        "takeSample",
        "toLocalIterator",
        "isEmpty",
        "sum",
        "mean",
        "max",
        "min",
        "stats",
        "variance",
        "stdev",
        "toDebugString",
        "getNumPartitions",
        "lookup",
    }
)

# RDD methods that run a Python function on every element (or pair) in the Python workers.
RDD_PYTHON_FUNCTION_METHODS = frozenset(
    {
        "map",
        "flatMap",
        "filter",
        "mapPartitions",
        "mapPartitionsWithIndex",
        "mapValues",
        "flatMapValues",
        "keyBy",
        "foreach",
        "foreachPartition",
        "reduce",
        "reduceByKey",
        "fold",
        "foldByKey",
        "aggregate",
        "aggregateByKey",
        "combineByKey",
        "sortBy",
        "groupBy",
    }
)
# DataFrame methods of PySpark 1.x that went through the RDD with a Python function.
LEGACY_DATAFRAME_RDD_METHODS = frozenset({"map", "flatMap", "mapPartitions", "foreach", "foreachPartition"})

SPARK_JOIN_METHODS = frozenset({"join", "crossJoin", "leftOuterJoin", "rightOuterJoin", "fullOuterJoin", "cartesian"})
SPARK_GROUP_OPERATIONS = frozenset(
    {
        "groupBy",
        "groupby",
        "rollup",
        "cube",
        "groupingSets",
        "groupByKey",
        "reduceByKey",
        "aggregateByKey",
        "combineByKey",
        "foldByKey",
        "cogroup",
        "groupWith",
    }
)

SPARK_SHUFFLING_METHODS = SPARK_GROUP_OPERATIONS | frozenset(
    {
        "join",
        "leftOuterJoin",
        "rightOuterJoin",
        "fullOuterJoin",
        "repartition",
        "repartitionByRange",
        "distinct",
        "dropDuplicates",
        "drop_duplicates",
        "orderBy",
        "sort",
        "sortBy",
        "sortByKey",
        "intersect",
        "intersectAll",
        "subtract",
        "subtractByKey",
        "exceptAll",
        "partitionBy",
    }
)

PANDAS_READS = {
    "read_csv": "csv",
    "read_table": "csv",
    "read_fwf": "fwf",
    "read_json": "json",
    "read_parquet": "parquet",
    "read_orc": "orc",
    "read_feather": "feather",
    "read_excel": "excel",
    "read_pickle": "pickle",
    "read_hdf": "hdf",
    "read_sas": "sas",
    "read_stata": "stata",
    "read_spss": "spss",
    "read_xml": "xml",
    "read_html": "html",
}
PANDAS_SQL_READS = frozenset({"read_sql", "read_sql_query", "read_sql_table", "read_gbq"})
PANDAS_WRITES = {
    "to_csv": "csv",
    "to_json": "json",
    "to_parquet": "parquet",
    "to_orc": "orc",
    "to_feather": "feather",
    "to_excel": "excel",
    "to_pickle": "pickle",
    "to_hdf": "hdf",
    "to_stata": "stata",
    "to_xml": "xml",
    "to_html": "html",
    "to_latex": "latex",
    "to_markdown": "markdown",
}
PANDAS_APPLY_METHODS = frozenset({"apply", "applymap", "map", "transform", "pipe"})
PANDAS_ROW_ITERATION_METHODS = frozenset({"iterrows", "itertuples"})
PANDAS_CONSTRUCTORS = frozenset({"pandas.DataFrame", "pandas.Series", "pandas.Index", "pandas.MultiIndex.from_product"})

# Standard library and NumPy calls that read or write files; the value is the path argument's position.
PYTHON_FILE_READS = {"numpy.load": 0, "numpy.loadtxt": 0, "numpy.genfromtxt": 0, "numpy.fromfile": 0}
PYTHON_FILE_WRITES = {
    "numpy.save": 0,
    "numpy.savez": 0,
    "numpy.savez_compressed": 0,
    "numpy.savetxt": 0,
    "matplotlib.pyplot.savefig": 0,
    "os.makedirs": 0,
    "os.mkdir": 0,
    "os.remove": 0,
    "os.unlink": 0,
    "os.rmdir": 0,
    "os.removedirs": 0,
    "shutil.rmtree": 0,
    "shutil.copy": 1,
    "shutil.copy2": 1,
    "shutil.copyfile": 1,
    "shutil.copytree": 1,
    "shutil.move": 1,
    "os.rename": 1,
    "os.replace": 1,
    "joblib.dump": 1,
}
PYTHON_URL_READS = frozenset(
    {
        "urllib.urlretrieve",
        "urllib.request.urlretrieve",
        "urllib.request.urlopen",
        "urllib2.urlopen",
        "requests.get",
        "wget.download",
    }
)
# pathlib.Path methods; a Path is tracked as the string of its path.
PATH_READ_METHODS = frozenset({"read_text", "read_bytes"})
PATH_WRITE_METHODS = frozenset({"write_text", "write_bytes", "mkdir", "touch", "unlink", "rmdir"})

SLEEP_FUNCTIONS = frozenset({"time.sleep", "asyncio.sleep"})
EXIT_FUNCTIONS = frozenset({"sys.exit", "os._exit", "builtins.exit", "builtins.quit"})

# Functions that a star import (`from pyspark.sql.functions import *`) may bring into scope.
RECOGNISED_FUNCTIONS = (
    PYTHON_UDF_FUNCTIONS
    | PANDAS_UDF_FUNCTIONS
    | BROADCAST_FUNCTIONS
    | frozenset(f"{SPARK_FUNCTIONS}.{name}" for name in SPARK_AGGREGATE_FUNCTIONS)
    | frozenset(f"pandas.{name}" for name in (*PANDAS_READS, *PANDAS_SQL_READS, "merge", "concat"))
    | frozenset(PYTHON_FILE_READS)
    | frozenset(PYTHON_FILE_WRITES)
    | PYTHON_URL_READS
    | SLEEP_FUNCTIONS
)
