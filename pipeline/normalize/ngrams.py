"""Web unigram and bigram counts: how probable a token is as one word, and as two.

The counts are wordsegment's (Norvig's unigrams and bigrams from Google's trillion-word web corpus,
shipped inside the package, nothing downloaded). Their bigrams are what a splitter needs: "ifyou"
has a web count of its own, so "is it a word?" cannot decide, but "if you" is 2,600 times as
frequent. wordfreq's frequency of the joined form is taken as a second opinion, because the web
counts were tokenized so that some closed compounds ("cannot") look rarer than their parts.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

import wordsegment
from wordfreq import word_frequency

#: Number of words in the corpus the counts come from.
TOTAL = wordsegment.Segmenter.TOTAL


@cache
def _segmenter() -> wordsegment.Segmenter:
    """Unigram and bigram counts and the word list, loaded once (0.4 s) on first use."""
    segmenter = wordsegment.Segmenter()
    segmenter.load()
    return segmenter


def _counts() -> tuple[dict[str, float], dict[str, float]]:
    segmenter = _segmenter()
    return segmenter.unigrams, segmenter.bigrams


@cache
def _dictionary() -> frozenset[str]:
    return frozenset(_segmenter().words)


def in_dictionary(word: str) -> bool:
    """True when ``word`` is in wordsegment's English word list (179,000 words, no run-togethers).

    >>> [in_dictionary(w) for w in ("anew", "cannot", "workout", "aswell", "atleast", "ofthe")]
    [True, True, True, False, False, False]
    """
    return _key(word) in _dictionary()


def _key(word: str) -> str:
    """The corpus spells words in lower case without apostrophes ("you're" is "youre")."""
    return word.lower().replace("'", "").replace("’", "")


@lru_cache(maxsize=65536)
def word_logp(word: str) -> float | None:
    """log10 probability of ``word`` as one word, or None when neither source knows it.

    >>> round(word_logp("together"), 1), word_logp("legstogether")
    (-3.5, None)
    """
    count = _counts()[0].get(_key(word), 0.0)
    freq = max(count / TOTAL, word_frequency(word.lower().replace("’", "'"), "en"))
    return math.log10(freq) if freq > 0 else None


def pair_logp(first: str, second: str) -> float | None:
    """log10 probability of the two words in sequence, or None when the bigram is not listed.

    >>> round(pair_logp("if", "you"), 1), pair_logp("legs", "gether")
    (-3.9, None)
    """
    count = _counts()[1].get(f"{_key(first)} {_key(second)}")
    return math.log10(count / TOTAL) if count else None


def sequence_logp(words: tuple[str, ...]) -> float | None:
    """log10 probability of a word sequence: listed bigrams, else the product of the unigrams.

    Chains bigrams by stupid backoff (P(b | a) = count(a b) / count(a)), as wordsegment scores a
    segmentation; None when a word is unknown.

    >>> round(sequence_logp(("legs", "together")), 1)
    -7.9
    """
    unigrams = [word_logp(w) for w in words]
    if any(u is None for u in unigrams):
        return None
    total = unigrams[0]
    for i in range(1, len(words)):
        pair = pair_logp(words[i - 1], words[i])
        total += unigrams[i] if pair is None else pair - unigrams[i - 1]  # type: ignore[operator]
    return total
