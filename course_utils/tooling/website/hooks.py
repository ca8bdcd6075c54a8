"""MkDocs hooks of the course site (named in the generated mkdocs.yml): one shared copy of the notebook CSS.

mkdocs-jupyter writes the whole JupyterLab style sheet (about 0.6 MB) inline into every notebook page.
This moves each large inline ``<style>`` into one file under ``assets/`` (named by its content's hash)
that every page links to: the browser loads it once, and the site is about half the size.
"""

import hashlib
import re
from pathlib import Path

from mkdocs.utils import get_relative_url

LARGE = 100_000  # characters: only the big shared sheets move; small per-page styles stay inline
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", flags=re.S)
_sheets = {}


def on_pre_build(config):
    _sheets.clear()


def on_post_page(output, page, config):
    def shared(match):
        css = match[1]
        if len(css) < LARGE:
            return match[0]
        name = f"assets/notebook-{hashlib.sha256(css.encode()).hexdigest()[:10]}.css"
        _sheets[name] = css
        return f'<link rel="stylesheet" href="{get_relative_url(name, page.url)}">'

    return _STYLE.sub(shared, output)


def on_post_build(config):
    for name, css in _sheets.items():
        path = Path(config["site_dir"]) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(css, encoding="utf-8")
