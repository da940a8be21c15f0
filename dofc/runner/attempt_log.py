"""Tag each line of an attempt's log with its source, and keep the log under a size cap.

The scheduler opens ``log.txt`` as the runner's stdout and stderr. ``capture_output`` moves
both onto pipes that this module reads, so everything written to them (the runner's own lines,
kernel and script output, and the Spark driver's JVM, which inherits them) arrives here and is
written to the log as ``SOURCE | text``. The sources are:

- ``runner``: lines the runner prints, which start with ``[dofc] ``;
- ``spark``: log4j lines of a Spark driver (``yy/MM/dd HH:mm:ss LEVEL ...``, Spark's default
  pattern) and its start-up notices;
- ``stdout`` and ``stderr``: everything else, by the stream it was written to.

Once the log reaches its cap (``DOFC_LOG_MAX_BYTES``, default 10 MiB), later lines are dropped
except the last ones, up to a quarter of the cap and at most 64 KiB, which are written when the
attempt ends, after a line that gives the number of bytes dropped.
"""

from __future__ import annotations

import atexit
import collections
import os
import re
import sys
import threading

MAX_BYTES_ENV = "DOFC_LOG_MAX_BYTES"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_TAIL_BYTES = 64 * 1024
# A line longer than this (such as a progress bar redrawn with \r) is split, so memory stays bounded.
MAX_LINE_BYTES = 64 * 1024
# Output that child processes still write after the runner finished is not waited for longer than this.
DRAIN_TIMEOUT_S = 2.0

RUNNER_PREFIX = b"[dofc] "
SPARK_LINE = re.compile(
    rb"^(\d{2}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) "
    rb"|Setting default log level to "
    rb"|To adjust logging level use sc\.setLogLevel"
    rb"|Using Spark's default log4j profile"
    rb"|WARNING: Using incubator modules)"
)


def classify(line: bytes, stream: str) -> str:
    """Return the source of one line that arrived on ``stream`` ("stdout" or "stderr")."""
    if line.startswith(RUNNER_PREFIX):
        return "runner"
    if SPARK_LINE.match(line):
        return "spark"
    return stream


def max_bytes_from_environment() -> int:
    """Read the cap from DOFC_LOG_MAX_BYTES, falling back to the default when unset or invalid."""
    raw = os.environ.get(MAX_BYTES_ENV, "")
    if raw.strip().isdigit() and int(raw) >= 1024:
        return int(raw)
    if raw:
        print(
            f"[dofc] {MAX_BYTES_ENV}={raw!r} is invalid (use a whole number of bytes, at least 1024); "
            f"using {DEFAULT_MAX_BYTES}.",
            file=sys.stderr,
        )
    return DEFAULT_MAX_BYTES


class AttemptLog:
    """Writes tagged lines to a file descriptor, keeping at most about ``max_bytes`` of them."""

    def __init__(self, sink_fd: int, max_bytes: int) -> None:
        self._sink = sink_fd
        self._max_bytes = max_bytes
        self._tail_budget = min(MAX_TAIL_BYTES, max_bytes // 4)
        self._head_budget = max_bytes - self._tail_budget
        self._written = 0
        self._cut = False
        self._tail: collections.deque[bytes] = collections.deque()
        self._tail_bytes = 0
        self._dropped_bytes = 0
        self._lock = threading.Lock()
        self._closed = False

    def write_line(self, source: str, line: bytes) -> None:
        """Write one line (without its newline) tagged with its source, or keep it for the tail."""
        tagged = f"{source:<6} | ".encode() + line.rstrip(b"\r\n") + b"\n"
        with self._lock:
            if not self._cut and self._written + len(tagged) <= self._head_budget:
                self._write(tagged)
                return
            if not self._cut:
                self._cut = True
                self._write(
                    self._tag_runner(
                        f"log cap of {self._max_bytes} bytes ({MAX_BYTES_ENV}) reached; later output is dropped "
                        f"except its last {self._tail_budget} bytes, which follow when the attempt ends"
                    )
                )
            self._keep_in_tail(tagged)

    def pump(self, read_fd: int, stream: str) -> None:
        """Read a pipe until every writer has closed it, writing each complete line."""
        pending = b""
        while True:
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                self.write_line(classify(line, stream), line)
            while len(pending) > MAX_LINE_BYTES:
                piece, pending = pending[:MAX_LINE_BYTES], pending[MAX_LINE_BYTES:]
                self.write_line(classify(piece, stream), piece)
        if pending:
            self.write_line(classify(pending, stream), pending)
        os.close(read_fd)

    def finish(self) -> None:
        """Write the dropped-bytes notice and the kept tail; later lines are written as they come."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not self._cut:
                return
            self._write(
                self._tag_runner(
                    f"{self._dropped_bytes} bytes of output were dropped here because the log reached its cap of "
                    f"{self._max_bytes} bytes; raise {MAX_BYTES_ENV} to keep more"
                )
            )
            while self._tail:
                self._write(self._tail.popleft())
            self._tail_bytes = 0

    def _keep_in_tail(self, tagged: bytes) -> None:
        if self._closed:
            # After finish() the tail is written, so a straggling line is only counted.
            self._dropped_bytes += len(tagged)
            return
        self._tail.append(tagged)
        self._tail_bytes += len(tagged)
        while self._tail_bytes > self._tail_budget and self._tail:
            oldest = self._tail.popleft()
            self._tail_bytes -= len(oldest)
            self._dropped_bytes += len(oldest)

    def _tag_runner(self, text: str) -> bytes:
        return f"{'runner':<6} | [dofc] {text}\n".encode()

    def _write(self, data: bytes) -> None:
        self._written += len(data)
        view = memoryview(data)
        while view:
            view = view[os.write(self._sink, view) :]


class OutputCapture:
    """The pipes that replace file descriptors 1 and 2, and the threads that read them."""

    def __init__(self, log: AttemptLog, sink_fd: int, threads: list[threading.Thread]) -> None:
        self.log = log
        self._sink = sink_fd
        self._threads = threads
        self._stopped = False

    def stop(self) -> None:
        """Point 1 and 2 back at the log, wait for the pipes to drain, then write the tail."""
        if self._stopped:
            return
        self._stopped = True
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        # dup2 closes this process's pipe ends; the pumps end once child processes close theirs.
        os.dup2(self._sink, 1)
        os.dup2(self._sink, 2)
        for thread in self._threads:
            thread.join(DRAIN_TIMEOUT_S)
        self.log.finish()


def capture_output(max_bytes: int | None = None) -> OutputCapture:
    """Route this process's stdout and stderr, and its children's, through a tagging AttemptLog.

    The capture stops by itself when the interpreter exits, so lines written by a runner that
    fails unexpectedly are still written.
    """
    sink = os.dup(1)
    log = AttemptLog(sink, max_bytes if max_bytes is not None else max_bytes_from_environment())
    threads = []
    for fd, stream in ((1, "stdout"), (2, "stderr")):
        read_end, write_end = os.pipe()
        os.dup2(write_end, fd)
        os.close(write_end)
        thread = threading.Thread(
            target=log.pump,
            args=(read_end, stream),
            name=f"dofc-log-{stream}",
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    capture = OutputCapture(log, sink, threads)
    atexit.register(capture.stop)
    return capture
