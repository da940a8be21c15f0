"""Sampling of inputs for pre-flight sample runs: dofc.read, sample files and shadow folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

import dofc
from dofc.preflight_sample_run import PYSPARK_SUBMIT_ARGS_ENV, enter_sample_mode, resource_usage, sample_preamble
from dofc.preflight_shadow import build_shadow, expand_inputs
from dofc.preflight_shadow import main as shadow_main
from dofc.sampling import (
    MIN_SAMPLE_ROWS,
    SAMPLE_FRACTION_ENV,
    sample_lines,
    sample_lines_by_key,
)

ROWS = 20_000


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"key": [f"k{i % 7}" for i in range(ROWS)], "value": range(ROWS)})


@pytest.fixture
def files(tmp_path: Path, frame: pd.DataFrame) -> dict[str, Path]:
    paths = {
        "csv": tmp_path / "data.csv",
        "jsonl": tmp_path / "data.jsonl",
        "json": tmp_path / "records.json",
        "parquet": tmp_path / "data.parquet",
    }
    frame.to_csv(paths["csv"], index=False)
    frame.to_json(paths["jsonl"], orient="records", lines=True)
    frame.to_json(paths["json"], orient="records")
    frame.to_parquet(paths["parquet"], index=False)
    return paths


@pytest.mark.parametrize("name", ["csv", "jsonl", "json", "parquet"])
def test_read_samples_each_format(name: str, files: dict[str, Path], frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SAMPLE_FRACTION_ENV, "0.01")
    sampled = dofc.read(files[name])

    # Line-based formats estimate the line count from the mean line length, so allow 10%.
    assert 180 <= len(sampled) <= 220
    assert list(sampled.columns) == ["key", "value"]
    assert set(sampled["value"]) <= set(frame["value"])
    # Rows come from the whole file, not only its head.
    assert sampled["value"].max() > ROWS / 2


@pytest.mark.parametrize("name", ["csv", "jsonl", "json", "parquet"])
def test_read_outside_sample_run_is_whole(name: str, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SAMPLE_FRACTION_ENV, raising=False)
    assert len(dofc.read(files[name])) == ROWS


def test_read_sample_is_deterministic(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SAMPLE_FRACTION_ENV, "0.02")
    first = dofc.read(files["csv"])
    second = dofc.read(files["csv"])
    assert first["value"].tolist() == second["value"].tolist()


def test_read_passes_pandas_arguments(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SAMPLE_FRACTION_ENV, "0.01")
    sampled = dofc.read(files["csv"], usecols=["value"])
    assert list(sampled.columns) == ["value"]


def test_read_unknown_suffix_needs_format(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="format='csv'"):
        dofc.read(path)
    assert len(dofc.read(path, format="csv")) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", None), ("0.01", 0.01), ("1", None)],
)
def test_sample_fraction_reads_environment(raw: str, expected: float | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SAMPLE_FRACTION_ENV, raw)
    assert dofc.sample_fraction() == expected


@pytest.mark.parametrize("raw", ["0", "1.5", "half"])
def test_sample_fraction_rejects_invalid(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SAMPLE_FRACTION_ENV, raw)
    with pytest.raises(ValueError, match=SAMPLE_FRACTION_ENV):
        dofc.sample_fraction()


def test_small_file_keeps_minimum_rows(tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    path.write_text("a\n" + "".join(f"{i}\n" for i in range(500)))
    header, lines = sample_lines(path, 0.01, has_header=True)
    assert header == "a\n"
    assert len(lines) == MIN_SAMPLE_ROWS
    assert len(set(lines)) == MIN_SAMPLE_ROWS


def test_large_csv_sample_reads_a_share(tmp_path: Path) -> None:
    path = tmp_path / "large.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(200_000)))
    _, lines = sample_lines(path, 0.01, has_header=True)
    assert 1_800 <= len(lines) <= 2_200
    assert all(line.count(",") == 1 and line.endswith("\n") for line in lines)
    assert len(set(lines)) == len(lines)


def test_key_sample_keeps_joined_keys(tmp_path: Path) -> None:
    prices = tmp_path / "prices.csv"
    volumes = tmp_path / "volumes.csv"
    prices.write_text("date,price\n" + "".join(f"2001-01-{i:05d},{i}\n" for i in range(5_000)))
    volumes.write_text("date,volume\n" + "".join(f"2001-01-{i:05d},{i * 7}\n" for i in range(20_000)))

    _, price_lines = sample_lines_by_key(prices, 0.01)
    _, volume_lines = sample_lines_by_key(volumes, 0.01)
    price_keys = {line.split(",")[0] for line in price_lines}
    volume_keys = {line.split(",")[0] for line in volume_lines}

    assert 80 <= len(price_lines) <= 120
    assert 160 <= len(volume_lines) <= 240
    assert volume_keys & {f"2001-01-{i:05d}" for i in range(5_000)} <= price_keys


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project laid out like inria's: notebooks/ reads ../datasets/*.csv and writes out.csv."""
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "datasets" / "sub").mkdir(parents=True)
    (root / "notebooks" / "analysis.ipynb").write_text("{}")
    (root / "notebooks" / "helper.py").write_text("x = 1\n")
    (root / "notebooks" / "out.csv").write_text("old\n")
    (root / "datasets" / "a.csv").write_text("h\n" + "".join(f"{i}\n" for i in range(20_000)))
    (root / "datasets" / "b.csv").write_text("h\n" + "".join(f"{i}\n" for i in range(10_000)))
    (root / "datasets" / "README.txt").write_text("notes\n")
    (root / "datasets" / "sub" / "events.jsonl").write_text("".join(json.dumps({"i": i}) + "\n" for i in range(30_000)))
    (root / "LICENSE").write_text("license\n")
    return root


