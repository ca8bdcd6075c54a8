"""The browser fixture every browser test shares (see browsing.py: Chromium, and what happens without it)."""

import pytest
from browsing import BROWSER_ARGS, CHROMIUM, require_browser


@pytest.fixture(scope="session")
def browser():
    sync_api = require_browser()
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()
