"""Shared helpers of the dataset tests: small fake archives built on the spot, and cache fixtures.

Not a conftest.py on purpose: a second conftest module would shadow ``tests/conftest.py``
for the modules that import it by name.
"""

import hashlib
import io
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from course_utils.datasets import cache, registry
from course_utils.datasets.registry import Dataset, Member

ENV_VAR = cache.ENV_VAR


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def build_wheel(path, files):
    """A zip (wheel layout) holding ``files``: {member path: bytes}."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return Path(path)


def build_sdist(path, files):
    """A .tar.gz (sdist layout) holding ``files``: {member path: bytes}."""
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return Path(path)


def tar_gz_bytes(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def fake_dataset(archive, members, kind, name="fake_data", package="fakepkg", version="1.0", **overrides):
    """A registry entry for ``archive`` with its true hashes; ``members``: [(path tuple, filename, bytes)]."""
    archive = Path(archive)
    fields = dict(
        name=name,
        package=package,
        version=version,
        kind=kind,
        archive=archive.name,
        sha256=sha256(archive.read_bytes()),
        size=archive.stat().st_size,
        members=tuple(Member(path=p, filename=f, sha256=sha256(d), size=len(d)) for p, f, d in members),
        licence="test licence",
        citation="test citation",
        description="a fake dataset",
        homepage="https://example.invalid",
    )
    fields.update(overrides)
    return Dataset(**fields)


class CopyingDownloader:
    """Stands in for pip: copies a prepared archive into ``dest`` and counts its calls."""

    def __init__(self, archive):
        self.archive = Path(archive)
        self.calls = 0

    def __call__(self, dataset, dest):
        self.calls += 1
        dest.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy(self.archive, dest / self.archive.name))


def real_data_present():
    """True when every real dataset file exists. A present but damaged file does not skip:
    the tests then run and fail on the loader's IntegrityError, as they should."""
    return all(cache.member_status(d, m) != "missing" for d in registry.REGISTRY.values() for m in d.members)


requires_real_data = pytest.mark.skipif(
    not real_data_present(),
    reason="the real datasets are not in the cache: run `make data` (python -m course_utils.datasets fetch)",
)
