"""Plain sentences for the failures users meet most, with what to do next."""

from __future__ import annotations

import re
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
