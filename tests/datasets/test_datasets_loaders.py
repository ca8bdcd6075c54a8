"""Every loader on the real, fetched data: sizes, determinism, balance, no leaks between splits."""

import numpy as np
import pytest
from datasets_testkit import requires_real_data

from course_utils.datasets import series, text
from course_utils.datasets.errors import DatasetMissingError
from course_utils.datasets.splits import SPLIT_NAMES, Splits

CACHED_LOADERS = [text.load_movie_reviews, text.load_hamlet, text.load_names, text.load_twitter_ner]
ALL_LOADERS = CACHED_LOADERS + [series.load_sunspots, series.load_co2]


@pytest.mark.parametrize("loader", [*CACHED_LOADERS, text.load_sentiment_lexicon], ids=lambda f: f.__name__)
def test_missing_data_error_names_make_data(empty_cache, loader):
    with pytest.raises(DatasetMissingError, match=r"not in the data cache .*Run `make data`"):
        loader()


def _union(data):
    return [item for _, (inputs, _) in data.items() for item in inputs]


@requires_real_data
@pytest.mark.parametrize("loader", ALL_LOADERS, ids=lambda f: f.__name__)
def test_result_is_a_three_way_splits_dict(loader):
    data = loader()
    assert isinstance(data, Splits) and tuple(data) == SPLIT_NAMES
    for inputs, targets in data.values():
        assert len(inputs) == len(targets) > 0


@requires_real_data
def test_movie_reviews_sizes_balance_and_determinism():
    data = text.load_movie_reviews(seed=0)
    assert data.sizes() == {"train": 8454, "validation": 1056, "test": 1056}
    assert data.info["dropped_neutral"] == 37 and data.info["dropped_repeats"] == 2
    everything = _union(data)
    assert len(everything) == len(set(everything)) == 10566  # no sentence in two splits
    counts = {key: np.bincount(y, minlength=2).tolist() for key, (_, y) in data.items()}
    assert counts == {"train": [4261, 4193], "validation": [532, 524], "test": [532, 524]}
    assert sum(c[1] for c in counts.values()) == 5241 and sum(c[0] for c in counts.values()) == 5325
    again, other = text.load_movie_reviews(seed=0), text.load_movie_reviews(seed=1)
    assert list(again["test"][0]) == list(data["test"][0])
    assert list(other["test"][0]) != list(data["test"][0])
    x, y = data["train"]
    assert x.dtype == object and isinstance(x[0], str) and y.dtype == np.int32
    assert y[:50].min() == 0 and y[:50].max() == 1  # shuffled, not sorted by class


@requires_real_data
def test_the_sentiment_lexicon_is_vaders_first_listing_of_each_token():
    lexicon = text.load_sentiment_lexicon()
    assert len(lexicon) == 7506 and all(-4 <= v <= 4 for v in lexicon.values())
    assert (lexicon["good"], lexicon["bad"], lexicon["masterpiece"]) == (1.9, -2.5, 3.1)
    assert lexicon["lol"] == 2.9  # listed twice (2.9, then 1.8): the first listing is kept
    assert ":)" in lexicon and "not" not in lexicon  # emoticons are rated; negations are not


@requires_real_data
def test_movie_reviews_scores_agree_with_labels():
    labels, scores = text.load_movie_reviews()["test"], text.load_movie_reviews(target="score")["test"]
    assert list(labels[0]) == list(scores[0])
    assert np.array_equal(labels[1], (scores[1] > 0).astype(np.int32))
    assert scores[1].min() >= -4 and scores[1].max() <= 4 and not np.any(scores[1] == 0)


@requires_real_data
def test_hamlet_blocks_are_contiguous_whole_lines_and_shifted_by_one():
    data = text.load_hamlet()
    play = text.hamlet_text()
    assert len(play) == 175132 and play.startswith("The Tragedy of Hamlet") and "homepage" not in play
    assert data.sizes() == {"train": 140139, "validation": 17494, "test": 17496}
    blocks = []
    for inputs, targets in data.values():
        assert inputs[1:] == targets[:-1]
        blocks.append(inputs + targets[-1])
    assert "".join(blocks) == play
    assert all(block.endswith("\n") for block in blocks)
    assert data["validation"][0].startswith("And wager on your heads")
    assert data.info["vocabulary"] == tuple(sorted(set(play))) and len(data.info["vocabulary"]) == 64
    assert "\t" not in play


