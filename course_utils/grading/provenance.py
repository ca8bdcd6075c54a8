"""What a saved report was made from: the submission's content hash and the grader's version.

A batch run (:mod:`course_utils.grading.batch`) reuses a saved report only when both match, so
re-running a batch regrades exactly the submissions that changed, and everything after a change
of the grader. The grader's version is the package version plus a hash of the code that decides
a grade: ``course_utils/grading/`` (checks, references, sandbox, runner) and
``course_utils/selfcheck/`` (the probe the kernel answers through, the public cases).
"""

import functools
import hashlib
from importlib import metadata
from pathlib import Path

GRADING_CODE = ("grading", "selfcheck")


def sha256_file(path):
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@functools.cache
def grader_version():
    """``"<package version>+<12 hex digits>"``: changes whenever any grading source file changes.

    >>> import re
    >>> bool(re.fullmatch(r"\\S+\\+[0-9a-f]{12}", grader_version()))
    True
    """
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for part in GRADING_CODE:
        for path in sorted((package / part).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(package).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    try:
        version = metadata.version("course_utils")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    return f"{version}+{digest.hexdigest()[:12]}"
