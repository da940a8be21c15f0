"""Benchmark: how much ``dofc.checkpoint`` adds to a real notebook's run time.

Runs the INRIA scikit-learn MOOC notebook ``cross_validation_time.ipynb`` (pandas and
scikit-learn on CSV files shipped beside it) through ``python -m dofc.runner``, as the scheduler
does. It runs two versions: the notebook as published, and the notebook with six results
wrapped in ``dofc.checkpoint`` (a DataFrame, two Series of predictions and three numpy arrays
of scores). Every checkpointed run starts with an empty checkpoint folder, so it pays for every save. The runs
alternate between the versions, and the medians of the runner's own ``duration_s`` are compared.

    .venv/bin/python bench/checkpoint_overhead.py --runs 7

The notebook comes from the shared test data folder (DOFC_SHARED_DATA, by default
``../shared/data`` beside the repository). This is a benchmark, not a test: it prints numbers and
only fails when a run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "runnable/inria-scikit-learn-mooc/notebooks/cross_validation_time.ipynb"
# Far above the notebook's run time even on a loaded machine, so only a hung run hits it.
RUN_TIMEOUT_S = 600

# (original text, checkpointed text) pairs. Each original must occur exactly once in one cell,
# so a changed notebook stops the benchmark instead of measuring something else.
STAGES: list[tuple[str, str]] = [
    (
        "import pandas as pd\n",
        "import pandas as pd\nimport dofc\n",
    ),
    (
        (
            "quotes = {}\nfor symbol in symbols:\n"
            "    data = pd.read_csv(\n        template_name.format(symbol), index_col=0, parse_dates=True\n    )\n"
            '    quotes[symbols[symbol]] = data["open"]\nquotes = pd.DataFrame(quotes)'
        ),
        (
            "def load_quotes():\n    quotes = {}\n    for symbol in symbols:\n"
            "        data = pd.read_csv(template_name.format(symbol), index_col=0, parse_dates=True)\n"
            '        quotes[symbols[symbol]] = data["open"]\n    return pd.DataFrame(quotes)\n'
            'quotes = dofc.checkpoint("quotes", load_quotes)'
        ),
    ),
    (
        "test_score = cross_val_score(regressor, data_train, target_train, cv=cv,\n                             n_jobs=2)",
        'test_score = dofc.checkpoint("cv-shuffled", lambda: cross_val_score(regressor, data_train, target_train, cv=cv, n_jobs=2))',
    ),
    (
        (
            "regressor.fit(data_train, target_train)\ntarget_predicted = regressor.predict(data_test)\n"
            "# Affect the index of `target_predicted` to ease the plotting\n"
            "target_predicted = pd.Series(target_predicted, index=target_test.index)"
        ),
        (
            "def predict_shuffled():\n    regressor.fit(data_train, target_train)\n"
            "    return pd.Series(regressor.predict(data_test), index=target_test.index)\n"
            'target_predicted = dofc.checkpoint("predicted-shuffled", predict_shuffled)'
        ),
    ),
    (
        (
            "regressor.fit(data_train, target_train)\ntarget_predicted = regressor.predict(data_test)\n"
            "target_predicted = pd.Series(target_predicted, index=target_test.index)"
        ),
        (
            "def predict_ordered():\n    regressor.fit(data_train, target_train)\n"
            "    return pd.Series(regressor.predict(data_test), index=target_test.index)\n"
            'target_predicted = dofc.checkpoint("predicted-ordered", predict_ordered)'
        ),
    ),
    (
        (
            "cv = LeaveOneGroupOut()\ntest_score = cross_val_score(regressor, data, target,\n"
            "                             cv=cv, groups=groups, n_jobs=2)"
        ),
        'cv = LeaveOneGroupOut()\ntest_score = dofc.checkpoint("cv-quarters", lambda: cross_val_score(regressor, data, target, cv=cv, groups=groups, n_jobs=2))',
    ),
    (
        (
            "cv = TimeSeriesSplit(n_splits=groups.nunique())\ntest_score = cross_val_score(regressor, data, target,\n"
            "                             cv=cv, groups=groups, n_jobs=2)"
        ),
        (
            "cv = TimeSeriesSplit(n_splits=groups.nunique())\n"
            'test_score = dofc.checkpoint("cv-time-series", lambda: cross_val_score(regressor, data, target, cv=cv, groups=groups, n_jobs=2))'
        ),
    ),
]


def shared_data_root() -> Path:
    configured = os.environ.get("DOFC_SHARED_DATA")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


def checkpointed(notebook: Any) -> Any:
    """Return a copy of the notebook with every STAGES replacement applied to its code cells."""
    copy = nbformat.from_dict(json.loads(json.dumps(notebook)))
    for original, replacement in STAGES:
        cells = [
            cell
            for cell in copy.cells
            if cell.cell_type == "code" and original in cell.source
        ]
        if len(cells) != 1 or cells[0].source.count(original) != 1:
            sys.exit(
                f"The notebook changed: expected this code exactly once, found it in {len(cells)} cells:\n{original}"
            )
        cells[0].source = cells[0].source.replace(original, replacement)
    return copy


def run_attempt(
    root: Path, name: str, notebook: Any, workdir: Path, checkpoint_dir: Path | None
) -> dict[str, Any]:
    """Run one attempt through the job runner and return its result.json."""
    attempt_dir = root / name
    attempt_dir.mkdir(parents=True)
    nbformat.write(notebook, str(attempt_dir / "source.ipynb"))
    spec: dict[str, Any] = {
        "job_id": 1,
        "attempt": 1,
        "kind": "notebook",
        "source_file": "source.ipynb",
        "workdir": str(workdir),
        "parameters": {},
    }
    if checkpoint_dir is not None:
        spec["checkpoint_dir"] = str(checkpoint_dir)
    (attempt_dir / "spec.json").write_text(json.dumps(spec), encoding="utf-8")

    try:
        subprocess.run(
            [sys.executable, "-m", "dofc.runner", str(attempt_dir)],
            cwd=REPO_ROOT,
            capture_output=True,
            check=False,
            timeout=RUN_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        sys.exit(
            f"Run {name} did not end within {RUN_TIMEOUT_S} s and was killed; its log is in {attempt_dir}."
        )
    result = json.loads((attempt_dir / "result.json").read_text(encoding="utf-8"))
    if result["outcome"] != "succeeded":
        sys.exit(f"Run {name} failed: {result['message']}")
    return result


def checkpoint_events(attempt_dir: Path) -> list[dict[str, Any]]:
    lines = (attempt_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [
        event for event in map(json.loads, lines) if event.get("type") == "checkpoint"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=7, help="runs of each version (default 7)"
    )
    arguments = parser.parse_args()

    source = shared_data_root() / NOTEBOOK
    if not source.exists():
        sys.exit(
            f"Notebook {source} not found; set DOFC_SHARED_DATA to the folder that contains {NOTEBOOK}."
        )
    plain = nbformat.read(str(source), as_version=4)
    staged = checkpointed(plain)

    plain_times: list[float] = []
    staged_times: list[float] = []
    resume_times: list[float] = []
    save_seconds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="dofc-checkpoint-bench-") as folder:
        root = Path(folder)
        for run in range(arguments.runs):
            checkpoint_dir = root / f"checkpoints-{run}"
            # Alternating the order spreads any drift in machine load over both versions.
            order = ["plain", "staged"] if run % 2 == 0 else ["staged", "plain"]
            for version in order:
                if version == "plain":
                    plain_times.append(
                        run_attempt(root, f"plain-{run}", plain, source.parent, None)[
                            "duration_s"
                        ]
                    )
                else:
                    staged_times.append(
                        run_attempt(
                            root, f"staged-{run}", staged, source.parent, checkpoint_dir
                        )["duration_s"]
                    )
                    events = checkpoint_events(root / f"staged-{run}")
                    save_seconds.append(
                        sum(
                            event["duration_s"]
                            for event in events
                            if event["action"] == "saved"
                        )
                    )
            resume_times.append(
                run_attempt(
                    root, f"resume-{run}", staged, source.parent, checkpoint_dir
                )["duration_s"]
            )

        stored = checkpoint_events(root / "staged-0")

    plain_median = statistics.median(plain_times)
    staged_median = statistics.median(staged_times)
    print(
        f"notebook: {NOTEBOOK}, {len(stored)} checkpointed stages, {sum(e['bytes'] for e in stored)} bytes stored"
    )
    print(f"runs per version: {arguments.runs}")
    print(
        f"without checkpoints: median {plain_median:.3f} s  (runs {', '.join(f'{t:.2f}' for t in plain_times)})"
    )
    print(
        f"with checkpoints:    median {staged_median:.3f} s  (runs {', '.join(f'{t:.2f}' for t in staged_times)})"
    )
    print(f"resumed (all loaded): median {statistics.median(resume_times):.3f} s")
    print(
        f"time inside saves:   median {statistics.median(save_seconds):.3f} s per run"
    )
    print(f"overhead: {100 * (staged_median - plain_median) / plain_median:+.1f} %")
    # Run-to-run noise on a busy machine can exceed the overhead itself, so the time spent
    # inside saves, measured in the kernel, is given as a share of the plain run too.
    print(
        f"saves as a share of the plain median: {100 * statistics.median(save_seconds) / plain_median:.1f} %"
    )


if __name__ == "__main__":
    main()