@requires_real_data
def test_names_sizes_labels_and_determinism():
    data = text.load_names(seed=0)
    assert data.sizes() == {"train": 4129, "validation": 517, "test": 517}
    everything = _union(data)
    assert len(everything) == len(set(everything)) == 5163
    assert all(name.isalpha() and name.islower() for name in everything)
    counts = {key: np.bincount(y).tolist() for key, (_, y) in data.items()}
    assert counts == {"train": [3213, 916], "validation": [402, 115], "test": [402, 115]}
    lookup = {name: label for _, (x, y) in data.items() for name, label in zip(x, y)}
    assert lookup["mary"] == 0 and lookup["james"] == 1 and lookup["john"] == 1
    assert data.info["on_both_lists"] == 331 and data.info["max_length"] == 11
    assert len(data.info["vocabulary"]) == 26
    assert list(text.load_names(seed=0)["train"][0]) == list(data["train"][0])
    assert list(text.load_names(seed=3)["train"][0]) != list(data["train"][0])


@requires_real_data
def test_twitter_ner_counts_shapes_and_tags():
    data = text.load_twitter_ner(seed=0)
    assert data.sizes() == {"train": 1916, "validation": 239, "test": 239}
    tokens = sum(int((x != "").sum()) for x, _ in data.values())
    entities = sum(int(np.isin(y, [i for i, t in enumerate(text.NER_TAGS) if t.startswith("B-")]).sum())
                   for _, y in data.values())  # fmt: skip
    assert tokens == 46469 and entities == 1496
    assert len(text.NER_TYPES) == 10 and len(text.NER_TAGS) == 21 and data.info["tags"][0] == "O"
    for x, y in data.values():
        assert x.shape[1] == y.shape[1] == 39 and y.dtype == np.int32
        assert np.all(y[x == ""] == 0)  # padding carries tag 0 and is masked by x == ""
        assert np.all((x != "")[:, 0])  # no empty tweet, padding on the right only
    x, y = data["train"]
    row = [t for t in x[0] if t]
    assert len(row) == (x[0] != "").sum()
    assert np.array_equal(text.load_twitter_ner(seed=0)["test"][1], data["test"][1])
    assert not np.array_equal(text.load_twitter_ner(seed=1)["test"][1], data["test"][1])
    assert data.info["redistribute"] is False


@requires_real_data
@pytest.mark.parametrize(
    "loader,sizes,window",
    [(series.load_sunspots, (227, 31, 31), 20), (series.load_co2, (396, 53, 53), 24)],
    ids=["sunspots", "co2"],
)
def test_series_windows_are_chronological_and_scaled_by_training_data(loader, sizes, window):
    data = loader()
    assert tuple(data.sizes().values()) == sizes and data.info["window"] == window
    times = [data.info["time"][key] for key in SPLIT_NAMES]
    assert all(a[-1] < b[0] for a, b in zip(times, times[1:]))  # train, then validation, then test
    x, y = data["train"]
    assert x.shape == (sizes[0], window, 1) and x.dtype == np.float32
    assert np.allclose(x[1:, -1, 0], y[:-1])  # each window ends just before its target
    raw = loader(standardize=False)
    assert np.allclose(data["test"][1] * data.info["std"] + data.info["mean"], raw["test"][1], atol=1e-3)
    train_block = np.concatenate([raw["train"][0][0, :, 0], raw["train"][1]])
    assert np.isclose(data.info["mean"], train_block.mean()) and np.isclose(data.info["std"], train_block.std())


@requires_real_data
def test_series_contents():
    years, spots = series.sunspots_series()
    assert (years[0], years[-1], len(spots)) == (1700, 2008, 309) and spots.min() >= 0
    months, co2 = series.co2_monthly()
    assert (months[0], months[-1], len(co2)) == ("1958-03", "2001-12", 526)
    assert not np.isnan(co2).any() and 310 < co2.min() < co2.max() < 375
    assert co2[-12:].mean() > co2[:12].mean() + 50


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: text.load_movie_reviews(seed=-1), "seed must be a non-negative integer"),
        (lambda: text.load_movie_reviews(validation_fraction=1.5), "validation_fraction must be a number in"),
        (lambda: text.load_names(test_fraction="0.1"), "test_fraction must be a number in"),
        (lambda: text.load_twitter_ner(validation_fraction=0.6, test_fraction=0.4), "must be below 1"),
        (lambda: text.load_movie_reviews(target="stars"), "target must be 'label' or 'score'"),
        (lambda: series.load_sunspots(window=0), "window must be a positive integer"),
        (lambda: series.load_sunspots(window=300), "leaves no training targets"),
        (lambda: series.load_co2(standardize="yes"), "standardize must be True or False"),
    ],
)
def test_bad_arguments_say_what_to_do(empty_cache, call, message):
    """Checked before any file is read: the cache here is empty, yet the error is about the argument."""
    with pytest.raises(ValueError, match=message):
        call()
