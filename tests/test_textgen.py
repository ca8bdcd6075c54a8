"""Language-model scores, temperature, and NumPy sampling that matches the Keras model exactly."""

import math

import numpy as np
import pytest
from bad_input import assert_refused

from course_utils import textgen
from course_utils._keras import keras
from course_utils.charlm import CharCodec, build_char_model, log_softmax


def test_average_cross_entropy_by_hand():
    probs = np.array([[[0.5, 0.5, 0.0], [0.25, 0.25, 0.5], [1 / 3, 1 / 3, 1 / 3]]])
    targets = np.array([[0, 1, 2]])
    # steps 1-2: (ln 2 + ln 4) / 2 = 1.5 ln 2 nats = 1.5 bits per character, perplexity 2^1.5
    J = textgen.average_cross_entropy(probs, targets, mask=np.array([[True, True, False]]))
    assert J == pytest.approx(1.5 * math.log(2))
    assert textgen.bits_per_char(J) == pytest.approx(1.5)
    assert textgen.perplexity(J) == pytest.approx(2**1.5)
    assert textgen.average_cross_entropy(probs, targets) == pytest.approx((3 * math.log(2) + math.log(3)) / 3)


def test_metric_errors():
    with pytest.raises(ValueError, match="plus a vocabulary axis"):
        textgen.average_cross_entropy(np.full((2, 3), 0.5), np.zeros((3,), int))
    with pytest.raises(ValueError, match="ids in 0..1"):
        textgen.average_cross_entropy(np.full((2, 2), 0.5), np.array([0, 2]))
    with pytest.raises(ValueError, match="probabilities in"):
        textgen.average_cross_entropy(np.full((2, 2), 1.5), np.array([0, 1]))
    with pytest.raises(ValueError, match="at least one True"):
        textgen.average_cross_entropy(np.full((2, 2), 0.5), np.array([0, 1]), mask=np.zeros(2, bool))
    with pytest.raises(ValueError, match="nats must be a cross-entropy: a number ≥ 0"):
        textgen.bits_per_char(-1.0)
    with pytest.raises(ValueError, match="nats must be a cross-entropy: a number ≥ 0"):
        textgen.perplexity(float("nan"))


def test_temperature():
    logits = np.log([0.5, 0.3, 0.2])
    assert np.allclose(textgen.apply_temperature(logits, 1.0), [0.5, 0.3, 0.2])
    assert textgen.apply_temperature(logits, 0).tolist() == [1.0, 0.0, 0.0]
    cold, hot = textgen.apply_temperature(logits, 0.25), textgen.apply_temperature(logits, 50.0)
    assert cold[0] > 0.85 and np.allclose(hot, 1 / 3, atol=0.01)
    with pytest.raises(ValueError, match="temperature must be a non-negative number"):
        textgen.apply_temperature(logits, -0.5)


def _model(cell, codec, seed=0, **dropouts):
    keras.utils.set_random_seed(seed)
    model = build_char_model(codec.size, units=6, embedding_dim=4, cell=cell, name=f"tiny_{cell}", **dropouts)
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(scale=0.5, size=w.shape) for w in model.get_weights()])  # biases too
    return model


@pytest.mark.parametrize(
    "cell, dropouts", [("gru", {}), ("lstm", {}), ("gru", {"dropout": 0.2, "output_dropout": 0.5})]
)
def test_step_sampler_matches_keras(cell, dropouts):
    codec = CharCodec("abcde")
    model = _model(cell, codec, **dropouts)  # dropouts act in training only: the sampler skips them
    ids = codec.encode("abcdeedcbaab")
    want = log_softmax(model.predict(ids[None], verbose=0))[0]
    sampler = textgen.StepSampler(model, codec)
    state, got = sampler.initial_state(), []
    for i in ids:
        logits, state = sampler.step(np.array([i]), state)
        got.append(log_softmax(logits)[0])
    assert np.allclose(np.array(got), want, atol=1e-5)


