"""Runner hooks for pre-flight sample runs, and the resources every attempt reports.

The scheduler marks a sample run with ``sample_fraction`` in ``spec.json``. The runner passes
the fraction to the kernel as DOFC_SAMPLE_FRACTION, so ``dofc.read`` samples its inputs. Every
attempt, sampled or not, reports its CPU time and peak memory in ``result.json``, because
the scaling model of pre-flight fits those of the sample runs.
"""

from __future__ import annotations

import ast
import json
import os
import resource
import sys
from typing import Any

from .process_cpu import process_tree_cpu_seconds
from .sampling import SAMPLE_FRACTION_ENV

#: Default of spark.sql.autoBroadcastJoinThreshold in Spark 3 and 4.
SPARK_BROADCAST_THRESHOLD_BYTES = 10 * 2**20
PYSPARK_SUBMIT_ARGS_ENV = "PYSPARK_SUBMIT_ARGS"


def enter_sample_mode(spec: dict[str, Any]) -> None:
    """Export the spec's ``sample_fraction`` to this process and its kernel, or clear a stale one."""
    fraction = spec.get("sample_fraction")
    if fraction is None:
        # A runner started from a sampled environment must still read whole inputs in a real run.
        os.environ.pop(SAMPLE_FRACTION_ENV, None)
        return
    os.environ[SAMPLE_FRACTION_ENV] = repr(float(fraction))
    scale_spark_broadcast_threshold(float(fraction))


def scale_spark_broadcast_threshold(fraction: float) -> None:
    """Scale Spark's broadcast-join threshold by the sample fraction for sessions the kernel creates.

    Spark broadcasts the smaller side of a join when it is under
    ``spark.sql.autoBroadcastJoinThreshold`` (10 MiB by default in Spark 4), and shuffles both sides
    otherwise. A 2% sample of a 100 MiB table is under the threshold, so without scaling a sample
    run would broadcast a join that the real run shuffles, and its shuffle bytes would miss it.
    pyspark passes PYSPARK_SUBMIT_ARGS to the JVM it launches. An option that the job sets
    itself, in the environment or on the session builder, still takes precedence.
    """
    threshold = max(1, int(SPARK_BROADCAST_THRESHOLD_BYTES * fraction))
    existing = os.environ.get(PYSPARK_SUBMIT_ARGS_ENV, "pyspark-shell")
    os.environ[PYSPARK_SUBMIT_ARGS_ENV] = f"--conf spark.sql.autoBroadcastJoinThreshold={threshold} {existing}"


def resource_usage() -> dict[str, Any]:
    """Return CPU seconds of the runner and its waited-for children, and the larger peak resident set.

    ``ru_maxrss`` is in KiB on Linux and in bytes on macOS. The children's figure is the peak of
    the largest child (the kernel, usually), not a sum, so the peak memory is a lower bound
    for a job whose children run at the same time.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    unit = 1 if sys.platform == "darwin" else 1024
    return {
        "cpu_s": round(own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, 3),
        "max_rss_bytes": max(own.ru_maxrss, children.ru_maxrss) * unit,
    }


def kernel_cpu_seconds(kernel_process: Any) -> float | None:
    """Return the CPU seconds the kernel process and its descendants have used so far.

    ``kernel_process`` is the kernel's ``subprocess.Popen``, or None for a kernel this runner did
    not start (a warm kernel), for which None is returned. Pre-flight's scaling model fits
    the per-cell differences, which a busy machine disturbs far less than wall time. On Linux
    the figure has nanosecond resolution and includes live worker processes, such as a local
    Spark JVM or a joblib pool (see ``dofc.process_cpu``).
    """
    pid = getattr(kernel_process, "pid", None)
    if pid is None:
        return None
    return process_tree_cpu_seconds(pid)


def cell_cpu_field(kernel_process: Any, started: float | None) -> dict[str, float]:
    """Return ``{"cpu_s": ...}`` for a cell event when the kernel's CPU time was read at both ends, else ``{}``."""
    ended = kernel_cpu_seconds(kernel_process)
    if started is None or ended is None:
        return {}
    return {"cpu_s": round(ended - started, 6)}


#: Expression the runner evaluates in the kernel after the last cell of a sample run.
SPARK_SHUFFLE_EXPRESSION = "__import__('dofc.spark.shuffle_metrics', fromlist=['report']).report()"


def sample_preamble() -> str | None:
    """Return the kernel code that prepares a sample run's Spark measurements, or None outside a sample run."""
    if not os.environ.get(SAMPLE_FRACTION_ENV):
        return None
    return "__import__('dofc.spark.shuffle_metrics', fromlist=['install']).install()"


async def read_spark_shuffle(client: Any) -> dict[str, Any] | None:
    """Evaluate ``SPARK_SHUFFLE_EXPRESSION`` in the kernel of an nbclient ``client`` and return its result.

    Returns None when the kernel ran no Spark application, and ``{"error": ...}`` when the
    expression failed, because the shuffle bytes are optional to pre-flight and must not fail the run.
    """
    msg_id = client.kc.execute(
        "", silent=True, store_history=False, allow_stdin=False, user_expressions={"shuffle": SPARK_SHUFFLE_EXPRESSION}
    )
    reply = await client.async_wait_for_reply(msg_id)
    content = reply["content"] if reply is not None else {}
    value = content.get("user_expressions", {}).get("shuffle", {})
    if value.get("status") != "ok":
        return {"error": f"reading the Spark shuffle bytes in the kernel failed: {value.get('ename')}: {value.get('evalue')}"}
    # The kernel returns the repr of the JSON string that report() built.
    return json.loads(ast.literal_eval(value["data"]["text/plain"]))
