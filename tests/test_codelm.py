"""Notebook 08's Python-source GRU: the recipe, the training command's record, the checkpoint's hash, the probe."""

import json
import math

import numpy as np
import pytest

from course_utils import codelm
from course_utils.charlm import CharCodec
from course_utils.codelm import CHECKPOINT, CHECKPOINT_SHA256, SETTINGS, checkpoint_run, file_sha256, probe_bits
from course_utils.ngram import CharNGram

SOURCE = "def f(a, b):\n    return [a, (b, a)]\n\n\nclass C:\n    x = {1: f(2, 3)}\n" * 6


def test_probe_bits_averages_the_selected_closers_by_hand():
    log_probs = np.log([0.5, 0.25, 0.125, 1.0])  # characters 1..4 of a 5-character text
    brackets = [(2, ")", 3), (3, "]", 12), (4, "}", 30)]
    assert probe_bits(log_probs, brackets, min_distance=0) == (3, round((2 + 3 + 0) / 3, 3))
    assert probe_bits(log_probs, brackets, min_distance=10) == (2, 1.5)
    assert probe_bits(log_probs, brackets, min_distance=3, max_distance=12) == (2, 2.5)
    with pytest.raises(ValueError, match="no closing bracket is 31 to inf"):
        probe_bits(log_probs, brackets, min_distance=31)
    with pytest.raises(ValueError, match="beyond log_probs"):
        probe_bits(log_probs[:2], brackets, min_distance=0)


def test_the_committed_checkpoint_is_the_recorded_run():
    CHECKPOINT_RUN = checkpoint_run()
    assert CHECKPOINT.is_file() and CHECKPOINT.stat().st_size < 5_000_000
    assert file_sha256(CHECKPOINT) == CHECKPOINT_SHA256 == CHECKPOINT_RUN["sha256"]
    curve = CHECKPOINT_RUN["curve"]
    assert [row[0] for row in curve] == list(range(1, CHECKPOINT_RUN["epochs"] + 1))
    best = min(curve, key=lambda row: row[1])
    assert best[0] == CHECKPOINT_RUN["best_epoch"] and CHECKPOINT_RUN["settings"] == SETTINGS


def test_a_wrong_or_missing_checkpoint_is_refused(tmp_path):
    codec = CharCodec("ab")
    with pytest.raises(ValueError, match="is missing"):
        codelm.load_checkpoint(codec, path=tmp_path / "none.weights.h5")
    fake = tmp_path / "fake.weights.h5"
    fake.write_bytes(b"not weights")
    with pytest.raises(ValueError, match="Refusing it"):
        codelm.load_checkpoint(codec, path=fake)


def test_train_keeps_the_epoch_best_on_validation_and_records_it(tmp_path, monkeypatch):
    texts = {"train": SOURCE * 4, "validation": SOURCE, "test": SOURCE}
    monkeypatch.setattr(codelm, "corpus", lambda: (texts, CharCodec(sorted(set(SOURCE)))))
    monkeypatch.setitem(SETTINGS, "units", 8)
    monkeypatch.setitem(SETTINGS, "window", 16)
    out = tmp_path / "tiny.weights.h5"
    record = codelm.train(3, seed=1, out=out, log=lambda line: None)
    saved = json.loads(out.with_suffix(".json").read_text())
    assert saved == record and record["sha256"] == file_sha256(out)
    values = [row[1] for row in record["curve"]]
    assert len(values) == 3 and record["best_epoch"] == 1 + int(np.argmin(values))
    model = codelm.load_checkpoint(CharCodec(sorted(set(SOURCE))), path=out, sha256=record["sha256"])
    reloaded = codelm.bits_per_char_on(model, CharCodec(sorted(set(SOURCE))), texts["validation"])
    assert math.isclose(reloaded, min(values), abs_tol=1e-3)
    assert values[-1] < math.log2(len(set(SOURCE)))  # it learned something: below a uniform guess


def test_the_benchmark_row_compares_the_recipe_with_the_baseline_n_gram(monkeypatch):
    from course_utils import bench_models

    texts = {"train": SOURCE * 4, "validation": SOURCE, "test": SOURCE[::-1]}
    codec = CharCodec(sorted(set(SOURCE)))
    monkeypatch.setattr(codelm, "corpus", lambda: (texts, codec))
    monkeypatch.setattr(codelm, "BASELINE_ORDER", 3)
    monkeypatch.setitem(SETTINGS, "units", 8)
    monkeypatch.setitem(SETTINGS, "window", 16)
    monkeypatch.setattr(codelm, "EPOCHS", 1)
    rows = bench_models.charlm(seed=0)
    assert [row[0] for row in rows] == [f"char GRU (Python source) {s} bits/char" for s in ("validation", "test")]
    ngram = CharNGram(order=3).fit(texts["train"], codec.characters)
    for (_, value, baseline, seconds), split in zip(rows, ("validation", "test")):
        assert math.isclose(baseline, ngram.cross_entropy(texts[split]) / math.log(2))
        assert 0 < value < math.log2(codec.size) + 1 and seconds > 0
