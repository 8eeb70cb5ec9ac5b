"""The closed word sets repairs choose from and protect, word frequencies, and word similarity."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import jellyfish
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein
from wordfreq import top_n_list, zipf_frequency

from .. import resources
from ..models import LexiconEntry
from .ngrams import in_dictionary
from .text import GLUE_WORDS, WORD

#: A non-word may be a typo of an English word at least this common (or of a domain word).
COMMON_WORD_MIN_ZIPF = 4.0
#: A word at least this common is "known" (not a misspelling).
KNOWN_WORD_MIN_ZIPF = 1.0
#: A word at least this common stands on its own when split off a glued token.
COMMON_PART_MIN_ZIPF = 3.0
#: A word of this many letters or more stands on its own when at least LONG_WORD_MIN_ZIPF common:
#: fragments are short, long rare words ("herniation", "tightness") are still words.
LONG_WORD_LETTERS = 7
LONG_WORD_MIN_ZIPF = 2.0


def plural(word: str) -> str:
    """English plural of a noun.

    >>> [plural(w) for w in ["stretch", "tilt", "press", "body", "knee"]]
    ['stretches', 'tilts', 'presses', 'bodies', 'knees']
    """
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def word_tuple(phrase: str) -> tuple[str, ...]:
    """Lower-case words of a phrase, typographic apostrophes made plain."""
    return tuple(w.lower().replace("’", "'") for w in WORD.findall(phrase))


@dataclass(frozen=True)
class Vocabulary:
    """The closed sets repairs choose from and never damage.

    words: every domain word (lexicon names and aliases, domain terms), with plurals; protected.
    targets: single words a misheard word may be repaired to (body parts, equipment), by lemma.
    phrases: lexicon names and aliases as word tuples, with plural last words.
    body_parts: single-word body parts, with plurals (the words a body slot expects).
    """

    words: frozenset[str]
    targets: Mapping[str, tuple[str, str]]
    phrases: frozenset[tuple[str, ...]]
    body_parts: frozenset[str] = frozenset()

    @classmethod
    def from_names(cls, names: Iterable[str], terms: Mapping[str, Iterable[str]]) -> Vocabulary:
        """Build from exercise names/aliases and domain terms by kind.

        >>> terms = {"body_parts": ["knee", "lower back"]}
        >>> v = Vocabulary.from_names(["Knee to chest stretch"], terms)
        >>> ("knee", "to", "chest", "stretches") in v.phrases, "back" in v.words, v.targets["knee"]
        (True, True, ('knee', 'knees'))
        """
        words: set[str] = set()
        phrases: set[tuple[str, ...]] = set()
        for name in names:
            ws = word_tuple(name)
            words.update(ws)
            if ws and ws[-1].isalpha():
                words.add(plural(ws[-1]))
            if len(ws) >= 2:
                phrases.add(ws)
                if ws[-1].isalpha() and len(ws[-1]) > 2:
                    phrases.add((*ws[:-1], plural(ws[-1])))
        singles: set[str] = set()
        body: set[str] = set()
        for kind, values in terms.items():
            for value in values:
                ws = word_tuple(value)
                words.update(ws)
                words.update(plural(w) for w in ws if len(w) > 2)
                if kind in {"body_parts", "equipment"}:
                    singles.update(w for w in ws if len(w) > 2 and w not in GLUE_WORDS)
                if kind == "body_parts" and len(ws) == 1 and len(ws[0]) > 2:
                    body.update((ws[0], plural(ws[0])))
        targets: dict[str, tuple[str, str]] = {}
        for w in sorted(singles):
            if w.endswith("es") and w[:-2] in singles:
                continue
            if w.endswith("s") and (w[:-1] in singles or not w.endswith(("ss", "is", "us", "as"))):
                targets.setdefault(w[:-1], (w[:-1], w))
            else:
                targets.setdefault(w, (w, plural(w)))
        return cls(frozenset(words), targets, frozenset(phrases), frozenset(body))

    @classmethod
    def build(cls, entries: Iterable[LexiconEntry], terms: Mapping[str, Iterable[str]]) -> Vocabulary:
        """Build from lexicon entries (names and aliases) and ``domain_terms()``."""
        names = [n for e in entries for n in (e.name, *e.aliases)]
        return cls.from_names(names, terms)


@cache
def default_vocabulary() -> Vocabulary:
    """The vocabulary of the shipped package data."""
    return Vocabulary.build(resources.exercises(), resources.domain_terms())


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """English Zipf frequency of a word (0 when unknown)."""
    return zipf_frequency(word, "en")


def is_known(word: str) -> bool:
    """True when ``word`` is a real word, not a misspelling the web repeats often enough to count.

    Common words are known; rarer long ones must be in the dictionary ("immediatly" and "recieve"
    are frequent on the web, but no dictionary has them).

    >>> [is_known(w) for w in ("immediately", "sural", "criss", "immediatly", "recieve", "legstogether")]
    [True, True, True, False, False, False]
    """
    z = zipf(word.lower())
    if z >= COMMON_PART_MIN_ZIPF or (z >= KNOWN_WORD_MIN_ZIPF and in_dictionary(word)):
        return True
    # short tokens the web knows but the dictionary does not are often names or slang ("criss")
    return z >= KNOWN_WORD_MIN_ZIPF and len(word) < LONG_WORD_LETTERS


def is_word(word: str, words: frozenset[str] = frozenset()) -> bool:
    """True when ``word`` can stand alone after a split: common, a domain word, or long and known.

    >>> [is_word(w) for w in ("tightness", "herniation", "the", "ard", "gether")]
    [True, True, True, True, False]
    """
    w = word.lower()
    z = zipf(w)
    return w in words or z >= COMMON_PART_MIN_ZIPF or (len(w) >= LONG_WORD_LETTERS and z >= LONG_WORD_MIN_ZIPF)


def is_sanskrit_pose(word: str) -> bool:
    return word.lower().endswith(("asana", "asanas"))


def skeleton(word: str) -> str:
    """First letter plus the consonants, doubles collapsed: what ASR keeps of a word.

    >>> skeleton("gills"), skeleton("glutes")
    ('gls', 'glts')
    """
    w = word.lower()
    out = w[:1]
    for ch in w[1:]:
        if ch in "aeiouy" or ch == out[-1]:
            continue
        out += ch
    return out


def spelling_similarity(a: str, b: str) -> float:
    """Normalized edit similarity in [0, 1], case-insensitive, transpositions count once.

    >>> round(spelling_similarity("hamstirng", "hamstring"), 2)
    0.89
    """
    return OSA.normalized_similarity(a, b, processor=str.lower)


def sound_similarity(a: str, b: str) -> float:
    """Similarity of the metaphone keys in [0, 1].

    >>> sound_similarity("spin", "spine"), sound_similarity("rest", "wrist")
    (1.0, 1.0)
    """
    ka, kb = jellyfish.metaphone(a), jellyfish.metaphone(b)
    if not ka or not kb:
        return 0.0
    return Levenshtein.normalized_similarity(ka, kb)


def morph_variant(a: str, b: str) -> bool:
    """True when one word is an inflection of the other (knee/knees, stretch/stretching)."""
    short, long_ = sorted((a, b), key=len)
    for suffix in ("s", "es", "ing", "ed", "d", "er", "ers"):
        if long_ == short + suffix:
            return True
    return short.endswith("y") and long_ == short[:-1] + "ies"


@lru_cache(maxsize=4)
def _typo_candidates(vocab_words: frozenset[str]) -> dict[str, list[str]]:
    """Common English words (Zipf >= COMMON_WORD_MIN_ZIPF) and domain words, by first letter."""
    by_initial: dict[str, list[str]] = {}
    common = (w for w in top_n_list("en", 20000) if w.isalpha() and zipf(w) >= COMMON_WORD_MIN_ZIPF)
    for w in {*common, *(w for w in vocab_words if len(w) >= 4 and w.isalpha())}:
        by_initial.setdefault(w[0], []).append(w)
    for ws in by_initial.values():
        ws.sort()
    return by_initial


def nearest_words(word: str, vocab: Vocabulary | None = None) -> list[tuple[str, int]]:
    """Common or domain words a non-word may be a typo of, nearest and most frequent first.

    One edit (transpositions count once) for words up to 7 letters, two beyond.

    >>> nearest_words("forard")[:1], nearest_words("legstogether")
    ([('forward', 1)], [])
    """
    return list(nearest_words_in(word.lower(), vocab.words if vocab else frozenset()))


@lru_cache(maxsize=1 << 16)
def nearest_words_in(w: str, words: frozenset[str]) -> tuple[tuple[str, int], ...]:
    """``nearest_words`` of a lower-case word given a vocabulary's words; kept, as texts repeat words."""
    limit = 1 if len(w) <= 7 else 2
    cands = _typo_candidates(words).get(w[:1], [])
    found = process.extract(w, cands, scorer=OSA.distance, score_cutoff=limit, limit=20)
    return tuple(sorted(((f[0], int(f[1])) for f in found), key=lambda f: (f[1], -zipf(f[0]), f[0])))
