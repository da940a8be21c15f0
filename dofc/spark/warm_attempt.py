"""The claimed warm Spark driver's run of one attempt, as a cold driver would run it.

A cold driver gets its working folder, log and per-job Spark folders from its launch. A warm one
was launched before the job existed, so on the claim it:

- sends its output to the attempt's ``log.txt`` and copies there what its JVM and kernel append
  to the driver's own log;
- moves the JVM to the job: the local file system's working folder (against which Spark resolves
  relative paths, as a cold driver's JVM started in the working folder does), the job's
  checkpoint folder and its warehouse folder;
- runs the attempt through the job runner, which claims the attempt (``started``), checks the
  working folder, sets the job's environment and takes the waiting kernel from ``SLOT_DIR/kernel``
  (``dofc/warm/attach.py``), which it moves into the working folder and environment.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

# Imported before the claim, because importing pyspark takes seconds that a claimed job would wait for.
from pyspark.java_gateway import launch_gateway

from dofc.runner.__main__ import run_attempt
from dofc.runner.attempt import execute_attempt
from dofc.runner.protocol import SPEC_FILE, EventWriter
from dofc.warm.attach import WARM_POOL_ENV

from .warm_slot import KERNEL_DIR, LOG_FILE, link_warehouse

#: The attempt's log file, which the scheduler serves (ATTEMPT_FILES.log in server/src/executors/local/attempt-files.ts).
ATTEMPT_LOG_FILE = "log.txt"
#: Seconds between reads of the driver's log for new JVM and kernel output.
LOG_FOLLOW_POLL_S = 0.2


def run_assigned_attempt(slot_dir: Path, assignment: dict[str, Any]) -> int:
    """Run the claimed attempt and return the process exit code, as ``dofc/spark/driver.py`` does."""
    attempt_dir = Path(assignment["attempt_dir"])
    redirect_output(attempt_dir / ATTEMPT_LOG_FILE)
    follow_log(slot_dir / LOG_FILE)
    spec = json.loads((attempt_dir / SPEC_FILE).read_text(encoding="utf-8"))
    os.environ[WARM_POOL_ENV] = str(slot_dir / KERNEL_DIR)
    return execute_attempt(
        attempt_dir,
        f"job {spec['job_id']} attempt {spec['attempt']} started on warm Spark driver {slot_dir.name} in {spec['workdir']}",
        lambda events: run_on_warm_driver(spec, attempt_dir, slot_dir, assignment, events),
        "The warm Spark driver failed before the notebook finished",
    )


def run_on_warm_driver(
    spec: dict[str, Any],
    attempt_dir: Path,
    slot_dir: Path,
    assignment: dict[str, Any],
    events: EventWriter,
) -> dict[str, Any]:
    workdir = Path(spec["workdir"])
    # A missing working folder is reported by run_attempt, with the same result as a cold start.
    if workdir.is_dir():
        move_application_to_job(workdir, assignment["checkpoint_dir"])
        link_warehouse(slot_dir, Path(assignment["warehouse_dir"]))
    return run_attempt(spec, attempt_dir, events)


def redirect_output(log_file: Path) -> None:
    """Point this process's stdout and stderr, and those of its later children, at the attempt's log."""
    sys.stdout.flush()
    sys.stderr.flush()
    fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def follow_log(driver_log: Path) -> None:
    """Copy lines appended to the driver's log from now on to stderr, on a daemon thread.

    The JVM and the kernel were started before the claim and keep writing to the driver's log.
    """
    offset = driver_log.stat().st_size if driver_log.exists() else 0

    def copy() -> None:
        pending = b""
        with open(driver_log, "rb") as source:
            source.seek(offset)
            while True:
                chunk = source.read(65536)
                if not chunk:
                    time.sleep(LOG_FOLLOW_POLL_S)
                    continue
                pending += chunk
                # One write per whole line, so a JVM line is never cut by a line of this process.
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    _write_all(2, line + b"\n")

    threading.Thread(target=copy, name="dofc-driver-log", daemon=True).start()


def move_application_to_job(workdir: Path, checkpoint_dir: str) -> None:
    """Set the JVM's local file system working folder and the job's checkpoint folder, and request executors.

    A cold application gets its executors when it starts, while the kernel starts. A warm one
    waits with none, so it requests them now, and the first Spark action does not wait for an
    executor to start. Dynamic allocation releases them after they idled for
    ``spark.dynamicAllocation.executorIdleTimeout`` (60 s by default).

    NOTE: Hadoop paths (DataFrame readers and writers, ``textFile``) resolve against the new
    folder, but a relative path that Spark resolves with ``java.io.File``, such as one given to
    ``SparkContext.addFile``, still resolves against the driver's own folder.
    """
    gateway = launch_gateway()
    try:
        jvm = gateway.jvm
        # The kernel created the context before the driver was published, so this returns it.
        context = jvm.org.apache.spark.SparkContext.getOrCreate()
        local_fs = jvm.org.apache.hadoop.fs.FileSystem.getLocal(context.hadoopConfiguration())
        local_fs.setWorkingDirectory(jvm.org.apache.hadoop.fs.Path(str(workdir)))
        context.setCheckpointDir(checkpoint_dir)
        context.requestExecutors(int(context.getConf().get("spark.dynamicAllocation.maxExecutors", "1")))
    finally:
        # close(), not shutdown(): shutdown would stop the JVM's gateway, which the kernel uses.
        gateway.close()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
