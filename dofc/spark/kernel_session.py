"""Kernel start-up file: create the attempt's SparkSession before the notebook's first cell runs.

The Spark driver sets ``PYTHONSTARTUP`` to this file, and IPython runs it in the kernel's user
namespace. The kernel inherits ``PYSPARK_GATEWAY_PORT`` from the driver, so this session lives in
the JVM that spark-submit started, with the master, core ceiling and application name DOFC set.
A later ``SparkSession.builder...getOrCreate()`` in the notebook returns this session, so the
notebook cannot change those settings. ``spark`` and ``sc`` are defined as in the pyspark shell.

Creating the session can take longer than a kernel may take to start (nbclient waits 60 s), so
it is created on a thread, and every cell waits for that thread before it runs.
"""

import threading

from pyspark.sql import SparkSession


def _dofc_create_session():
    global spark, sc
    spark = SparkSession.builder.getOrCreate()
    sc = spark.sparkContext


_dofc_session_thread = threading.Thread(target=_dofc_create_session, name="dofc-spark-session", daemon=True)


def _dofc_wait_for_session(*_args):
    _dofc_session_thread.join()


_dofc_session_thread.start()
get_ipython().events.register("pre_run_cell", _dofc_wait_for_session)  # noqa: F821 - IPython defines it
