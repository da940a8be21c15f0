"""The life of one attempt as the scheduler expects it, shared by the runner and the Spark driver."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dofc.preflight_sample_run import resource_usage

from .attempt_log import capture_output
from .failures import classify_runner_fault, with_failure_class
from .pause import install_pause_signal_handler
from .protocol import (
    EXIT_ALREADY_STARTED,
    AttemptAlreadyStarted,
    EventWriter,
    claim_attempt,
    write_result,
)

RunAttempt = Callable[[EventWriter], dict[str, Any]]


def execute_attempt(attempt_dir: Path, describe: str, run: RunAttempt, fault_message: str) -> int:
    """Claim the attempt, run it, and always leave ``result.json``; return the process exit code.

    ``describe`` is the start line for the log, and ``fault_message`` prefixes the result when
    ``run`` itself raises, so a fault of DOFC's own code still ends the attempt with a result.
    """
    install_pause_signal_handler()
    try:
        claim_attempt(attempt_dir)
    except AttemptAlreadyStarted:
        print(f"[dofc] attempt {attempt_dir} was already started; running nothing.", file=sys.stderr)
        return EXIT_ALREADY_STARTED
    capture_output()

    events = EventWriter(attempt_dir)
    started = time.monotonic()
    events.emit("started", pid=os.getpid())
    print(f"[dofc] {describe}", flush=True)

    try:
        result = run(events)
    except Exception as error:  # noqa: BLE001 - any fault must still leave a result for the scheduler
        result = {
            "outcome": "failed",
            "code": "runner_error",
            "message": f"{fault_message}: {type(error).__name__}: {error}",
            "failure_class": classify_runner_fault(error),
        }

    with_failure_class(result)
    result["duration_s"] = round(time.monotonic() - started, 3)
    # The scheduler may be down when the runner ends; this is the end it records when it comes back.
    result["ended_at"] = datetime.now(timezone.utc).isoformat()
    result.update(resource_usage())
    write_result(attempt_dir, result)
    events.emit("finished", outcome=result["outcome"])
    events.close()
    print(f"[dofc] {result['outcome']}: {result['message']}", flush=True)
    return 0
