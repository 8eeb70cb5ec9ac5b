"""Shared text helpers: protected spans (URLs, e-mail, file names), span lookup, sentence starts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalize import text


@pytest.mark.parametrize(
    "source, protected",
    [
        ("see https://physio.example.org/back?x=1.", ["https://physio.example.org/back?x=1"]),
        ("mail jo.kay@clinic.co.uk today", ["jo.kay@clinic.co.uk"]),
        ("open Stretches_v2.pdf now", ["Stretches_v2.pdf"]),
        ("go to endyourpain.com/blogand today", ["endyourpain.com/blogand"]),
        # negatives: sentences glued at a full stop, decimals, abbreviations
        ("feel a tightness.It eases", []),
        ("hold 2.5 kg, e.g. a bottle", []),
        ("lean forward.the end", []),
    ],
)
def test_text_protected_spans(source, protected):
    assert [source[s:e] for s, e in text.protected_spans(source).spans] == protected


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 5)), max_size=8), st.integers(0, 60), st.integers(0, 5))
def test_text_spans_covers_agrees_with_brute_force(raw, start, length):
    spans, pos = [], 0
    for gap, size in raw:  # sorted, non-overlapping spans
        spans.append((pos + gap, pos + gap + size))
        pos += gap + size
    end = start + length
    expected = any(s < max(end, start + 1) and start < e for s, e in spans)
    assert text.Spans(spans).covers(start, end) == expected


@pytest.mark.parametrize(
    "source, word, initial",
    [
        ("Lie down. Bend", "Bend", True),
        ("1. Bend", "Bend", True),
        ("- Bend", "Bend", True),
        ("ask Dr. Kay", "Kay", False),
        ("then Jo said", "Jo", False),
    ],
)
def test_text_sentence_initial(source, word, initial):
    assert text.sentence_initial(source, source.index(word)) is initial


@given(st.text(alphabet=st.sampled_from("aZ’'- .\n9é"), max_size=40))
def test_text_word_tokens_agree_with_the_word_pattern(source):
    words = text.word_tokens(source)
    expected = [(m.start(), m.end(), m.group()) for m in text.WORD.finditer(source)]
    assert list(zip(words.starts, words.ends, words.texts, strict=True)) == expected
    assert words.lows == [w.lower().replace("’", "'") for w in words.texts]
    assert [tok.text for tok in words] == words.texts and len(words) == len(expected)


@given(st.text(alphabet=st.sampled_from('a.@ <>"\n-/'), max_size=30))
def test_text_dotted_chunks_are_the_runs_with_a_dot_or_at(source):
    runs = [m.group() for m in re.finditer(r'[^\s<>"]+', source) if "." in m.group() or "@" in m.group()]
    assert [m.group() for m in text._DOTTED_CHUNK.finditer(source)] == runs
