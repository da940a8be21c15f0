"""Warm Spark driver: ``spark-submit [conf...] dofc/spark/warm_driver.py SLOT_DIR --scheduler-pid PID``.

The scheduler keeps a few of these started for Light notebooks (server/src/executors/spark/
spark-warm-pool.ts). Each one starts a kernel that joins this driver's JVM and creates the
SparkSession there (``kernel_session.py``), publishes the kernel in ``SLOT_DIR/kernel``, writes
``ready.json`` and waits. The application has no executor while it waits, because it runs
with dynamic allocation and a minimum of 0 executors.

When the scheduler claims the driver for an attempt (``assignment.json``, see ``warm_slot.py``),
the driver runs that one attempt as a cold Spark driver would (``warm_attempt.py``) and exits,
which ends the application. A driver that was never claimed retires and exits when the
scheduler that started it is gone.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from jupyter_client import BlockingKernelClient

from dofc.runner.kernel_pool import run_silently, start_kernel
from dofc.warm.processes import is_alive, start_ticks
from dofc.spark.warm_attempt import run_assigned_attempt
from dofc.spark.warm_slot import KERNEL_DIR, read_assignment, retire, write_ready
from dofc.warm.slots import KERNELS_DIR, prepare_pool_dir, publish_slot

KERNEL_SESSION_FILE = Path(__file__).with_name("kernel_session.py")
#: Seconds the kernel may take to create the SparkSession: JVM classes load and the application registers with the master.
SESSION_TIMEOUT_S = 300
#: Seconds between checks for a claim.
CLAIM_POLL_S = 0.05
# Runs in the kernel: wait for the session thread of kernel_session.py, then fail with NameError if it left no session.
WAIT_FOR_SESSION = "_dofc_wait_for_session()\nspark.sparkContext.applicationId"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="spark-submit ... dofc/spark/warm_driver.py", description=__doc__.splitlines()[0])
    parser.add_argument("slot_dir", type=Path, help="the driver's folder, created by the scheduler")
    parser.add_argument("--scheduler-pid", type=int, required=True, help="retire and exit when this process is gone")
    arguments = parser.parse_args(argv)
    slot_dir: Path = arguments.slot_dir.resolve()
    scheduler_ticks = start_ticks(arguments.scheduler_pid)

    # A kernel the runner has to start after all (the warm one died) gets a session the same way.
    os.environ["PYTHONSTARTUP"] = str(KERNEL_SESSION_FILE)
    kernel_pid = start_session_kernel(slot_dir)
    write_ready(slot_dir, {"driver_pid": os.getpid(), "kernel_pid": kernel_pid, "ready_at": time.time()})
    print(f"[dofc] warm Spark driver {slot_dir.name} ready (kernel pid {kernel_pid})", flush=True)

    assignment = wait_for_claim(slot_dir, arguments.scheduler_pid, scheduler_ticks)
    if assignment is None:
        print(f"[dofc] warm Spark driver {slot_dir.name}: the scheduler exited; stopping", flush=True)
        return 0
    return run_assigned_attempt(slot_dir, assignment)


def start_session_kernel(slot_dir: Path) -> int:
    """Start the kernel, wait until its SparkSession exists and publish it; return its pid."""
    pool_dir = slot_dir / KERNEL_DIR
    prepare_pool_dir(pool_dir)
    name = slot_dir.name
    # The kernel exits with this driver, before and after the claim.
    slot, _process = start_kernel(name, pool_dir / KERNELS_DIR / f"{name}.json", slot_dir, (), parent_pid=os.getpid())

    client = BlockingKernelClient()
    client.load_connection_file(str(slot.connection_file))
    client.start_channels(hb=False)
    try:
        run_silently(client, WAIT_FOR_SESSION, SESSION_TIMEOUT_S)
    finally:
        client.stop_channels()
    publish_slot(pool_dir, slot)
    return slot.kernel_pid


def wait_for_claim(slot_dir: Path, scheduler_pid: int, scheduler_ticks: int | None) -> dict | None:
    """Return the attempt's claim record, or None once the driver retired because the scheduler is gone."""
    while True:
        assignment = read_assignment(slot_dir)
        if assignment is not None and "attempt_dir" in assignment:
            return assignment
        if assignment is not None:
            return None
        if not is_alive(scheduler_pid, scheduler_ticks) and retire(slot_dir, "the scheduler exited"):
            return None
        time.sleep(CLAIM_POLL_S)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