def test_generation_is_seeded_greedy_and_stops():
    codec = CharCodec("\nabcd", padding=True)
    model = _model("gru", codec, seed=3)
    sampler = textgen.StepSampler(model, codec)
    a = sampler.generate("a", 40, temperature=1.0, seed=7)
    assert a == sampler.generate("a", 40, temperature=1.0, seed=7) and len(a) == 40
    assert a != sampler.generate("a", 40, temperature=1.0, seed=8)
    many = sampler.generate("\n", 30, temperature=1.5, seed=1, count=20, stop="\n")
    assert len(many) == 20 and all("\n" not in s and len(s) <= 30 for s in many)
    assert any(len(s) < 30 for s in many)
    # temperature 0: always the most likely next character
    greedy, state, logits = sampler.generate("ab", 5, temperature=0), sampler.initial_state(), None
    for i in codec.encode("ab"):
        logits, state = sampler.step(np.array([i]), state)
    expected = ""
    for _ in range(5):
        logits[:, 0] = -np.inf
        nxt = int(np.argmax(logits[0]))
        expected += codec.decode([nxt])
        logits, state = sampler.step(np.array([nxt]), state)
    assert greedy == expected


def test_sampler_errors():
    codec = CharCodec("abcde")
    with pytest.raises(ValueError, match="the model predicts 5 ids but the codec has 3"):
        textgen.StepSampler(_model("gru", codec), CharCodec("abc"))
    other = keras.Sequential([keras.Input((None, 3)), keras.layers.SimpleRNN(2), keras.layers.Dense(5)], name="other")
    with pytest.raises(ValueError, match="needs Embedding"):
        textgen.StepSampler(other, codec)
    two_dense = keras.Sequential([*_model("gru", codec).layers, keras.layers.Dense(5)])
    with pytest.raises(ValueError, match=r"got \['Embedding', 'GRU', 'Dense', 'Dense'\]"):
        textgen.StepSampler(two_dense, codec)
    sampler = textgen.StepSampler(_model("gru", codec), codec)
    with pytest.raises(ValueError, match="prime must be a non-empty str"):
        sampler.generate("", 5)
    with pytest.raises(ValueError, match="length must be a positive integer"):
        sampler.generate("a", 0)


def test_temperature_callback_for_the_slider(capsys):
    codec = CharCodec("abcde")
    show = textgen.temperature_sampler(textgen.StepSampler(_model("lstm", codec), codec), "ab", length=30, seed=4)
    assert show.last is None and show(0.5) is None
    text = show.last
    show(0.5)
    assert len(text) == 30 and show.last == text
    assert capsys.readouterr().out == f"temperature 0.50\nab{text}\n" * 2
    with pytest.raises(ValueError, match="temperature must be"):
        show(-1)
    with pytest.raises(ValueError, match="sampler must be a StepSampler"):
        textgen.temperature_sampler("not a sampler", "ab")


def test_sample_progress_prints_at_the_chosen_iterations():
    codec = CharCodec("abcd")
    model = _model("gru", codec)
    lines = []
    callback = textgen.sample_progress(codec, "ab", at=(2, 5), length=12, print_fn=lines.append)
    callback.set_model(model)
    for batch in range(6):  # what model.fit does after every batch (the batch index restarts each epoch)
        callback.on_train_batch_end(batch % 3, logs={"loss": 1.0 - batch / 10})
    assert [(it, round(loss, 2)) for it, loss, _ in callback.samples] == [(2, 0.9), (5, 0.6)]
    assert all(len(text) == 12 and set(text) <= set("abcd") for _, _, text in callback.samples)
    assert lines[0] == "--- iteration 2 | loss 0.90 nats = 1.30 bits/char" and lines[1].startswith("ab")
    with pytest.raises(ValueError, match="not in the codec's alphabet"):
        textgen.sample_progress(codec, "zz")
    with pytest.raises(ValueError, match="at must list at least one iteration"):
        textgen.sample_progress(codec, "ab", at=())


