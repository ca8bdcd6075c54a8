"""``make bench-models``: the course's real-data showcases over several seeds, with their baselines.

Each showcase trains what its notebook trains, with the notebook's settings (imported from the
module the notebook uses, never copied), once per seed, and reports every metric as
mean +- standard deviation over the seeds next to its baseline, and the wall time of one run.
Notebooks store one seed's run; this is where the spread over seeds is measured.

    python -m course_utils.bench_models                 # every showcase, seeds 0 1 2
    python -m course_utils.bench_models --only sentiment --seeds 0 1

    >>> mean_std([0.5, 0.7])
    (0.6, 0.1)
    >>> format_row("LSTM test accuracy", [0.5, 0.7], 0.25, [10.0, 12.0])
    '| LSTM test accuracy | 0.600 ± 0.100 | 0.250 | 11 s |'
"""

import argparse
import time

import numpy as np

from course_utils._validation import non_negative_int


def mean_std(values):
    """Mean and (population) standard deviation of a non-empty list of numbers, as floats."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError(f"values must be a non-empty list of finite numbers, got {values!r}.")
    return round(float(values.mean()), 12), round(float(values.std()), 12)


def format_row(metric, values, baseline, seconds):
    """One Markdown table row: metric, mean ± std over seeds, baseline, mean seconds per run."""
    mean, std = mean_std(values)
    base = "—" if baseline is None else f"{baseline:.3f}"
    return f"| {metric} | {mean:.3f} ± {std:.3f} | {base} | {np.mean(seconds):.0f} s |"


def sentiment(seed):
    """Notebook 07: LSTM and BiLSTM on the movie-review sentences vs the majority class and the lexicon alone."""
    from course_utils.datasets import load_movie_reviews
    from course_utils.sentiment import lexicon_baseline, prepare_reviews, train_sentiment

    reviews = load_movie_reviews(seed=0)
    scores = load_movie_reviews(seed=0, target="score")["train"][1]
    prepared = prepare_reviews(reviews)
    ids, labels = prepared["ids"], prepared["labels"]
    majority = int(np.bincount(labels["train"]).argmax())
    rows = []
    for split in ("validation", "test"):  # no training, so the same on every seed
        accuracy = float(np.mean(lexicon_baseline(ids[split], prepared["valence"]) == labels[split]))
        rows.append(
            (f"sentiment lexicon alone {split} accuracy", accuracy, float(np.mean(labels[split] == majority)), 0)
        )
    for bidirectional, name in ((False, "LSTM"), (True, "BiLSTM")):
        start = time.perf_counter()
        result = train_sentiment(
            bidirectional,
            ids,
            labels,
            scores,
            seed=seed,
            embeddings=prepared["embeddings"],
            valence=prepared["valence"],
        )
        seconds = time.perf_counter() - start
        for split in ("validation", "test"):
            baseline = float(np.mean(labels[split] == majority))
            rows.append((f"sentiment {name} {split} accuracy", result[split], baseline, seconds))
    return rows


#: Notebook 09's two taggers (recipe "glove", chosen on validation), then what only the benchmark trains:
#: the same CRF with the character CNN added, and the words-only CRF (what GloVe adds).
TAGGERS = (
    ("glove", False, "BiLSTM-softmax (GloVe)"),
    ("glove", True, "BiLSTM-CRF (GloVe)"),
    ("glove+characters", True, "BiLSTM-CRF (GloVe + characters)"),
    ("words", True, "BiLSTM-CRF (words only)"),
)


def tagger(seed):
    """Notebook 09: its taggers (``TAGGERS``) vs the majority tag; entity F1, and test precision and recall."""
    from course_utils.datasets import load_twitter_ner
    from course_utils.ner_recipes import train_tagger
    from course_utils.tagging import MajorityTagger, entity_scores, ids_to_tags

    data = load_twitter_ner()
    names = data.info["tags"]
    gold = {s: ids_to_tags(data[s][1], data[s][0] != "", names) for s in ("validation", "test")}

    def scores(predict, split):
        tokens = data[split][0]
        return entity_scores(gold[split], ids_to_tags(predict(tokens), tokens != "", names))

    majority = MajorityTagger().fit(*data["train"])
    base = {s: scores(majority.predict, s) for s in gold}
    rows = []
    for recipe, use_crf, model_name in TAGGERS:
        start = time.perf_counter()
        _, predict = train_tagger(data, recipe, use_crf, seed=seed)
        seconds = time.perf_counter() - start
        for split in ("validation", "test"):
            got = scores(predict, split)
            rows.append((f"NER {model_name} {split} entity F1", got.f1, base[split].f1, seconds))
        rows += [
            (f"NER {model_name} test {m}", getattr(got, m), getattr(base["test"], m), seconds)
            for m in ("precision", "recall")
        ]
    return rows


def charlm(seed):
    """Notebook 08: the character GRU on Python source (codelm's recipe) vs the Kneser-Ney n-gram, bits/char."""
    from course_utils.codelm import BASELINE_ORDER, EPOCHS, bits_per_char_on, corpus, train
    from course_utils.ngram import CharNGram

    texts, codec = corpus()
    ngram = CharNGram(order=BASELINE_ORDER).fit(texts["train"], codec.characters)
    base = {s: ngram.cross_entropy(texts[s]) / np.log(2) for s in ("validation", "test")}
    start = time.perf_counter()
    record, model = train(EPOCHS, seed=seed, log=lambda line: None, return_model=True)
    seconds = time.perf_counter() - start
    return [
        (f"char GRU (Python source) {s} bits/char", bits_per_char_on(model, codec, texts[s]), base[s], seconds)
        for s in ("validation", "test")
    ]


SHOWCASES = {"sentiment": sentiment, "tagger": tagger, "charlm": charlm}


def run(names, seeds, out=print):
    """Run the named showcases over ``seeds``; print and return the Markdown table's lines."""
    unknown = [n for n in names if n not in SHOWCASES]
    if unknown or not names:
        raise ValueError(f"unknown showcase(s) {unknown}; choose from {sorted(SHOWCASES)}.")
    seeds = [non_negative_int(s, "seed") for s in seeds]
    if not seeds:
        raise ValueError("seeds must name at least one seed, e.g. [0, 1, 2].")
    lines = [
        f"| metric (seeds {', '.join(map(str, seeds))}) | mean ± std | baseline | time per run |",
        "|---|---|---|---|",
    ]
    out("\n".join(lines))
    for name in names:
        collected = {}
        for seed in seeds:
            for metric, value, baseline, seconds in SHOWCASES[name](seed):
                collected.setdefault(metric, ([], baseline, []))
                collected[metric][0].append(value)
                collected[metric][2].append(seconds)
                out(f"  seed {seed}: {metric} = {value:.3f} ({seconds:.0f} s)")
        for metric, (values, baseline, seconds) in collected.items():
            lines.append(format_row(metric, values, baseline, seconds))
            out(lines[-1])
    return lines


def main(argv=None):
    from course_utils._environment import quiet_tensorflow

    quiet_tensorflow()  # the notebooks' settings (oneDNN off), so seed 0 here is the notebook's run
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", default=list(SHOWCASES), help=f"showcases, from {sorted(SHOWCASES)}")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    args = parser.parse_args(argv)
    lines = run(args.only, args.seeds, out=lambda line: print(line, flush=True))
    print("\nTable for the README:\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
