"""The runner's side of warm kernels: claim one, hand it to nbclient, and discard it after use.

``prepare_kernel`` returns a ``KernelChoice``. Its ``manager`` goes to nbclient in place of the
manager nbclient would create. For a warm kernel that manager is attached to the claimed kernel
instead of starting one. ``on_notebook_start`` then runs the preamble in the kernel: for a warm
kernel it adopts the job's folder and environment, and for any kernel it routes pandas' reads
through the hot-set cache when the run has one. When no kernel is ready the choice is a cold
start, the same path as without a pool.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from .cache import CACHE_DIR_ENV
from .processes import is_alive, kill_session, start_ticks
from .slots import CLAIMED_DIR, WarmSlot, claim_slot

WARM_POOL_ENV = "DOFC_WARM_POOL_DIR"
SPEC_WARM_POOL = "warm_kernel_pool"
SPEC_HOT_SET = "hot_set_dir"

#: Seconds to wait for a killed kernel to disappear from the process table.
EXIT_WAIT_S = 2.0


def export_warm_settings(spec: dict[str, Any]) -> None:
    """Put the attempt's pool and cache folders from spec.json into the runner's environment."""
    if spec.get(SPEC_WARM_POOL):
        os.environ[WARM_POOL_ENV] = str(spec[SPEC_WARM_POOL])
    if spec.get(SPEC_HOT_SET):
        os.environ[CACHE_DIR_ENV] = str(spec[SPEC_HOT_SET])


class AttachedKernelManager(AsyncKernelManager):  # type: ignore[misc]
    """A kernel manager for a kernel that another process started: it attaches, it never launches."""

    def __init__(self, slot: WarmSlot, **kwargs: Any) -> None:
        super().__init__(kernel_name="python3", **kwargs)
        self.connection_file = str(slot.connection_file)
        self.load_connection_file(self.connection_file)
        self.kernel_id = slot.name
        self._slot = slot
        self._ticks = start_ticks(slot.kernel_pid)

    @property
    def has_kernel(self) -> bool:
        return True

    async def is_alive(self) -> bool:  # type: ignore[override]
        return is_alive(self._slot.kernel_pid, self._ticks)

    async def interrupt_kernel(self) -> None:  # type: ignore[override]
        os.kill(self._slot.kernel_pid, 2)

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:  # type: ignore[override]
        kill_session(self._slot.kernel_pid)

    async def cleanup_resources(self, restart: bool = False) -> None:  # type: ignore[override]
        # The connection file belongs to the pool folder, which removes it with the slot.
        return None


class KernelChoice:
    """The kernel an attempt runs on: a claimed warm kernel, or None for a cold start."""

    def __init__(self, slot: WarmSlot | None, pool_dir: Path | None) -> None:
        self.slot = slot
        self.pool_dir = pool_dir
        self.manager = AttachedKernelManager(slot) if slot is not None else None

    @property
    def warm(self) -> bool:
        return self.slot is not None

    def preamble(self, workdir: Path) -> str | None:
        """Return the code to run in the kernel before the first cell, or None when none is needed."""
        lines = []
        if self.slot is not None:
            env = {key: value for key, value in os.environ.items() if key != WARM_POOL_ENV}
            arguments = {
                "workdir": str(workdir),
                "env": env,
                "runner_pid": os.getpid(),
                "runner_ticks": start_ticks(os.getpid()),
            }
            # Imports through __import__ leave no new names in the notebook's namespace.
            lines.append(f"__import__('dofc.warm.kernel_setup', fromlist=['adopt']).adopt(**{json.dumps(arguments)})")
        if os.environ.get(CACHE_DIR_ENV):
            if self.slot is not None:
                lines.append(f"__import__('os').environ[{CACHE_DIR_ENV!r}] = {os.environ[CACHE_DIR_ENV]!r}")
            lines.append("__import__('dofc.warm.cache', fromlist=['install_pandas_hooks']).install_pandas_hooks()")
        return "\n".join(lines) if lines else None

    def discard(self) -> None:
        """Stop a warm kernel after its one attempt and remove its records; a cold kernel is nbclient's."""
        if self.slot is None or self.pool_dir is None:
            return
        ticks = self.manager._ticks if self.manager is not None else None
        _discard_slot(self.pool_dir, self.slot, ticks)


def _discard_slot(pool_dir: Path, slot: WarmSlot, ticks: int | None) -> None:
    # A kernel is never reused, so it is killed rather than asked to shut down.
    kill_session(slot.kernel_pid)
    deadline = time.monotonic() + EXIT_WAIT_S
    while is_alive(slot.kernel_pid, ticks) and time.monotonic() < deadline:
        time.sleep(0.05)
    for record in (pool_dir / CLAIMED_DIR).glob(f"{slot.name}.*.json"):
        record.unlink(missing_ok=True)
    slot.connection_file.unlink(missing_ok=True)
    slot.connection_file.with_suffix(".pid").unlink(missing_ok=True)


def prepare_kernel() -> KernelChoice:
    """Claim a ready warm kernel when the attempt may use one, or choose a cold start.

    A claimed kernel that died since it was published is discarded and the next one is tried.
    """
    raw = os.environ.pop(WARM_POOL_ENV, "")
    if not raw:
        return KernelChoice(None, None)
    pool_dir = Path(raw)
    while True:
        slot = claim_slot(pool_dir)
        if slot is None:
            print("[dofc] no warm kernel is ready; starting a kernel", flush=True)
            return KernelChoice(None, pool_dir)
        if is_alive(slot.kernel_pid):
            waited = time.time() - slot.ready_at
            print(f"[dofc] using warm kernel {slot.name} (ready for {waited:.1f} s)", flush=True)
            return KernelChoice(slot, pool_dir)
        print(f"[dofc] warm kernel {slot.name} is gone; trying another", file=sys.stderr, flush=True)
        _discard_slot(pool_dir, slot, None)


def preamble_hook(client: Any, code: str) -> Any:
    """Return an ``on_notebook_start`` hook that runs ``code`` silently before the first cell."""

    async def run_preamble(**_kwargs: Any) -> None:
        msg_id = client.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        reply = await client.async_wait_for_reply(msg_id)
        content = reply["content"] if reply is not None else {}
        if content.get("status") != "ok":
            raise RuntimeError(
                f"The kernel set-up before the first cell failed with {content.get('ename')}: {content.get('evalue')}; "
                "check that the dofc package is installed in the kernel's environment."
            )

    return run_preamble
