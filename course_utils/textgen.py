"""Sampling text from a character model, with temperature, and how to score a language model.

IIIT Hyderabad Intro to NLP's loss for a language model is the cross-entropy of each step, averaged over time:

    J(θ) = (1/T) Σ_t −log ŷ_t[x_{t+1}]          (nats per character)

Two easier-to-read forms of the same number: **bits per character** ``J / ln 2`` (how many
yes/no questions the model needs per character) and **perplexity** ``exp(J)`` (it is as
unsure as a fair die with that many sides).

    >>> J = average_cross_entropy(np.full((1, 4, 8), 1 / 8), np.zeros((1, 4), int))
    >>> round(bits_per_char(J), 6), round(perplexity(J), 6)
    (3.0, 8.0)

Sampling divides the logits by a **temperature** τ before the softmax: τ < 1 sharpens the
distribution (safer, more repetitive text), τ > 1 flattens it (more surprising, more
misspelt); τ = 0 means always the most likely character.

    >>> apply_temperature(np.log([0.5, 0.25, 0.25]), 1.0).round(3).tolist()
    [0.5, 0.25, 0.25]
    >>> apply_temperature(np.log([0.5, 0.25, 0.25]), 0.5).round(3).tolist()
    [0.667, 0.167, 0.167]
"""

import math
import re
import sys
from numbers import Real

import numpy as np

from course_utils._validation import non_negative_int, number, positive_int
from course_utils.charlm import CharCodec, check_logits, log_softmax


def _probabilities(probs, name="probs"):
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim < 1 or not np.all(np.isfinite(probs)) or np.any(probs < 0) or np.any(probs > 1):
        raise ValueError(f"{name} must hold probabilities in [0, 1] along the last axis.")
    return probs


def average_cross_entropy(probs, targets, mask=None):
    """IIIT Hyderabad Intro to NLP's ``J = (1/T) Σ_t −log ŷ_t[target_t]`` in nats, averaged over every (unmasked) step.

    ``probs`` (..., T, V) are the model's distributions, ``targets`` (..., T) the ids that
    came next; ``mask`` (..., T), if given, is True for the steps to count.
    """
    probs = _probabilities(probs)
    targets = np.asarray(targets)
    if probs.shape[:-1] != targets.shape:
        raise ValueError(f"probs {probs.shape} must be targets' shape {targets.shape} plus a vocabulary axis.")
    if targets.size == 0 or not np.issubdtype(targets.dtype, np.integer):
        raise ValueError("targets must be a non-empty array of integer ids.")
    if targets.min() < 0 or targets.max() >= probs.shape[-1]:
        raise ValueError(f"targets must be ids in 0..{probs.shape[-1] - 1}.")
    picked = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]
    if mask is None:
        mask = np.ones(targets.shape, dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != targets.shape or not mask.any():
        raise ValueError(f"mask must have the targets' shape {targets.shape} and at least one True.")
    with np.errstate(divide="ignore"):
        return float(-np.log(picked[mask]).mean())


def _nats(value):
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value) or value < 0:
        raise ValueError(
            f"nats must be a cross-entropy: a number ≥ 0 in nats per character (e.g. from "
            f"average_cross_entropy), got {value!r}."
        )
    return float(value)


def bits_per_char(nats):
    """Cross-entropy in nats → bits per character (``nats / ln 2``); ``inf`` stays ``inf``."""
    return _nats(nats) / math.log(2)


def perplexity(nats):
    """Cross-entropy in nats → perplexity (``exp(nats)``).

    Beyond about 709.78 nats ``exp`` leaves the float range: the perplexity is then ``inf``,
    as it is for an infinite cross-entropy (a model that gave a target probability 0).

    >>> round(perplexity(math.log(8)), 6), perplexity(1000.0), perplexity(math.inf)
    (8.0, inf, inf)
    """
    nats = _nats(nats)
    return math.exp(nats) if nats < _LARGEST_NATS else math.inf


_LARGEST_NATS = math.log(sys.float_info.max)  # exp of anything larger overflows a float


def _temperature(value):
    return number(value, "temperature", "0 = always the likeliest, 1 = the model's own distribution.", at_least=0)


def apply_temperature(logits, temperature):
    """``softmax(logits / τ)`` along the last axis; τ = 0 puts all mass on the largest logit.

    A logit of −inf gets probability 0. Empty logits, NaN, +inf and rows of only −inf are
    refused (:func:`course_utils.charlm.check_logits`): their softmax would be NaN.
    """
    temperature = _temperature(temperature)
    logits = check_logits(logits)
    if temperature == 0:
        return np.eye(logits.shape[-1])[np.argmax(logits, axis=-1)]
    with np.errstate(over="ignore"):
        scaled = logits / temperature
        if np.isinf(scaled[np.isfinite(logits)]).any():  # a tiny τ overflowed: shift by the maximum first
            scaled = (logits - logits.max(axis=-1, keepdims=True)) / temperature
    return np.exp(log_softmax(scaled))


