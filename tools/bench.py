"""``make bench``: how fast this machine runs the course's workloads, and against what limit.

Measures, on the current machine (CPU or GPU, whatever TensorFlow picks):

* the dense float32 matrix-product rate (GFLOP/s): the practical peak the
  other rows are compared with;
* MobileNet v1 (alpha 0.75, 160 px, no top) feature extraction in images/s,
  three ways: ``model.predict``, a compiled ``tf.function`` call, and the
  same with XLA (``jit_compile=True``);
* training throughput (examples/s) of notebook 03's CIFAR-10 network and
  notebook 04's IMDB network, with ``model.fit`` on random data of the
  right shape (the speed does not depend on the values);
* one step of the generative engine (notebooks 10-13), compiled against
  eager, on a 128 px image.

Each row with a known arithmetic cost also gets its rate as a fraction of
the matmul rate (2 FLOP per multiply-add; training counts 3 passes). The
networks use random weights: speed does not depend on them, and the
benchmark needs no download. Output: a table on the terminal and a JSON file.

Usage::

    python tools/bench.py [--json bench.json] [--repeats 3] [--small]

``--small`` shrinks every workload (for tests and a first look); the numbers
are then only a smoke test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

RESULT_KEYS = ("name", "value", "unit", "fraction_of_matmul", "note")


def _row(name, value, unit, flops_per_item=None, matmul_gflops=None, note=""):
    """One result row; ``fraction_of_matmul`` = achieved GFLOP/s / matmul GFLOP/s, when the cost is known."""
    fraction = None
    if flops_per_item and matmul_gflops:
        fraction = value * flops_per_item / 1e9 / matmul_gflops
    return {"name": name, "value": float(value), "unit": unit, "fraction_of_matmul": fraction, "note": note}


def _best_rate(fn, items, repeats):
    """items / fastest of `repeats` timed calls of fn() (after one untimed warm-up call)."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return items / max(best, 1e-9)


def bench_matmul(n, repeats):
    from course_utils.architectures import matmul_gflops  # noqa: PLC0415

    rate = matmul_gflops(n=n, repeats=repeats)
    return rate, _row(f"matmul {n} x {n}, float32", rate, "GFLOP/s", note="the practical peak")


def bench_mobilenet(matmul, batch, repeats):
    import numpy as np  # noqa: PLC0415
    import tensorflow as tf  # noqa: PLC0415

    from course_utils import data  # noqa: PLC0415
    from course_utils.architectures import multiply_adds  # noqa: PLC0415

    model = data.mobilenet(include_top=False, image_size=160, weights=None)
    flops = 2 * multiply_adds(model)
    x = tf.constant(np.random.default_rng(0).uniform(-1, 1, (batch, 160, 160, 3)).astype("float32"))
    plain = tf.function(lambda t: model(t, training=False))
    xla = tf.function(lambda t: model(t, training=False), jit_compile=True)
    rows = [
        _row("MobileNet 0.75 @160, features, model.predict", _best_rate(
            lambda: model.predict(x, batch_size=batch, verbose=0), batch, repeats), "images/s", flops, matmul),
        _row("MobileNet 0.75 @160, features, tf.function", _best_rate(
            lambda: plain(x).numpy(), batch, repeats), "images/s", flops, matmul),
        _row("MobileNet 0.75 @160, features, tf.function + XLA", _best_rate(
            lambda: xla(x).numpy(), batch, repeats), "images/s", flops, matmul),
    ]
    rows[0]["note"] = f"batch {batch}, {flops / 1e6:.0f} MFLOP per image"
    return rows


