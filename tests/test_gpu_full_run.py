"""Tests of tools/gpu_full_run.py as far as a CPU machine allows: arguments, selection, the report."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("gpu_full_run", ROOT / "tools" / "gpu_full_run.py")
gpu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gpu)


def test_selection_by_number_and_all():
    assert len(gpu.select_notebooks([])) == 15
    assert [p.stem for p in gpu.select_notebooks(["03", "15"])] == ["03_global_max_pooling", "15_beyond_classification"]
    with pytest.raises(ValueError, match="no single notebook matches '99'"):
        gpu.select_notebooks(["99"])


def test_tensorflow_pin_matches_requirements():
    assert gpu.tensorflow_pin() == "2.21.0"


@pytest.mark.parametrize("argv", [["--timeout", "10"], ["--timeout", "99999"], ["42"]])
def test_bad_arguments_are_refused(argv, capsys):
    with pytest.raises(SystemExit):
        gpu.parse_args(argv)
    assert "error" in capsys.readouterr().err


def test_dry_run_and_no_gpu_machine(monkeypatch, capsys):
    assert gpu.main(["--dry-run", "01", "02"]) == 0
    out = capsys.readouterr().out
    assert "01_convolution_basics.ipynb" in out and "03_" not in out
    monkeypatch.setattr(gpu.shutil, "which", lambda name: None)
    assert gpu.main(["01"]) == 2
    assert "no nvidia-smi" in capsys.readouterr().out


def test_run_notebook_and_report_from_a_fake_run(monkeypatch):
    def fake_run(cmd, **kwargs):
        assert kwargs["env"]["COURSE_PROFILE"] == "full" and cmd[-1].startswith("notebooks/")
        if "03_" in cmd[-1]:
            raise subprocess.TimeoutExpired(cmd, kwargs["timeout"], output=b"half-way")
        return subprocess.CompletedProcess(cmd, 0, stdout="....\n==== 12 passed in 81.20s ====\n", stderr="")

    monkeypatch.setattr(gpu.subprocess, "run", fake_run)
    results = [gpu.run_notebook("python", p, timeout=60) for p in gpu.select_notebooks(["01", "03"])]
    assert results[0]["passed"] and results[0]["summary"] == "12 passed in 81.20s"
    assert not results[1]["passed"] and "stopped after 60 s" in results[1]["tail"]
    results[1]["seconds"] = 600.0
    table = gpu.report(results, {"gpus": ["/physical_device:GPU:0"], "tensorflow": "2.21.0", "date": "2026-12-01"})
    assert "| 03_global_max_pooling | 10.0 min | FAILED:" in table
    assert "| 01_convolution_basics |" in table and "passed: 12 passed in 81.20s" in table
