"""The Python-source corpus (fixed files, verified by hash, split by file) and the bracket probe's positions."""

import re
import shutil

import pytest

from course_utils import pysource
from course_utils.pysource import FILES, SPLITS, closing_brackets, load_python_source, read_module, stdlib_dir


@pytest.fixture(scope="module")
def texts():
    return load_python_source()


def test_the_corpus_is_the_recorded_text_split_by_whole_files(texts):
    assert {k: len(v) for k, v in texts.items()} == {"train": 610_676, "validation": 37_675, "test": 39_726}
    for split, paths in SPLITS.items():
        assert texts[split] == "".join(read_module(p) for p, _ in FILES if p in paths)  # in FILES order
        for path in paths:  # a held-out module is nowhere in training
            assert read_module(path)[:2000] not in texts["train"]
    assert len(set("".join(texts.values()))) == 96


def test_a_changed_file_is_refused_with_the_file_named(tmp_path):
    path = FILES[0][0]
    for name, _ in FILES[:3]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(stdlib_dir() / name, tmp_path / name)
    assert read_module(path, root=tmp_path) == read_module(path)
    (tmp_path / path).write_text(read_module(path).replace("def ", "def  ", 1))
    with pytest.raises(ValueError, match=re.escape(path) + r" differs .*Python 3\.11-3\.13"):
        read_module(path, root=tmp_path)
    with pytest.raises(ValueError, match="does not exist"):
        read_module("difflib.py", root=tmp_path)
    with pytest.raises(ValueError, match="not one of the corpus' files"):
        read_module("os.py")


def test_closing_brackets_pairs_openers_and_skips_strings_and_comments():
    source = 'x = f(a, "(", [1,\n     2])  # )\ny = {}\n'
    found = closing_brackets(source)
    assert [(source[i], d) for i, _, d in found] == [("]", 10), (")", 20), ("}", 1)]
    assert [b for _, b, _ in found] == [source[i] for i, _, _ in found]
    for index, bracket, distance in found:  # the opener sits `distance` characters before
        assert source[index - distance] == pysource.OPENERS[pysource.CLOSERS.index(bracket)]
    assert closing_brackets(source, min_distance=11) == [found[1]]


def test_closing_brackets_on_the_test_split(texts):
    found = closing_brackets(texts["test"], min_distance=8)
    assert len(found) > 300 and all(d >= 8 for _, _, d in found)
    assert {b for _, b, _ in found} == {")", "]", "}"}


@pytest.mark.parametrize(
    "text, message",
    [
        (b"f(x)", "text must be Python source as a str"),
        ("f(x]", "closes nothing it could match"),
        ("f((x)", "not complete Python source"),
    ],
)
def test_closing_brackets_refuses_what_is_not_balanced_source(text, message):
    with pytest.raises(ValueError, match=message):
        closing_brackets(text)
