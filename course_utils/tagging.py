"""Sequence labelling with BIO tags: entities, entity-level precision/recall/F1, a baseline, highlighting.

In the BIO scheme each token is tagged ``O`` (outside any entity), ``B-type`` (first token
of an entity) or ``I-type`` (inside it, after the first). Named-entity recognition is
scored on **whole entities**, not tokens: a predicted entity counts only if its type and
both its boundaries equal a gold entity's. Then

    precision = correct / predicted,  recall = correct / gold,  F1 = 2PR / (P + R)

(0 where a denominator is 0). By default an ``I-x`` that does not continue an ``x`` entity
starts a new one, as the CoNLL ``conlleval`` script (and seqeval's default) count it;
``strict=True`` ignores such stray ``I-x`` tokens.

    >>> bio_entities(["B-person", "I-person", "O", "I-geo-loc"])
    [('person', 0, 2), ('geo-loc', 3, 4)]
    >>> entity_scores([["B-person", "I-person", "O"]], [["B-person", "O", "O"]])
    EntityScores(precision=0.0, recall=0.0, f1=0.0, correct=0, predicted=1, gold=1)
"""

from collections import Counter
from html import escape
from numbers import Real
from typing import NamedTuple

import numpy as np

from course_utils._validation import boolean, finite, float_array, non_negative_int


class EntityScores(NamedTuple):
    precision: float
    recall: float
    f1: float
    correct: int
    predicted: int
    gold: int


def _split(tag, where):
    if not isinstance(tag, str):
        raise ValueError(f"tags must be strings such as 'O', 'B-person', 'I-person'; got {tag!r} {where}.")
    if tag == "O":
        return "O", None
    prefix, _, kind = tag.partition("-")
    if prefix not in ("B", "I") or not kind:
        raise ValueError(f"{tag!r} {where} is not a BIO tag: use 'O', 'B-<type>' or 'I-<type>'.")
    return prefix, kind


def bio_entities(tags, strict=False):
    """The entities of one tagged sentence as ``(type, start, end)`` with ``end`` exclusive."""
    boolean(strict, "strict")
    entities, current = [], None  # current: (type, start) of the open entity
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, kind = _split(tag, f"at position {i}")
        if current and (prefix != "I" or kind != current[0]):
            entities.append((current[0], current[1], i))
            current = None
        if prefix == "B" or (prefix == "I" and current is None and not strict):
            current = (kind, i)
    return entities


def _check_corpus(gold, predicted):
    gold, predicted = list(gold), list(predicted)
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} sentences but predicted has {len(predicted)}.")
    if not gold:
        raise ValueError(
            "gold and predicted are empty: there is nothing to score. Pass the tagged sentences of a split "
            "(an empty list usually means an empty split or a generator that was already used up)."
        )
    for i, (g, p) in enumerate(zip(gold, predicted)):
        if isinstance(g, str) or isinstance(p, str):
            raise ValueError("pass lists of sentences, each a list of tags (not a single sentence).")
        if len(g) != len(p):
            raise ValueError(f"sentence {i}: gold has {len(g)} tags but predicted has {len(p)}.")
    return gold, predicted


def _scores(correct, predicted, gold):
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return EntityScores(p, r, f, correct, predicted, gold)


def entity_scores(gold, predicted, strict=False, by_type=False):
    """Entity-level precision, recall and F1 over a corpus (lists of sentences of tags).

    With ``by_type=True`` returns ``{type: EntityScores}`` for every type in gold or predicted.
    A corpus with no entities at all, in gold or predicted, scores 0 (as ``conlleval``
    reports it: nothing was found); an empty corpus (no sentences) is refused.

    >>> entity_scores([["O", "O"]], [["O", "O"]])
    EntityScores(precision=0.0, recall=0.0, f1=0.0, correct=0, predicted=0, gold=0)
    >>> entity_scores([], [])
    Traceback (most recent call last):
    ...
    ValueError: gold and predicted are empty: there is nothing to score. Pass the tagged sentences of a split (an empty list usually means an empty split or a generator that was already used up).
    """
    gold, predicted = _check_corpus(gold, predicted)
    want = {(i, *e) for i, tags in enumerate(gold) for e in bio_entities(tags, strict)}
    got = {(i, *e) for i, tags in enumerate(predicted) for e in bio_entities(tags, strict)}
    if not by_type:
        return _scores(len(want & got), len(got), len(want))
    kinds = sorted({e[1] for e in want | got})
    return {
        k: _scores(len({e for e in want & got if e[1] == k}), sum(e[1] == k for e in got), sum(e[1] == k for e in want))
        for k in kinds
    }


