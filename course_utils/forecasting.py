"""Forecasting (notebook 06): the naive baseline every forecaster must beat, and errors in the data's unit.

* :func:`last_value_forecast` - tomorrow equals today
* :func:`forecast_errors` - MAE and RMSE of several forecasts side by side, as a table
"""

import numpy as np

from course_utils._table import Table
from course_utils._validation import number


def last_value_forecast(inputs):
    """The naive forecast: tomorrow equals today, ``inputs[:, -1, 0]`` for windows ``(n, window, 1)``.

    >>> last_value_forecast(np.arange(6.0).reshape(2, 3, 1))
    array([2., 5.])
    """
    inputs = np.asarray(inputs)
    if inputs.ndim != 3 or inputs.shape[1] < 1:
        raise ValueError(f"inputs must be windows of shape (n, window, features), got {inputs.shape}.")
    return inputs[:, -1, 0]


def forecast_errors(targets, forecasts, scale=1.0, unit=""):
    """MAE and RMSE of each named forecast, multiplied by ``scale`` (e.g. ``data.info["std"]``).

    ``forecasts`` is ``{name: predictions}``; rows keep that order. The returned table also
    has ``.errors``: ``{name: {"mae": ..., "rmse": ...}}`` in the scaled unit, for asserts.

    >>> table = forecast_errors([1.0, 2.0], {"zero": [0.0, 0.0]}, scale=10.0)
    >>> table.errors["zero"]["mae"], round(table.errors["zero"]["rmse"], 3)
    (15.0, 15.811)
    """
    targets = np.asarray(targets, dtype=np.float64).ravel()
    if not isinstance(forecasts, dict) or not forecasts:
        raise ValueError("forecasts must be a non-empty dict {name: predictions}.")
    number(scale, "scale", "Use e.g. data.info['std'].", above=0)
    errors, rows = {}, []
    for name, values in forecasts.items():
        values = np.asarray(values, dtype=np.float64).ravel()
        if values.shape != targets.shape:
            raise ValueError(f"forecast {name!r} has {values.size} values for {targets.size} targets.")
        diff = (values - targets) * scale
        errors[name] = {"mae": float(np.abs(diff).mean()), "rmse": float(np.sqrt((diff**2).mean()))}
        rows.append([str(name), f"{errors[name]['mae']:.1f}", f"{errors[name]['rmse']:.1f}"])
    suffix = f" ({unit})" if unit else ""
    table = Table(["forecast", "MAE" + suffix, "RMSE" + suffix], rows, right={1, 2})
    table.errors = errors
    return table
