"""How much slower are our cells than Keras' own? ``python -m course_utils.cells.bench``.

For each of SimpleRNN, LSTM and GRU it trains ``keras.layers.RNN(our cell)`` and Keras'
built-in layer on the same data from the same initial weights, alternating them epoch by
epoch in one process (so both see the same machine load), and prints the median epoch time
of each and the ratio ours / Keras'. Each backend runs in its own subprocess, because Keras
picks its backend once, at import (``KERAS_BACKEND``).

Is the comparison fair? On a CPU, Keras' SimpleRNN and LSTM run the same generic loop as
``keras.layers.RNN(cell)`` (a ``tf.while_loop`` or ``lax.scan`` over the cell's ``call``):
their fused cuDNN kernels need a GPU. One exception: on JAX, ``keras.layers.GRU`` with
``reset_after=True`` and no mask takes its own path even on a CPU (``backend.gru``: one
matmul for every step's input projection, then a ``lax.scan``). ``--no-cudnn`` gives the
built-in LSTM and GRU ``use_cudnn=False``, which turns every such path off, so both sides
run the same loop; on a GPU it is the only like-for-like comparison.

Not a test: timings depend on the machine. The course's goal is a ratio of at most 1.3.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from course_utils._environment import quiet_tensorflow

GOAL = 1.3
FAMILIES = ("SimpleRNN", "LSTM", "GRU")


def _worker(args):
    """Run in a subprocess with KERAS_BACKEND set: time every family, print one JSON line each."""
    import numpy as np

    from course_utils._keras import keras
    from course_utils.cells import GRUCell, LSTMCell, SimpleRNNCell

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.samples, args.steps, args.features)).astype("float32")
    y = rng.standard_normal((args.samples, 1)).astype("float32")
    ours = {"SimpleRNN": SimpleRNNCell, "LSTM": LSTMCell, "GRU": GRUCell}
    for family in args.families:
        builtin_kwargs = {} if family == "SimpleRNN" or args.cudnn else {"use_cudnn": False}
        builtin_layer = getattr(keras.layers, family)(args.units, **builtin_kwargs)
        models = {
            "keras": _model(keras, builtin_layer, args),
            "ours": _model(keras, keras.layers.RNN(ours[family](args.units)), args),
        }
        models["ours"].set_weights(models["keras"].get_weights())  # same start, same data
        times = {"keras": [], "ours": []}
        losses = {}
        for epoch in range(args.max_epochs + 1):  # epoch 0 traces and compiles: not timed
            order = ("ours", "keras") if epoch % 2 else ("keras", "ours")  # alternate who goes first
            for name in order:
                start = time.perf_counter()
                history = models[name].fit(x, y, batch_size=args.batch, epochs=1, shuffle=False, verbose=0)
                if epoch:
                    times[name].append(time.perf_counter() - start)
                else:
                    losses[name] = history.history["loss"][0]
            if epoch >= args.min_epochs and min(sum(times["keras"]), sum(times["ours"])) >= args.seconds:
                break
        # each ratio compares two epochs run back to back, so a slow moment of the machine hits both
        ratios = [o / k for o, k in zip(times["ours"], times["keras"])]
        row = {
            "backend": keras.backend.backend(),
            "family": family,
            "epochs": len(ratios),
            "keras_s": statistics.median(times["keras"]),
            "ours_s": statistics.median(times["ours"]),
            "ratio": statistics.median(ratios),
            "same_first_loss": bool(abs(losses["ours"] - losses["keras"]) <= 1e-4 * max(1.0, abs(losses["keras"]))),
        }
        print("RESULT " + json.dumps(row), flush=True)


def _model(keras, recurrent_layer, args):
    model = keras.Sequential([keras.Input((args.steps, args.features)), recurrent_layer, keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    return model


def _run_backend(backend, argv):
    env = {**quiet_tensorflow(dict(os.environ)), "KERAS_BACKEND": backend}
    command = [sys.executable, "-m", "course_utils.cells.bench", "--worker", *argv]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    rows = [json.loads(line[7:]) for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not rows:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        print(f"{backend}: benchmark failed (exit {done.returncode})\n{tail}", file=sys.stderr)
    return rows


def _table(rows):
    header = f"{'backend':<11} {'layer':<10} {'epochs':>6} {'Keras s/epoch':>13} {'ours s/epoch':>12} {'ratio':>6}"
    lines = [f"{header}  goal ≤ {GOAL}"]
    for r in rows:
        verdict = "ok" if r["ratio"] <= GOAL else "MISSED"
        if not r["same_first_loss"]:
            verdict += " (first-epoch losses differ!)"
        lines.append(
            f"{r['backend']:<11} {r['family']:<10} {r['epochs']:>6} {r['keras_s']:>13.3f} {r['ours_s']:>12.3f} "
            f"{r['ratio']:>6.2f}  {verdict}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax"])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    parser.add_argument("--seconds", type=float, default=2.0, help="time each model at least this long")
    parser.add_argument("--min-epochs", type=int, default=3, help="timed epochs per model, at least")
    parser.add_argument("--max-epochs", type=int, default=25, help="timed epochs per model, at most")
    parser.add_argument("--samples", type=int, default=512)
    parser.add_argument("--steps", type=int, default=32, help="time steps T")
    parser.add_argument("--features", type=int, default=16, help="input features d")
    parser.add_argument("--units", type=int, default=64, help="units u")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument(
        "--no-cudnn", dest="cudnn", action="store_false", help="built-in LSTM/GRU with use_cudnn=False: no fused path"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args)
    forwarded = ["--families", *args.families]
    for option in ("seconds", "min_epochs", "max_epochs", "samples", "steps", "features", "units", "batch"):
        forwarded += ["--" + option.replace("_", "-"), str(getattr(args, option))]
    if not args.cudnn:
        forwarded.append("--no-cudnn")
    rows = []
    for backend in args.backends:
        started = time.perf_counter()
        rows += _run_backend(backend, forwarded)
        print(f"[{backend}: {time.perf_counter() - started:.0f} s]", file=sys.stderr)
    print(
        f"median epoch time: {args.samples} sequences of {args.steps}×{args.features}, u={args.units}, "
        f"batch {args.batch}; epochs alternate ours/Keras; ratio = median of back-to-back epoch ratios"
    )
    print(_table(rows))
    return 0 if rows and all(r["ratio"] <= GOAL for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
