"""The Python standard library's own source as a character corpus, and a bracket probe on it.

Every Python installation carries its standard library as ``.py`` text (PSF licence): real,
long and full of long-range structure — brackets opened many characters before they close,
indented blocks, quotes. The corpus is a fixed list of 75 modules (688 thousand characters,
96 distinct ones) whose bytes are identical in CPython 3.11.7, 3.12.1 and 3.13.0,
each checked against its sha256 when read, so every supported Python gives the same text.
It is split **by file** (no held-out line has its neighbours in training):
validation and test are three whole modules each.

    >>> sorted(SPLITS), len(FILES)
    (['test', 'validation'], 75)
    >>> closing_brackets("f(a, [1, 2])", min_distance=6)
    [(11, ')', 10)]

:func:`closing_brackets` is the long-range probe of notebook 08: at each bracket that closes
(found with :mod:`tokenize`, so brackets inside strings and comments do not count) it gives
the distance back to the bracket that opened it. Whether ``)``, ``]`` or ``}`` comes next
depends on that opener; an n-gram model sees only the last ``n − 1`` characters.
"""

import hashlib
import io
import sys
import sysconfig
import tokenize
from pathlib import Path

from course_utils._validation import non_negative_int

# (path under the standard library, first 16 hex digits of the sha256 of its UTF-8 text)
FILES = (
    ("__future__.py", "981d4c398849f9eb"),
    ("_compression.py", "3ad5d60627477a60"),
    ("_markupbase.py", "cb14dd6f2e2439eb"),
    ("_py_abc.py", "f9c6fe3dd9b51bd7"),
    ("_sitebuiltins.py", "b9388bc1d6d12ed6"),
    ("_threading_local.py", "e1bf3dae66d0bfa6"),
    ("_weakrefset.py", "91895a451d06e9f5"),
    ("abc.py", "e558702a95cdce3f"),
    ("asyncio/exceptions.py", "a5971f88be14cd14"),
    ("asyncio/protocols.py", "1d1b49988c338b4e"),
    ("asyncio/trsock.py", "c0eac37debcc51b7"),
    ("asyncio/windows_utils.py", "e6fcffefa2521666"),
    ("concurrent/futures/_base.py", "8c6d5f09f7c535d4"),
    ("ctypes/macholib/dyld.py", "eb8e7b17f1533bc3"),
    ("ctypes/macholib/framework.py", "302439e40d9cbdd6"),
    ("curses/__init__.py", "d8730e360dd00ec0"),
    ("difflib.py", "0c6afc23568d55b3"),
    ("email/__init__.py", "e4f46e3414c4602c"),
    ("email/_encoded_words.py", "4178321600c0a19c"),
    ("email/base64mime.py", "e2b4b87a5f42a8c5"),
    ("email/contentmanager.py", "2d81026aef17e478"),
    ("email/encoders.py", "690b275529788cc4"),
    ("email/header.py", "4d9baa908ad5288d"),
    ("email/headerregistry.py", "fada56c25b6a457c"),
    ("email/iterators.py", "1080a2d03779176d"),
    ("email/mime/application.py", "b82a944ccba03e7e"),
    ("email/mime/image.py", "460be5b50cfcaab8"),
    ("email/mime/message.py", "30fccea73b874b5d"),
    ("email/mime/multipart.py", "8bf2beca6de95d66"),
    ("email/quoprimime.py", "77b454bd3ba3b5e3"),
    ("graphlib.py", "7bd338c5a475d110"),
    ("html/__init__.py", "923d82d821e75e8d"),
    ("importlib/metadata/_functools.py", "3ec636fb8aeb297e"),
    ("importlib/metadata/_itertools.py", "72faffdaff0145bc"),
    ("importlib/metadata/_text.py", "1c2b0592c66924b7"),
    ("json/__init__.py", "d5d41e2c29049515"),
    ("json/scanner.py", "8604d9d03786d0d5"),
    ("multiprocessing/dummy/__init__.py", "9127a40ea0ff342c"),
    ("multiprocessing/dummy/connection.py", "d63dd1979fde9c13"),
    ("multiprocessing/heap.py", "f6bb79bb99b9ae48"),
    ("multiprocessing/popen_forkserver.py", "0588ad0e5a36718b"),
    ("multiprocessing/popen_spawn_posix.py", "97b5d25aa4795168"),
    ("multiprocessing/reduction.py", "4999f8b9ae7b3e8a"),
    ("multiprocessing/sharedctypes.py", "77ef522912474652"),
    ("multiprocessing/spawn.py", "ebf9fa40eb622384"),
    ("multiprocessing/synchronize.py", "9afc08f6d99deb0c"),
    ("nturl2path.py", "980982ba66cc403d"),
    ("optparse.py", "07d224301cba312f"),
    ("py_compile.py", "3464f04938b57a7a"),
    ("pyclbr.py", "e8ca09333701ba41"),
    ("string.py", "24aeae1f0526250f"),
    ("tomllib/_parser.py", "4579b04a75664523"),
    ("tomllib/_re.py", "75b8e0e428594f6d"),
    ("tracemalloc.py", "c2cc84a05b824df7"),
    ("unittest/_log.py", "905672317ab26c65"),
    ("unittest/signals.py", "f8286e818ca56e10"),
    ("unittest/suite.py", "ed2da92bc9f97c53"),
    ("unittest/util.py", "fdcc640c3505d16d"),
    ("urllib/error.py", "d12b3cc66af3f42a"),
    ("urllib/response.py", "7e6c3b6d7a95f0d7"),
    ("urllib/robotparser.py", "389b811835f9a3ba"),
    ("weakref.py", "56f8d313fb74019e"),
    ("wsgiref/headers.py", "0fbf95a47d8e4c0d"),
    ("wsgiref/types.py", "ba66d30ce511a88e"),
    ("xml/dom/__init__.py", "b415a6f3d3663c3a"),
    ("xml/dom/domreg.py", "826b02a803930834"),
    ("xml/dom/minicompat.py", "42974c4c67803dfe"),
    ("xml/dom/pulldom.py", "614b88673d496a36"),
    ("xml/dom/xmlbuilder.py", "d4f33a8f01875562"),
    ("xml/etree/ElementPath.py", "ae8a80a8b51567b4"),
    ("xml/etree/__init__.py", "91950edfb196c105"),
    ("xml/sax/handler.py", "64c7aae49f1dd382"),
    ("xml/sax/saxutils.py", "3fe2cdb6386e0c4d"),
    ("zoneinfo/_common.py", "67deaf0ba41aa486"),
    ("zoneinfo/_zoneinfo.py", "ebb9b679519a2325"),
)
# Held-out modules (whole files); every other file of FILES is training text.
SPLITS = {
    "validation": ("_markupbase.py", "multiprocessing/heap.py", "pyclbr.py"),
    "test": ("tracemalloc.py", "xml/sax/saxutils.py", "urllib/robotparser.py"),
}
OPENERS, CLOSERS = "([{", ")]}"


