"""The dosage tokenizer: dosage notation splits, ordinary words do not."""

from __future__ import annotations

import pytest
import spacy

from pipeline.tokenizer import build_tokenizer_nlp, customize

SPLITS = [
    # dashes between numbers, like spaCy's own hyphen rule
    ("3–5 reps", ["3", "–", "5", "reps"]),
    ("3—5", ["3", "—", "5"]),
    ("8-10", ["8", "-", "10"]),
    ("2-3 sets", ["2", "-", "3", "sets"]),
    ("20–30s", ["20", "–", "30", "s"]),
    ("10-15reps", ["10", "-", "15", "reps"]),
    # units glued to numbers
    ("30s", ["30", "s"]),
    ("45S", ["45", "S"]),
    ("120s", ["120", "s"]),
    ("hold 30s.", ["hold", "30", "s", "."]),
    ("(30s)", ["(", "30", "s", ")"]),
    ("30sec", ["30", "sec"]),
    ("30secs", ["30", "secs"]),
    ("20seconds", ["20", "seconds"]),
    ("5min", ["5", "min"]),
    ("5mins", ["5", "mins"]),
    ("5m.", ["5", "m", "."]),
    ("10reps", ["10", "reps"]),
    ("1rep", ["1", "rep"]),
    # the multiplication sign
    ("10x", ["10", "x"]),
    ("10x.", ["10", "x", "."]),
    ("3X", ["3", "X"]),
    ("x10", ["x", "10"]),
    ("X10", ["X", "10"]),
    ("3x10", ["3", "x", "10"]),
    ("3X10", ["3", "X", "10"]),
    ("3×10", ["3", "×", "10"]),
    ("3 x 10", ["3", "x", "10"]),
    ("2x/day", ["2", "x", "/", "day"]),
    ("3x/week", ["3", "x", "/", "week"]),
    ("30sec/side", ["30", "sec", "/", "side"]),
    ("10reps/side", ["10", "reps", "/", "side"]),
]

UNCHANGED = [
    # words with an x, a dash or a digit keep spaCy's own tokens
    ("x-ray", ["x", "-", "ray"]),
    ("x-rays", ["x", "-", "rays"]),
    ("T-shape", ["T", "-", "shape"]),
    ("COVID-19", ["COVID-19"]),
    ("in the 1990s", ["in", "the", "1990s"]),
    ("the 1990s.", ["the", "1990s", "."]),
    ("MP3s", ["MP3s"]),
    ("Xbox", ["Xbox"]),
    ("max10", ["max10"]),
    ("mix", ["mix"]),
    ("3rd", ["3rd"]),
    ("1:30", ["1:30"]),
    ("sets/reps", ["sets", "/", "reps"]),
    ("a. first b. second", ["a.", "first", "b.", "second"]),
    ("30-second hold", ["30", "-", "second", "hold"]),
    ("1. Bridge", ["1", ".", "Bridge"]),
    ("50%", ["50", "%"]),
]


@pytest.mark.parametrize("text, tokens", SPLITS + UNCHANGED)
def test_tokenizer_splits_dosage_notation(text, tokens):
    assert [t.text for t in build_tokenizer_nlp()(text)] == tokens


@pytest.mark.parametrize("text", [text for text, _ in UNCHANGED if "1990s" not in text and "a." not in text])
def test_tokenizer_leaves_ordinary_words_as_spacy_does(text):
    assert [t.text for t in build_tokenizer_nlp()(text)] == [t.text for t in spacy.blank("en")(text)]


@pytest.mark.parametrize("text", ["Hold 20–30s, then 3x10 reps.", "x-ray in the 1990s"])
def test_tokenizer_keeps_text_intact(text):
    doc = build_tokenizer_nlp()(text)
    assert doc.text == text


def test_tokenizer_customize_is_what_build_uses():
    nlp = spacy.blank("en")
    customize(nlp)
    text = "hold 30s, 3x10, 2x/day, x-ray"
    assert [t.text for t in nlp(text)] == [t.text for t in build_tokenizer_nlp()(text)]


def test_tokenizer_build_is_cached():
    assert build_tokenizer_nlp() is build_tokenizer_nlp()
    assert build_tokenizer_nlp().pipe_names == []