class StepSampler:
    """A trained ``Embedding → GRU/LSTM → Dense`` model, run one character at a time in NumPy.

    A ``Dropout`` before the ``Dense`` (``build_char_model(output_dropout=...)``) is allowed: it
    only acts in training, so generating skips it (so does the GRU's own input ``dropout``).

    Generating text is a loop: feed a character, read the distribution of the next one,
    draw from it, feed that back. Calling Keras once per character costs milliseconds a
    call; the same weights in NumPy cost microseconds, and give the same probabilities
    (``tests/test_textgen.py`` checks them against ``model.predict``). The weights are
    copied when the sampler is made: make a new one after more training.
    """

    def __init__(self, model, codec):
        from course_utils._keras import keras

        if not isinstance(codec, CharCodec):
            raise ValueError(f"codec must be a CharCodec, got {type(codec).__name__}.")
        kinds = [type(layer).__name__ for layer in model.layers]
        found = {kind: layer for kind, layer in zip(kinds, model.layers) if kind != "Dropout"}
        cell = found.get("GRU") or found.get("LSTM")
        if kinds[:2] not in (["Embedding", "GRU"], ["Embedding", "LSTM"]) or kinds[2:] not in (
            ["Dense"],
            ["Dropout", "Dense"],
        ):
            raise ValueError(
                f"StepSampler needs Embedding → GRU or LSTM → (Dropout →) Dense (build_char_model), got {kinds}."
            )
        if cell.activation is not keras.activations.tanh or cell.recurrent_activation is not keras.activations.sigmoid:
            raise ValueError("StepSampler supports the default activations only (tanh, sigmoid).")
        if isinstance(cell, keras.layers.GRU) and not cell.reset_after:
            raise ValueError("StepSampler supports GRU(reset_after=True), Keras' default.")
        dense = found["Dense"]
        if dense.units != codec.size:
            raise ValueError(f"the model predicts {dense.units} ids but the codec has {codec.size}.")
        self.codec, self.kind = codec, type(cell).__name__
        self.units = cell.units
        self.embeddings = found["Embedding"].get_weights()[0].astype(np.float64)
        self.cell_weights = [w.astype(np.float64) for w in cell.get_weights()]
        self.dense_weights = [w.astype(np.float64) for w in dense.get_weights()]

    def initial_state(self, batch=1):
        zeros = np.zeros((batch, self.units))
        return (zeros, zeros.copy()) if self.kind == "LSTM" else (zeros,)

    def step(self, ids, state):
        """One step for a batch of ids: returns ``(logits (batch, V), new_state)``."""
        ids = np.asarray(ids)
        vocab = len(self.embeddings)
        if (
            ids.ndim != 1
            or not ids.size
            or not np.issubdtype(ids.dtype, np.integer)
            or not 0 <= ids.min() <= ids.max() < vocab
        ):
            raise ValueError(
                f"ids must be a 1-D array of character ids in 0..{vocab - 1}, one per sequence, got {ids.dtype} "
                f"{ids.tolist() if ids.size <= 8 else ids.shape}. Use codec.encode(text)."
            )
        want = ((len(ids), self.units),) * (2 if self.kind == "LSTM" else 1)
        if not isinstance(state, (tuple, list)) or tuple(np.shape(s) for s in state) != want:
            raise ValueError(
                f"state must be the {self.kind}'s state for {len(ids)} sequences, arrays of shapes {list(want)}: "
                "start from sampler.initial_state(batch) and pass on the state that step returns."
            )
        x = self.embeddings[ids]
        W, U, b = self.cell_weights
        u = self.units
        sig = lambda a: 0.5 * (1.0 + np.tanh(0.5 * a))  # noqa: E731  (σ without overflow)
        if self.kind == "GRU":  # Keras order z, r, h; reset gate applied after U (reset_after=True)
            (h,) = state
            ax, ah = x @ W + b[0], h @ U + b[1]
            z, r = sig(ax[:, :u] + ah[:, :u]), sig(ax[:, u : 2 * u] + ah[:, u : 2 * u])
            h = z * h + (1 - z) * np.tanh(ax[:, 2 * u :] + r * ah[:, 2 * u :])
            state = (h,)
        else:  # LSTM, Keras order i, f, g (candidate), o
            h, c = state
            a = x @ W + h @ U + b
            i, f, o = sig(a[:, :u]), sig(a[:, u : 2 * u]), sig(a[:, 3 * u :])
            c = f * c + i * np.tanh(a[:, 2 * u : 3 * u])
            h = o * np.tanh(c)
            state = (h, c)
        return h @ self.dense_weights[0] + self.dense_weights[1], state

    def generate(self, prime, length, temperature=1.0, seed=0, count=1, stop=None):
        """``count`` samples of up to ``length`` characters continuing ``prime`` (a non-empty str).

        With ``stop`` (a character), a sample ends when it draws it (the stop character
        is not included). Returns one ``str``, or a list of them when ``count > 1``.
        """
        length = positive_int(length, "length", "Use e.g. length=200.")
        count = positive_int(count, "count")
        temperature = _temperature(temperature)
        if not isinstance(prime, str) or not prime:
            raise ValueError("prime must be a non-empty str: the model needs a first character to read.")
        if stop is not None and not (isinstance(stop, str) and len(stop) == 1):
            raise ValueError(f"stop must be a single character (or None), got {stop!r}. Use e.g. stop='\\n'.")
        stop_id = None if stop is None else int(self.codec.encode(stop)[0])
        rng = np.random.default_rng(non_negative_int(seed, "seed"))
        state, logits = self.initial_state(count), None
        for i in self.codec.encode(prime):
            logits, state = self.step(np.full(count, i), state)
        out, alive = [], np.ones(count, dtype=bool)
        for _ in range(length):
            if self.codec.padding:
                logits[:, 0] = -np.inf  # padding is not a character
            p = apply_temperature(logits, temperature)
            drawn = np.array([rng.choice(len(row), p=row / row.sum()) for row in p])
            alive &= drawn != stop_id
            out.append(np.where(alive, drawn, -1))
            if not alive.any():
                break
            logits, state = self.step(drawn, state)
        rows = np.stack(out, axis=1)
        texts = [self.codec.decode(row[row >= 0]) for row in rows]
        return texts[0] if count == 1 else texts


