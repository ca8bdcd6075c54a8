"""course_utils.forecasting: the last-value baseline and forecast errors in the data's unit."""

import numpy as np
import pytest

from course_utils import forecasting as F


def test_forecast_baseline_and_errors():
    windows = np.array([[[1.0], [2.0]], [[5.0], [3.0]]])
    assert F.last_value_forecast(windows).tolist() == [2.0, 3.0]
    table = F.forecast_errors(
        [2.0, 4.0], {"naive": F.last_value_forecast(windows), "exact": [2.0, 4.0]}, scale=2.0, unit="u"
    )
    assert table.errors["naive"] == {"mae": 1.0, "rmse": pytest.approx(np.sqrt(2.0))}
    assert table.errors["exact"] == {"mae": 0.0, "rmse": 0.0}
    assert table.headers == ("forecast", "MAE (u)", "RMSE (u)") and table[0] == ["naive", "1.0", "1.4"]
    with pytest.raises(ValueError, match="values for"):
        F.forecast_errors([1.0, 2.0], {"short": [1.0]})
    with pytest.raises(ValueError, match="scale"):
        F.forecast_errors([1.0], {"a": [1.0]}, scale=0)
    with pytest.raises(ValueError, match="windows"):
        F.last_value_forecast(np.zeros((3, 2)))
