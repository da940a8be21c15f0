"""Plain sentences for the failures users meet most, with what to do next."""

from __future__ import annotations

import re
import signal
import sys


def hint_for(ename: str, evalue: str, workdir: str) -> str:
    """Return a next step for an exception raised by the user's code, or an empty string.

    The scheduler explains the same failures at more length in its error catalogue
    (server/src/observe/error-catalogue/); this hint is what the runner's own message adds.
    """
    if "No space left on device" in evalue or "[Errno 28]" in evalue:
        return "A disk filled up; free space there or write to a larger file system."
    if "java.lang.OutOfMemoryError" in evalue:
        return "A Java virtual machine ran out of memory; raise mem_per_executor_gb or avoid collect() on large results."
    if "ExecutorLostFailure" in evalue:
        return "Spark lost an executor, usually because it ran out of memory; raise mem_per_executor_gb."
    if ename == "FileNotFoundError" or "Path does not exist" in evalue:
        return (
            f"The code read a file that is not there; paths are relative to {workdir}. "
            "Check the path, or put the data beside the notebook."
        )
    if ename in ("ModuleNotFoundError", "ImportError"):
        match = re.search(r"No module named '([^']+)'", evalue)
        module = match.group(1).split(".")[0] if match else "the package"
        return (
            f"Install the package that provides {module} into the kernel's environment, "
            f"for example: {sys.executable} -m pip install {module}"
        )
    if ename == "MemoryError" or "OutOfMemoryError" in evalue:
        return "The job ran out of memory; raise mem_per_executor_gb or process the data in parts."
    if ename == "PermissionError":
        return "The job may not read or write that path; use a folder you own."
    if "Py4JJavaError" in ename or "AnalysisException" in ename:
        return "Spark rejected the query; the first line of the Java error above names the cause."
    return ""


# Failure classes, for the scheduler's retry decisions. The names are a contract with the server
# (FailureClass in server/src/executors/executor.ts).
USER_CODE = "user_code"
OUT_OF_MEMORY = "out_of_memory"
EXECUTOR_LOST = "executor_lost"
INFRASTRUCTURE = "infrastructure"
# The runner never writes this class: the scheduler stops an attempt that outlives its timeout_s
# from outside and records the class itself.
TIMEOUT = "timeout"
PREEMPTED = "preempted"

# Text Spark puts in its errors when it loses an executor or a worker. Each occurs in pyspark 4's
# spark-core jar: ExecutorLostFailure, TaskSchedulerImpl, DAGScheduler, the standalone Master and
# the block transfer service.
EXECUTOR_LOST_MARKERS = ("ExecutorLostFailure", "Lost executor", "Executor lost", "worker lost", "ExecutorDeadException")
# Exception names raised when a kernel cannot be started: jupyter_client's NoSuchKernel, and the
# RuntimeError nbclient raises when a started kernel never replies.
KERNEL_START_MARKERS = ("NoSuchKernel", "Kernel didn't respond", "Kernel died before replying to kernel_info")


def classify_failure(ename: str, evalue: str) -> str:
    """Return the failure class of an exception, given its type name and message.

    Memory comes before executor loss, because an executor that ran out of memory is lost too and
    the remedy is more memory.
    """
    if ename == "Paused":
        return PREEMPTED
    if ename == "MemoryError" or "java.lang.OutOfMemoryError" in evalue:
        return OUT_OF_MEMORY
    if any(marker in evalue for marker in EXECUTOR_LOST_MARKERS):
        return EXECUTOR_LOST
    if "No space left on device" in evalue or "[Errno 28]" in evalue:
        return INFRASTRUCTURE
    if any(marker in ename or marker in evalue for marker in KERNEL_START_MARKERS):
        return INFRASTRUCTURE
    return USER_CODE


def classify_killed(signal_number: int | None) -> str:
    """Return the failure class of a kernel or script that died from a signal.

    The kernel's out-of-memory killer sends SIGKILL. The scheduler's pause and cancel signal the
    runner itself, so a child killed by SIGKILL while the runner lives was most likely out of memory.
    """
    if signal_number == signal.SIGKILL:
        return OUT_OF_MEMORY
    return INFRASTRUCTURE


def classify_runner_fault(error: BaseException) -> str:
    """Return the failure class when DOFC's own code failed around the user's code.

    Such a fault is never the user's: the kernel did not start, an interpreter is missing, or a
    disk is full. Only running out of memory has a remedy of its own.
    """
    if isinstance(error, MemoryError) or "java.lang.OutOfMemoryError" in str(error):
        return OUT_OF_MEMORY
    return INFRASTRUCTURE


# Result codes the runner writes for failures outside the user's code.
INFRASTRUCTURE_CODES = {"workdir_missing", "runner_error"}


def with_failure_class(result: dict) -> dict:
    """Add ``failure_class`` to a failed or paused result that lacks one, and return the result."""
    if result.get("outcome") == "succeeded" or "failure_class" in result:
        return result
    if result.get("outcome") == "paused":
        result["failure_class"] = PREEMPTED
    elif result.get("code") in INFRASTRUCTURE_CODES:
        result["failure_class"] = INFRASTRUCTURE
    else:
        result["failure_class"] = USER_CODE
    return result