def bench_training(matmul, steps, repeats):
    import keras  # noqa: PLC0415
    import numpy as np  # noqa: PLC0415

    from course_utils import models  # noqa: PLC0415
    from course_utils.architectures import multiply_adds  # noqa: PLC0415

    rng = np.random.default_rng(0)
    rows = []
    cifar = models.cifar10_convnet("flatten")
    cifar.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    n = 32 * steps
    x, y = rng.uniform(0, 1, (n, 32, 32, 3)).astype("float32"), rng.integers(0, 10, (n, 1))
    rate = _best_rate(lambda: cifar.fit(x, y, batch_size=32, epochs=1, verbose=0), n, repeats)
    rows.append(_row("CIFAR-10 network (03), training", rate, "examples/s", 3 * 2 * multiply_adds(cifar), matmul,
                     "Adam, batch 32; 3 passes per example"))
    imdb = models.imdb_convnet()
    imdb.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
    n = 64 * steps
    x, y = rng.integers(0, 10000, (n, 500)), rng.integers(0, 2, (n, 1)).astype("float32")
    rate = _best_rate(lambda: imdb.fit(x, y, batch_size=64, epochs=1, verbose=0), n, repeats)
    rows.append(_row("IMDB network (04), training", rate, "examples/s", 3 * 2 * multiply_adds(imdb), matmul,
                     "Adam, batch 64, 500 tokens; the embedding lookup is not counted"))
    return rows


def bench_generate(size, steps):
    import numpy as np  # noqa: PLC0415
    import tensorflow as tf  # noqa: PLC0415

    from course_utils import generate  # noqa: PLC0415

    bb = generate.backbone("mobilenet", weights=None)
    extractor = generate.feature_extractor(bb.model, ["conv_pw_5_relu"])

    def loss(x):
        return 0.5 * tf.reduce_sum(tf.square(extractor(x)["conv_pw_5_relu"]))

    image = np.random.default_rng(0).uniform(-0.1, 0.1, (1, size, size, 3)).astype("float32")
    timing = generate.time_compiled(loss, image, steps=steps, maximize=True, normalize_gradient=True,
                                    learning_rate=0.01, clip=bb.clip)
    note = f"eager step {1000 * timing.eager_step:.1f} ms, compiled {1000 * timing.compiled_step:.1f} ms"
    if not timing.reliable:
        note += " (machine too busy to separate tracing)"
    return [
        _row(f"generative step {size} px, compiled", 1 / timing.compiled_step, "steps/s", note=note),
        _row(f"generative step {size} px, eager", 1 / timing.eager_step, "steps/s",
             note=f"compiled is {timing.speedup:.1f}x faster per step"),
    ]


def machine() -> dict:
    """What the numbers were measured on."""
    import tensorflow as tf  # noqa: PLC0415

    gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "gpus": gpus,
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def format_table(rows, info) -> str:
    """A Markdown table of the rows (the README's results section shows it)."""
    for row in rows:
        missing = [k for k in RESULT_KEYS if k not in row]
        if missing:
            raise ValueError(f"row {row!r} lacks {missing}")
    device = ", ".join(info.get("gpus") or []) or f"CPU only, {info.get('cpu_count')} cores"
    lines = [f"Measured {info.get('date')} on {info.get('processor')} ({device}), TensorFlow {info.get('tensorflow')}.", "",
             "| workload | rate | of matmul peak | note |", "| --- | ---: | ---: | --- |"]
    for row in rows:
        fraction = "" if row["fraction_of_matmul"] is None else f"{100 * row['fraction_of_matmul']:.0f} %"
        lines.append(f"| {row['name']} | {row['value']:,.1f} {row['unit']} | {fraction} | {row['note']} |")
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark the course's workloads on this machine.")
    parser.add_argument("--json", type=Path, default=Path("bench.json"), help="where to write the results")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per workload (1-20); the fastest counts")
    parser.add_argument("--small", action="store_true", help="tiny workloads: a smoke test, not a measurement")
    args = parser.parse_args(argv)
    if not 1 <= args.repeats <= 20:
        parser.error(f"--repeats must be from 1 to 20, got {args.repeats}")
    if not args.json.parent.is_dir():
        parser.error(f"--json: the folder {args.json.parent} does not exist")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import course_utils  # noqa: PLC0415

    course_utils.setup(verbose=False)
    small = args.small
    start = time.perf_counter()
    matmul, row = bench_matmul(256 if small else 2048, args.repeats)
    rows = [row]
    rows += bench_mobilenet(matmul, 4 if small else 32, args.repeats)
    rows += bench_training(matmul, 2 if small else 20, args.repeats)
    rows += bench_generate(32 if small else 128, 3 if small else 8)
    info = machine() | {"seconds": round(time.perf_counter() - start, 1), "small": small}
    print(format_table(rows, info), end="")
    print(f"({info['seconds']:.0f} s in all; written to {args.json})")
    args.json.write_text(json.dumps({"machine": info, "results": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
