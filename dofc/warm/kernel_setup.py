"""Code that runs inside a kernel before the first cell of an attempt.

A warm kernel was started by the pool process, in the pool's folder and environment, before the
job existed. ``adopt`` gives it what a cold kernel gets from its launch: the job's working
folder and the runner's environment. It also ties the kernel's life to the runner's, as
ipykernel's parent poller does for a cold kernel.
"""

from __future__ import annotations

import os
import sys
import threading
import time

from .processes import is_alive, kill_session

#: Seconds between checks that the claiming runner still runs.
RUNNER_POLL_S = 0.5


def adopt(workdir: str, env: dict[str, str], runner_pid: int, runner_ticks: int | None) -> None:
    """Move this kernel into the attempt: working folder, environment and runner watch."""
    # ipykernel_launcher removes its launch folder from sys.path, and IPython adds '' (the current
    # folder), so after chdir the notebook imports modules beside it, as in a cold kernel.
    os.chdir(workdir)

    # Keys only the kernel has (such as MPLBACKEND, which ipykernel sets) stay, as in a cold kernel.
    os.environ.update(env)

    watcher = threading.Thread(
        target=_exit_with_runner,
        args=(runner_pid, runner_ticks),
        name="dofc-runner-watch",
        daemon=True,
    )
    watcher.start()


def _exit_with_runner(runner_pid: int, runner_ticks: int | None) -> None:
    # The runner discards the kernel when it ends normally. This covers a runner that was killed
    # (a cancel after the grace period, or a crash), so the job's code stops with its runner.
    while is_alive(runner_pid, runner_ticks):
        time.sleep(RUNNER_POLL_S)
    print(f"[dofc] runner {runner_pid} exited; stopping this kernel", file=sys.__stderr__, flush=True)
    kill_session(os.getpid())
