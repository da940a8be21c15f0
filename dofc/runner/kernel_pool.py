"""Keep pre-started Jupyter kernels for Light jobs: ``python -m dofc.runner.kernel_pool POOL_DIR --size N``.

The pool starts each kernel as the job runner would (``python -m ipykernel_launcher`` with this
interpreter and environment), imports the ``--preload`` modules in it, and publishes it in
``POOL_DIR/ready``. A runner claims a kernel by renaming its record (``dofc/warm/slots.py``),
runs one attempt on it and kills it, so no state passes between jobs. The pool then starts a
replacement, one kernel at a time so that refilling never takes more than one core.

Kernels run in sessions of their own and outlive the pool. On exit the pool kills the kernels
no runner claimed, and a claimed kernel ends with its runner (``dofc/warm/kernel_setup.py``). The
pool exits on SIGTERM, or when the process named by ``--parent-pid`` (the scheduler) is gone.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from types import FrameType

from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from dofc.warm.processes import is_alive, kill_session, start_ticks
from dofc.warm.slots import (
    CLAIMED_DIR,
    KERNELS_DIR,
    LOCK_FILE,
    READY_DIR,
    STATUS_FILE,
    WarmSlot,
    claim_owner,
    prepare_pool_dir,
    publish_slot,
)

#: Seconds a kernel may take to reply to its first kernel_info request.
KERNEL_READY_TIMEOUT_S = 60
#: Seconds the preload imports may take.
PRELOAD_TIMEOUT_S = 120
#: Seconds between passes of the pool loop.
POLL_S = 0.2
#: Seconds to wait after a kernel failed to start, so a broken environment does not spin a core.
FAILED_START_BACKOFF_S = 10


@dataclass
class PoolCounters:
    started: int = 0
    failed_starts: int = 0
    claimed: int = 0


@dataclass
class PooledKernel:
    slot: WarmSlot
    process: subprocess.Popen[bytes]
    claimed: bool = False


@dataclass
class KernelPool:
    pool_dir: Path
    size: int
    preload: tuple[str, ...]
    parent_pid: int | None
    kernels: dict[str, PooledKernel] = field(default_factory=dict)
    counters: PoolCounters = field(default_factory=PoolCounters)
    stopping: bool = False
    next_start_at: float = 0.0

    def run(self) -> None:
        """Keep ``size`` kernels ready until asked to stop, then kill the unclaimed ones."""
        clear_stale_slots(self.pool_dir)
        print(f"[dofc] kernel pool in {self.pool_dir}: keeping {self.size} kernels ready, preloading {list(self.preload)}", flush=True)
        while not self.stopping:
            self.reap()
            self.note_claims()
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                print(f"[dofc] kernel pool: parent {self.parent_pid} exited; stopping", flush=True)
                break
            # Written before a start, which takes seconds, so that a claim shows at once.
            self.write_status()
            if self.ready_count() < self.size and time.monotonic() >= self.next_start_at:
                self.start_one()
                self.write_status()
            time.sleep(POLL_S)
        self.shut_down()

    def ready_count(self) -> int:
        return sum(1 for kernel in self.kernels.values() if not kernel.claimed)

    def start_one(self) -> None:
        name = f"{int(time.time() * 1000)}-{secrets.token_hex(3)}"
        connection_file = self.pool_dir / KERNELS_DIR / f"{name}.json"
        started = time.monotonic()
        try:
            slot, process = start_kernel(name, connection_file, self.pool_dir, self.preload)
        except (RuntimeError, OSError, TimeoutError) as error:
            self.counters.failed_starts += 1
            self.next_start_at = time.monotonic() + FAILED_START_BACKOFF_S
            print(f"[dofc] kernel pool: kernel {name} failed to start: {error}; retrying in {FAILED_START_BACKOFF_S} s", file=sys.stderr, flush=True)
            connection_file.unlink(missing_ok=True)
            pid_file(connection_file).unlink(missing_ok=True)
            return
        self.kernels[name] = PooledKernel(slot, process)
        publish_slot(self.pool_dir, slot)
        self.counters.started += 1
        print(f"[dofc] kernel pool: kernel {name} (pid {slot.kernel_pid}) ready after {time.monotonic() - started:.2f} s", flush=True)

    def note_claims(self) -> None:
        """Mark kernels whose ready record a runner took, and kill those whose runner is gone."""
        for name, kernel in self.kernels.items():
            if not kernel.claimed and not (self.pool_dir / READY_DIR / f"{name}.json").exists():
                kernel.claimed = True
                self.counters.claimed += 1
        for record in (self.pool_dir / CLAIMED_DIR).glob("*.json"):
            owner = claim_owner(record)
            kernel = self.kernels.get(record.name.split(".")[0])
            # The kernel stops itself when its runner exits; this covers a runner that died
            # after the claim but before the kernel learnt its pid.
            if kernel is not None and owner is not None and not is_alive(owner):
                kill_session(kernel.slot.kernel_pid)

    def reap(self) -> None:
        """Forget kernels that exited and remove their records, so no runner claims a dead kernel."""
        for name in [name for name, kernel in self.kernels.items() if kernel.process.poll() is not None]:
            kernel = self.kernels.pop(name)
            remove_slot_files(self.pool_dir, kernel.slot)

    def write_status(self) -> None:
        status = {
            "pid": os.getpid(),
            "size": self.size,
            "ready": self.ready_count(),
            "in_use": sum(1 for kernel in self.kernels.values() if kernel.claimed),
            "started_total": self.counters.started,
            "claimed_total": self.counters.claimed,
            "failed_starts_total": self.counters.failed_starts,
            "updated_at": time.time(),
        }
        temporary = self.pool_dir / f".{STATUS_FILE}.tmp"
        temporary.write_text(json.dumps(status), encoding="utf-8")
        os.replace(temporary, self.pool_dir / STATUS_FILE)

    def shut_down(self) -> None:
        for name, kernel in self.kernels.items():
            ready = self.pool_dir / READY_DIR / f"{name}.json"
            try:
                # Removing the record first means a runner can no longer claim it.
                ready.unlink()
            except FileNotFoundError:
                continue
            kill_session(kernel.slot.kernel_pid)
            kernel.process.wait(timeout=10)
            remove_slot_files(self.pool_dir, kernel.slot)
        (self.pool_dir / STATUS_FILE).unlink(missing_ok=True)
        print("[dofc] kernel pool stopped; kernels in use end with their attempts", flush=True)


def start_kernel(
    name: str,
    connection_file: Path,
    pool_dir: Path,
    preload: tuple[str, ...],
    parent_pid: int | None = None,
) -> tuple[WarmSlot, subprocess.Popen[bytes]]:
    """Start one kernel, wait until it replies, and run the preload imports in it.

    With ``parent_pid`` the kernel exits when that process exits (ipykernel's parent poller).
    """
    # A random key, because anyone who can reach the ports and sign messages can run code.
    write_connection_file(str(connection_file), ip="127.0.0.1", key=secrets.token_hex(32).encode(), kernel_name="python3")
    # Without JPY_PARENT_PID ipykernel starts no parent poller, so a claimed kernel outlives the pool.
    env = {key: value for key, value in os.environ.items() if key != "JPY_PARENT_PID"}
    if parent_pid is not None:
        env["JPY_PARENT_PID"] = str(parent_pid)
    process = subprocess.Popen(
        # The same command as the python3 kernelspec, plus an in-memory history as nbclient uses.
        [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection_file), "--HistoryManager.hist_file=:memory:"],
        cwd=pool_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Recorded at once, so that a pool killed while this kernel starts lets the next pool find it.
    pid_file(connection_file).write_text(str(process.pid), encoding="utf-8")
    client = BlockingKernelClient()
    client.load_connection_file(str(connection_file))
    # No heartbeat channel: jupyter_client declares a kernel dead when it has not beaten within
    # a second, which a kernel still starting on a busy machine often has not.
    client.start_channels(hb=False)
    try:
        wait_until_ready(client, process)
        if preload:
            # Through importlib, so the modules are loaded but no name enters the notebook's namespace.
            code = "\n".join(f"__import__('importlib').import_module({module!r})" for module in preload)
            run_silently(client, code, PRELOAD_TIMEOUT_S)
    except BaseException:
        kill_session(process.pid)
        process.wait(timeout=10)
        raise
    finally:
        client.stop_channels()

    slot = WarmSlot(name=name, kernel_pid=process.pid, connection_file=connection_file, preloaded=preload, ready_at=time.time())
    return slot, process


def wait_until_ready(client: BlockingKernelClient, process: subprocess.Popen[bytes]) -> None:
    """Ask for kernel_info until the kernel replies; raise when it exits or the timeout passes."""
    deadline = time.monotonic() + KERNEL_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the kernel exited with code {process.returncode} before it replied to kernel_info")
        client.kernel_info()
        try:
            reply = client.get_shell_msg(timeout=1)
        except Empty:
            continue
        # Any reply will do, because a slow kernel replies to an earlier request after the next one is sent.
        if reply["msg_type"] == "kernel_info_reply":
            return
    raise TimeoutError(f"the kernel did not reply to kernel_info within {KERNEL_READY_TIMEOUT_S} s")


def run_silently(client: BlockingKernelClient, code: str, timeout_s: float) -> None:
    """Execute ``code`` without output or history, and raise RuntimeError when it fails."""
    msg_id = client.execute(code, silent=True, store_history=False, allow_stdin=False)
    deadline = time.monotonic() + timeout_s
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"the kernel did not finish {code!r} within {timeout_s} s")
        reply = client.get_shell_msg(timeout=remaining)
        if reply["parent_header"].get("msg_id") != msg_id:
            continue
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(f"{code!r} raised {content.get('ename')}: {content.get('evalue')}")
        return


def clear_stale_slots(pool_dir: Path) -> None:
    """Kill the kernels an earlier pool left unclaimed (published or still starting) and remove their files.

    Kernels claimed from an earlier pool belong to running attempts and are left alone; their
    files are removed once those kernels have exited.
    """
    for record in (pool_dir / READY_DIR).glob("*.json"):
        record.unlink(missing_ok=True)
    claimed = {record.name.split(".")[0] for record in (pool_dir / CLAIMED_DIR).glob("*.json")}
    for recorded_pid in (pool_dir / KERNELS_DIR).glob("*.pid"):
        name = recorded_pid.stem
        connection_file = recorded_pid.with_suffix(".json")
        pid = int(recorded_pid.read_text(encoding="utf-8") or 0)
        running = _runs_kernel(pid, connection_file)
        if running and name in claimed:
            continue
        if running:
            kill_session(pid)
        for record in (pool_dir / CLAIMED_DIR).glob(f"{name}.*.json"):
            record.unlink(missing_ok=True)
        connection_file.unlink(missing_ok=True)
        recorded_pid.unlink(missing_ok=True)


def pid_file(connection_file: Path) -> Path:
    return connection_file.with_suffix(".pid")


def remove_slot_files(pool_dir: Path, slot: WarmSlot) -> None:
    (pool_dir / READY_DIR / f"{slot.name}.json").unlink(missing_ok=True)
    for record in (pool_dir / CLAIMED_DIR).glob(f"{slot.name}.*.json"):
        record.unlink(missing_ok=True)
    slot.connection_file.unlink(missing_ok=True)
    pid_file(slot.connection_file).unlink(missing_ok=True)


def _runs_kernel(pid: int, connection_file: Path) -> bool:
    """Check that ``pid`` still runs the kernel of this connection file, not a recycled pid."""
    if pid <= 0 or start_ticks(pid) is None:
        return False
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return str(connection_file).encode() in command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dofc.runner.kernel_pool", description=__doc__.splitlines()[0])
    parser.add_argument("pool_dir", type=Path, help="folder for the pool's records; created owner-only")
    parser.add_argument("--size", type=int, required=True, help="number of kernels to keep ready (1 or more)")
    parser.add_argument("--preload", default="", help="comma-separated modules to import in each kernel in advance, such as pandas")
    parser.add_argument("--parent-pid", type=int, default=None, help="exit when this process (the scheduler) is gone")
    arguments = parser.parse_args(argv)
    if arguments.size < 1:
        parser.error(f"--size {arguments.size} is invalid: keep at least 1 kernel, or do not start the pool")

    pool_dir: Path = arguments.pool_dir.resolve()
    prepare_pool_dir(pool_dir)
    # A pool that is still stopping holds the lock; the next one waits so that they never share kernels.
    lock = open(pool_dir / LOCK_FILE, "w")  # noqa: SIM115 - held until the process exits
    fcntl.flock(lock, fcntl.LOCK_EX)

    preload = tuple(module.strip() for module in arguments.preload.split(",") if module.strip())
    pool = KernelPool(pool_dir=pool_dir, size=arguments.size, preload=preload, parent_pid=arguments.parent_pid)

    def stop(signum: int, _frame: FrameType | None) -> None:
        print(f"[dofc] kernel pool: received signal {signum}; stopping", flush=True)
        pool.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pool.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
