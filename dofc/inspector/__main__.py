"""Command line: `python -m dofc.inspector FILE [--json] [--allowed-root DIR ...]`, or `--serve`.

Prints a summary of what the notebook or script reads, writes and risks, or the report as JSON.
Exits 0 after an inspection (whatever the flags), and 2 when the file is missing or is not a
notebook or Python script.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .inspect import DEFAULT_LONG_SLEEP_SECONDS, inspect_path
from .report import InspectionError
from .serve import serve
from .summary import render_summary

EXIT_UNREADABLE = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dofc.inspector",
        description="Inspect a Jupyter notebook (.ipynb) or Python script (.py) without running it.",
    )
    parser.add_argument("file", type=Path, nargs="?", help="the .ipynb or .py file to inspect")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a summary")
    parser.add_argument(
        "--allowed-root",
        action="append",
        default=[],
        metavar="DIR",
        help=(
            "a folder (or URI prefix such as gs://bucket/team/) that writes may target; repeat for "
            "several. Absolute write paths outside all of them are flagged, every one when none is given."
        ),
    )
    parser.add_argument(
        "--long-sleep",
        type=float,
        default=DEFAULT_LONG_SLEEP_SECONDS,
        metavar="SECONDS",
        help=f"the shortest time.sleep() flagged as long, in seconds (default {DEFAULT_LONG_SLEEP_SECONDS:g})",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="read requests as JSON lines on stdin and write one report per line to stdout, until the input ends",
    )
    arguments = parser.parse_args(argv)

    if arguments.serve:
        serve(sys.stdin, sys.stdout)
        return 0
    if arguments.file is None:
        parser.error("give the .ipynb or .py file to inspect, or --serve")

    try:
        report = inspect_path(arguments.file, arguments.allowed_root, long_sleep_seconds=arguments.long_sleep)
    except InspectionError as error:
        print(f"python -m dofc.inspector: {error}", file=sys.stderr)
        return EXIT_UNREADABLE

    if arguments.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render_summary(report, str(arguments.file)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
