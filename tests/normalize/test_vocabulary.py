"""Protected word sets, known words and word similarity."""

from __future__ import annotations

import pytest

from pipeline.normalize import default_vocabulary, vocabulary


def test_vocabulary_default_protects_domain_words():
    vocab = default_vocabulary()
    for word in ("glutes", "hamstring", "psoas", "knees", "chest", "stretch"):
        assert word in vocab.words
    assert ("knee", "to", "chest", "stretch") in vocab.phrases
    assert {"knees", "glutes", "chest"} <= vocab.body_parts and "towel" not in vocab.body_parts


@pytest.mark.parametrize(
    "word, known",
    [("immediately", True), ("sural", True), ("criss", True), ("immediatly", False), ("seperate", False)],
)
def test_vocabulary_is_known(word, known):
    assert vocabulary.is_known(word) is known


@pytest.mark.parametrize("word, ok", [("tightness", True), ("herniation", True), ("gether", False), ("xqz", False)])
def test_vocabulary_is_word(word, ok):
    assert vocabulary.is_word(word) is ok


def test_vocabulary_nearest_words_prefers_one_edit():
    assert vocabulary.nearest_words("forard")[0] == ("forward", 1)
