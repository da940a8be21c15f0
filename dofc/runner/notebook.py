"""Execute a notebook on a Jupyter kernel with nbclient, reporting progress cell by cell."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

from dofc.preflight_sample_run import cell_cpu_field, kernel_cpu_seconds, read_spark_shuffle, sample_preamble
from dofc.warm.attach import preamble_hook, prepare_kernel

from .failures import classify_failure, classify_killed, hint_for
from .pause import (
    RunnerPaused,
    pause_requested,
    paused_after_stage_result,
    paused_before_cell_result,
    paused_stage,
)
from .protocol import EventWriter

KERNEL_NAME = "python3"


class ProgressClient(NotebookClient):
    """A NotebookClient that streams cell output to the log and reports each finished cell."""

    def __init__(self, notebook: Any, events: EventWriter, attempt_dir: Path | None = None, **kwargs: Any) -> None:
        super().__init__(notebook, **kwargs)
        self._events = events
        self._attempt_dir = attempt_dir
        self.kernel_process: Any = None
        self._code_indexes = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
        self.current_index: int | None = None
        self._cell_started_at = time.monotonic()
        # A sample run reads the Spark shuffle bytes from the kernel after the last cell.
        self.measure_spark_shuffle = False
        self.spark_shuffle: dict[str, Any] | None = None
        self.on_cell_start = self._cell_started
        self.on_cell_executed = self._cell_executed

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        await super().async_start_new_kernel(**kwargs)
        # Kept because nbclient drops the kernel manager when the kernel dies, and with it the
        # exit status that distinguishes an out-of-memory kill from a crash. Only jupyter_client's local
        # provisioner has a process.
        self.kernel_process = getattr(getattr(self.km, "provisioner", None), "process", None)

    async def async_execute_cell(self, cell: Any, cell_index: int, *args: Any, **kwargs: Any) -> Any:
        executed = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        # Read while the kernel still runs, because nbclient shuts it down right after the last cell.
        if self.measure_spark_shuffle and cell_index == len(self.nb.cells) - 1:
            self.spark_shuffle = await read_spark_shuffle(self)
        return executed

    def code_cell_number(self, index: int) -> int:
        """The 1-based position of a cell among the code cells, as users count them."""
        return self._code_indexes.index(index) + 1

    @property
    def code_cell_count(self) -> int:
        return len(self._code_indexes)

    def _cell_started(self, cell: Any, cell_index: int) -> None:
        # nbclient calls the hook for markdown cells too; only code cells count.
        if cell.cell_type != "code":
            return
        # Raising here stops nbclient before it sends the cell to the kernel.
        if self._attempt_dir is not None and pause_requested(self._attempt_dir):
            raise RunnerPaused(self.code_cell_number(cell_index), self.code_cell_count)
        self.current_index = cell_index
        self._cell_started_at = time.monotonic()
        self._cell_cpu_started = kernel_cpu_seconds(self.kernel_process)
        number = self.code_cell_number(cell_index)
        print(f"[dofc] cell {number}/{self.code_cell_count} started", flush=True)

    def _cell_executed(self, cell: Any, cell_index: int, execute_reply: Any) -> None:
        if cell.cell_type != "code":
            return
        number = self.code_cell_number(cell_index)
        status = execute_reply["content"].get("status", "unknown")
        # Every code cell's wall time goes to events.jsonl, for the job report.
        duration_s = round(time.monotonic() - self._cell_started_at, 3)
        cpu = cell_cpu_field(self.kernel_process, getattr(self, "_cell_cpu_started", None))
        self._events.emit("cell", cell=number, duration_s=duration_s, status=status, **cpu)

        # nbclient calls this hook after a failed cell too; a failed cell is not done.
        if status != "ok":
            return
        self._events.emit("progress", done=number, total=self.code_cell_count, unit="cells")

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
        # Copy stream output to the runner's log as it arrives, so `dofc logs --follow` is live.
        content = msg.get("content", {})
        if msg.get("msg_type") == "stream":
            target = sys.stderr if content.get("name") == "stderr" else sys.stdout
            target.write(content.get("text", ""))
            target.flush()
        elif msg.get("msg_type") == "error":
            print("\n".join(content.get("traceback", [])), file=sys.stderr, flush=True)
        return super().output(outs, msg, display_id, cell_index)


def run_notebook(notebook: Any, workdir: Path, output_path: Path, events: EventWriter) -> dict[str, Any]:
    """Run every code cell in order and return the attempt's result; the executed notebook is saved either way."""
    # A Light job takes a warm kernel from the pool when one is ready (dofc/warm/attach.py).
    kernel = prepare_kernel()
    client = ProgressClient(
        notebook,
        events,
        km=kernel.manager,
        # The executed notebook is written into the attempt folder, where pause requests arrive.
        attempt_dir=output_path.parent,
        kernel_name=KERNEL_NAME,
        timeout=None,
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    preamble = "\n".join(code for code in (kernel.preamble(workdir), sample_preamble()) if code is not None)
    if preamble:
        client.on_notebook_start = preamble_hook(client, preamble)
    client.measure_spark_shuffle = sample_preamble() is not None
    events.emit("kernel", warm=kernel.warm)
    events.emit("progress", done=0, total=client.code_cell_count, unit="cells")
    try:
        client.execute()
    except RunnerPaused as paused:
        return paused_before_cell_result(paused)
    except CellExecutionError as error:
        # The marker distinguishes dofc.Paused from a user's own exception class of the same name.
        if error.ename == "Paused" and paused_stage(output_path.parent) is not None:
            return paused_after_stage_result(output_path.parent)
        return _failed_cell_result(client, error.ename, error.evalue, workdir)
    except DeadKernelError as error:
        result = _failed_cell_result(client, "DeadKernelError", str(error), workdir)
        result["message"] += " The kernel died: the code may have run out of memory or crashed the interpreter."
        result["failure_class"] = classify_killed(kernel_exit_signal(client))
        return result
    finally:
        nbformat.write(notebook, str(output_path))
        kernel.discard()

    result = {
        "outcome": "succeeded",
        "message": f"All {client.code_cell_count} code cells ran.",
        "cells": client.code_cell_count,
    }
    if client.spark_shuffle is not None:
        result["spark_shuffle"] = client.spark_shuffle
    return result


def _failed_cell_result(client: ProgressClient, ename: str, evalue: str, workdir: Path) -> dict[str, Any]:
    index = client.current_index if client.current_index is not None else 0
    number = client.code_cell_number(index) if client.code_cell_count else 0
    source = client.nb.cells[index].source if client.nb.cells else ""
    message = f"Cell {number} of {client.code_cell_count} raised {ename}: {evalue}".rstrip(": ")
    hint = hint_for(ename, evalue, str(workdir))
    return {
        "outcome": "failed",
        "code": "cell_error",
        "failure_class": classify_failure(ename, evalue),
        "message": message + ("." if not message.endswith(".") else "") + (f" {hint}" if hint else ""),
        "failed_cell": {
            "index": index,
            "code_cell_number": number,
            "ename": ename,
            "evalue": evalue[:2000],
            "source_head": source[:300],
        },
    }


def kernel_exit_signal(client: ProgressClient) -> int | None:
    """Return the signal that killed the kernel process, or None if unknown or it exited normally."""
    process = client.kernel_process
    if process is None:
        return None
    returncode = process.poll()
    return -returncode if returncode is not None and returncode < 0 else None
