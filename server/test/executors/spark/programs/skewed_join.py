"""A small Spark program: a skewed join and an aggregation, then tasks that sleep so the
application stays up long enough to be watched, cancelled or to lose a worker.

Parameters (DOFC_PARAMETERS, JSON): ``tasks`` (default 4) and ``task_s`` (seconds each task
sleeps, default 1).
"""

import json
import os
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

parameters = json.loads(os.environ.get("DOFC_PARAMETERS", "{}"))
tasks = int(parameters.get("tasks", 4))
task_s = float(parameters.get("task_s", 1))

# The master and name set here must lose to the session DOFC created, or the job would escape its ceiling.
spark = SparkSession.builder.master("local[1]").appName("skewed-join").getOrCreate()

# Nine rows in ten share key 0, the skew that AQE's skew-join handling splits.
facts = spark.range(200_000).withColumn("key", F.when(F.col("id") % 10 < 9, F.lit(0)).otherwise(F.col("id") % 100))
dimensions = spark.range(100).withColumnRenamed("id", "key").withColumn("label", F.concat(F.lit("k"), F.col("key").cast("string")))
groups = facts.join(dimensions, "key").groupBy("label").count().collect()
total = sum(row["count"] for row in groups)
if total != 200_000:
    raise SystemExit(f"the join lost rows: {total} of 200000")
print(f"joined 200000 rows into {len(groups)} groups", flush=True)


def slow_identity(value):
    time.sleep(task_s)
    return value


done = spark.sparkContext.parallelize(range(tasks), tasks).map(slow_identity).count()
print(f"{done} slow tasks done", flush=True)
spark.stop()
