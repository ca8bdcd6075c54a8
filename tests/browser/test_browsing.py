"""Without a browser, the browser tests skip on a student's machine and fail in CI (browsing.py)."""

import pytest
from browsing import in_ci, require_browser


@pytest.mark.parametrize(
    "environ, ci",
    [({}, False), ({"CI": "true"}, True), ({"CI": "1"}, True), ({"CI": "false"}, False), ({"CI": ""}, False)],
)
def test_ci_is_read_from_the_environment(environ, ci):
    assert in_ci(environ) is ci


def test_a_missing_browser_is_a_skip_with_the_fix_on_a_students_machine():
    with pytest.raises(pytest.skip.Exception, match=r"Chromium not found: .*apt-get install chromium"):
        require_browser(chromium=None, environ={})


def test_a_missing_browser_fails_when_ci_is_set():
    with pytest.raises(pytest.fail.Exception, match=r"Chromium not found.*CI is set: the browser tests must run"):
        require_browser(chromium=None, environ={"CI": "true"})
