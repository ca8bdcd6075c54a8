"""The course as a student meets it: JupyterLab in a real (headless) Chromium.

Run with ``make test-browser`` (the site has its own tests, test_site.py). Needs Debian's Chromium
(``apt-get install chromium``) and the ``playwright`` Python package (a dev dependency); never
``playwright install``, which would download another browser. Without Chromium every test here is
skipped with that message, or fails when ``CI`` is set (browsing.py). Screenshots are saved under
``reports/browser/``.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from browsing import ARTIFACTS, ROOT

NOTEBOOK_01 = "01_sequences_and_the_recurrent_neuron.ipynb"
WIDGET_NOTEBOOK = "03_vanishing_and_exploding_gradients.ipynb"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 serving a COPY of notebooks/ (autosave must not touch the originals)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    settings = root / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    notebook_settings = root / "settings" / "@jupyterlab" / "notebook-extension"
    notebook_settings.mkdir(parents=True)
    # render every cell (JupyterLab 4 virtualises long notebooks; we want to see all outputs)
    (notebook_settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port, token = free_port(), "course-browser-test"
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
    }
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={root / 'notebooks'}",
        "--allow-root",
    ]
    log = open(root / "server.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.terminate()
        pytest.fail("JupyterLab did not start within 60 s:\n" + (root / "server.log").read_text()[-2000:])
    yield base, token
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


def run_all(page, base, token, notebook, timeout_s=240):
    """Open a notebook, run all cells, wait until every cell has finished; return the time taken."""
    page.goto(f"{base}/lab/tree/{notebook}?token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    # JupyterLab asks which kernel to use when the notebook's metadata does not settle it
    page.wait_for_timeout(2000)
    select = page.locator(".jp-Dialog button", has_text="Select")
    if select.count():
        select.first.click()
    # the kernel is ready when this notebook's session reports an idle kernel
    page.wait_for_function(
        """() => {
            const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const kernel = panel && panel.sessionContext && panel.sessionContext.session
                && panel.sessionContext.session.kernel;
            return kernel && kernel.status === 'idle';
        }""",
        timeout=120_000,
        polling=500,
    )
    # forget the stored outputs and execution counts, so "done" below means "ran again here"
    page.evaluate("""() => {
        const panel = window.jupyterapp.shell.currentWidget;
        for (const cell of panel.content.model.cells) {
            if (cell.type === 'code') { cell.outputs.clear(); cell.executionCount = null; }
        }
    }""")
    start = time.time()
    # fire and forget: the command's promise resolves only when every cell has run
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    # done when the notebook model says every code cell has an execution count and the kernel is idle
    page.wait_for_function(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const cells = [...panel.content.model.cells].filter(c => c.type === 'code');
            const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
            return cells.length > 0 && cells.every(c => c.executionCount !== null)
                && kernel && kernel.status === 'idle';
        }""",
        timeout=timeout_s * 1000,
        polling=500,
    )
    return time.time() - start


def assert_no_errors(page, notebook):
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, f"{notebook}: a cell wrote an error or stderr:\n{errors.first.inner_text()[:800]}"


def test_notebook_01_runs_in_jupyterlab(browser, lab):
    base, token = lab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seconds = run_all(page, base, token, NOTEBOOK_01)
    assert_no_errors(page, NOTEBOOK_01)
    outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
    text = "\n".join(outputs)
    assert "e89b_simple_rnn" in text and "Total params" in text, "the model summary table was not rendered"
    assert "matches e89b_simple_rnn: 2 layers, 22 parameters" in text
    assert page.locator(".jp-OutputArea-output img").count() >= 1, "the state plot is missing"
    page.screenshot(path=str(ARTIFACTS / "notebook01.png"), full_page=False)
    print(f"notebook 01 ran in JupyterLab in {seconds:.1f} s")


def test_widget_slider_redraws_its_plot(browser, lab):
    base, token = lab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    run_all(page, base, token, WIDGET_NOTEBOOK)
    assert_no_errors(page, WIDGET_NOTEBOOK)
    page.screenshot(path=str(ARTIFACTS / "widget_notebook.png"), full_page=True)
    slider = page.locator(
        ".widget-slider .noUi-handle, .widget-slider .ui-slider-handle, .jupyter-widgets input[type=range]"
    ).first
    slider.scroll_into_view_if_needed()
    widget_area = slider.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea')][1]")
    image = widget_area.locator("img").first
    image.wait_for(timeout=30_000)
    before = image.get_attribute("src")
    page.screenshot(path=str(ARTIFACTS / "widget_before.png"))
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([el, old]) => el.querySelector('img') && el.querySelector('img').getAttribute('src') !== old",
        arg=[widget_area.element_handle(), before],
        timeout=30_000,
    )
    page.screenshot(path=str(ARTIFACTS / "widget_after.png"))
