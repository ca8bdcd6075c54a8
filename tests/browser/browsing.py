"""Debian's Chromium driven by Playwright for the browser tests, and what happens without it.

Never ``playwright install`` (it would download another browser): ``apt-get install chromium``.
Without Chromium (or the playwright package) the tests are skipped on a student's machine, with the
command that enables them; when the ``CI`` environment variable is set they fail instead, so that
CI can never pass by skipping them.
"""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "reports" / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HOW_TO_ENABLE = "install Debian's browser with `sudo apt-get install chromium`, then `make test-browser`"


def in_ci(environ=None):
    """Whether ``CI`` is set (GitHub Actions and .ci/run's CI set ``CI=true``); ``0``/``false`` count as unset."""
    value = (os.environ if environ is None else environ).get("CI", "")
    return value.strip().lower() not in ("", "0", "false", "no")


def require_browser(chromium=CHROMIUM, environ=None):
    """Playwright's sync API, or a skip (a student's machine) / a failure (CI) saying what is missing."""
    problem = None
    if chromium is None:
        problem = f"Chromium not found: {HOW_TO_ENABLE}"
    else:
        try:
            import playwright.sync_api as sync_api
        except ImportError:
            problem = "the playwright package is missing: run `make setup-dev`"
    if problem:
        if in_ci(environ):
            pytest.fail(f"{problem} (CI is set: the browser tests must run here, not be skipped)", pytrace=False)
        pytest.skip(problem)
    return sync_api
