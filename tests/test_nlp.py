"""The spaCy pipeline: phrase patterns of the lexicon, and matchers run around their anchors."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import hostile_text
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import Matcher

from pipeline import dosage, resources  # noqa: F401  (dosage registers the token extensions)
from pipeline.nlp import AnchoredMatcher, anchor, build_nlp

ROOT = Path(__file__).resolve().parents[1]
PATTERN_FILES = ["dosage", "exercise_cues", "mention_context", "positions", "introductions"]


def plain_and_anchored(name: str) -> tuple[Matcher, AnchoredMatcher]:
    vocab = build_nlp().vocab
    plain = Matcher(vocab)
    for i, entry in enumerate(resources.patterns(name)):
        plain.add(f"{entry.id}#{i}", [entry.pattern])
    return plain, AnchoredMatcher(vocab, resources.patterns(name), lambda i, e: f"{e.id}#{i}")


@pytest.fixture(scope="module")
def corpus_docs():
    files = sorted(p for d in ("raw", "tests/corpus/dev/raw", "tests/corpus/holdout/raw") for p in (ROOT / d).iterdir())
    return list(build_nlp().pipe(p.read_text(encoding="utf-8", errors="replace") for p in files if p.is_file()))


@pytest.mark.parametrize("name", PATTERN_FILES)
def test_nlp_anchored_matcher_finds_what_the_plain_matcher_finds(name, corpus_docs):
    plain, anchored = plain_and_anchored(name)
    for doc in corpus_docs:
        assert anchored(doc) == sorted(set(plain(doc)), key=lambda m: (m[1], m[2], m[0]))
        span = doc[3 : max(3, len(doc) // 2)]
        assert anchored(span) == sorted(set(plain(span)), key=lambda m: (m[1], m[2], m[0]))


@settings(max_examples=150, deadline=None)
@given(
    text=st.one_of(
        hostile_text,
        st.lists(
            st.sampled_from(
                "hold for 30 seconds 10 reps 3 sets each side switch sides twice daily rest 60 s repeat 5 times "
                "stay here a minute both knees together lie on your back lift your hips".split()
            ),
            max_size=60,
        ).map(" ".join),
    )
)
def test_nlp_anchored_matcher_on_any_text(text):
    doc = build_nlp()(text)
    plain, anchored = plain_and_anchored("dosage")
    assert anchored(doc) == sorted(set(plain(doc)), key=lambda m: (m[1], m[2], m[0]))


@pytest.mark.parametrize(
    "pattern, words, before, after",
    [
        ([{"LOWER": "hold"}, {"LIKE_NUM": True}, {"LOWER": {"IN": ["seconds", "secs"]}}], {"seconds", "secs"}, 2, 0),
        ([{"LIKE_NUM": True}, {"LOWER": "x", "OP": "?"}, {"LOWER": "each"}], {"each"}, 2, 0),
        ([{"LIKE_NUM": True}, {"LOWER": "x", "OP": "?"}, {"LOWER": {"IN": ["the", "a"]}}], None, 0, 2),
        ([{"LOWER": "a", "OP": "{0,3}"}, {"LOWER": "switch"}, {"LOWER": "sides"}], {"switch"}, 3, 1),
    ],
)
def test_nlp_anchor_is_the_rarest_obligatory_token(pattern, words, before, after):
    found = anchor(pattern)
    assert (found.words, found.before, found.after) == (words if words is None else frozenset(words), before, after)


def test_nlp_unbounded_patterns_run_everywhere():
    assert anchor([{"LOWER": "hold"}, {"OP": "*"}, {"LIKE_NUM": True}]) is None
