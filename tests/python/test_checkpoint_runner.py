"""A notebook with checkpointed stages, run twice through ``python -m dofc.runner`` as the scheduler does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
from test_runner import notebook_text, prepare_attempt, result_of, run_runner

# A small scikit-learn pipeline on the iris data bundled with scikit-learn, one stage per cell.
# Every stage appends its name to a file, so the test can tell which ones ran their code.
PIPELINE_CELLS = [
    "import dofc, numpy as np, pandas as pd\nfrom sklearn.datasets import load_iris\nfrom sklearn.linear_model import LogisticRegression",
    "def ran(stage):\n    with open('computed.txt', 'a') as log:\n        log.write(stage + '\\n')",
    "frame = dofc.checkpoint('load', lambda: ran('load') or load_iris(as_frame=True).frame)",
    "target = dofc.checkpoint('target', lambda: ran('target') or frame['target'])",
    "features = dofc.checkpoint('features', lambda: ran('features') or frame.drop(columns='target').to_numpy())",
    (
        "model = LogisticRegression(max_iter=500).fit(features, target)\n"
        "summary = dofc.checkpoint('summary', lambda: ran('summary') or {'accuracy': float(model.score(features, target)), 'rows': len(frame)})"
    ),
    "print(summary['rows'], round(summary['accuracy'], 2))",
    "import json, os\njson.dump({k: os.environ.get(k) for k in ('DOFC_CHECKPOINT_DIR', 'DOFC_ATTEMPT_DIR')}, open('env.json', 'w'))",
]
STAGES = ["load", "target", "features", "summary"]


def checkpoint_events(attempt_dir: Path) -> list[dict[str, Any]]:
    lines = (attempt_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [
        event for event in map(json.loads, lines) if event.get("type") == "checkpoint"
    ]


def test_second_attempt_loads_every_stage(tmp_path: Path) -> None:
    checkpoint_dir = tmp_path / "job" / "checkpoints"
    source = notebook_text(*PIPELINE_CELLS)
    first = prepare_attempt(
        tmp_path, "notebook", source, checkpoint_dir=str(checkpoint_dir)
    )
    run_runner(first)
    second = first.with_name("attempt-2")
    second.mkdir()
    for name in ("spec.json", "source.ipynb"):
        (second / name).write_bytes((first / name).read_bytes())
    run_runner(second)

    assert result_of(first)["outcome"] == "succeeded", result_of(first)["message"]
    assert result_of(second)["outcome"] == "succeeded", result_of(second)["message"]
    assert [
        (event["stage"], event["action"]) for event in checkpoint_events(first)
    ] == [(stage, "saved") for stage in STAGES]
    assert [
        (event["stage"], event["action"]) for event in checkpoint_events(second)
    ] == [(stage, "loaded") for stage in STAGES]
    assert (tmp_path / "work" / "computed.txt").read_text(
        encoding="utf-8"
    ).split() == STAGES, "the second attempt recomputed a stage"
    executed = nbformat.read(str(second / "output.ipynb"), as_version=4)
    assert executed.cells[-2].outputs[0]["text"] == "150 0.97\n"
    seen = json.loads((tmp_path / "work" / "env.json").read_text(encoding="utf-8"))
    assert seen == {
        "DOFC_CHECKPOINT_DIR": str(checkpoint_dir),
        "DOFC_ATTEMPT_DIR": str(second),
    }
