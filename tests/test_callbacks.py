"""EpochPrinter prints fixed-format lines to stdout only; StopBelow stops at a target; first_step measures optimizers."""

import numpy as np
import pytest

from course_utils._keras import keras
from course_utils.callbacks import EpochPrinter, StopBelow
from course_utils.clipping import first_step


def tiny_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3, 1)), keras.layers.SimpleRNN(2), keras.layers.Dense(1)], name="tiny")
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    return model


def test_epoch_printer_writes_fixed_lines_to_stdout_only(capsys):
    x, y = np.ones((8, 3, 1), "float32"), np.zeros((8, 1), "float32")
    never = StopBelow("loss", threshold=-1.0)
    printer = EpochPrinter("tiny", every=2, metrics=["loss", "absent"])
    history = tiny_model().fit(x, y, epochs=5, verbose=0, callbacks=[never, printer])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["tiny epoch  2", "tiny epoch  4", "tiny epoch  5"]  # + the last
    assert all(line.count("loss ") == 1 and "absent" not in line for line in lines)
    assert err == ""
    assert never.stopped_epoch is None and len(history.history["loss"]) == 5
    assert (
        EpochPrinter(digits=2).line(0, {"loss": 0.123456, "val_loss": float("nan")})
        == "epoch  1: loss 0.12  val_loss nan"
    )


def test_stop_below_stops_at_the_first_epoch_under_the_threshold():
    model = tiny_model()
    stop = StopBelow("val_loss", threshold=0.1)
    stop.set_model(model)
    stop.on_epoch_end(0, {"val_loss": 0.2})
    assert not model.stop_training and stop.stopped_epoch is None
    stop.on_epoch_end(1, {"val_loss": 0.05})
    assert model.stop_training and stop.stopped_epoch == 2
    with pytest.raises(ValueError, match="'val_loss' is not in the logs"):
        stop.on_epoch_end(2, {"loss": 0.01})


def test_callbacks_refuse_bad_arguments():
    with pytest.raises(ValueError, match="every must be a positive integer"):
        EpochPrinter(every=0)
    with pytest.raises(ValueError, match="metrics must be a list"):
        EpochPrinter(metrics="loss")
    with pytest.raises(ValueError, match="threshold must be a number"):
        StopBelow(threshold="low")


def test_first_step_sgd_is_minus_lr_times_gradient_and_adam_ignores_scale():
    grads = [np.array([[3.0, -4.0]]), np.array([0.5])]
    sgd = first_step(grads, keras.optimizers.SGD(learning_rate=0.1))
    assert np.allclose(sgd[0], [[-0.3, 0.4]]) and np.allclose(sgd[1], [-0.05])
    small = first_step(grads, keras.optimizers.Adam(learning_rate=0.01))
    big = first_step([1000 * g for g in grads], keras.optimizers.Adam(learning_rate=0.01))
    assert np.allclose(small[0], big[0], rtol=1e-4) and np.allclose(np.abs(small[0]), 0.01, rtol=1e-3)
    with pytest.raises(ValueError, match="keras.optimizers.Optimizer"):
        first_step(grads, "adam")
