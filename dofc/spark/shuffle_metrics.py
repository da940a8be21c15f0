"""Shuffle bytes of the Spark applications that a sample run's kernel ran, from Spark's REST API.

Pre-flight extrapolates the shuffle of a Spark job from its sample runs, which run the notebook
with a local SparkSession. The runner sets this module up in the kernel before the first cell
(``install``) and evaluates ``report()`` there after the last one. ``report`` reads
``/api/v1/applications/{id}/stages`` from the driver UI of the active SparkContext and sums the
shuffle read and write bytes of every stage attempt.

A notebook that calls ``spark.stop()`` takes the UI down with the context, so ``install`` wraps
``SparkContext.stop`` to read the totals first. The wrapper is put in place before the first cell
that mentions pyspark, or after any cell once pyspark is imported.
"""

from __future__ import annotations

import functools
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

#: Seconds to wait for one response of the driver UI. The first request to /api/v1 starts the
#: UI's REST service, which took more than 5 s on a busy 2-core machine.
REQUEST_TIMEOUT_S = 60.0
#: Seconds to wait for stages that are still active. The UI learns of finished tasks through
#: Spark's listener bus, which can lag the end of an action by a few milliseconds.
SETTLE_TIMEOUT_S = 2.0
SETTLE_POLL_S = 0.1

_WRAPPED = "_dofc_reads_shuffle_first"
_stopped_applications: list[dict[str, Any]] = []


def stage_shuffle_totals(ui_url: str, application_id: str) -> dict[str, Any]:
    """Sum the shuffle read and write bytes over every stage attempt of an application.

    Raises OSError (``urllib.error.URLError`` included) when the driver UI cannot be read, and
    ValueError when it does not return a JSON list.
    """
    url = f"{ui_url.rstrip('/')}/api/v1/applications/{urllib.parse.quote(application_id)}/stages"
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while True:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT_S) as response:
            stages = json.load(response)
        if not isinstance(stages, list):
            raise ValueError(f"{url} returned {type(stages).__name__}, expected a list of stages")
        active = any(stage.get("status") == "ACTIVE" for stage in stages)
        if not active or time.monotonic() >= deadline:
            break
        time.sleep(SETTLE_POLL_S)

    return {
        "application_id": application_id,
        "stages": len(stages),
        "shuffle_read_bytes": sum(int(stage.get("shuffleReadBytes", 0)) for stage in stages),
        "shuffle_write_bytes": sum(int(stage.get("shuffleWriteBytes", 0)) for stage in stages),
    }


def context_shuffle_totals(context: Any) -> dict[str, Any]:
    """Return the shuffle totals of a live SparkContext, or its application id and why they are missing."""
    application_id = str(context.applicationId)
    ui_url = context.uiWebUrl
    if ui_url is None:
        return {"application_id": application_id, "error": "the Spark UI is disabled (spark.ui.enabled=false)"}
    try:
        return stage_shuffle_totals(ui_url, application_id)
    except (OSError, ValueError) as error:
        return {"application_id": application_id, "error": f"reading {ui_url} failed: {error}"}


def install() -> None:
    """Register the IPython hooks that wrap ``SparkContext.stop`` so it reads the totals first."""
    shell = _ipython()
    shell.events.register("pre_run_cell", _wrap_before_spark_cell)
    shell.events.register("post_run_cell", _wrap_once_imported)


def report() -> str:
    """Return as JSON the summed shuffle bytes of every application the kernel ran, or ``null`` without Spark.

    The sums are null when the totals of any application could not be read. The ``applications``
    list then names it and the error.
    """
    applications = list(_stopped_applications)
    context = _active_context()
    if context is not None:
        applications.append(context_shuffle_totals(context))
    if not applications:
        return "null"

    complete = all("error" not in application for application in applications)
    return json.dumps(
        {
            "shuffle_read_bytes": sum(app["shuffle_read_bytes"] for app in applications) if complete else None,
            "shuffle_write_bytes": sum(app["shuffle_write_bytes"] for app in applications) if complete else None,
            "applications": applications,
        }
    )


def _wrap_before_spark_cell(info: Any = None) -> None:
    # Importing pyspark here, before a cell that uses it, adds no work, because the cell imports it anyway.
    if "pyspark" in sys.modules or "pyspark" in (getattr(info, "raw_cell", None) or ""):
        _wrap_stop()


def _wrap_once_imported(_result: Any = None) -> None:
    if "pyspark" in sys.modules:
        _wrap_stop()


def _wrap_stop() -> None:
    try:
        from pyspark import SparkContext
    except ImportError:
        return
    original = SparkContext.stop
    if getattr(original, _WRAPPED, False):
        return

    @functools.wraps(original)
    def stop(self: Any) -> None:
        if getattr(self, "_jsc", None) is not None:
            _stopped_applications.append(context_shuffle_totals(self))
        original(self)

    setattr(stop, _WRAPPED, True)
    SparkContext.stop = stop  # type: ignore[method-assign]


def _active_context() -> Any:
    if "pyspark" not in sys.modules:
        return None
    from pyspark import SparkContext

    return SparkContext._active_spark_context


def _ipython() -> Any:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("dofc.spark.shuffle_metrics.install() must run inside an IPython kernel")
    return shell
