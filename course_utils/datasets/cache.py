"""Where fetched data lives, and reading it back only if its sha256 is the recorded one.

The cache is ``data/cache/`` in the course's checkout (git-ignored), found from this
file's location, never from the current directory, so a notebook in any folder finds
it. Set ``COURSE_DATA_DIR`` to keep it elsewhere (the variable names the cache folder
itself). Each dataset has a folder: ``<cache>/<name>/<member files>`` plus
``manifest.json``, the record of what ``fetch`` downloaded and when.

Standard library only: ``python -m course_utils.datasets fetch`` checks the cache on
every ``make lab`` / ``make test`` and must stay instant.
"""

import hashlib
import importlib.metadata
import json
import os
from pathlib import Path

from course_utils.datasets.errors import DatasetMissingError, IntegrityError
from course_utils.datasets.registry import get, missing_hint

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_CACHE_DIR = DATA_DIR / "cache"
ENV_VAR = "COURSE_DATA_DIR"
MANIFEST = "manifest.json"


def cache_dir():
    """The cache folder: ``$COURSE_DATA_DIR`` if set (and not empty), else ``data/cache`` of the checkout.

    >>> DEFAULT_CACHE_DIR.relative_to(DATA_DIR.parent).as_posix()
    'data/cache'
    """
    override = os.environ.get(ENV_VAR, "").strip()
    return Path(override).expanduser().resolve() if override else DEFAULT_CACHE_DIR


def dataset_dir(name):
    """The folder of one fetched dataset inside the cache."""
    return cache_dir() / get(name).name


def sha256_of(data_or_path):
    """Hex sha256 of ``bytes`` or of a file's content (read in chunks).

    >>> sha256_of(b"abc")[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    if isinstance(data_or_path, (bytes, bytearray)):
        digest.update(data_or_path)
    else:
        with open(data_or_path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def installed_version(package):
    """Installed version of a distribution, or ``None`` (no import, just its metadata)."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def member_file(dataset, member):
    """Where ``member`` of ``dataset`` is read from: the cache, or the repository's ``data/`` if vendored."""
    if dataset.vendored:
        return DATA_DIR / member.path[0]
    return cache_dir() / dataset.name / member.filename


def member_status(dataset, member):
    """``"ok"``, ``"missing"`` or ``"corrupt"`` for one member (hashes the file: a few ms per MB)."""
    path = member_file(dataset, member)
    if path is None or not path.is_file():
        return "missing"
    if path.stat().st_size != member.size or sha256_of(path) != member.sha256:
        return "corrupt"
    return "ok"


def status(dataset):
    """The worst member status of a dataset: ``"ok"`` only if every member is present and verified."""
    states = {member_status(dataset, m) for m in dataset.members}
    for state in ("missing", "corrupt"):
        if state in states:
            return state
    return "ok"


def read_bytes(name, filename=None):
    """Return the verified bytes of one member of dataset ``name`` (its only member by default).

    Raises ``DatasetMissingError`` (a ``FileNotFoundError``) when the file is absent and
    ``IntegrityError`` when its sha256 is not the recorded one; both say how to fix it.
    """
    dataset = get(name)
    members = {m.filename: m for m in dataset.members}
    if filename is None:
        if len(members) != 1:
            raise ValueError(f"dataset {name!r} has several files; pass one of {sorted(members)}.")
        (filename,) = members
    if filename not in members:
        raise ValueError(f"dataset {name!r} has no file {filename!r}; its files are {sorted(members)}.")
    member = members[filename]
    path = member_file(dataset, member)
    if dataset.vendored:
        if not path.is_file():
            raise DatasetMissingError(
                f"the {name} dataset ships with the course as {path}, which is missing from this checkout. "
                f"Restore it with `git checkout -- data/{member.filename}` (or clone the course again)."
            )
    elif not path.is_file():
        raise DatasetMissingError(f"the {name} dataset is not in the data cache (no file {path}). {missing_hint(name)}")
    data = path.read_bytes()
    digest = sha256_of(data)
    if digest != member.sha256:
        if dataset.vendored:
            raise IntegrityError(
                f"{path} has sha256 {digest}, not the recorded {member.sha256}: the file was edited and is "
                f"refused. Restore it with `git checkout -- data/{member.filename}`."
            )
        raise IntegrityError(
            f"{path} has sha256 {digest}, not the recorded {member.sha256}: the cached file is damaged "
            f"or was edited, and is refused. {missing_hint(name)} It replaces the file with a verified copy."
        )
    return data


def read_manifest(name):
    """The record ``fetch`` wrote for dataset ``name`` (a dict), or ``None`` if there is none."""
    path = dataset_dir(name) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
