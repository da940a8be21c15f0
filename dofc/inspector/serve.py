"""Long-running inspector: `python -m dofc.inspector --serve` reads requests on stdin, one JSON per line.

The scheduler keeps a few of these processes, because starting Python and importing the
inspector costs about 0.25 s of CPU while inspecting a typical notebook costs a few
milliseconds. Each request is ``{"id": 7, "kind": "notebook" | "script", "text": "..."}`` and
gets one line back: ``{"id": 7, "report": {...}}``, or ``{"id": 7, "error": "..."}`` when the
source cannot be inspected. The process handles one request at a time and exits at the end of
its input. It only parses the code it is given and never runs it.
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any, TextIO

from .inspect import inspect_source
from .report import InspectionError


def serve(requests: TextIO, responses: TextIO) -> None:
    """Write one response line for each request line until ``requests`` ends."""
    for line in requests:
        if not line.strip():
            continue
        responses.write(json.dumps(_respond(line), ensure_ascii=False) + "\n")
        responses.flush()


def _respond(line: str) -> dict[str, Any]:
    try:
        request = json.loads(line)
    except json.JSONDecodeError as error:
        return {"id": None, "error": f"the request is not JSON ({error.msg} at column {error.colno})"}
    if not isinstance(request, dict):
        return {"id": None, "error": "the request must be a JSON object with id, kind and text"}

    request_id = request.get("id")
    kind = request.get("kind")
    text = request.get("text")
    if kind not in ("notebook", "script") or not isinstance(text, str):
        return {"id": request_id, "error": "the request needs kind 'notebook' or 'script' and text as a string"}

    try:
        report = inspect_source(text, kind)
    except InspectionError as error:
        return {"id": request_id, "error": str(error)}
    except Exception as error:  # noqa: BLE001 - one bad source must not end the process that serves the others
        traceback.print_exc(file=sys.stderr)
        return {"id": request_id, "error": f"the inspector failed on this source ({type(error).__name__}: {error})"}
    return {"id": request_id, "report": report.to_dict()}
