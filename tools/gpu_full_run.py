"""The whole course in the full profile on an NVIDIA GPU, in one command.

On a machine with an NVIDIA GPU (``nvidia-smi`` works), from the repository
root, after ``make install``::

    .venv/bin/python tools/gpu_full_run.py [--out gpu-run] [--timeout 1800] [NN ...]

1. checks that TensorFlow sees the GPU; if it does not, installs the GPU build
   (``tensorflow[and-cuda]`` at the pinned version) into the same venv and
   checks again (``--no-install`` skips that step);
2. runs every notebook (or the ones named, e.g. ``03 05``) through nbval in
   the full profile, one at a time, with deterministic ops on as
   ``course_utils.setup()`` sets them, timing each;
3. writes ``<out>/gpu-run.json`` (per notebook: wall seconds, passed or not,
   the last lines of its output) and ``<out>/gpu-run.md`` (the same as a
   Markdown table for the README).

A notebook that fails does not stop the others; the exit status is 1 if any
failed. ``--dry-run`` prints the plan without running anything.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def tensorflow_pin() -> str:
    """The exact TensorFlow version pinned in requirements.txt."""
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.startswith("tensorflow=="):
            return line.split("==", 1)[1].strip()
    raise RuntimeError("requirements.txt pins no tensorflow version")


def select_notebooks(names) -> list[Path]:
    """Notebook paths for ``names`` (two-digit numbers like "03", or file stems); all when empty."""
    every = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return every
    chosen = []
    for name in names:
        hits = [p for p in every if p.stem == name or p.stem.startswith(f"{name}_")]
        if len(hits) != 1:
            raise ValueError(f"no single notebook matches {name!r}; choose from: "
                             + ", ".join(p.stem[:2] for p in every))
        chosen += hits
    return chosen


def gpu_visible(python: str) -> list[str]:
    """The GPUs TensorFlow sees when run by ``python`` (an empty list on a CPU-only build)."""
    code = "import json, tensorflow as tf; print(json.dumps([d.name for d in tf.config.list_physical_devices('GPU')]))"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True,
                         env=os.environ | {"TF_CPP_MIN_LOG_LEVEL": "3"})
    if out.returncode != 0:
        raise RuntimeError(f"could not import TensorFlow with {python}:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def install_gpu_build(python: str) -> None:
    pin = tensorflow_pin()
    subprocess.run([python, "-m", "pip", "install", f"tensorflow[and-cuda]=={pin}"], check=True)


def run_notebook(python: str, path: Path, timeout: int) -> dict:
    """One notebook through nbval in the full profile: wall seconds, passed, the output's tail."""
    env = os.environ | {"COURSE_PROFILE": "full", "PYTHONUNBUFFERED": "1"}
    cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path.relative_to(ROOT))]
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
        passed, output = done.returncode == 0, done.stdout + done.stderr
    except subprocess.TimeoutExpired as e:
        passed = False
        output = f"stopped after {timeout} s (--timeout)\n" + (e.stdout or b"").decode(errors="replace")[-4000:]
    return {"notebook": path.stem, "seconds": round(time.perf_counter() - start, 1), "passed": passed,
            "summary": _pytest_summary(output), "tail": output[-3000:]}


def _pytest_summary(output: str) -> str:
    """pytest's last summary line (e.g. '31 passed in 250.1s'), or the last line."""
    lines = [line.strip("= ") for line in output.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if re.search(r"\d+ (passed|failed|error)", line):
            return line
    return lines[-1] if lines else ""


def report(results: list[dict], info: dict) -> str:
    """The Markdown table for the README."""
    total = sum(r["seconds"] for r in results)
    lines = [f"Full profile on {info.get('gpus') or ['no GPU']} ({info.get('date')}, TensorFlow "
             f"{info.get('tensorflow')}): {total / 60:.1f} min for {len(results)} notebooks.", "",
             "| notebook | wall time | nbval |", "| --- | ---: | --- |"]
    for r in results:
        minutes = f"{r['seconds']:.0f} s" if r["seconds"] < 120 else f"{r['seconds'] / 60:.1f} min"
        lines.append(f"| {r['notebook']} | {minutes} | {'passed' if r['passed'] else 'FAILED'}: {r['summary']} |")
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Run every notebook in the full profile on an NVIDIA GPU.")
    parser.add_argument("notebooks", nargs="*", help="two-digit numbers (e.g. 03 05); default: all")
    parser.add_argument("--out", type=Path, default=ROOT / "gpu-run", help="folder for gpu-run.json and gpu-run.md")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per notebook (60-14400)")
    parser.add_argument("--python", default=sys.executable, help="the venv's python (default: this one)")
    parser.add_argument("--no-install", action="store_true", help="never install the GPU build of TensorFlow")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, run nothing")
    args = parser.parse_args(argv)
    if not 60 <= args.timeout <= 14400:
        parser.error(f"--timeout must be from 60 to 14400 seconds, got {args.timeout}")
    try:
        args.selected = select_notebooks(args.notebooks)
    except ValueError as e:
        parser.error(str(e))
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.dry_run:
        print(f"would run {len(args.selected)} notebooks in the full profile with {args.python}:")
        print("\n".join(f"  {p.name}" for p in args.selected))
        return 0
    if shutil.which("nvidia-smi") is None:
        print("no nvidia-smi on this machine: this script is for an NVIDIA GPU (use make test on a CPU)")
        return 2
    gpus = gpu_visible(args.python)
    if not gpus and not args.no_install:
        print(f"TensorFlow sees no GPU; installing tensorflow[and-cuda]=={tensorflow_pin()} into this venv")
        install_gpu_build(args.python)
        gpus = gpu_visible(args.python)
    if not gpus:
        print("TensorFlow still sees no GPU; stopping (check the driver with nvidia-smi)")
        return 2
    import tensorflow as tf  # noqa: PLC0415

    info = {"gpus": gpus, "tensorflow": tf.__version__, "date": time.strftime("%Y-%m-%d %H:%M")}
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for path in args.selected:
        print(f"{path.stem} ...", flush=True)
        results.append(run_notebook(args.python, path, args.timeout))
        r = results[-1]
        print(f"  {r['seconds']:.0f} s, {'passed' if r['passed'] else 'FAILED'}: {r['summary']}", flush=True)
        (args.out / "gpu-run.json").write_text(json.dumps({"machine": info, "results": results}, indent=1) + "\n")
    (args.out / "gpu-run.md").write_text(report(results, info))
    print(report(results, info))
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
