"""The Wikinews quotation scorer: alignment and token-overlap counts on hand-made records."""

from pipeline.evaluate.quotes import _Counts, align, score_article


def quote(message, speaker=(), cue=(), type_="Indirect"):
    return {"message": frozenset(message), "speaker": frozenset(speaker), "cue": frozenset(cue),
            "type": type_}


def test_align_pairs_by_largest_overlap_one_to_one():
    pred = [quote(range(0, 10)), quote(range(20, 25))]
    gold = [quote(range(21, 26)), quote(range(2, 12))]
    assert sorted(align(pred, gold)) == [(0, 1), (1, 0)]


def test_align_gives_an_equal_overlap_to_the_closer_gold():
    """A quoted phrase overlaps the gold sentence quote and the gold phrase nested in it by
    the same count; it belongs to the phrase (text order would give it the sentence)."""
    sentence = quote(range(0, 20))
    phrase = quote(range(10, 14), type_="Direct")
    assert align([quote(range(10, 14), type_="Direct")], [sentence, phrase]) == [(0, 1)]


def test_score_article_counts_tokens_of_aligned_parts():
    counts = {"all": _Counts(), "_n": _Counts()}
    pred = [quote(range(0, 10), speaker=[30, 31], cue=[32])]
    gold = [quote(range(0, 8), speaker=[30], cue=[32])]
    score_article(pred, gold, counts)
    got = counts["all"].scores()
    assert (got["message"]["p"], got["message"]["r"]) == (0.8, 1.0)
    assert (got["speaker"]["p"], got["speaker"]["r"]) == (0.5, 1.0)
    assert got["cue"]["f"] == 1.0


def test_align_order_ties_keeps_the_earlier_scorer():
    """``order_ties`` gives an equal overlap to the first gold quotation in text order."""
    sentence = quote(range(0, 20))
    phrase = quote(range(10, 14), type_="Direct")
    assert align([quote(range(10, 14))], [sentence, phrase], order_ties=True) == [(0, 0)]