def test_known_word_share():
    assert textgen.known_word_share("To be, or not tob!", {"to", "be", "or", "not"}) == pytest.approx(0.8)
    assert textgen.known_word_share("!!!", {"a"}) == 0.0


BAD_CALLS = [  # (what is wrong, call, the argument the message must name, what it must say)
    ("no logits", lambda: textgen.apply_temperature([], 1.0), "logits", "at least one logit"),
    ("no logits, greedy", lambda: textgen.apply_temperature([], 0), "logits", "at least one logit"),
    ("a scalar logit", lambda: textgen.apply_temperature(2.0, 1.0), "logits", "along the last axis"),
    ("NaN logit", lambda: textgen.apply_temperature([np.nan, 1.0], 1.0), "logits", "NaN or +inf"),
    ("NaN logit, greedy", lambda: textgen.apply_temperature([1.0, np.nan], 0), "logits", "NaN or +inf"),
    ("+inf logit", lambda: textgen.apply_temperature([[0.0, 1.0], [np.inf, 0.0]], 0.7), "logits", "index (1, 0)"),
    (
        "only -inf",
        lambda: textgen.apply_temperature([[0.0, 1.0], [-np.inf] * 2], 1.0),
        "logits",
        "row (1,) is all -inf",
    ),
    ("text logits", lambda: textgen.apply_temperature(["a", "b"], 1.0), "logits", "an array of numbers"),
    ("NaN nats", lambda: textgen.perplexity(float("nan")), "nats", "a number ≥ 0"),
    ("negative nats", lambda: textgen.bits_per_char(-1.0), "nats", "a number ≥ 0"),
    ("a str vocabulary", lambda: textgen.known_word_share("to be", "to be"), "vocabulary", "not one str"),
    ("codec not a codec", lambda: textgen.sample_progress("abc", "ab"), "codec", "must be a CharCodec"),
]


@pytest.mark.parametrize(("call", "name", "what"), [case[1:] for case in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_bad_input_is_refused_naming_the_argument(call, name, what):
    assert_refused(call, name, what)


def test_documented_edge_values():
    assert textgen.perplexity(1000.0) == math.inf  # exp overflows a float: the perplexity is inf, not an error
    assert textgen.perplexity(math.inf) == math.inf and textgen.bits_per_char(math.inf) == math.inf
    assert textgen.apply_temperature([1.0, 2.0, -np.inf], 1e-310).tolist() == [0.0, 1.0, 0.0]  # τ ≈ 0 is greedy
    assert textgen.apply_temperature([0.0, -np.inf], 1.0).tolist() == [1.0, 0.0]  # -inf: probability 0


@pytest.fixture(scope="module")
def sampler():
    codec = CharCodec("abcde")
    return textgen.StepSampler(_model("gru", codec), codec)


SAMPLER_CALLS = [  # (what is wrong, call on the sampler, argument, what the message says)
    ("id too large", lambda s: s.step(np.array([5]), s.initial_state()), "ids", "in 0..4"),
    ("negative id", lambda s: s.step(np.array([-1]), s.initial_state()), "ids", "in 0..4"),
    ("ids not ints", lambda s: s.step(np.array([1.0]), s.initial_state()), "ids", "float64"),
    ("no ids", lambda s: s.step(np.array([], int), s.initial_state(0)), "ids", "one per sequence"),
    ("state of another batch", lambda s: s.step(np.array([1, 2]), s.initial_state(1)), "state", "[(2, 6)]"),
    ("stop of two characters", lambda s: s.generate("a", 5, stop="ab"), "stop", "a single character"),
    ("empty stop", lambda s: s.generate("a", 5, stop=""), "stop", "a single character"),
]


@pytest.mark.parametrize(("call", "name", "what"), [c[1:] for c in SAMPLER_CALLS], ids=[c[0] for c in SAMPLER_CALLS])
def test_sampler_refuses_bad_input_naming_the_argument(sampler, call, name, what):
    assert_refused(lambda: call(sampler), name, what)
