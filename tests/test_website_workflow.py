"""The GitHub Pages workflow publishes exactly what `make site` builds, from main, after CI passed."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PAGES = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
CI = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
MAKEFILE = (ROOT / "Makefile").read_text()


def triggers(workflow):
    return workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true


def step(job, action):
    return next(s for s in job["steps"] if s.get("uses", "").startswith(action + "@"))


def test_it_runs_on_main_once_ci_has_passed_there():
    run = triggers(PAGES)["workflow_run"]
    assert run["workflows"] == [CI["name"]] and run["types"] == ["completed"] and run["branches"] == ["main"]
    assert set(triggers(PAGES)) == {"workflow_run", "workflow_dispatch"}
    condition = " ".join(PAGES["jobs"]["build"]["if"].split())
    assert "github.event.workflow_run.conclusion == 'success'" in condition
    assert "github.ref == 'refs/heads/main'" in condition  # by hand: main only
    checkout = step(PAGES["jobs"]["build"], "actions/checkout")
    assert checkout["with"]["ref"].startswith("${{ github.event.workflow_run.head_sha"), "the commit CI tested"


def test_it_builds_with_make_site_and_publishes_its_output_folder():
    build = PAGES["jobs"]["build"]
    runs = [s["run"].strip() for s in build["steps"] if "run" in s]
    assert runs == ["make site"], "make site sets itself up; nothing installed by hand"
    site_recipe = re.search(r"^site:[^\n]*\n((?:\t[^\n]*\n)+)", MAKEFILE, flags=re.M)[1]
    target = site_recipe.split()[-1]
    assert step(build, "actions/upload-pages-artifact")["with"]["path"].rstrip("/") == target == "site"
    python = step(build, "actions/setup-python")["with"]
    assert python == step(CI["jobs"]["test"], "actions/setup-python")["with"], "the same Python and pip cache as CI"


def test_only_the_deploy_job_may_write_to_pages():
    assert PAGES["permissions"] == {"contents": "read"}
    deploy = PAGES["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert PAGES["concurrency"]["cancel-in-progress"] is False
