"""Keras callbacks for notebooks: progress as fixed-format lines, and stopping once a target is reached.

Why not a progress bar? Keras' bar (``verbose=1``) and tqdm redraw one line with
timings and carriage returns, and tqdm writes to stderr; a notebook stores whatever came
out, and strict nbval then compares text that changes with the machine's speed (and
fails on any stderr). :class:`EpochPrinter` prints one plain line every ``every`` epochs
to stdout, in a fixed format, with no timing: the stored output differs between machines
only where the training numbers themselves do.
"""

from course_utils._keras import keras
from course_utils._validation import number, positive_int


class EpochPrinter(keras.callbacks.Callback):
    """Print ``label epoch N: metric value ...`` every ``every`` epochs (and at the last one).

    Use with ``model.fit(..., verbose=0, callbacks=[EpochPrinter(...)])``. ``metrics``
    are keys of the epoch logs (``"loss"``, ``"val_loss"``, ``"accuracy"`` ...); missing
    ones are skipped. ``digits`` is the number of significant digits printed.
    """

    def __init__(self, label="", every=1, metrics=("loss", "val_loss"), digits=3):
        super().__init__()
        self.label = str(label)
        self.every = positive_int(every, "every", "Print every N epochs, e.g. every=2.")
        if isinstance(metrics, str) or not all(isinstance(m, str) for m in metrics):
            raise ValueError(f"metrics must be a list of log keys such as ['loss', 'val_loss'], got {metrics!r}.")
        self.metrics = tuple(metrics)
        self.digits = positive_int(digits, "digits", "Use e.g. 3 significant digits.")

    def line(self, epoch, logs):
        """The line printed for ``epoch`` (0-based, as Keras counts) with these logs."""
        values = [f"{name} {logs[name]:.{self.digits}g}" for name in self.metrics if name in (logs or {})]
        prefix = f"{self.label} " if self.label else ""
        return f"{prefix}epoch {epoch + 1:>2}: " + "  ".join(values)

    def on_epoch_end(self, epoch, logs=None):
        last = epoch + 1 == self.params.get("epochs") or self.model.stop_training
        if (epoch + 1) % self.every == 0 or last:
            print(self.line(epoch, logs or {}), flush=True)


class StopBelow(keras.callbacks.Callback):
    """Stop training once ``monitor`` (e.g. ``"val_loss"``) is below ``threshold``.

    Keras' ``EarlyStopping`` stops when a metric stops *improving*; this stops when it is
    *good enough*, so a model that learns fast does not spend the rest of the budget.
    ``stopped_epoch`` is the 1-based epoch it stopped at (``None`` if it never did).
    """

    def __init__(self, monitor="val_loss", threshold=0.01):
        super().__init__()
        if not isinstance(monitor, str):
            raise ValueError(f"monitor must be a log key such as 'val_loss', got {monitor!r}.")
        self.monitor, self.threshold = monitor, number(threshold, "threshold", "Use e.g. 0.01.")
        self.stopped_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            raise ValueError(f"StopBelow: {self.monitor!r} is not in the logs ({sorted(logs or {})}); "
                             "pass validation_data to fit() to get 'val_loss'.")  # fmt: skip
        if value < self.threshold:
            self.stopped_epoch = epoch + 1
            self.model.stop_training = True
