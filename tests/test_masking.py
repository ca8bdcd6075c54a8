"""course_utils.masking: lengths and padding sides, and where Keras makes, passes, uses and drops a mask."""

import numpy as np
import pytest
from padded_ids import post_padded

from course_utils import masking as M
from course_utils._keras import keras

L = keras.layers


@pytest.mark.parametrize("seed", range(4))
def test_lengths_and_moving_the_padding_to_the_front(seed):
    ids, lengths = post_padded(seed)
    assert M.sequence_lengths(ids).tolist() == lengths.tolist()
    pre = M.to_pre_padding(ids)
    assert M.sequence_lengths(pre).tolist() == lengths.tolist()
    for row, length in enumerate(lengths):
        assert pre[row, ids.shape[1] - length :].tolist() == ids[row, :length].tolist()
    assert np.array_equal(pre, keras.utils.pad_sequences([r[r > 0] for r in ids], maxlen=ids.shape[1]))


def test_padding_inside_a_sequence_or_bad_arrays_are_refused():
    with pytest.raises(ValueError, match="post-padded"):
        M.to_pre_padding(np.array([[1, 0, 2]]))
    with pytest.raises(ValueError, match="2-D integer"):
        M.sequence_lengths(np.array([1, 2, 0]))
    with pytest.raises(ValueError, match="padding_id"):
        M.sequence_lengths(np.array([[1, 2, 0]]), padding_id=None)


def test_the_mask_is_ids_not_zero():
    ids, _ = post_padded(1)
    embedded = L.Embedding(50, 3, mask_zero=True)(ids)
    assert np.array_equal(keras.ops.convert_to_numpy(M.keras_mask(embedded)), ids != 0)
    assert M.keras_mask(L.Embedding(50, 3)(ids)) is None


def test_mask_flow_names_what_each_layer_does():
    ids, lengths = post_padded(2)
    layers = [
        L.Embedding(50, 4, mask_zero=True, name="embedding"),
        L.Dense(4, name="dense"),
        L.LSTM(3, return_sequences=True, name="lstm_seq"),
        L.Conv1D(3, 2, padding="same", name="conv"),
        L.LSTM(3, name="lstm_last"),
    ]
    flow = M.mask_flow(layers, ids)
    assert [row[4] for row in flow] == ["makes one", "passes it on", "passes it on", "DROPS it (no mask support)", "-"]
    assert flow[0][3] == f"(6, 7), {lengths.sum()} real" and flow[3][3] == "-" and "mask after it" in str(flow)
    assert len(flow.warnings) == 1 and "conv" in flow.warnings[0] and "mask" in flow.warnings[0]
    used = keras.Sequential([keras.Input((None,), dtype="int32"), L.Embedding(50, 4, mask_zero=True), L.GRU(2)])
    assert M.mask_flow(used, ids)[-1][4] == "uses it: skips padded steps"
    with pytest.raises(ValueError, match="list of Keras layers"):
        M.mask_flow(keras.Model(used.inputs, used.outputs), ids)


def test_what_the_docstring_says_a_recurrent_layer_does_at_padded_steps():
    ids, lengths = post_padded(3)
    keras.utils.set_random_seed(0)
    embedding = L.Embedding(50, 4, mask_zero=True)
    lstm = L.LSTM(5, return_sequences=True, return_state=True)
    outputs, h, _ = (keras.ops.convert_to_numpy(t) for t in lstm(embedding(ids)))
    for row, length in enumerate(lengths):
        alone = keras.ops.convert_to_numpy(lstm(embedding(ids[row : row + 1, :length]))[1])[0]
        assert np.allclose(h[row], alone, atol=1e-6)  # the final state: after the last real step
        assert np.allclose(outputs[row, length:], outputs[row, length - 1], atol=1e-7)  # repeated
    both = keras.ops.convert_to_numpy(L.Bidirectional(L.LSTM(2, return_sequences=True))(embedding(ids)))
    assert all(np.all(both[row, length:] == 0) for row, length in enumerate(lengths))
