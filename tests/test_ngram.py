"""The smoothed character n-gram: hand-computed probabilities, proper distributions, clear errors."""

import math

import numpy as np
import pytest
from bad_input import assert_refused

from course_utils.ngram import CharNGram

TEXT = "to be, or not to be: that is the question.\nwhether 'tis nobler in the mind to suffer\n"


def test_bigram_probabilities_by_hand():
    # "abab": after "a" always "b" (2 times); continuation counts at order 1: a 1, b 1
    model = CharNGram(order=2, discount=0.5).fit("abab", vocabulary="ab")
    # P(b|a) = (2 - 0.5)/2 + 0.5 * 1/2 * P1(b);  P1(b) = (1 - 0.5)/2 + 0.5 * 2/2 * 1/2 = 0.5
    assert model.prob("b", "a") == pytest.approx(0.875)
    assert model.prob("a", "a") == pytest.approx(0.125)
    assert model.prob("a", "b") == pytest.approx((1 - 0.5) / 1 + 0.5 * 1 / 1 * 0.5)


def test_unigram_uses_raw_counts_by_hand():
    model = CharNGram(order=1, discount=0.5).fit("aab", vocabulary="abc")
    # P(c) = max(N(c) - D, 0)/N + D * T/N * 1/V with N = 3, T = 2, V = 3
    assert model.prob("a") == pytest.approx(1.5 / 3 + 0.5 * 2 / 3 / 3)
    assert model.prob("c") == pytest.approx(0.5 * 2 / 3 / 3)


def test_lower_order_uses_continuation_counts():
    # raw unigram counts a 3, b 1; but each was seen after only one distinct character
    model = CharNGram(order=2, discount=0.5).fit("aaab", vocabulary="ab")
    # "b" never precedes anything, so P(.|b) is the continuation unigram: (1 - 0.5)/2 + 0.5 * 1/2 = 0.5
    assert model.prob("b", "b") == pytest.approx(0.5)
    # (raw counts would have given (1 - 0.5)/4 + 0.5 * 2/4 * 1/2 = 0.25)


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_every_context_gives_a_distribution(order):
    model = CharNGram(order=order).fit(TEXT)
    for context in ["", "t", "to b", "zzz", "qu", TEXT[:30]]:
        context = "".join(c for c in context if c in model.vocabulary)
        p = model.distribution(context)
        assert p.shape == (len(model.vocabulary),)
        assert np.all(p > 0) and p.sum() == pytest.approx(1.0, abs=1e-12)


def test_longer_context_fits_training_text_better_and_log_probs_agree():
    entropies = [CharNGram(order=n).fit(TEXT).cross_entropy(TEXT) for n in (1, 2, 3, 4)]
    assert all(a > b for a, b in zip(entropies, entropies[1:]))
    model = CharNGram(order=3).fit(TEXT)
    logp = model.log_probs(TEXT, start=5)
    assert logp.shape == (len(TEXT) - 5,)
    assert logp[0] == pytest.approx(math.log(model.prob(TEXT[5], TEXT[3:5])))
    assert model.cross_entropy(TEXT, start=5) == pytest.approx(-logp.mean())


def test_sampling_is_seeded_and_stays_in_vocabulary():
    model = CharNGram(order=3).fit(TEXT)
    a, b = model.sample(50, "to", seed=1), model.sample(50, "to", seed=1)
    assert a == b and len(a) == 50 and set(a) <= set(model.vocabulary)
    assert model.sample(50, "to", seed=2) != a


def test_bad_input_gives_clear_errors():
    with pytest.raises(ValueError, match="order must be a positive integer"):
        CharNGram(order=0)
    with pytest.raises(ValueError, match=r"discount must be a number in \(0, 1\]"):
        CharNGram(discount=1.5)
    with pytest.raises(ValueError, match="not fitted yet"):
        CharNGram().prob("a")
    with pytest.raises(ValueError, match="outside the model's vocabulary"):
        CharNGram().fit("abc", vocabulary="ab")
    model = CharNGram(order=2).fit("abab", vocabulary="ab")
    with pytest.raises(ValueError, match="outside the model's vocabulary"):
        model.prob("a", "xyz")
    with pytest.raises(ValueError, match="single character"):
        model.prob("ab")
    with pytest.raises(ValueError, match="start must be in"):
        model.log_probs("ab", start=2)
    with pytest.raises(ValueError, match="at least 2 characters"):
        CharNGram().fit("a")
    with pytest.raises(ValueError, match="must be a str"):
        CharNGram().fit(["a", "b"], vocabulary="ab")


MODEL = CharNGram(order=2).fit("abab", vocabulary="ab")
BAD_CALLS = [  # (what is wrong, call, the argument the message must name, what it must say)
    ("text not a str", lambda: CharNGram().fit(123), "text", "must be a str"),
    ("start not an int", lambda: MODEL.log_probs("abab", start=0.5), "start", "non-negative integer"),
    ("empty text", lambda: MODEL.log_probs(""), "text is empty", "no character to score"),
    ("empty text, cross-entropy", lambda: MODEL.cross_entropy(""), "text is empty", "no character to score"),
    ("negative seed", lambda: MODEL.sample(5, seed=-1), "seed", "non-negative integer"),
]


@pytest.mark.parametrize(("call", "name", "what"), [case[1:] for case in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_bad_input_is_refused_naming_the_argument(call, name, what):
    assert_refused(call, name, what)
