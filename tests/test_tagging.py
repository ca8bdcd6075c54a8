"""Entity-level scores for BIO tags (hand-computed cases), the majority-tag baseline, HTML, score terms."""

import numpy as np
import pytest
from bad_input import assert_refused

from course_utils import tagging
from course_utils.tagging import EntityScores, bio_entities, entity_scores


def test_bio_entities_conlleval_and_strict():
    tags = ["B-person", "I-person", "O", "I-geo-loc", "I-geo-loc", "B-person", "B-person", "I-company"]
    assert bio_entities(tags) == [
        ("person", 0, 2),
        ("geo-loc", 3, 5),
        ("person", 5, 6),
        ("person", 6, 7),
        ("company", 7, 8),
    ]
    # strict: a stray I- (no B- of its type before it) is not an entity
    assert bio_entities(tags, strict=True) == [("person", 0, 2), ("person", 5, 6), ("person", 6, 7)]
    assert bio_entities(["B-x", "I-y", "I-y"]) == [("x", 0, 1), ("y", 1, 3)]
    assert bio_entities(["O", "O"]) == [] and bio_entities([]) == []


def test_scores_by_hand():
    gold = [["B-person", "I-person", "O", "B-geo-loc"], ["O", "B-company", "O"]]
    pred = [["B-person", "I-person", "O", "B-person"], ["O", "B-company", "I-company"]]
    # gold: person(0,0-2) geo(0,3-4) company(1,1-2); predicted: person(0,0-2) person(0,3-4) company(1,1-3)
    # correct: only person(0,0-2) -> P = 1/3, R = 1/3, F1 = 1/3
    got = entity_scores(gold, pred)
    assert got == pytest.approx(EntityScores(1 / 3, 1 / 3, 1 / 3, 1, 3, 3))
    by_type = entity_scores(gold, pred, by_type=True)
    assert by_type["person"] == pytest.approx(EntityScores(0.5, 1.0, 2 / 3, 1, 2, 1))
    assert by_type["geo-loc"] == (0.0, 0.0, 0.0, 0, 0, 1)
    assert by_type["company"] == (0.0, 0.0, 0.0, 0, 1, 1)


def test_perfect_empty_and_partial_boundaries():
    gold = [["B-a", "I-a", "O"]]
    assert entity_scores(gold, gold).f1 == 1.0
    assert entity_scores(gold, [["O", "O", "O"]]) == (0.0, 0.0, 0.0, 0, 0, 1)  # nothing predicted: P = 0 by convention
    assert entity_scores([["O"]], [["O"]]) == (0.0, 0.0, 0.0, 0, 0, 0)
    # a wrong boundary is a miss AND a false alarm
    assert entity_scores(gold, [["B-a", "O", "O"]]) == (0.0, 0.0, 0.0, 0, 1, 1)
    # P = 2/3, R = 2/4 -> F1 = 2PR/(P+R) = 4/7
    g = [["B-a", "O", "B-b", "O", "B-a", "B-c"]]
    p = [["B-a", "O", "B-b", "O", "B-c", "O"]]
    assert entity_scores(g, p).f1 == pytest.approx(4 / 7)
    p2 = [["B-a", "O", "B-b", "O", "B-c", "B-c"]]  # c at 4 is wrong, c at 5 right: P = R = 3/4
    assert entity_scores(g, p2) == pytest.approx(EntityScores(0.75, 0.75, 0.75, 3, 4, 4))


def test_bad_tags_and_shapes_give_clear_errors():
    with pytest.raises(ValueError, match="'X-person' at position 1 is not a BIO tag"):
        bio_entities(["O", "X-person"])
    with pytest.raises(ValueError, match="'B-' at position 0 is not a BIO tag"):
        bio_entities(["B-"])
    with pytest.raises(ValueError, match="gold has 1 sentences but predicted has 2"):
        entity_scores([["O"]], [["O"], ["O"]])
    with pytest.raises(ValueError, match="sentence 0: gold has 2 tags but predicted has 1"):
        entity_scores([["O", "O"]], [["O"]])
    with pytest.raises(ValueError, match="lists of sentences"):
        entity_scores(["O", "O"], ["O", "O"])
    with pytest.raises(ValueError, match="tags must be strings"):
        bio_entities([0, 1])


def test_ids_to_tags_and_majority_baseline():
    names = ("O", "B-x", "I-x")
    ids = np.array([[1, 2, 0, 0], [0, 1, 0, 0]])
    mask = np.array([[True, True, True, False], [True, True, False, False]])
    assert tagging.ids_to_tags(ids, mask, names) == [["B-x", "I-x", "O"], ["O", "B-x"]]
    with pytest.raises(ValueError, match=r"must be in 0..2"):
        tagging.ids_to_tags(ids + 3, mask, names)
    tokens = np.array([["New", "York", "is", ""], ["York", "New", "", ""], ["New", "is", "", ""]], dtype=object)
    tags = np.array([[1, 2, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]])
    baseline = tagging.MajorityTagger().fit(tokens, tags)
    # "New": B-x once, O twice -> O; "York": I-x once, B-x once -> tie -> smaller id B-x
    assert baseline.table == {"New": 0, "York": 1, "is": 0}
    assert baseline.predict(np.array([["York", "Paris", ""]], dtype=object)).tolist() == [[1, 0, 0]]
    with pytest.raises(ValueError, match="not fitted yet"):
        tagging.MajorityTagger().predict(tokens)


