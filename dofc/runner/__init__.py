"""The job runner: executes one attempt of a job in a folder the scheduler prepared.

The scheduler and the runner talk only through files in the attempt folder, so a scheduler that
restarts can find out what a runner did while it was away:

- ``spec.json``: what to run (written by the scheduler before it starts the runner).
- ``started``: created exclusively by the runner before it runs anything. Whoever creates it
  first owns the attempt, so a recovering scheduler can fence off a runner that never began.
- ``events.jsonl``: progress, one JSON object per line.
- ``result.json``: how the attempt ended, written atomically as the runner's last act.
- ``output.ipynb``: the executed notebook, for notebook and cell jobs.
"""

from dofc._startup import skip_slow_optional_imports

skip_slow_optional_imports()
