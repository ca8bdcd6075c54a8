"""A smoothed character n-gram language model: the baseline a character-level RNN has to beat.

An order-``n`` model predicts the next character from the ``n − 1`` characters before it,
from counts in the training text. Raw counts give probability 0 to anything unseen (and an
infinite loss), so the counts are *smoothed* by **interpolated Kneser-Ney**:

    P_n(c | h) = max(N(h c) − D, 0) / N(h·)  +  D · T(h) / N(h·) · P_{n−1}(c | h')

* ``h'`` is ``h`` without its first character, ``D`` a fixed discount (0 < D ≤ 1);
* ``N(h·)`` counts ``h`` followed by anything, ``T(h)`` the distinct characters seen after ``h``:
  the discounted mass ``D · T(h)`` goes to the shorter context;
* the highest order uses raw counts, the lower orders *continuation counts* (in how many
  distinct contexts a string was seen), Kneser and Ney's idea: a character that only
  ever follows one context should not get a large share when the longer context is unseen;
* the recursion ends in the uniform distribution over the vocabulary, so every character
  of the vocabulary gets a probability > 0, and the probabilities of each context sum to 1.

    >>> model = CharNGram(order=2, discount=0.5).fit("abab", vocabulary="ab")
    >>> round(model.prob("b", "a"), 4), round(model.prob("a", "a"), 4)
    (0.875, 0.125)
    >>> round(float(model.distribution("a").sum()), 6)
    1.0
"""

import math
from collections import Counter, defaultdict

import numpy as np

from course_utils._validation import non_negative_int, number, positive_int


def _check_text(text, name, vocabulary):
    if not isinstance(text, str):
        raise ValueError(f"{name} must be a str, got {type(text).__name__}.")
    unknown = sorted(set(text) - set(vocabulary))
    if unknown:
        raise ValueError(
            f"{name} has characters outside the model's vocabulary: {unknown[:10]}. "
            "Fit on a vocabulary that covers every split (e.g. load_hamlet().info['vocabulary'])."
        )
    return text


class CharNGram:
    """Character n-gram language model with interpolated Kneser-Ney smoothing.

    ``order`` is n (1 = unigram: no context at all); ``discount`` is D in (0, 1].
    Call :meth:`fit` with the training text and the vocabulary (all characters the
    model may ever be asked about).
    """

    def __init__(self, order=4, discount=0.75):
        self.order = positive_int(order, "order", "Use e.g. order=4 (three characters of context).")
        self.discount = number(discount, "discount", "Use e.g. 0.75.", above=0, at_most=1)
        self.vocabulary = None

    def fit(self, text, vocabulary=None):
        """Count every n-gram of ``text`` (orders 1…n); returns the model itself."""
        if not isinstance(text, str):
            raise ValueError(f"text must be a str (the training text), got {type(text).__name__}.")
        if vocabulary is None:
            vocabulary = sorted(set(text)) if isinstance(text, str) else ()
        vocabulary = tuple(sorted(set(vocabulary)))
        if not vocabulary or not all(isinstance(c, str) and len(c) == 1 for c in vocabulary):
            raise ValueError("vocabulary must be a non-empty collection of single characters.")
        text = _check_text(text, "text", vocabulary)
        if len(text) < 2:
            raise ValueError(f"text must have at least 2 characters to count from, got {len(text)}.")
        n = self.order
        # counts[k][h][c]: how often character c follows the k-character context h. The top
        # order (k = n - 1) keeps raw counts, the lower orders continuation counts.
        levels = [defaultdict(Counter) for _ in range(n)]
        raw = Counter(text[i : i + n] for i in range(len(text) - n + 1))
        for gram, count in raw.items():
            levels[n - 1][gram[:-1]][gram[-1]] += count
        for m in range(2, n + 1):  # each distinct character x seen before "h c" adds 1 to N(h c)
            for gram in set(text[i : i + m] for i in range(len(text) - m + 1)):
                levels[m - 2][gram[1:-1]][gram[-1]] += 1
        for k in range(min(n, len(text))):  # the text's first k-gram has no left neighbour: count it too
            gram = text[: k + 1]
            if not levels[k][gram[:-1]][gram[-1]]:
                levels[k][gram[:-1]][gram[-1]] = 1
        self.vocabulary = vocabulary
        self._levels = [self._freeze(level) for level in levels]
        return self

    @staticmethod
    def _freeze(level):
        return {h: (dict(cs), sum(cs.values()), len(cs)) for h, cs in level.items() if cs}

    def _require_fit(self):
        if self.vocabulary is None:
            raise ValueError("this CharNGram is not fitted yet: call model.fit(text, vocabulary) first.")

    def prob(self, char, context=""):
        """``P(char | context)``: only the last ``order − 1`` characters of ``context`` matter."""
        self._require_fit()
        _check_text(char, "char", self.vocabulary)
        if len(char) != 1:
            raise ValueError(f"char must be a single character, got {char!r}.")
        _check_text(context, "context", self.vocabulary)
        return self._prob(char, context)

    def _prob(self, char, context):
        p = 1.0 / len(self.vocabulary)
        d = self.discount
        usable = min(len(context), self.order - 1)
        for k in range(usable + 1):
            h = context[len(context) - k :] if k else ""
            stats = self._levels[k].get(h)  # k = order - 1: raw counts; shorter: continuation counts
            if stats is None:
                break
            counts, total, types = stats
            p = max(counts.get(char, 0) - d, 0.0) / total + d * types / total * p
        return p

    def distribution(self, context=""):
        """``P(· | context)`` over :attr:`vocabulary` as a NumPy array (sums to 1)."""
        self._require_fit()
        _check_text(context, "context", self.vocabulary)
        return np.array([self._prob(c, context) for c in self.vocabulary])

    def log_probs(self, text, start=1):
        """Natural-log probability of each ``text[i]`` given ``text[:i]``, for ``i ≥ start``."""
        self._require_fit()
        _check_text(text, "text", self.vocabulary)
        if not text:
            raise ValueError("text is empty: there is no character to score.")
        start = non_negative_int(start, "start", "Use start=1: the first character has no context.")
        if not 0 <= start < len(text):
            raise ValueError(f"start must be in 0..{len(text) - 1} for a text of {len(text)} characters, got {start}.")
        n = self.order
        return np.array([math.log(self._prob(text[i], text[max(0, i - n + 1) : i])) for i in range(start, len(text))])

    def cross_entropy(self, text, start=1):
        """Average ``−log P`` (nats per character) over ``text[start:]``."""
        return float(-self.log_probs(text, start).mean())

    def sample(self, length, context="", seed=0):
        """Generate ``length`` characters after ``context`` (for comparing with the RNN's samples)."""
        self._require_fit()
        length = positive_int(length, "length", "Use e.g. length=200.")
        _check_text(context, "context", self.vocabulary)
        rng = np.random.default_rng(non_negative_int(seed, "seed", "Use a fixed integer such as 0."))
        text = context
        for _ in range(length):
            p = self.distribution(text[max(0, len(text) - self.order + 1) :] if self.order > 1 else "")
            text += self.vocabulary[rng.choice(len(p), p=p / p.sum())]
        return text[len(context) :]
