"""Web unigram and bigram counts: the evidence for splitting a token."""

from __future__ import annotations

import pytest

from pipeline.normalize import ngrams


@pytest.mark.parametrize(
    "joined, first, second",
    [("ifyou", "if", "you"), ("ofthe", "of", "the"), ("tomake", "to", "make"), ("kindof", "kind", "of")],
)
def test_ngrams_typed_run_togethers_are_far_rarer_than_their_bigram(joined, first, second):
    assert ngrams.pair_logp(first, second) - ngrams.word_logp(joined) > 2


@pytest.mark.parametrize("word", ["cannot", "maybe", "workout", "alongside", "together"])
def test_ngrams_closed_compounds_are_not_rarer_than_their_parts(word):
    for i in range(1, len(word)):
        pair = ngrams.pair_logp(word[:i], word[i:])
        assert pair is None or pair - ngrams.word_logp(word) < 1.2


@pytest.mark.parametrize("word, known", [("anew", True), ("herniation", True), ("atleast", False), ("inthe", False)])
def test_ngrams_in_dictionary(word, known):
    assert ngrams.in_dictionary(word) is known


def test_ngrams_unknown_words_have_no_probability():
    assert ngrams.word_logp("legstogether") is None and ngrams.sequence_logp(("legs", "zzqx")) is None