def temperature_sampler(sampler, prime, length=240, seed=0):
    """The callback behind the notebook's temperature slider: ``f(temperature)`` prints a sample.

    The same ``seed`` every time, so moving the slider changes only the temperature. It
    returns None (``interact`` would display a returned value a second time); the last
    sample is kept in ``f.last``.
    """
    if not isinstance(sampler, StepSampler):
        raise ValueError(f"sampler must be a StepSampler, got {type(sampler).__name__}.")
    length = positive_int(length, "length")

    def show(temperature=0.7):
        show.last = sampler.generate(prime, length, temperature=temperature, seed=seed)
        print(f"temperature {float(temperature):.2f}\n{prime}{show.last}")

    show.last = None
    return show


def known_word_share(text, vocabulary):
    """Share of the words of ``text`` (letters only, lower-cased) found in ``vocabulary``."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}.")
    if isinstance(vocabulary, str):
        raise ValueError(
            "vocabulary must be a collection of words (e.g. a set), not one str: a str is read as letters."
        )
    known = {w.lower() for w in vocabulary}
    words = re.findall(r"[a-z]+", text.lower())
    return sum(w in known for w in words) / len(words) if words else 0.0


def sample_progress(codec, prime, at=(10, 25, 50, 100, 200), length=160, temperature=0.8, seed=0, print_fn=print):
    """A Keras callback that prints a sample after the given training iterations (batches).

    CS 505 notes shows an LSTM's samples at iterations 100 … 2000; this echoes it on a small
    budget. Each sample comes from a fresh :class:`StepSampler` over the current weights,
    with the same ``seed``, so only the training changes between samples. The callback's
    ``samples`` list keeps ``(iteration, loss, text)`` for each print (``loss`` is Keras'
    running mean of the training loss over the current epoch, in nats).
    """
    from course_utils._keras import keras

    at = sorted({positive_int(i, "each iteration in at") for i in at})
    if not at:
        raise ValueError("at must list at least one iteration, e.g. at=(10, 100).")
    length = positive_int(length, "length")
    _temperature(temperature)
    if not isinstance(prime, str) or not prime:
        raise ValueError("prime must be a non-empty str.")
    if not isinstance(codec, CharCodec):
        raise ValueError(f"codec must be a CharCodec (the model's characters), got {type(codec).__name__}.")
    codec.encode(prime)  # unknown characters fail now, not in the middle of training

    class SampleProgress(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.iteration, self.samples = 0, []

        def on_train_batch_end(self, batch, logs=None):
            self.iteration += 1
            if self.iteration in at:
                loss = float((logs or {}).get("loss", float("nan")))
                text = StepSampler(self.model, codec).generate(prime, length, temperature, seed)
                self.samples.append((self.iteration, loss, text))
                print_fn(f"--- iteration {self.iteration} | loss {loss:.2f} nats = {loss / math.log(2):.2f} bits/char")
                print_fn(prime + text)

    return SampleProgress()
