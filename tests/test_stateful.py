"""course_utils.stateful: streams that continue across batches, and a state carried = one long sequence."""

import numpy as np
import pytest

from course_utils import stateful as S
from course_utils._keras import keras
from course_utils.charlm import build_char_model


@pytest.mark.parametrize("streams, window", [(1, 5), (3, 4), (4, 7)])
def test_each_row_continues_the_same_row_of_the_previous_batch(streams, window):
    ids = np.arange(200)
    x, y = S.stream_batches(ids, streams, window)
    assert x.shape == y.shape and x.shape[1] == window and len(x) % streams == 0
    assert np.array_equal(y, x + 1)
    for b in range(streams):
        stream = x[b::streams].ravel()
        assert np.array_equal(stream, np.arange(stream[0], stream[0] + len(stream)))
    starts = x[:streams, 0]
    assert np.all(np.diff(starts) == len(x) // streams * window)  # equal, contiguous parts


def test_too_short_or_bad_texts_are_refused():
    with pytest.raises(ValueError, match="too short"):
        S.stream_batches(np.arange(10), streams=4, window=3)
    with pytest.raises(ValueError, match="1-D"):
        S.stream_batches(np.zeros((2, 5)), streams=1, window=2)
    with pytest.raises(ValueError, match="streams"):
        S.stream_batches(np.arange(10), streams=0, window=2)


@pytest.fixture(scope="module")
def models():
    keras.utils.set_random_seed(0)
    stateful = build_char_model(7, units=5, embedding_dim=3, stateful=True, batch_size=2, name="stateful")
    stateless = build_char_model(7, units=5, embedding_dim=3, name="stateless")
    stateless.set_weights(stateful.get_weights())
    return stateful, stateless


def numpy_of(x):
    return keras.ops.convert_to_numpy(x)


def test_carried_state_reads_windows_as_one_sequence_and_reset_starts_over(models):
    stateful, stateless = models
    text = np.random.default_rng(0).integers(0, 7, size=(2, 12)).astype(np.int32)
    whole = numpy_of(stateless(text))
    assert S.reset_states(stateful) == 1
    pieces = [numpy_of(stateful(text[:, i : i + 4])) for i in (0, 4, 8)]
    assert np.allclose(np.concatenate(pieces, axis=1), whole, atol=1e-5)
    S.reset_states(stateful)
    assert np.allclose(numpy_of(stateful(text[:, 4:8])), numpy_of(stateless(text[:, 4:8])), atol=1e-5)
    S.reset_states(stateful)


def test_stream_losses_with_and_without_carrying_the_state(models):
    stateful, stateless = models
    ids = np.random.default_rng(1).integers(0, 7, size=61)
    x, y = S.stream_batches(ids, streams=2, window=5)
    carried = S.stream_losses(stateful, ids, window=5, carry=True)
    reset = S.stream_losses(stateful, ids, window=5, carry=False)
    assert carried.shape == reset.shape == x.shape

    def nats(logits, targets):
        logits = logits - logits.max(-1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        return -np.take_along_axis(logp, targets[..., None], -1)[..., 0]

    streams = np.stack([x[b::2].ravel() for b in range(2)])  # each stream read whole, by a stateless model
    whole = nats(numpy_of(stateless(streams)).astype(np.float64), np.stack([y[b::2].ravel() for b in range(2)]))
    assert np.allclose(np.stack([carried[b::2].ravel() for b in range(2)]), whole, atol=1e-4)
    assert np.allclose(reset, nats(numpy_of(stateless(x)).astype(np.float64), y), atol=1e-4)
    assert np.allclose(reset[:2], carried[:2], atol=1e-5)  # the first windows start from zero either way


def test_reset_states_callback_and_refusals(models):
    stateful, stateless = models
    stateful(np.ones((2, 3), dtype=np.int32))
    callback = S.ResetStates()
    callback.set_model(stateful)
    callback.on_epoch_begin(0)
    state = stateful.get_layer("gru").states[0]
    assert np.all(numpy_of(state) == 0)
    callback.set_model(stateless)
    with pytest.raises(ValueError, match="no stateful layer"):
        callback.on_epoch_begin(0)
    with pytest.raises(ValueError, match="stateful model"):
        S.stream_losses(stateless, np.arange(20) % 7, window=3)


def test_build_char_model_options_are_checked():
    model = build_char_model(9, units=4, embedding_dim=2, dropout=0.25, recurrent_dropout=0.5, cell="lstm")
    layer = model.get_layer("lstm")
    assert layer.dropout == 0.25 and layer.recurrent_dropout == 0.5 and not layer.stateful
    with pytest.raises(ValueError, match="fixed batch size"):
        build_char_model(9, stateful=True)
    with pytest.raises(ValueError, match="only for stateful"):
        build_char_model(9, batch_size=4)
    with pytest.raises(ValueError, match="recurrent_dropout must be a fraction"):
        build_char_model(9, recurrent_dropout=1.0)
