"""Parameter counts from a layer's configuration, without calling Keras.

Symbols (the lectures' own where they have one):

* ``d`` - features per time step entering the layer (CSCI E-89B Lecture 2's ``n_features``)
* ``u`` - units of a recurrent or dense layer (the size of ``h_t``)
* ``V`` - vocabulary size of an embedding, ``m`` - embedding dimension
* ``k`` - kernel size of a 1-D convolution, ``c`` - its input channels, ``f`` - its filters

A recurrent layer's count never depends on the sequence length ``T``: the same
weights are used at every step (that is what "recurrent" means). Each function
validates its arguments and raises ``ValueError`` with a hint when they are wrong.
:func:`formula` is the one entry point that picks a formula and binds its symbols: the
course's cells (``parameter_formula``) and ``explain_params`` both print what it returns.

>>> simple_rnn_params(2, 3) + dense_params(3, 1)   # CSCI E-89B Lecture 2: SimpleRNN(3) on (200, 2) + Dense(1)
22
>>> lstm_params(2, 16) + dense_params(16, 1)       # CSCI E-89B Lecture 2: LSTM(16) + Dense(1)
1233
"""

from functools import partial

from course_utils._validation import boolean, non_negative_int, positive_int

# The formula of each function in the lectures' symbols; ``explain_params`` prints these.
FORMULAS = {
    "dense": "d·u + u",
    "dense_no_bias": "d·u",
    "embedding": "V·m",
    "simple_rnn": "u·(d + u) + u",
    "simple_rnn_no_bias": "u·(d + u)",
    "lstm": "4·[u·(d + u) + u]",
    "lstm_no_bias": "4·u·(d + u)",
    "gru": "3·u·(d + u + 2)",
    "gru_reset_before": "3·u·(d + u + 1)",
    "gru_no_bias": "3·u·(d + u)",
    "lstm_ablation": "3·[u·(d + u) + u]",
    "lstm_ablation_no_bias": "3·u·(d + u)",
    "mut1": "2·d·u + 2·u² + 3·u",
    "mut1_no_bias": "2·d·u + 2·u²",
    "mut2": "2·d·u + 3·u² + 3·u",
    "mut2_no_bias": "2·d·u + 3·u²",
    "mut3": "3·d·u + 3·u² + 3·u",
    "mut3_no_bias": "3·d·u + 3·u²",
    "sru": "3·d·u + 4·u",
    "sru_no_bias": "3·d·u + 2·u",
    "layer_norm_simple_rnn": "u·(d + u) + 2·u",
    "layer_norm_simple_rnn_no_bias": "u·(d + u) + u",
    "conv1d": "k·c·f + f",
    "conv1d_no_bias": "k·c·f",
    "layer_norm": "2·d",
    "layer_norm_scale_only": "d",
    "bidirectional": "2 × (inner layer)",
    "time_distributed": "(inner layer), shared over time",
    "additive_attention": "d",
    "additive_attention_no_scale": "0",
    "multi_head_attention": "4·d·h·k + 3·h·k + d",
    "multi_head_attention_no_bias": "4·d·h·k",
}

_UNITS_HINT = "Pass the layer's number of units, e.g. 32."
_DIM_HINT = "Pass the number of features per time step (the last axis of the input)."


def dense_params(input_dim: int, units: int, use_bias: bool = True) -> int:
    """``d·u + u``: one weight per (input, unit) pair plus one bias per unit.

    >>> dense_params(3, 1)
    4
    >>> dense_params(16, 1, use_bias=False)
    16
    """
    d = positive_int(input_dim, "input_dim", _DIM_HINT)
    u = positive_int(units, "units", _UNITS_HINT)
    return d * u + (u if boolean(use_bias, "use_bias") else 0)


def embedding_params(input_dim: int, output_dim: int) -> int:
    """``V·m``: one ``m``-dimensional vector per vocabulary entry, no bias.

    Keras names the vocabulary size ``input_dim`` and the vector size ``output_dim``.

    >>> embedding_params(200, 32)   # CSCI E-89B Lecture 2: Embedding(200, 32)
    6400
    """
    vocab = positive_int(input_dim, "input_dim", "Pass the vocabulary size V.")
    m = positive_int(output_dim, "output_dim", "Pass the embedding dimension m.")
    return vocab * m