def test_highlight_escapes_and_marks_entities():
    html = tagging.highlight_entities(
        ["I", "<3", "New", "York", "&", "@bob"],
        ["O", "O", "B-geo-loc", "I-geo-loc", "O", "B-person"],
        label="gold",
        types=("geo-loc", "person"),
    )
    assert "&lt;3" in html and " &amp; " in html and "<b>gold:</b>" in html
    assert html.count("<mark") == 2 and "New York <sub" in html and tagging.PALETTE[1] in html
    with pytest.raises(ValueError, match="2 tokens but 1 tags"):
        tagging.highlight_entities(["a", "b"], ["O"])
    with pytest.raises(ValueError, match=r"entity types \['person'\] are not in types"):
        tagging.highlight_entities(["a"], ["B-person"], types=("geo-loc",))


def test_score_breakdown_adds_up_to_the_crf_score():
    from course_utils import crf
    from course_utils._keras import keras

    rng = np.random.default_rng(0)
    E, A = rng.normal(size=(5, 4)), rng.normal(size=(4, 4))
    s, e, y = rng.normal(size=4), rng.normal(size=4), np.array([0, 2, 2, 1, 3])
    parts = tagging.score_breakdown(E, y, A, s, e)
    assert parts["emission"][1] == E[1, 2] and parts["transition"][1] == A[0, 2] and parts["transition"][0] == 0
    assert parts["total"] == pytest.approx(
        parts["start"] + parts["emission"].sum() + parts["transition"].sum() + parts["end"]
    )
    want = keras.ops.convert_to_numpy(
        crf.sequence_score(
            E[None].astype("float32"), y[None], A.astype("float32"), None, s.astype("float32"), e.astype("float32")
        )
    )[0]
    assert parts["total"] == pytest.approx(float(want), abs=1e-4)
    with pytest.raises(ValueError, match="need emissions"):
        tagging.score_breakdown(E, y[:3], A)
    with pytest.raises(ValueError, match="tags must be integer ids in 0..3"):
        tagging.score_breakdown(E, y + 1, A)


def test_bootstrap_interval_brackets_the_score():
    gold = [["B-a", "O"], ["B-a", "O"], ["O", "B-b"], ["B-a", "I-a"]] * 5
    pred = [["B-a", "O"], ["O", "O"], ["O", "B-b"], ["B-a", "O"]] * 5
    low, high = tagging.bootstrap_f1(gold, pred, rounds=300, seed=0)
    assert low <= entity_scores(gold, pred).f1 <= high and 0 <= low < high <= 1
    assert tagging.bootstrap_f1(gold, pred, rounds=300, seed=0) == (low, high)
    with pytest.raises(ValueError, match="rounds must be a positive integer"):
        tagging.bootstrap_f1(gold, pred, rounds=0)


GOLD = [["B-a", "O"]]
BAD_CALLS = [  # (what is wrong, call, the argument the message must name, what it must say)
    ("no sentences", lambda: entity_scores([], []), "gold and predicted are empty", "nothing to score"),
    ("no sentences, by type", lambda: entity_scores([], [], by_type=True), "gold and predicted", "nothing to score"),
    ("bootstrap of nothing", lambda: tagging.bootstrap_f1([], []), "gold and predicted", "nothing to score"),
    ("negative seed", lambda: tagging.bootstrap_f1(GOLD, GOLD, seed=-1), "seed", "non-negative integer"),
    ("level not a number", lambda: tagging.bootstrap_f1(GOLD, GOLD, level="90%"), "level", "between 0 and 1"),
    ("float tag ids", lambda: tagging.ids_to_tags([[0.0, 1.0]], [[1, 1]], ["O", "B-a"]), "tag_ids", "integer"),
    ("default tag not an id", lambda: tagging.MajorityTagger("O"), "default_tag", "non-negative integer"),
    ("NaN emission", lambda: tagging.score_breakdown([[np.nan, 0.0]], [0], np.zeros((2, 2))), "emissions", "NaN"),
    ("inf transition", lambda: tagging.score_breakdown([[0.0, 0.0]], [0], [[0, np.inf], [0, 0]]), "transitions", "NaN"),
    ("NaN start", lambda: tagging.score_breakdown([[0.0, 0.0]], [0], np.zeros((2, 2)), [np.nan, 0]), "start", "NaN"),
    ("float tags", lambda: tagging.score_breakdown([[0.0, 0.0]], [0.0], np.zeros((2, 2))), "tags", "integer ids"),
]


@pytest.mark.parametrize(("call", "name", "what"), [case[1:] for case in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_bad_input_is_refused_naming_the_argument(call, name, what):
    assert_refused(call, name, what)
