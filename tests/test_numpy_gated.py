"""The NumPy LSTM and GRU steps refuse arguments of the wrong shape, naming the argument and the shape it needs."""

import numpy as np
import pytest
from bad_input import assert_refused

from course_utils.numpy_gated import gru_step_backward, gru_step_forward, lstm_step_backward, lstm_step_forward

N, D, U = 2, 3, 4
rng = np.random.default_rng(0)
x, h, c = rng.normal(size=(N, D)), rng.normal(size=(N, U)), rng.normal(size=(N, U))
LSTM = {"W_x": rng.normal(size=(D, 4 * U)), "W_h": rng.normal(size=(U, 4 * U)), "b": rng.normal(size=4 * U)}
GRU = {"W_x": rng.normal(size=(D, 3 * U)), "W_h": rng.normal(size=(U, 3 * U)), "b": rng.normal(size=(2, 3 * U))}
_, _, LSTM_CACHE = lstm_step_forward(x, h, c, **LSTM)
_, GRU_CACHE = gru_step_forward(x, h, **GRU)


def zeros(weights, **changes):
    return {**{k: np.zeros_like(v) for k, v in weights.items()}, **changes}


BAD_CALLS = [  # (what is wrong, call, the argument the message must name, what it must say)
    ("LSTM W_x too narrow", lambda: lstm_step_forward(x, h, c, **{**LSTM, "W_x": np.zeros((D, 3 * U))}),
     "W_x", "(d, 4u) = (3, 16)"),
    ("LSTM W_x too tall", lambda: lstm_step_forward(x, h, c, **{**LSTM, "W_x": np.zeros((D + 1, 4 * U))}),
     "W_x", "(d, 4u) = (3, 16)"),
    ("LSTM W_h", lambda: lstm_step_forward(x, h, c, **{**LSTM, "W_h": np.zeros((U, U))}), "W_h", "(u, 4u) = (4, 16)"),
    ("LSTM b", lambda: lstm_step_forward(x, h, c, **{**LSTM, "b": np.zeros(U)}), "b", "(4u,) = (16,)"),
    ("LSTM c_prev", lambda: lstm_step_forward(x, h, c[:, :2], **LSTM), "c_prev", "(N, u) = (2, 4)"),
    ("LSTM one example", lambda: lstm_step_forward(x[0], h[0], c[0], **LSTM), "x_t", "use x_t[None]"),
    ("LSTM batches differ", lambda: lstm_step_forward(x, h[:1], c[:1], **LSTM), "x_t", "a batch of N rows each"),
    ("LSTM dh", lambda: lstm_step_backward(h[:, :2], c, LSTM_CACHE, LSTM["W_h"], zeros(LSTM)), "dh", "(N, u)"),
    ("LSTM dc_next", lambda: lstm_step_backward(h, c[:1], LSTM_CACHE, LSTM["W_h"], zeros(LSTM)), "dc_next", "(N, u)"),
    ("LSTM backward W_h", lambda: lstm_step_backward(h, c, LSTM_CACHE, GRU["W_h"], zeros(LSTM)), "W_h", "(u, 4u)"),
    ("LSTM cache of a GRU", lambda: lstm_step_backward(h, c, GRU_CACHE, LSTM["W_h"], zeros(LSTM)),
     "cache", "lstm_step_forward returned"),
    ("LSTM grads of a GRU", lambda: lstm_step_backward(h, c, LSTM_CACHE, LSTM["W_h"], zeros(GRU)),
     "grads['W_x']", "(d, 4u) = (3, 16)"),
    ("LSTM grads incomplete", lambda: lstm_step_backward(h, c, LSTM_CACHE, LSTM["W_h"], {"W_x": 0}),
     "grads", "W_x, W_h, b"),
    ("GRU W_x too narrow", lambda: gru_step_forward(x, h, **{**GRU, "W_x": np.zeros((D, 2 * U))}),
     "W_x", "(d, 3u) = (3, 12)"),
    ("GRU one bias row", lambda: gru_step_forward(x, h, **{**GRU, "b": np.zeros(3 * U)}), "b", "(2, 3u) = (2, 12)"),
    ("GRU two bias rows", lambda: gru_step_forward(x, h, **GRU, reset_after=False), "b", "(3u,) = (12,)"),
    ("GRU reset_after", lambda: gru_step_forward(x, h, **GRU, reset_after="no"), "reset_after", "True or False"),
    ("GRU backward dh", lambda: gru_step_backward(h.T, GRU_CACHE, GRU["W_h"], zeros(GRU)), "dh", "(N, u) = (2, 4)"),
    ("GRU backward W_h", lambda: gru_step_backward(h, GRU_CACHE, LSTM["W_h"], zeros(GRU)), "W_h", "(u, 3u)"),
    ("GRU cache of an LSTM", lambda: gru_step_backward(h, LSTM_CACHE, GRU["W_h"], zeros(GRU)),
     "cache", "gru_step_forward returned"),
    ("GRU grads bias", lambda: gru_step_backward(h, GRU_CACHE, GRU["W_h"], zeros(GRU, b=np.zeros(3 * U))),
     "grads['b']", "(2, 3u) = (2, 12)"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "name", "what"), [case[1:] for case in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_bad_shapes_are_refused_naming_the_argument(call, name, what):
    assert_refused(call, name, what)
