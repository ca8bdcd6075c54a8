"""Notebook 08's character GRU on Python source: its one recipe, the trained checkpoint, the bracket probe.

The recipe (:data:`SETTINGS`) is used three ways: the notebook trains it live for a few
batches, ``make bench-models`` trains it over seeds, and the course's checkpoint was trained
with it by the documented command (no GPU needed; its time is printed and recorded in
:func:`checkpoint_run`)::

    python -m course_utils.codelm train --seed 0     # writes data/pysource_gru.weights.h5

Every epoch it scores the validation split and keeps the weights of the best epoch (the test
split is never looked at). The file is small and committed; :func:`load_checkpoint` refuses it
unless its sha256 is :data:`CHECKPOINT_SHA256`.

The probe: at every bracket that closes one opened at least ``d`` characters before
(:func:`course_utils.pysource.closing_brackets`), how many bits does a model pay for it?

    >>> probe_bits(np.log([0.5, 0.25, 0.5, 0.125]), [(2, ")", 9), (4, "]", 20)], min_distance=10)
    (1, 3.0)
"""

import argparse
import hashlib
import json
import math
import time
from pathlib import Path

import numpy as np

from course_utils._validation import non_negative_int, positive_int
from course_utils.charlm import CharCodec, build_char_model, next_char_windows, score_text
from course_utils.pysource import load_python_source

# The one recipe: notebook, benchmark and checkpoint all read it from here.
SETTINGS = {
    "units": 256,
    "embedding_dim": 32,
    "dropout": 0.1,  # on the GRU's inputs (the character vectors)
    "output_dropout": 0.3,  # between the GRU and the logits
    "window": 128,
    "batch_size": 32,
    "learning_rate": 4e-3,
    "decay_after": 6,  # from pass 7 on, the learning rate is multiplied by 0.6 every pass
    "decay": 0.6,
    "global_clipnorm": 1.0,
}
EPOCHS = 12  # passes of the documented run (and of each benchmark run)
BASELINE_ORDER = 7  # the n-gram order best on validation among 6, 7, 8 (notebook 08 asserts it)
CHECKPOINT = Path(__file__).resolve().parents[1] / "data" / "pysource_gru.weights.h5"
# sha256 of the file the documented training run wrote
CHECKPOINT_SHA256 = "cccc7cd63da730e67bb10aa2ffa84fdadc4bd520826e01ae141d7210f2b90029"


def corpus():
    """The Python-source splits and their :class:`~course_utils.charlm.CharCodec` (every character, sorted)."""
    texts = load_python_source()
    return texts, CharCodec(sorted(set("".join(texts.values()))))


def build_model(codec, name="python_gru"):
    """``Embedding → GRU → Dropout → Dense`` of :data:`SETTINGS`, compiled (Adam, global-norm clipping, logits loss).

    Without the dropouts the GRU fits the training modules ever better and the held-out ones worse
    from the fifth pass on (train 1.64, validation 2.10 bits/char after six passes at the full
    learning rate); with them it keeps improving on validation to the last pass.
    """
    from course_utils._keras import keras

    model = build_char_model(
        codec.size,
        units=SETTINGS["units"],
        embedding_dim=SETTINGS["embedding_dim"],
        cell="gru",
        name=name,
        dropout=SETTINGS["dropout"],
        output_dropout=SETTINGS["output_dropout"],
    )
    optimizer = keras.optimizers.Adam(SETTINGS["learning_rate"], global_clipnorm=SETTINGS["global_clipnorm"])
    model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def training_windows(texts, codec):
    """Non-overlapping next-character windows of :data:`SETTINGS`' length over the training split."""
    return next_char_windows(codec.encode(texts["train"]), SETTINGS["window"])


def bits_per_char_on(model, codec, text):
    """Held-out bits per character of ``model`` on ``text`` (every character after the first).

    ``score_text``'s default windows (256 characters, at least 64 of context): the scoring of the
    learning curve and of the benchmark. Notebook 08 scores the checkpoint with more context.
    """
    return float(-score_text(model, codec.encode(text)).mean() / math.log(2))