def simple_rnn_params(input_dim: int, units: int, use_bias: bool = True) -> int:
    """``u·(d + u) + u``: ``W_x`` is (d, u), ``W_h`` is (u, u), ``b`` has u entries.

    ``h_t = φ(x_t W_x + h_{t-1} W_h + b)``: Keras stores ``W_x`` as ``kernel``,
    ``W_h`` as ``recurrent_kernel`` and ``b`` as ``bias``.

    >>> simple_rnn_params(2, 3)     # CSCI E-89B Lecture 2: 3·(2 + 3) + 3
    18
    """
    d = positive_int(input_dim, "input_dim", _DIM_HINT)
    u = positive_int(units, "units", _UNITS_HINT)
    return u * (d + u) + (u if boolean(use_bias, "use_bias") else 0)


def lstm_params(input_dim: int, units: int, use_bias: bool = True) -> int:
    """``4·[u·(d + u) + u]``: four SimpleRNN-sized blocks, one per gate.

    The input gate i, forget gate f, candidate g (the lecture's g, Keras' c)
    and output gate o each have their own ``W_x`` (d, u), ``W_h`` (u, u) and ``b`` (u).
    Keras fuses them side by side: kernel (d, 4u), recurrent_kernel (u, 4u), bias (4u),
    in the order i, f, c, o. Hence AIEI007 Lecture 10's "4× the parameters of a simple RNN".

    >>> lstm_params(2, 16)          # CSCI E-89B Lecture 2: 4·[16·(2 + 16) + 16]
    1216
    >>> lstm_params(32, 32)         # CSCI E-89B Lecture 2, after Embedding(200, 32)
    8320
    >>> lstm_params(5, 7) == 4 * simple_rnn_params(5, 7)
    True
    """
    d = positive_int(input_dim, "input_dim", _DIM_HINT)
    u = positive_int(units, "units", _UNITS_HINT)
    return 4 * (u * (d + u) + (u if boolean(use_bias, "use_bias") else 0))


def gru_params(input_dim: int, units: int, use_bias: bool = True, reset_after: bool = True) -> int:
    """``3·u·(d + u + 2)`` by default; ``3·u·(d + u + 1)`` with ``reset_after=False``.

    Three blocks (update gate z, reset gate r, candidate h̃), fused in Keras as
    kernel (d, 3u) and recurrent_kernel (u, 3u) in the order z, r, h. The bias is
    where the two forms differ:

    * ``reset_after=True`` (Keras' default, the cuDNN form) applies r *after* the
      recurrent product: ``h̃ = tanh(x W_h + b_x + r ⊙ (h W_hh + b_h))``. Because r
      multiplies ``b_h``, it cannot be folded into ``b_x``: Keras keeps two bias
      rows, bias shape (2, 3u), so 6u biases and ``3u(d+u) + 6u = 3u(d+u+2)``.
    * ``reset_after=False`` (the original Cho et al. 2014 form, and CSCI E-89B Lecture 2's and
      AIEI007 Lecture 10's equations) applies r *before*: ``tanh(x W_h + (r ⊙ h) W_hh + b)``,
      one bias of 3u, so ``3u(d+u+1)``.

    >>> gru_params(2, 3)                       # 3·3·(2 + 3 + 2)
    63
    >>> gru_params(2, 3, reset_after=False)    # 3·3·(2 + 3 + 1)
    54
    >>> gru_params(2, 3, use_bias=False)       # no bias at all: the modes agree
    45
    """
    d = positive_int(input_dim, "input_dim", _DIM_HINT)
    u = positive_int(units, "units", _UNITS_HINT)
    bias_rows = (2 if boolean(reset_after, "reset_after") else 1) if boolean(use_bias, "use_bias") else 0
    return 3 * u * (d + u + bias_rows)


def lstm_ablation_params(input_dim: int, units: int, use_bias: bool = True) -> int:
    """``3·[u·(d + u) + u]``: an LSTM without one gate (AIEI007 Lecture 10's LSTM-f, -i, -o) keeps three blocks.

    >>> lstm_ablation_params(3, 4)
    96
    """
    return 3 * simple_rnn_params(input_dim, units, use_bias)


_MUT_BLOCKS = {1: (2, 2), 2: (2, 3), 3: (3, 3)}  # MUT k: (blocks of the kernel, blocks of the recurrent kernel)


