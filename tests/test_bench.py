"""Tests of tools/bench.py (``make bench``): arguments, rows, the table and the JSON it writes."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench", ROOT / "tools" / "bench.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

INFO = {"date": "2026-12-01 15:00", "processor": "x86_64", "cpu_count": 2, "gpus": [], "tensorflow": "2.21.0"}


def test_row_fraction_of_the_matmul_peak():
    row = bench._row("w", 100.0, "images/s", flops_per_item=2e8, matmul_gflops=50.0)
    assert row["fraction_of_matmul"] == pytest.approx(100 * 2e8 / 1e9 / 50.0)  # 20 GFLOP/s of 50
    assert bench._row("w", 1.0, "x")["fraction_of_matmul"] is None  # cost unknown: no fraction
    assert set(row) == set(bench.RESULT_KEYS)


def test_best_rate_uses_the_fastest_run():
    times = iter([0.0, 0.5, 0.2])  # warm-up, then two timed runs; only the count matters here
    calls = []
    rate = bench._best_rate(lambda: calls.append(next(times)), items=10, repeats=2)
    assert len(calls) == 3 and rate > 0


def test_table_names_the_machine_and_every_row():
    rows = [bench._row("matmul", 60.0, "GFLOP/s"), bench._row("net", 120.0, "images/s", 1e8, 60.0, "batch 32")]
    table = bench.format_table(rows, INFO)
    assert "CPU only, 2 cores" in table and "TensorFlow 2.21.0" in table
    assert "| net | 120.0 images/s | 20 % | batch 32 |" in table
    assert "| matmul | 60.0 GFLOP/s |  |" in table
    with pytest.raises(ValueError, match="lacks"):
        bench.format_table([{"name": "x"}], INFO)


@pytest.mark.parametrize("argv", [["--repeats", "0"], ["--repeats", "21"], ["--json", "/no/such/folder/b.json"]])
def test_bad_arguments_are_refused(argv, capsys):
    with pytest.raises(SystemExit):
        bench.parse_args(argv)
    assert "--" in capsys.readouterr().err


def test_main_writes_table_and_json(tmp_path, monkeypatch, capsys):
    """The wiring of main() with the heavy workloads replaced by fixed rows (the real run is `make bench`)."""
    monkeypatch.setattr(bench, "bench_mobilenet", lambda matmul, batch, repeats: [bench._row("mob", 10, "images/s")])
    monkeypatch.setattr(bench, "bench_training", lambda matmul, steps, repeats: [bench._row("fit", 20, "examples/s")])
    monkeypatch.setattr(bench, "bench_generate", lambda size, steps: [bench._row("gen", 3, "steps/s")])
    out = tmp_path / "bench.json"
    assert bench.main(["--small", "--repeats", "1", "--json", str(out)]) == 0
    saved = json.loads(out.read_text())
    assert [r["name"] for r in saved["results"]] == ["matmul 256 x 256, float32", "mob", "fit", "gen"]
    assert saved["results"][0]["value"] > 0 and saved["machine"]["small"] is True
    assert "| mob | 10.0 images/s |" in capsys.readouterr().out