def stdlib_dir():
    """The directory of the running Python's standard library (``…/lib/python3.X``)."""
    return Path(sysconfig.get_paths()["stdlib"])


def read_module(path, root=None):
    """The text of one file of :data:`FILES`, refused unless its sha256 is the recorded one."""
    expected = dict(FILES).get(path)
    if expected is None:
        raise ValueError(f"{path!r} is not one of the corpus' files (course_utils.pysource.FILES).")
    file = Path(root or stdlib_dir()) / path
    if not file.is_file():
        raise ValueError(
            f"{file} does not exist: this Python ({sys.version.split()[0]}) has no standard library source "
            "there. Use the course's environment (`make lab`; Python 3.11-3.13)."
        )
    text = file.read_text(encoding="utf-8")
    found = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    if found != expected:
        raise ValueError(
            f"{file} differs from the text this course was written with (sha256 {found}…, expected "
            f"{expected}…): its numbers would not reproduce. Use CPython 3.11-3.13 (`make lab`)."
        )
    return text


def load_python_source(root=None):
    """``{"train": str, "validation": str, "test": str}``: the corpus' files, each split's in FILES order."""
    held_out = {path: split for split, paths in SPLITS.items() for path in paths}
    texts = {"train": [], "validation": [], "test": []}
    for path, _ in FILES:
        texts[held_out.get(path, "train")].append(read_module(path, root))
    return {split: "".join(parts) for split, parts in texts.items()}


def closing_brackets(text, min_distance=0):
    """``(index, bracket, distance)`` for each bracket in ``text`` that closes one opened ``distance`` characters before.

    Only brackets that Python's tokenizer sees as operators count (not those in strings or
    comments), and only those whose opener is at least ``min_distance`` characters back.
    ``text`` must be Python source whose brackets balance, e.g. one split of
    :func:`load_python_source`.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be Python source as a str, got {type(text).__name__}.")
    min_distance = non_negative_int(min_distance, "min_distance", "Use e.g. the n-gram's order.")
    line_starts, offset = [], 0
    for line in text.splitlines(keepends=True):
        line_starts.append(offset)
        offset += len(line)
    found, stack = [], []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.OP or token.string not in OPENERS + CLOSERS:
                continue
            index = line_starts[token.start[0] - 1] + token.start[1]
            if token.string in OPENERS:
                stack.append(index)
            elif not stack or OPENERS[CLOSERS.index(token.string)] != text[stack[-1]]:
                raise ValueError(f"bracket {token.string!r} at index {index} closes nothing it could match.")
            else:
                distance = index - stack.pop()
                if distance >= min_distance:
                    found.append((index, token.string, distance))
    except (tokenize.TokenError, IndentationError) as error:
        raise ValueError(f"text is not complete Python source ({error}); pass whole files.") from None
    return found