def train(epochs=EPOCHS, seed=0, out=None, log=print, return_model=False):
    """Train :data:`SETTINGS` for ``epochs`` passes; keep the epoch best on validation. Returns the run's record.

    The record holds the validation bits/char after every epoch (the learning curve), the
    best epoch and the wall time; with ``out`` the best weights are saved there, and the
    record next to them as JSON. ``return_model=True`` returns ``(record, model)``.
    """
    from course_utils._keras import keras

    epochs = positive_int(epochs, "epochs", f"Use e.g. epochs={EPOCHS}.")
    seed = non_negative_int(seed, "seed", "Use e.g. seed=0.")
    keras.utils.set_random_seed(seed)
    texts, codec = corpus()
    x, y = training_windows(texts, codec)
    model = build_model(codec)
    start, curve, best = time.perf_counter(), [], (math.inf, None, 0)
    for epoch in range(1, epochs + 1):
        rate = SETTINGS["learning_rate"] * SETTINGS["decay"] ** max(0, epoch - SETTINGS["decay_after"])
        model.optimizer.learning_rate = rate
        model.fit(x, y, batch_size=SETTINGS["batch_size"], epochs=1, shuffle=True, verbose=0)
        bpc = bits_per_char_on(model, codec, texts["validation"])
        seconds = time.perf_counter() - start
        curve.append([epoch, round(bpc, 4), round(seconds, 1)])
        log(f"epoch {epoch:>2}: validation {bpc:.3f} bits/char ({seconds:.0f} s)")
        if bpc < best[0]:
            best = (bpc, model.get_weights(), epoch)
            if out is not None:  # saved as it goes: a run stopped early leaves its best epoch so far
                model.save_weights(Path(out))
        record = {"epochs": epoch, "seed": seed, "best_epoch": best[2], "curve": curve, "settings": SETTINGS}
        record["seconds"] = round(seconds, 1)
        if out is not None:
            record["sha256"] = file_sha256(out)
            Path(out).with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n")
    model.set_weights(best[1])
    if out is not None:
        log(f"saved the weights of epoch {best[2]} to {out} (sha256 {record['sha256']})")
    return (record, model) if return_model else record


def file_sha256(path):
    """sha256 of a file's bytes, in hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_checkpoint(codec, path=None, sha256=None):
    """The course's trained model: :data:`SETTINGS`' GRU with the checkpoint's weights, verified by sha256."""
    path = Path(path or CHECKPOINT)
    sha256 = sha256 or CHECKPOINT_SHA256
    if not path.is_file():
        raise ValueError(
            f"{path} is missing: it is committed with the course (git checkout -- {path.name}), or train it "
            "again with `python -m course_utils.codelm train --out PATH` and pass path= and sha256=."
        )
    found = file_sha256(path)
    if found != sha256:
        raise ValueError(f"{path} has sha256 {found}, expected {sha256}: a different or damaged file. Refusing it.")
    model = build_model(codec, name="python_gru_trained")
    model.optimizer.build(model.trainable_variables)  # the file holds Adam's state too (training can resume)
    model.load_weights(path)
    return model


def checkpoint_run(path=None):
    """The record the training command wrote next to the checkpoint: epochs, seed, best epoch, validation curve, time."""
    path = Path(path or CHECKPOINT).with_suffix(".json")
    if not path.is_file():
        raise ValueError(f"{path} is missing: it is committed with the checkpoint (git checkout -- {path.name}).")
    record = json.loads(path.read_text())
    if record.get("sha256") != CHECKPOINT_SHA256 and path.with_suffix(".h5") == CHECKPOINT:
        raise ValueError(f"{path} describes another checkpoint (sha256 {record.get('sha256')}), not the course's.")
    return record


def probe_bits(log_probs, brackets, min_distance, max_distance=None):
    """``(count, mean bits)`` paid for the closing brackets opened ``min_distance`` (to ``max_distance``) characters back.

    ``log_probs[i]`` is the natural-log probability a model gave character ``i + 1`` of a
    text (what ``score_text`` and ``CharNGram.log_probs`` return); ``brackets`` are that
    text's :func:`~course_utils.pysource.closing_brackets`.
    """
    log_probs = np.asarray(log_probs, dtype=np.float64)
    low = non_negative_int(min_distance, "min_distance")
    high = math.inf if max_distance is None else non_negative_int(max_distance, "max_distance")
    picked = [index - 1 for index, _, distance in brackets if low <= distance <= high and index >= 1]
    if not picked:
        raise ValueError(f"no closing bracket is {low} to {high} characters from its opener.")
    if max(picked) >= len(log_probs):
        raise ValueError("brackets index characters beyond log_probs: pass the same text's brackets.")
    return len(picked), round(float(-log_probs[picked].mean() / math.log(2)), 3)


def main(argv=None):
    from course_utils._environment import quiet_tensorflow

    quiet_tensorflow()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("train", help="train the recipe, keep the epoch best on validation, save its weights")
    cmd.add_argument("--epochs", type=int, default=EPOCHS)
    cmd.add_argument("--seed", type=int, default=0)
    cmd.add_argument("--out", default=str(CHECKPOINT))
    args = parser.parse_args(argv)
    record = train(args.epochs, args.seed, args.out, log=lambda line: print(line, flush=True))
    print(f"best epoch {record['best_epoch']} of {record['epochs']}; {record['seconds']:.0f} s in all")


if __name__ == "__main__":
    main()