def mut_params(input_dim: int, units: int, use_bias: bool = True, variant: int = 1) -> int:
    """MUT1-3 (AIEI007 Lecture 10): ``k·d·u + m·u²`` for k input and m recurrent (u, u) blocks, plus a (3u,) bias.

    >>> [mut_params(4, 4, variant=v) for v in (1, 2, 3)]
    [76, 92, 108]
    """
    d = positive_int(input_dim, "input_dim", _DIM_HINT)
    u = positive_int(units, "units", _UNITS_HINT)
    if variant not in _MUT_BLOCKS:
        raise ValueError(f"variant must be 1, 2 or 3 (MUT1, MUT2, MUT3), got {variant!r}.")
    k, m = _MUT_BLOCKS[variant]
    return k * d * u + m * u * u + (3 * u if boolean(use_bias, "use_bias") else 0)


def sru_params(input_dim: int, units: int, use_bias: bool = True) -> int:
    """``3·d·u + 4·u``: kernel (d, 3u), the vectors ``v_f, v_r`` (2u) and the bias ``b_f, b_r`` (2u).

    >>> sru_params(4, 4)
    64
    """
    d = positive_int(input_dim, "input_dim", _DIM_HINT)
    u = positive_int(units, "units", _UNITS_HINT)
    return 3 * d * u + (4 if boolean(use_bias, "use_bias") else 2) * u


def layer_norm_simple_rnn_params(input_dim: int, units: int, use_bias: bool = True) -> int:
    """``u·(d + u) + 2·u``: a SimpleRNN's ``W_x``, ``W_h`` and a gain γ and shift β per unit (no bias).

    ``use_bias=False`` drops β (the shift plays the bias' part): ``u·(d + u) + u``.

    >>> layer_norm_simple_rnn_params(5, 4)
    44
    """
    u = positive_int(units, "units", _UNITS_HINT)
    return simple_rnn_params(input_dim, u, False) + (2 if boolean(use_bias, "use_bias") else 1) * u


def conv1d_params(input_channels: int, filters: int, kernel_size: int, use_bias: bool = True) -> int:
    """``k·c·f + f``: each of the ``f`` filters spans ``k`` steps of all ``c`` channels.

    >>> conv1d_params(input_channels=2, filters=16, kernel_size=5)
    176
    """
    c = positive_int(input_channels, "input_channels", "Pass the channels of the input (its last axis).")
    f = positive_int(filters, "filters", "Pass the number of filters, e.g. 32.")
    k = positive_int(kernel_size, "kernel_size", "Pass the kernel size in time steps, e.g. 5.")
    return k * c * f + (f if boolean(use_bias, "use_bias") else 0)


def layer_normalization_params(input_dim: int, center: bool = True, scale: bool = True) -> int:
    """``2·d``: a gain γ and a shift β per feature (``scale`` and ``center`` switch each off).

    >>> layer_normalization_params(16)
    32
    """
    d = positive_int(input_dim, "input_dim", _DIM_HINT)
    return d * (int(boolean(center, "center")) + int(boolean(scale, "scale")))


def bidirectional_params(inner_params: int) -> int:
    """``2 × inner``: a forward and a backward copy of the wrapped layer, not shared.

    The merge mode (concat, sum, ...) changes the output shape, never the count.

    >>> bidirectional_params(lstm_params(32, 32))   # CSCI E-89B Lecture 2: Bidirectional(LSTM(32))
    16640
    """
    return 2 * positive_int(inner_params, "inner_params", "Pass the wrapped layer's parameter count.")


def time_distributed_params(inner_params: int) -> int:
    """``inner``: TimeDistributed applies one layer at every step with the same weights.

    >>> time_distributed_params(dense_params(8, 4))
    36
    """
    return non_negative_int(inner_params, "inner_params", "Pass the wrapped layer's parameter count.")


# family -> (its count, the sizes that count takes in order, the switches it takes)
def additive_attention_params(input_dim: int, use_scale: bool = True) -> int:
    """``d``: Keras' ``AdditiveAttention`` scores ``vᵀ tanh(q + k)``; its only weights are ``v``.

    The projections ``W_s s_t`` and ``W_h h_i`` of Bahdanau's score are separate ``Dense``
    layers without bias (``d·u`` each) in front of it.

    >>> additive_attention_params(64)
    64
    """
    d = positive_int(input_dim, "input_dim", _DIM_HINT)
    return d if boolean(use_scale, "use_scale") else 0


