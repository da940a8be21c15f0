"""Run a job's script as ``python SCRIPT`` would, and record an uncaught exception for the runner.

``python -m dofc.runner.script_child SCRIPT ERROR_FILE``: the runner learns from ERROR_FILE which
exception ended the script (a MemoryError, a Java OutOfMemoryError, ...), which an exit code
alone cannot tell. The traceback still goes to stderr, and the exit code is still 1.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    script, error_file = Path(argv[0]), Path(argv[1])
    # The same sys.argv and sys.path[0] as `python SCRIPT`, so imports beside the script work.
    sys.argv = [str(script)]
    sys.path[0] = str(script.parent)
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit:
        raise
    except BaseException as error:
        record = {"ename": type(error).__name__, "evalue": str(error)[:2000]}
        error_file.write_text(json.dumps(record), encoding="utf-8")
        raise


if __name__ == "__main__":
    main(sys.argv[1:])