def test_shadow_keeps_layout_and_samples(project: Path, tmp_path: Path) -> None:
    inputs = expand_inputs([str(project / "notebooks" / "../datasets/*.csv"), str(project / "datasets" / "sub")])
    shadow = build_shadow(project / "notebooks", inputs, [project / "notebooks" / "out.csv"], 0.01, tmp_path / "shadow")
    target = tmp_path / "shadow"

    assert shadow["root"] == str(project)
    assert shadow["workdir"] == str(target / "notebooks")
    sizes = {item["path"]: item["records"] for item in shadow["files"]}
    assert set(sizes) == {"datasets/a.csv", "datasets/b.csv", "datasets/sub/events.jsonl"}
    assert 180 <= sizes["datasets/a.csv"] <= 220
    # CSV rows are kept by a hash of their key, so the count is near, not at, the target.
    assert 80 <= sizes["datasets/b.csv"] <= 120
    assert 270 <= sizes["datasets/sub/events.jsonl"] <= 330
    assert (target / "datasets" / "a.csv").read_text().startswith("h\n")
    assert shadow["sample_bytes"] < shadow["input_bytes"] / 50


def test_shadow_links_other_files(project: Path, tmp_path: Path) -> None:
    inputs = expand_inputs([str(project / "datasets" / "a.csv")])
    build_shadow(project / "notebooks", inputs, [project / "notebooks" / "out.csv"], 0.01, tmp_path / "shadow")
    target = tmp_path / "shadow"

    for relative in ["notebooks/helper.py", "notebooks/analysis.ipynb", "datasets/README.txt", "datasets/b.csv", "LICENSE"]:
        assert (target / relative).is_symlink(), relative
        assert (target / relative).resolve() == project / relative
    assert not (target / "datasets" / "a.csv").is_symlink()
    # A known output is left out, so writing it cannot go through a link to the original.
    assert not (target / "notebooks" / "out.csv").exists()


def test_enter_sample_mode_sets_and_clears(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SAMPLE_FRACTION_ENV, raising=False)
    enter_sample_mode({"sample_fraction": 0.02})
    assert os.environ[SAMPLE_FRACTION_ENV] == "0.02"
    enter_sample_mode({})
    assert SAMPLE_FRACTION_ENV not in os.environ


def test_sample_mode_scales_broadcast_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    # Set first, so that monkeypatch restores both variables after the test.
    monkeypatch.setenv(SAMPLE_FRACTION_ENV, "0.5")
    monkeypatch.setenv(PYSPARK_SUBMIT_ARGS_ENV, "--driver-memory 2g pyspark-shell")
    enter_sample_mode({"sample_fraction": 0.01})

    # 1% of Spark's default 10 MiB. The job's own arguments come after, so they still win.
    expected = "--conf spark.sql.autoBroadcastJoinThreshold=104857 --driver-memory 2g pyspark-shell"
    assert os.environ[PYSPARK_SUBMIT_ARGS_ENV] == expected
    assert sample_preamble() is not None


def test_real_run_has_no_sample_preamble(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SAMPLE_FRACTION_ENV, "0.5")
    enter_sample_mode({})
    assert sample_preamble() is None


def test_resource_usage_reports_cpu_and_memory() -> None:
    usage = resource_usage()
    assert usage["cpu_s"] > 0
    assert usage["max_rss_bytes"] > 10 * 2**20


def test_shadow_measure_only_builds_nothing(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "never-built"
    code = shadow_main(
        ["--workdir", str(project / "notebooks"), "--input", str(project / "datasets" / "*.csv"), "--fraction", "1", "--target", str(target), "--measure-only"]
    )
    printed = json.loads(capsys.readouterr().out)

    assert code == 0
    assert not target.exists()
    assert [Path(item["path"]).name for item in printed["files"]] == ["a.csv", "b.csv"]
    assert printed["input_bytes"] == (project / "datasets" / "a.csv").stat().st_size + (project / "datasets" / "b.csv").stat().st_size
