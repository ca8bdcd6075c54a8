"""AIEI007 Lecture 10's variants (MUT1-3, SRU, the LSTM ablations) against plain NumPy, on random weights.

Keras has no twin for these, so the reference is ``numpy_reference``: the printed equations
with the printed (column-vector) matrices, packed into the layout each docstring documents.
"""

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.cells import GRUCell, LSTMAblationCell, MUT1Cell, MUT2Cell, MUT3Cell, SRUCell, make_cell

from . import numpy_reference as ref
from .helpers import ATOL, numpy, random_init, sequence

SIZES = [(4, 4), (3, 6)]  # (d, u); a cell that needs d == u gets d = u
SIZES_AND_BIAS = [(4, 4, True), (3, 6, False)]  # each size once, each bias mode once


def run_cell(cls, kwargs, weights, x):
    """Our cell ``cls(**kwargs)`` through keras.layers.RNN: (all outputs, [final states])."""
    layer = keras.layers.RNN(cls(**kwargs, **random_init()), return_sequences=True, return_state=True)
    layer.build(x.shape)
    layer.set_weights([w.astype("float32") for w in weights])
    outputs, *states = numpy(layer(x))
    return outputs, states


def assert_close(got, want):
    assert got.shape == want.shape
    assert np.max(np.abs(got - want)) <= ATOL, np.max(np.abs(got - want))


@pytest.mark.parametrize(("kind", "cls"), [("mut1", MUT1Cell), ("mut2", MUT2Cell), ("mut3", MUT3Cell)])
@pytest.mark.parametrize(("d", "u", "use_bias"), SIZES_AND_BIAS)
def test_mut_matches_numpy(kind, cls, use_bias, d, u):
    d = d if kind == "mut3" else u
    rng = np.random.default_rng(11 * d + u)
    p = ref.random_params(rng, ref.mut_shapes(kind, d, u))
    if not use_bias:
        p.update(b_z=np.zeros(u), b_r=np.zeros(u), b_h=np.zeros(u))
    x = sequence(rng, d)
    want, h_last = ref.run(ref.mut_step(kind, p), x, np.zeros((x.shape[0], u)))
    got, (state,) = run_cell(cls, dict(units=u, use_bias=use_bias), ref.pack_mut(kind, p, use_bias), x)
    assert_close(got, want)
    assert_close(state, h_last)


@pytest.mark.parametrize(("u", "use_bias"), [(4, True), (7, False)])
def test_sru_matches_numpy(u, use_bias):
    rng = np.random.default_rng(u)
    p = ref.random_params(rng, ref.sru_shapes(u, u))
    if not use_bias:
        p.update(b_f=np.zeros(u), b_r=np.zeros(u))
    x = sequence(rng, u)
    want, c_last = ref.run(ref.sru_step(p), x, np.zeros((x.shape[0], u)))
    got, (h, c) = run_cell(SRUCell, dict(units=u, use_bias=use_bias), ref.pack_sru(p, use_bias), x)
    assert_close(got, want)  # the outputs h_t
    assert_close(h, want[:, -1])
    assert_close(c, c_last)  # the memory c_t, which differs from h_t


@pytest.mark.parametrize("without", ["forget", "input", "output"])
@pytest.mark.parametrize(("d", "u", "use_bias"), SIZES_AND_BIAS)
def test_lstm_ablation_matches_numpy(without, use_bias, d, u):
    gates = [g for g in "ifgo" if g != without[0]]  # Keras' order, the removed gate left out
    rng = np.random.default_rng(d + 13 * u)
    p = ref.random_params(rng, ref.lstm_shapes(d, u, gates))
    if not use_bias:
        p.update({f"b^{g}": np.zeros(u) for g in gates})
    x = sequence(rng, d)
    zeros = np.zeros((x.shape[0], u))
    want, (h_last, c_last) = ref.run(ref.lstm_step(p, without), x, (zeros, zeros))
    cell_kwargs = dict(units=u, without=without, use_bias=use_bias)
    got, (h, c) = run_cell(LSTMAblationCell, cell_kwargs, ref.pack_lstm(p, gates, use_bias), x)
    assert_close(got, want)
    assert_close(h, h_last)
    assert_close(c, c_last)


@pytest.mark.parametrize(("without", "ones_at"), [("forget", None), ("input", 0), ("output", 1)])
def test_lstm_ablation_forget_bias_lands_on_the_forget_block(without, ones_at):
    """unit_forget_bias puts 1 in b_f, wherever the forget block sits once a gate is removed."""
    layer = keras.layers.RNN(LSTMAblationCell(3, without=without, **{**random_init(), "bias_initializer": "zeros"}))
    layer.build((None, 2, 2))
    blocks = np.split(layer.get_weights()[2], 3)
    for k, block in enumerate(blocks):
        np.testing.assert_array_equal(block, np.ones(3) if k == ones_at else np.zeros(3))


@pytest.mark.parametrize(("d", "u"), SIZES)
def test_keras_gru_is_the_lecture_gru_with_z_flipped(d, u):
    """AIEI007 Lecture 10's GRU (z weights the new candidate) = our GRUCell(reset_after=False) with the z
    blocks negated, because 1 - σ(a) = σ(-a): Keras' z is the lecture's 1 - z."""
    rng = np.random.default_rng(d * u)
    p = ref.random_params(rng, ref.gru_shapes(d, u))
    x = sequence(rng, d)
    want, _ = ref.run(ref.lecture_gru_step(p), x, np.zeros((x.shape[0], u)))

    def packed(sign):  # the z blocks times sign, then r and the candidate as printed
        return [
            np.concatenate([sign * p["Uz"].T, p["Ur"].T, p["U"].T], axis=1),
            np.concatenate([sign * p["Wz"].T, p["Wr"].T, p["W"].T], axis=1),
            np.concatenate([sign * p["bz"], p["br"], p["b"]]),
        ]

    flipped, _ = run_cell(GRUCell, dict(units=u, reset_after=False), packed(-1.0), x)
    assert_close(flipped, want)
    as_printed, _ = run_cell(GRUCell, dict(units=u, reset_after=False), packed(+1.0), x)
    assert np.max(np.abs(as_printed - want)) > 1e-2  # the printed weights as they are: another function


def test_the_lstm_tables_rows_by_their_names():
    assert make_cell("LSTM-f", 4).without == "forget"
    assert make_cell("LSTM-o", 4).without == "output"
    assert make_cell("LSTM", 4).unit_forget_bias is False
    with pytest.raises(ValueError, match="LSTM-b"):
        make_cell("LSTM-x", 4)