def multi_head_attention_params(input_dim: int, heads: int, key_dim: int, use_bias: bool = True) -> int:
    """``4·d·h·k + 3·h·k + d``: self-attention over ``d`` features with ``h`` heads of size ``k``.

    Each head projects every step to a query, a key and a value of ``k`` numbers (three
    ``d × k`` matrices and ``k`` biases each); the ``h·k`` concatenated values are mapped
    back to ``d`` features (``h·k × d`` and ``d`` biases). The sequence length never appears.

    >>> multi_head_attention_params(16, heads=2, key_dim=8)   # 3·(16·16 + 16) + (16·16 + 16)
    1088
    """
    d = positive_int(input_dim, "input_dim", _DIM_HINT)
    h = positive_int(heads, "heads", "Pass the number of attention heads, e.g. 2.")
    k = positive_int(key_dim, "key_dim", "Pass the size of each head's query and key, e.g. 8.")
    return 4 * d * h * k + ((3 * h * k + d) if boolean(use_bias, "use_bias") else 0)


_FAMILIES = {
    "dense": (dense_params, ("d", "u"), ("use_bias",)),
    "embedding": (embedding_params, ("V", "m"), ()),
    "simple_rnn": (simple_rnn_params, ("d", "u"), ("use_bias",)),
    "lstm": (lstm_params, ("d", "u"), ("use_bias",)),
    "gru": (gru_params, ("d", "u"), ("use_bias", "reset_after")),
    "conv1d": (conv1d_params, ("c", "f", "k"), ("use_bias",)),
    "additive_attention": (additive_attention_params, ("d",), ("use_scale",)),
    "multi_head_attention": (multi_head_attention_params, ("d", "h", "k"), ("use_bias",)),
    "layer_norm": (layer_normalization_params, ("d",), ("center", "scale")),
    "lstm_ablation": (lstm_ablation_params, ("d", "u"), ("use_bias",)),
    **{f"mut{v}": (partial(mut_params, variant=v), ("d", "u"), ("use_bias",)) for v in _MUT_BLOCKS},
    "sru": (sru_params, ("d", "u"), ("use_bias",)),
    "layer_norm_simple_rnn": (layer_norm_simple_rnn_params, ("d", "u"), ("use_bias",)),
}


def bind(text, **values):
    """A formula with its symbols' values, in the format ``explain_params`` prints.

    >>> bind("u·(d + u) + u", d=2, u=3)
    'u·(d + u) + u  [d=2, u=3]'
    """
    return f"{text}  [" + ", ".join(f"{k}={v}" for k, v in values.items()) + "]"


def formula(kind: str, **arguments) -> tuple:
    """``(text, count)``: the formula of one layer or cell, its symbols bound, and its value.

    ``kind`` is a family of :data:`FORMULAS` (``"dense"``, ``"lstm"``, ``"gru"``, ``"mut2"`` ...);
    ``arguments`` are its sizes in the lecture's symbols, in the order to print them, and its
    switches (``use_bias``, ``reset_after``; ``center``, ``scale`` for ``"layer_norm"``), which
    choose the variant of the formula. Every course cell's ``parameter_formula`` and
    ``explain_params`` come here, so a formula is chosen in this one place.

    >>> formula("gru", d=2, u=3, reset_after=False)
    ('3·u·(d + u + 1)  [d=2, u=3]', 54)
    >>> formula("conv1d", k=5, c=2, f=16, use_bias=False)
    ('k·c·f  [k=5, c=2, f=16]', 160)
    """
    if kind not in _FAMILIES:
        raise ValueError(f"no parameter formula for {kind!r}; known: {sorted(_FAMILIES)}.")
    count, sizes, switches = _FAMILIES[kind]
    unknown = set(arguments) - set(sizes) - set(switches)
    if unknown or not set(sizes) <= set(arguments):
        raise ValueError(
            f"formula({kind!r}) takes the sizes {sizes} and the switches {switches}, got {sorted(arguments)}."
        )
    chosen = {name: arguments[name] for name in switches if name in arguments}
    value = count(*(arguments[name] for name in sizes), **chosen)
    return bind(FORMULAS[_formula_key(kind, **chosen)], **{k: v for k, v in arguments.items() if k in sizes}), value


def _formula_key(kind, use_bias=True, reset_after=True, center=True, scale=True, use_scale=True):
    if kind == "additive_attention":
        return kind if use_scale else "additive_attention_no_scale"
    if kind == "layer_norm":
        return "layer_norm" if center and scale else "layer_norm_scale_only"
    if not use_bias:
        return kind + "_no_bias"
    return "gru_reset_before" if kind == "gru" and not reset_after else kind
