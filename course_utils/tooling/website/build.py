"""Build the site: prepare the pages (stage.py), write MkDocs' configuration, run MkDocs, check the result."""

import importlib.util
import json
import shutil
import time
from pathlib import Path

import yaml

from course_utils.tooling.website import checks
from course_utils.tooling.website.stage import SiteError, stage

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
BASE_CONFIG = HERE / "mkdocs.yml"
MATHJAX_BUNDLE = "tex-svg-full.js"  # TeX input, SVG output (no web fonts), every TeX extension built in
TITLE = "Recurrent neural networks with Keras 3"


def mathjax_dir():
    """The MathJax 3 release installed by the pinned ``django-static-mathjax`` package (dev extra)."""
    spec = importlib.util.find_spec("mathjax")
    folder = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax" if spec else None
    if folder is None or not (folder / "es5" / MATHJAX_BUNDLE).is_file():
        raise SiteError("MathJax is not installed (django-static-mathjax, in the dev extra): run `make setup-dev`.")
    return folder


def copy_assets(docs):
    """The site's own scripts and styles, and MathJax with its licence, into ``docs/assets``."""
    shutil.copytree(HERE / "assets", docs / "assets", dirs_exist_ok=True)
    source = mathjax_dir()
    target = docs / "assets" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "es5" / MATHJAX_BUNDLE, target / MATHJAX_BUNDLE)
    shutil.copyfile(source / "LICENSE", target / "LICENSE")
    return json.loads((source / "package.json").read_text())["version"]


def site_config(docs, target, cache, nav):
    """MkDocs' configuration: the committed base plus this build's folders and navigation."""
    config = yaml.safe_load(BASE_CONFIG.read_text(encoding="utf-8"))
    config.update(docs_dir=str(docs), site_dir=str(target), nav=nav, hooks=[str(HERE / "hooks.py")])
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocs-jupyter" in plugin:
            plugin["mkdocs-jupyter"]["cache_dir"] = str(cache)
    return config


def navigation(home, lectures, homework):
    """Start page, then the lectures in course order, then the homework: the sidebar and previous/next."""
    nav = [{"Start here": home.path}, {"Lectures": [page.path for page in lectures]}]
    if homework:
        nav.append({"Homework": [page.path for page in homework]})
    return nav


def build_site(source="notebooks", target="site", work=None, readme=None, title=TITLE):
    """Build the site of the notebooks in ``source`` into ``target``; return the built pages' paths.

    ``work`` (default ``build/website``, git-ignored) holds the prepared pages, the generated
    ``mkdocs.yml`` and mkdocs-jupyter's cache of converted notebooks (which makes rebuilds fast).
    Raises SiteError, and keeps nothing in ``target``, when a check fails.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    source, target = Path(source).resolve(), Path(target).resolve()
    if not source.is_dir():
        raise SiteError(f"{source} is not a folder of notebooks.")
    work = Path(work).resolve() if work else ROOT / "build" / "website"
    readme = Path(readme) if readme else source.parent / "README.md"
    docs = work / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.rmtree(work / "releases", ignore_errors=True)
    docs.mkdir(parents=True)
    home, lectures, homework = stage(source, docs, work, readme, title)
    copy_assets(docs)
    config_file = work / "mkdocs.yml"
    config = site_config(docs, target, work / "notebook-cache", navigation(home, lectures, homework))
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    build(load_config(config_file=str(config_file)))
    problems = checks.find_leaks(target, source / "homework", source) + checks.remote_loads(target)
    if problems:
        shutil.rmtree(target)
        raise SiteError("the site was not kept:\n  " + "\n  ".join(problems))
    return [target / Path(page.path).with_suffix(".html") for page in (home, *lectures, *homework)]


def main(argv=None):
    import argparse
    import logging

    parser = argparse.ArgumentParser(
        prog="python -m course_utils.tooling.website", description="Build the course site (MkDocs Material)."
    )
    parser.add_argument("source", nargs="?", default="notebooks", help="the course's notebooks folder")
    parser.add_argument("target", nargs="?", default="site", help="where to write the site (replaced)")
    parser.add_argument("--work", help="folder for the prepared pages and the cache (default: build/website)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("traitlets").setLevel(logging.ERROR)  # nbconvert: "Alternative text is missing" per plot
    start = time.perf_counter()
    try:
        pages = build_site(args.source, args.target, work=args.work)
    except SiteError as exc:
        print(f"site: {exc}")
        return 1
    size = sum(p.stat().st_size for p in Path(args.target).rglob("*") if p.is_file())
    print(
        f"site: {len(pages)} pages in {args.target}/ ({size / 2**20:.1f} MiB) in {time.perf_counter() - start:.1f} s; "
        f"open {args.target}/index.html in a browser (no network needed)"
    )
    return 0