def ids_to_tags(tag_ids, mask, tag_names):
    """Padded tag ids (sentences, T) and their mask → a list of sentences of tag strings."""
    tag_ids, mask = np.asarray(tag_ids), np.asarray(mask, dtype=bool)
    if tag_ids.ndim != 2 or tag_ids.shape != mask.shape:
        raise ValueError(f"tag_ids {tag_ids.shape} and mask {mask.shape} must both be (sentences, T).")
    if tag_ids.size and not np.issubdtype(tag_ids.dtype, np.integer):
        raise ValueError(f"tag_ids must be integer tag ids, got {tag_ids.dtype}. Use e.g. predict_tags(...).")
    real = tag_ids[mask]
    if real.size and (real.min() < 0 or real.max() >= len(tag_names)):
        raise ValueError(f"tag ids on real tokens must be in 0..{len(tag_names) - 1}.")
    return [[tag_names[i] for i in row[m].tolist()] for row, m in zip(tag_ids, mask)]


class MajorityTagger:
    """Baseline: tag each token with the tag it had most often in training; unseen tokens get ``O``.

    It knows single words, not context: "Apple" gets one tag whatever the tweet says.
    Works on the loaders' padded arrays: tokens (sentences, T) with ``""`` padding and
    tag ids of the same shape. Ties go to the smaller tag id (``O`` first).
    """

    def __init__(self, default_tag=0):
        self.default_tag = non_negative_int(default_tag, "default_tag", "Use the id of 'O', e.g. 0.")
        self.table = None

    def fit(self, tokens, tag_ids):
        tokens, tag_ids = np.asarray(tokens, dtype=object), np.asarray(tag_ids)
        if tokens.shape != tag_ids.shape:
            raise ValueError(f"tokens {tokens.shape} and tag_ids {tag_ids.shape} must have the same shape.")
        counts = {}
        for token, tag in zip(tokens[tokens != ""].tolist(), tag_ids[tokens != ""].tolist()):
            counts.setdefault(token, Counter())[tag] += 1
        self.table = {t: min(c, key=lambda tag: (-c[tag], tag)) for t, c in counts.items()}
        return self

    def predict(self, tokens):
        if self.table is None:
            raise ValueError("this MajorityTagger is not fitted yet: call .fit(tokens, tag_ids) first.")
        tokens = np.asarray(tokens, dtype=object)
        out = np.array([self.table.get(t, self.default_tag) for t in tokens.ravel().tolist()], dtype=np.int32)
        return np.where(tokens != "", out.reshape(tokens.shape), 0)


PALETTE = ("#fde68a", "#bfdbfe", "#bbf7d0", "#fecaca", "#ddd6fe", "#fed7aa", "#a5f3fc", "#f5d0fe", "#d9f99d", "#e5e7eb")


