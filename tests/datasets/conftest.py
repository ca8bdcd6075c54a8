"""Fixtures of the dataset tests: a throw-away cache and a registered fake sdist (no network)."""

import pytest
from datasets_testkit import build_sdist, fake_dataset, tar_gz_bytes

from course_utils.datasets import registry
from course_utils.datasets.cache import ENV_VAR


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """Point COURSE_DATA_DIR at a fresh, empty folder for one test; return it."""
    root = tmp_path / "cache"
    monkeypatch.setenv(ENV_VAR, str(root))
    return root


@pytest.fixture
def sdist_dataset(tmp_path, monkeypatch):
    """A registered fake sdist whose member is a text file inside a nested .tar.gz (like vaderSentiment)."""
    text = b"1\t2.5\tgood film\n2\t-1.0\tbad film\n"
    inner = tar_gz_bytes({"inner/reviews.txt": text, "inner/other.txt": b"not needed"})
    files = {"fakepkg-1.0/res/inner.tar.gz": inner, "fakepkg-1.0/setup.py": b""}
    archive = build_sdist(tmp_path / "fakepkg-1.0.tar.gz", files)
    member = (("fakepkg-1.0/res/inner.tar.gz", "inner/reviews.txt"), "reviews.txt", text)
    dataset = fake_dataset(archive, [member], "sdist")
    monkeypatch.setitem(registry.REGISTRY, dataset.name, dataset)
    return dataset, archive, text
