"""Loaders of the two real time series: yearly sunspots and monthly Mauna Loa CO2.

Both files are public domain and small, so they live in the repository's ``data/`` (provenance
in ``data/README.md``); every read checks them against the registry's sha256.

Each split is ready for a many-to-one forecaster: inputs ``(n, window, 1)`` hold the
``window`` values before a time step, targets ``(n,)`` the value at that step. The
series is cut into three contiguous blocks (train, validation, test, in time order);
a target belongs to the block its time step is in, while its window may reach back
into the previous block, since those values are known when the forecast is made.
With ``standardize=True`` (default) values are ``(x - mean) / std`` with the mean and
standard deviation of the training block only; ``info`` keeps both, so errors can be
reported in the original unit (multiply by ``info["std"]``), and ``info["time"]``
gives the time of every target, per split, for plots.
"""

import io

import numpy as np

from course_utils._validation import boolean, positive_int
from course_utils.datasets.cache import read_bytes
from course_utils.datasets.splits import Splits, check_split_args, contiguous_split


def _read_csv(name):
    text = read_bytes(name).decode("ascii")
    return np.genfromtxt(io.StringIO(text), delimiter=",", skip_header=1, dtype=np.float64)


def sunspots_series():
    """``(years, values)``: 309 yearly mean sunspot numbers, 1700 to 2008."""
    table = _read_csv("sunspots")
    return table[:, 0].astype(np.int32), table[:, 1]


def co2_monthly():
    """``(months, values)``: monthly means of the weekly CO2 readings (ppmv), March 1958 to December 2001.

    Months are ``"YYYY-MM"`` strings (526 of them). The weekly file has 59 missing weeks;
    5 months have no reading at all and are filled by linear interpolation between
    their neighbours. Monthly means give the 12-step seasonal cycle its familiar shape.
    """
    table = _read_csv("co2")
    dates, values = table[:, 0].astype(np.int64), table[:, 1]
    month_index = (dates // 10000) * 12 + (dates // 100) % 100 - 1  # months since year 0
    first = month_index.min()
    slot = month_index - first
    count = np.bincount(slot[~np.isnan(values)], minlength=slot.max() + 1)
    total = np.bincount(slot[~np.isnan(values)], weights=values[~np.isnan(values)], minlength=slot.max() + 1)
    monthly = np.full(len(count), np.nan)
    monthly[count > 0] = total[count > 0] / count[count > 0]
    known = np.flatnonzero(count > 0)
    monthly = np.interp(np.arange(len(monthly)), known, monthly[known])
    months = np.array([f"{m // 12}-{m % 12 + 1:02d}" for m in range(first, first + len(monthly))])
    return months, monthly


def _check(window, validation_fraction, test_fraction, standardize):
    positive_int(window, "window", "Use the number of past steps the model sees, e.g. 24.")
    check_split_args(None, validation_fraction, test_fraction)
    boolean(standardize, "standardize")


def _windowed(name, times, values, window, validation_fraction, test_fraction, standardize, unit, **info):
    blocks = contiguous_split(len(values), validation_fraction, test_fraction)
    if blocks[0].stop <= window:
        raise ValueError(
            f"window={window} leaves no training targets: the training block of {name} has only "
            f"{blocks[0].stop} steps. Use a smaller window or smaller held-out fractions."
        )
    train = values[blocks[0]]
    mean, std = (float(train.mean()), float(train.std())) if standardize else (0.0, 1.0)
    scaled = ((values - mean) / std).astype(np.float32)
    splits, target_times = {}, {}
    for key, block in zip(("train", "validation", "test"), blocks):
        steps = np.arange(max(block.start, window), block.stop)
        inputs = (
            np.stack([scaled[t - window : t] for t in steps])[..., None]
            if len(steps)
            else (np.zeros((0, window, 1), np.float32))
        )
        splits[key] = (inputs, scaled[steps])
        target_times[key] = times[steps]
    return Splits(
        splits, name=name, window=window, mean=mean, std=std, standardized=standardize,
        unit=unit, time=target_times, **info,
    )  # fmt: skip


def load_sunspots(window=20, validation_fraction=0.1, test_fraction=0.1, standardize=True):
    """Forecast next year's sunspot number from the ``window`` previous years (1700-2008).

    The roughly 11-year solar cycle is what a model must learn; a window of 20 sees
    almost two cycles. With the defaults: 227 training, 31 validation and 31 test targets.
    """
    _check(window, validation_fraction, test_fraction, standardize)
    years, values = sunspots_series()
    return _windowed(
        "sunspots", years, values, window, validation_fraction, test_fraction, standardize,
        unit="sunspot number", step="year",
    )  # fmt: skip


def load_co2(window=24, validation_fraction=0.1, test_fraction=0.1, standardize=True):
    """Forecast next month's mean CO2 at Mauna Loa (ppmv) from the ``window`` previous months (1958-2001).

    A rising trend plus a 12-month cycle. Because of the trend, test values lie above
    anything seen in training: compare any model with the last-value baseline
    (``inputs[:, -1, 0]``). With the defaults: 396 training, 53 validation and 53 test targets.
    """
    _check(window, validation_fraction, test_fraction, standardize)
    months, values = co2_monthly()
    return _windowed(
        "co2", months, values, window, validation_fraction, test_fraction, standardize,
        unit="ppmv", step="month",
    )  # fmt: skip