def highlight_entities(tokens, tags, label=None, types=None):
    """One sentence as HTML, each entity in a coloured ``<mark>`` with its type beneath.

    ``types`` fixes the colour order (e.g. ``data.info["types"]``) so one type keeps its
    colour across calls. Tokens are HTML-escaped (tweets contain ``<``, ``&``).
    """
    tokens, tags = list(tokens), list(tags)
    if len(tokens) != len(tags):
        raise ValueError(f"{len(tokens)} tokens but {len(tags)} tags.")
    entities = bio_entities(tags)
    kinds = list(types) if types is not None else sorted({e[0] for e in entities})
    missing = {e[0] for e in entities} - set(kinds)
    if missing:
        raise ValueError(f"entity types {sorted(missing)} are not in types.")
    starts = {start: (kind, end) for kind, start, end in entities}
    parts, i = [], 0
    while i < len(tokens):
        if i in starts:
            kind, end = starts[i]
            colour = PALETTE[kinds.index(kind) % len(PALETTE)]
            words = escape(" ".join(map(str, tokens[i:end])))
            parts.append(
                f'<mark style="background:{colour};padding:1px 3px;border-radius:3px">{words}'
                f' <sub style="font-size:70%">{escape(kind)}</sub></mark>'
            )
            i = end
        else:
            parts.append(escape(str(tokens[i])))
            i += 1
    head = f"<b>{escape(label)}:</b> " if label else ""
    return f'<div style="line-height:2">{head}{" ".join(parts)}</div>'


def score_breakdown(emissions, tags, transitions, start=None, end=None):
    """COMP-550 Lecture 10's score of one tagged sentence, term by term: ``s[y_1] + Σ E[t, y_t] + Σ A[y_{t-1}, y_t] + e[y_L]``.

    ``emissions`` (L, K) for the sentence's L real tokens, ``tags`` (L,) ids, ``transitions``
    (K, K), ``start``/``end`` (K,) or None (zeros). Returns a dict with ``emission`` (L,),
    ``transition`` (L,; entry t is A[y_{t-1}, y_t], 0 for t = 0), ``start``, ``end`` and ``total``.
    """
    E, A = float_array(emissions, "emissions"), float_array(transitions, "transitions")
    y = np.asarray(tags)
    if E.ndim != 2 or A.shape != (E.shape[1],) * 2 or y.shape != (E.shape[0],) or len(y) == 0:
        raise ValueError(
            f"need emissions (L, K), tags (L,) and transitions (K, K); got {E.shape}, {y.shape}, {A.shape}."
        )
    k = E.shape[1]
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= k:
        raise ValueError(f"tags must be integer ids in 0..{k - 1}, got {y.dtype} values from {y.min()} to {y.max()}.")
    s = np.zeros(k) if start is None else float_array(start, "start")
    e = np.zeros(k) if end is None else float_array(end, "end")
    if s.shape != (k,) or e.shape != (k,):
        raise ValueError(f"start and end must have shape ({k},).")
    for name, array in (("emissions", E), ("transitions", A), ("start", s), ("end", e)):
        finite(array, name, "A NaN or infinite score makes the total meaningless.")
    emission = E[np.arange(len(y)), y]
    transition = np.concatenate([[0.0], A[y[:-1], y[1:]]])
    total = s[y[0]] + emission.sum() + transition.sum() + e[y[-1]]
    return {"emission": emission, "transition": transition, "start": s[y[0]], "end": e[y[-1]], "total": total}


def bootstrap_f1(gold, predicted, rounds=1000, level=0.9, seed=0, strict=False):
    """A bootstrap interval for entity F1: resample the sentences with replacement ``rounds`` times.

    With a few hundred entities F1 moves by several points from one test set to another;
    the interval says how much. Returns ``(low, high)``, the central ``level`` share of the
    resampled F1 values.
    """
    from course_utils._validation import positive_int

    gold, predicted = _check_corpus(gold, predicted)
    rounds = positive_int(rounds, "rounds", "Use e.g. rounds=1000.")
    seed = non_negative_int(seed, "seed", "Use a fixed integer such as 0.")
    if isinstance(level, bool) or not isinstance(level, Real) or not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}.")
    counts = np.zeros((len(gold), 3))
    for i, (g, p) in enumerate(zip(gold, predicted)):
        want, got = set(bio_entities(g, strict)), set(bio_entities(p, strict))
        counts[i] = len(want & got), len(got), len(want)
    rng = np.random.default_rng(seed)
    sums = counts[rng.integers(0, len(gold), size=(rounds, len(gold)))].sum(axis=1)
    correct, pred_n, gold_n = sums.T
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.nan_to_num(2 * correct / (pred_n + gold_n))  # = 2PR/(P+R)
    low, high = np.quantile(f1, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)
