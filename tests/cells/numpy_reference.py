"""AIEI007 Lecture 10's equations in plain NumPy (float64), written from the lecture, not from the cells.

Matrices have the printed shapes and act on column vectors, ``W_xz x_t`` with W_xz (u, d);
on a batch of row vectors that is ``x @ W_xz.T``. Each ``pack_*`` function turns the named
matrices into the fused Keras weight list the cell's docstring promises, so the tests check
the documented layout as well as the maths.
"""

import numpy as np


def sigm(a):
    return 1.0 / (1.0 + np.exp(-a))


def run(step, x, state):
    """Apply ``step(x_t, state) -> (output, state)`` along axis 1 of ``x``; all outputs and the last state."""
    outputs = []
    for t in range(x.shape[1]):
        out, state = step(x[:, t].astype(np.float64), state)
        outputs.append(out)
    return np.stack(outputs, axis=1), state


def random_params(rng, shapes, scale=0.5):
    return {name: scale * rng.standard_normal(shape) for name, shape in shapes.items()}


# ---- MUT1, MUT2, MUT3 (Jozefowicz et al. 2015): h_t -> h_{t+1}, z weights the candidate ----------


def mut_shapes(kind, d, u):
    shapes = {"b_z": (u,), "b_r": (u,), "b_h": (u,), "W_hh": (u, u), "W_hr": (u, u), "W_xz": (u, d)}
    if kind in ("mut1", "mut3"):
        shapes["W_xr"] = (u, d)
    if kind in ("mut2", "mut3"):
        shapes.update(W_hz=(u, u), W_xh=(u, d))
    return shapes


def mut_step(kind, p):
    def step(x, h):
        if kind == "mut1":
            z = sigm(x @ p["W_xz"].T + p["b_z"])
            r = sigm(x @ p["W_xr"].T + h @ p["W_hr"].T + p["b_r"])
            new = np.tanh((r * h) @ p["W_hh"].T + np.tanh(x) + p["b_h"]) * z + h * (1 - z)
        elif kind == "mut2":
            z = sigm(x @ p["W_xz"].T + h @ p["W_hz"].T + p["b_z"])
            r = sigm(x + h @ p["W_hr"].T + p["b_r"])
            new = np.tanh((r * h) @ p["W_hh"].T + x @ p["W_xh"].T + p["b_h"]) * z + h * (1 - z)
        else:
            z = sigm(x @ p["W_xz"].T + np.tanh(h) @ p["W_hz"].T + p["b_z"])
            r = sigm(x @ p["W_xr"].T + h @ p["W_hr"].T + p["b_r"])
            new = np.tanh((r * h) @ p["W_hh"].T + x @ p["W_xh"].T + p["b_h"]) * z + h * (1 - z)
        return new, new

    return step


def pack_mut(kind, p, use_bias):
    kernel = {"mut1": ["W_xz", "W_xr"], "mut2": ["W_xz", "W_xh"], "mut3": ["W_xz", "W_xr", "W_xh"]}[kind]
    recurrent = {"mut1": ["W_hr", "W_hh"], "mut2": ["W_hz", "W_hr", "W_hh"], "mut3": ["W_hz", "W_hr", "W_hh"]}[kind]
    weights = [np.concatenate([p[n].T for n in kernel], axis=1), np.concatenate([p[n].T for n in recurrent], axis=1)]
    return weights + ([np.concatenate([p["b_z"], p["b_r"], p["b_h"]])] if use_bias else [])


# ---- SRU (Lei et al. 2017): the state is c, the output h --------------------------------------------


def sru_shapes(d, u):
    return {"W": (u, d), "W_f": (u, d), "W_r": (u, d), "v_f": (u,), "v_r": (u,), "b_f": (u,), "b_r": (u,)}


def sru_step(p):
    def step(x, c_prev):
        f = sigm(x @ p["W_f"].T + p["v_f"] * c_prev + p["b_f"])
        c = f * c_prev + (1 - f) * (x @ p["W"].T)
        r = sigm(x @ p["W_r"].T + p["v_r"] * c_prev + p["b_r"])
        h = r * c + (1 - r) * x
        return h, c

    return step


def pack_sru(p, use_bias):
    weights = [np.concatenate([p["W"].T, p["W_f"].T, p["W_r"].T], axis=1), np.concatenate([p["v_f"], p["v_r"]])]
    return weights + ([np.concatenate([p["b_f"], p["b_r"]])] if use_bias else [])


# ---- LSTM with one gate removed (AIEI007 Lecture 10's LSTM-f, LSTM-i, LSTM-o): the gate is 1 ----------------


def lstm_shapes(d, u, gates):
    shapes = {}
    for g in gates:
        shapes.update({f"U^{g}": (u, d), f"W^{g}": (u, u), f"b^{g}": (u,)})
    return shapes


def lstm_step(p, without):
    def gate(name, h, x, act):
        return act(h @ p[f"W^{name}"].T + x @ p[f"U^{name}"].T + p[f"b^{name}"])

    def step(x, state):
        h, c = state
        i = 1.0 if without == "input" else gate("i", h, x, sigm)
        f = 1.0 if without == "forget" else gate("f", h, x, sigm)
        o = 1.0 if without == "output" else gate("o", h, x, sigm)
        g = gate("g", h, x, np.tanh)
        c = f * c + i * g
        h = o * np.tanh(c)
        return h, (h, c)

    return step


def pack_lstm(p, gates, use_bias):
    weights = [np.concatenate([p[f"U^{g}"].T for g in gates], axis=1)]
    weights.append(np.concatenate([p[f"W^{g}"].T for g in gates], axis=1))
    return weights + ([np.concatenate([p[f"b^{g}"] for g in gates])] if use_bias else [])


# ---- AIEI007 Lecture 10's GRU: z weights the NEW candidate, reset before the product -------------------------


def gru_shapes(d, u):
    return {n: s for g in ("z", "r", "") for n, s in {f"U{g}": (u, d), f"W{g}": (u, u), f"b{g}": (u,)}.items()}


def lecture_gru_step(p):
    def step(x, h):
        r = sigm(h @ p["Wr"].T + x @ p["Ur"].T + p["br"])
        z = sigm(h @ p["Wz"].T + x @ p["Uz"].T + p["bz"])
        h_tilde = np.tanh((r * h) @ p["W"].T + x @ p["U"].T + p["b"])
        h = (1 - z) * h + z * h_tilde
        return h, h

    return step
