"""Misheard, misspelt and truncated domain terms, repaired against a closed candidate set.

Candidates are lexicon names and aliases, body parts and equipment, the document's own repeated
words and the words of the heading above; each is scored by spelling and sound.

Most windows of a text are no lexicon phrase and differ from every phrase in more than one word,
so the windows worth scoring are found first, for the whole text at once: each word has a bit
for every place (phrase length, position) it holds in some lexicon phrase, and a window is
looked at only when all its words, or all but one, hold their places (numpy over the token
array). What depends on words alone (a word's kind, a window's candidate phrases, a pair's
spelling and sound similarity, a word's nearest domain terms) is computed once per vocabulary
and kept; only what depends on the document is computed per document.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from itertools import repeat
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from ..models import Document, Edit
from .chain import Chain
from .ngrams import pair_logp
from .splitting import SPLIT_PART_MIN_ZIPF, TYPO_EDIT_COST, _split_options
from .text import (
    GLUE_WORDS,
    NEXT_WORD,
    WORD,
    Spans,
    Token,
    Words,
    is_name,
    make_edit,
    match_case,
    non_overlapping,
    segment_ids,
    sentence_initial,
    word_tokens,
    wordset,
)
from .vocabulary import (
    Vocabulary,
    is_known,
    is_sanskrit_pose,
    morph_variant,
    nearest_words,
    skeleton,
    sound_similarity,
    spelling_similarity,
    word_tuple,
    zipf,
)

#: Two candidates whose scores differ by less than this are a tie: no edit.
AMBIGUITY_MARGIN = 0.08
#: A title-line word rarer than this may be a misspelt domain term ("Gluts" 1.6 for "Glutes").
TITLE_TYPO_MAX_ZIPF = 2.5

#: Words that start a verb's object: a name followed by one of these is read as a verb phrase.
OBJECT_STARTERS = wordset("""
    the a an your my his her their our its this that these those it them him me you us
    one both each some any out up down off through into across along over
""")
#: Words after which a noun phrase ends: "pelvic tilt is", "hamstring stretch for".
NOUN_FOLLOWERS = wordset("""
    is are was were will can should may might helps help works targets for with and or
    exercise exercises pose position variation on in
""")
#: Words that open a noun phrase: "the pelvic tilt".
NP_STARTERS = wordset("a the this each one")
#: Prepositions that put a noun phrase after them: "the same as the knee to chest stretch".
PREPOSITIONS = wordset("as like of for with than after before from in on into during between")
#: Conjunctions that may follow a noun phrase.
CONJUNCTIONS = wordset("but and or so then while")
#: Verbs after a subject noun phrase: "Pelvic tilt is ...".
COPULAS = wordset("is are was were helps works targets can should will")
#: Possessives that, in exercise instructions, are almost always followed by a body part.
POSSESSIVES = wordset("your my his her their our")
#: Verbs whose object is a body part: "release the glutes", "lengthen your spine".
BODY_VERBS = wordset("""
    release relax stretch squeeze engage activate tighten lengthen loosen open soften
    contract strengthen target work fire lift raise lower bend straighten rotate tuck
    curl arch round extend press
""")
#: Words before a possessive or article that make the next word a body part: verbs that move one
#: and prepositions of place ("bend your _", "toward the _").
SLOT_HEADS = wordset("""
    bend straighten lift raise lower hug pull tuck cross drop twist roll clasp tilt sink rock squeeze
    tighten relax stretch lengthen rotate curl arch extend press
    toward towards over under between behind across around against onto beside
""")
#: A heard word in a body slot must sound at least this much like the body part (metaphone), and
#: be spelt like it within this slack ("needs" 0.6 / "knees", "jest" 0.6 / "chest").
SLOT_SOUND_MIN = 0.65
SLOT_SPELLING_SLACK = 0.1
#: Exercise-instruction nouns that are never misheard body parts.
COMMON_NOUNS = wordset("""
    breath breathing tension weight pose position posture movement motion count rep reps set
    sets side time way hold grip form range pain edge mind focus body balance mat floor
    ground wall rest stretch stretches practice routine session
""")


#: Lengths of the windows read as a lexicon name as written.
KNOWN_LENGTHS = (5, 4, 3, 2)
#: Lengths of the windows a misheard word or a missing inner word is looked for in.
WINDOW_LENGTHS = (2, 3, 4)
#: Words after which a real word may be a misheard body part ("your spin", "the gills").
BODY_DETERMINERS = POSSESSIVES | {"the", "both"}

#: A word's places: one bit per (kind of word tuple, tuple length, position in the tuple).
_PLACES = [("phrase", n, j) for n in KNOWN_LENGTHS for j in range(n)] + [
    ("truncated", n, j) for n in WINDOW_LENGTHS for j in range(n)
]
_BIT = {place: 1 << b for b, place in enumerate(_PLACES)}

# what a word can be repaired as, alone (_Index.kind)
_SKIP, _UNKNOWN, _KNOWN = 0, 1, 2


def _places(tuples: Iterable[tuple[str, ...]], kind: str) -> dict[str, int]:
    """Each word's place bits in word tuples of ``kind`` (tuples of other lengths are left out)."""
    places: dict[str, int] = {}
    for t in tuples:
        for j, w in enumerate(t):
            bit = _BIT.get((kind, len(t), j), 0)
            if bit:
                places[w] = places.get(w, 0) | bit
    return places


def _window_starts(
    masks: np.ndarray, seg: np.ndarray, kind: str, n: int, changeable: np.ndarray | None = None
) -> list[int]:
    """Starts of the ``n``-token windows inside one segment whose words hold their places in some
    ``n``-word tuple of ``kind``: every word, or with ``changeable`` (the words a repair may
    replace) every word but one changeable word."""
    count = len(masks) - n + 1
    if count <= 0:
        return []
    missing = np.zeros(count, dtype=np.int8)
    for j in range(n):
        miss = (masks[j : j + count] & _BIT[(kind, n, j)]) == 0
        missing += miss
        if changeable is not None:
            missing += miss & ~changeable[j : j + count]  # a word that cannot be replaced counts twice
    allowed = 0 if changeable is None else 1
    return np.flatnonzero((missing <= allowed) & (seg[n - 1 :] == seg[:count])).tolist()


@cache
def _phrase_index(phrases: frozenset[tuple[str, ...]]) -> tuple[dict, dict]:
    """Lexicon phrases by one-word wildcard key, and by what is left without an inner word."""
    wild = _wild_index(phrases)
    trunc: dict[tuple[str, ...], list[tuple[tuple[str, ...], int]]] = {}
    for p in phrases:
        for j in range(1, len(p) - 1):
            if p[j] not in GLUE_WORDS and (p[j - 1] in GLUE_WORDS or p[j + 1] in GLUE_WORDS):
                trunc.setdefault((*p[:j], *p[j + 1 :]), []).append((p, j))
    return wild, trunc


def _wild_index(phrases: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """Phrases by each of their one-word wildcard keys: ("knee", "*", "chest") for "knee to chest"."""
    wild: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for p in phrases:
        for i in range(len(p)):
            wild.setdefault((*p[:i], "*", *p[i + 1 :]), []).append(p)
    return wild


def _changeable(window: tuple[str, ...]) -> Iterator[int]:
    """Positions of a window whose word a phrase repair may replace: not short, not a glue word,
    and not the only content word."""
    for i, w in enumerate(window):
        if len(w) >= 3 and w not in GLUE_WORDS and not all(x in GLUE_WORDS for j, x in enumerate(window) if j != i):
            yield i


class _Pair(NamedTuple):
    """A heard word against a candidate, as far as the scores need: spelling similarity; whether
    spelling and sound (metaphone) are both close; fuzz.partial_ratio for a real word with the
    candidate's initial (0 otherwise)."""

    spell: float
    close: bool
    partial: float


class _Index:
    """What repair needs of one vocabulary, built once: phrase indexes, each word's places, and
    memos of everything that depends on words alone."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.wild, self.trunc = _phrase_index(vocab.phrases)
        self.places = _places(vocab.phrases, "phrase")
        for w, bits in _places(self.trunc, "truncated").items():
            self.places[w] = self.places.get(w, 0) | bits
        self.by_initial: dict[str, dict[str, tuple[str, str]]] = {}
        for lemma, forms in vocab.targets.items():
            self.by_initial.setdefault(lemma[0], {})[lemma] = forms
        self.kind = lru_cache(maxsize=1 << 16)(self._kind)
        self.pair = lru_cache(maxsize=1 << 16)(self._pair)
        self.candidates = lru_cache(maxsize=1 << 16)(self._candidates)
        self.misheard_ranking = lru_cache(maxsize=1 << 14)(self._misheard_ranking)
        self.title_form = lru_cache(maxsize=1 << 12)(self._title_form)

    def _kind(self, w: str) -> int:
        """_SKIP for a word never repaired alone (short, not alphabetic, a domain word, a common
        noun, a glue word); else _UNKNOWN (not a word) or _KNOWN (a real word)."""
        if len(w) < 3 or not w.isalpha() or w in self.vocab.words or w in COMMON_NOUNS or w in GLUE_WORDS:
            return _SKIP
        return _KNOWN if is_known(w) else _UNKNOWN

    def _pair(self, w: str, c: str) -> _Pair | None:
        """How ``w`` compares with ``c``; None when no context can make ``w`` a mishearing of ``c``
        in a phrase (the conditions of :func:`_phrase_word_score` on the two words alone)."""
        if w[0] != c[0] and 10 * abs(len(w) - len(c)) > 3 * max(len(w), len(c)):
            return None  # other initials need a spelling similarity of 0.7 at least
        words = self.vocab.words
        if c == w or c in GLUE_WORDS or morph_variant(w, c) or not (is_known(c) or c in words):
            return None
        if w in words or is_sanskrit_pose(w):  # protected: a near-identical form only
            if w[0] != c[0]:
                return None
            spell = spelling_similarity(w, c)
            return _Pair(spell, False, 0.0) if spell >= 0.8 else None
        spell = spelling_similarity(w, c)
        if not is_known(w):
            return _Pair(spell, False, 0.0) if spell >= 0.7 else None
        if w in COMMON_NOUNS:
            return None
        close = spell >= 0.75 and sound_similarity(w, c) >= 0.75
        partial = fuzz.partial_ratio(w, c, processor=str.lower) if w[0] == c[0] else 0.0
        return _Pair(spell, close, partial) if close or partial >= 75 else None

    def _candidates(self, window: tuple[str, ...]) -> tuple[tuple[int, tuple[str, ...], _Pair], ...]:
        """Lexicon phrases the window may be one misheard word from, as (position, phrase, pair)."""
        found = []
        for i in _changeable(window):
            for phrase in self.wild.get((*window[:i], "*", *window[i + 1 :]), ()):
                pair = self.pair(window[i], phrase[i])
                if pair is not None:
                    found.append((i, phrase, pair))
        return tuple(found)

    def _misheard_ranking(self, w: str) -> tuple[tuple[float, str], ...]:
        """Body parts and equipment with the initial of ``w``, best form per lemma, most alike first."""

        def combined(a: str, b: str) -> float:
            return min(spelling_similarity(a, b), sound_similarity(a, b))

        return tuple(_rank(w, self.by_initial.get(w[0], {}), combined))

    def _title_form(self, w: str) -> str | None:
        """The one body part or equipment term a rare title word is one letter from ("gluts")."""
        if zipf(w) >= TITLE_TYPO_MAX_ZIPF:
            return None
        near = {
            lemma: [f for f in forms if OSA.distance(w, f) == 1 and zipf(f) > zipf(w) and not morph_variant(w, f)]
            for lemma, forms in self.by_initial.get(w[0], {}).items()
        }
        near = {lemma: forms for lemma, forms in near.items() if forms}
        if len(near) != 1:
            return None  # no candidate, or two body parts as close
        [forms] = near.values()
        return max(forms, key=lambda f: f.endswith("s") == w.endswith("s"))  # "Gluts": glutes, not glute


_INDEXES: dict[int, _Index] = {}


def _index(vocab: Vocabulary) -> _Index:
    """The index of ``vocab``, built on first use (a few vocabularies are kept)."""
    found = _INDEXES.get(id(vocab))
    if found is None or found.vocab is not vocab:
        if len(_INDEXES) >= 8:
            _INDEXES.clear()
        found = _INDEXES[id(vocab)] = _Index(vocab)
    return found


@dataclass(frozen=True)
class Heading:
    """The phrases of one heading, and the same by one-word wildcard key."""

    phrases: frozenset[tuple[str, ...]] = frozenset()
    wild: Mapping[tuple[str, ...], list[tuple[str, ...]]] = field(default_factory=dict)


_NO_HEADING = Heading()


class Headings:
    """The heading above each offset of a text (built by :func:`heading_lookup`).

    ends (Sequence[int]): where each heading ends, ascending.
    phrases (Sequence[tuple]): each heading's phrases, as word tuples.
    """

    def __init__(self, ends: Sequence[int] = (), phrases: Sequence[Sequence[tuple[str, ...]]] = ()) -> None:
        self.ends = list(ends)
        self.headings = [Heading(frozenset(p), _wild_index(p)) for p in phrases]
        #: place bits of every heading's words, to find windows one word from a heading phrase
        self.places = _places({p for h in self.headings for p in h.phrases}, "phrase")

    def __call__(self, pos: int) -> Heading:
        """The heading above offset ``pos``: the last one that ends at or before it."""
        idx = bisect_right(self.ends, pos) - 1
        return self.headings[idx] if idx >= 0 else _NO_HEADING


@dataclass
class _Context:
    """What a document says about itself: its words, phrases and section headings."""

    text: str
    index: _Index
    headings: Headings
    tokens: Words
    lows: list[str]
    segs: list[int]  # the segment number of each token
    counts: Counter[str]

    @cached_property
    def seg(self) -> np.ndarray:
        """``segs`` as an array."""
        return np.array(self.segs, dtype=np.int64)

    @cached_property
    def ngrams(self) -> set[tuple[str, ...]]:
        """Every sequence of 2 to 5 words inside a segment."""
        grams: set[tuple[str, ...]] = set()
        cuts = [0, *(np.flatnonzero(np.diff(self.seg)) + 1).tolist(), len(self.lows)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            part = self.lows[a:b]
            for n in range(2, min(5, b - a) + 1):
                grams.update(zip(*(part[j:] for j in range(n)), strict=False))
        return grams

    @cached_property
    def repeated(self) -> dict[str, list[str]]:
        """Words the document uses twice or more (5+ letters, known to the web), by initial."""
        out: dict[str, list[str]] = {}
        for word, count in self.counts.items():
            if count >= 2 and len(word) >= 5 and zipf(word) >= 1.0:
                out.setdefault(word[0], []).append(word)
        return out

    def has_phrase(self, phrase: tuple[str, ...]) -> bool:
        return phrase in self.ngrams

    def prev_words(self, k: int, n: int) -> list[str]:
        """The words of up to ``n`` tokens before token ``k`` in its segment."""
        first = max(0, k - n)
        while self.segs[first] != self.segs[k]:
            first += 1
        return self.lows[first:k]

    def prev_word(self, k: int) -> str | None:
        return self.lows[k - 1] if k and self.segs[k - 1] == self.segs[k] else None

    def heading(self, k: int) -> Heading:
        """The heading above token ``k``."""
        return self.headings(self.tokens.starts[k])

    def is_name(self, k: int) -> bool:
        tok = self.tokens[k]
        return is_name(self.text, tok.start, tok.text)


def _context(text: str, index: _Index, headings: Headings) -> _Context:
    tokens = word_tokens(text)
    return _Context(text, index, headings, tokens, tokens.lows, segment_ids(text, tokens), Counter(tokens.lows))


def _next_word(text: str, end: int) -> str | None:
    """The word right after ``end`` when only spaces come between; None at punctuation or EOL."""
    m = NEXT_WORD.match(text, end)
    return m.group(1).lower() if m and m.group(1).isalpha() else None


def repair_domain_terms(text: str, vocab: Vocabulary, *, headings: Headings | None = None) -> list[Edit]:
    """Repair misheard, misspelt and truncated domain terms against a closed candidate set.

    ``headings`` gives the phrases of the heading each offset is under (see :func:`heading_lookup`).

    >>> v = Vocabulary.from_names(["pelvic tilt", "knee to chest stretch"],
    ...                           {"body_parts": ["spine", "knee", "chest", "pelvis"]})
    >>> t = "Knee to chest stretch. Hug the knee to stretch. Let your spin curve. Pelvis tilt is ok"
    >>> [(e.before, e.after) for e in repair_domain_terms(t, v)]
    [('', ' chest'), ('spin', 'spine'), ('Pelvis', 'Pelvic')]
    """
    ctx = _context(text, _index(vocab), headings or Headings())
    edits = _phrase_edits(ctx)
    covered = {k for e in edits for k in range(e.start, e.end)}
    edits += _word_edits(ctx, covered, title_lines(text))
    return non_overlapping(edits)


_TITLE_LINE = re.compile(
    r"(?m)^[ \t#*\-•]*(?:\d{1,2}[.)]?[ \t]*)?((?:[A-Z][\w'’-]*[ \t]+){1,6}[A-Z][\w'’-]*)[ \t]*:?[ \t]*$"
)


def title_lines(text: str) -> Spans:
    """Short lines in title case ("3. Static Glutes:", "## Knee To Chest"), where capitals are not names.

    >>> t = "Static Gluts:\\nBend the knee.\\nAsk Jo Kay\\n2. Heel Slides\\nlie down"
    >>> [t[s:e] for s, e in title_lines(t).spans]
    ['Static Gluts', 'Ask Jo Kay', 'Heel Slides']
    """
    return Spans((m.start(1), m.end(1)) for m in _TITLE_LINE.finditer(text))


def _title_word_edit(ctx: _Context, k: int) -> Edit | None:
    """A rare word in a title line one letter from a body part or equipment term: "Static Gluts"."""
    tok = ctx.tokens[k]
    form = ctx.index.title_form(ctx.lows[k])
    if form is None:
        return None
    reason = f"{tok.text!r} in a title is one letter from the domain term {form!r}"
    return _replace_word(ctx.text, tok, form, "domain.title_typo", 0.75, reason)


def _replace_word(text: str, tok: Token, word: str, rule: str, score: float, reason: str) -> Edit:
    """An edit replacing one token by ``word`` in the token's case."""
    return make_edit(text, tok.start, tok.end, match_case(tok.text, word), rule, score, reason)


def _noun_slot(text: str, end: int) -> bool:
    nxt = _next_word(text, end)
    return nxt is None or nxt in NOUN_FOLLOWERS


class _Windows(NamedTuple):
    """The windows of a text worth a phrase repair."""

    known: bytearray  # 1 for a token inside a lexicon name as written ("spine twist stretch")
    near: dict[tuple[int, int], bool]  # (start, length) one word from a phrase -> maybe a heading's
    truncated: list[tuple[int, int]]  # (start, length) that may be a phrase without an inner word


def _windows(ctx: _Context) -> _Windows:
    """Windows whose words hold their places in some phrase: all of them (a lexicon name as written,
    or one missing an inner word), or all but one word a repair may replace."""
    index, lows, seg = ctx.index, ctx.lows, ctx.seg
    masks = np.fromiter(map(index.places.get, lows, repeat(0)), dtype=np.uint32, count=len(lows))
    known = bytearray(len(lows))
    for n in KNOWN_LENGTHS:
        for s in _window_starts(masks, seg, "phrase", n):
            if tuple(lows[s : s + n]) in index.vocab.phrases:
                known[s : s + n] = b"\1" * n
    heading_masks = None
    if ctx.headings.places:
        heading_masks = np.fromiter(map(ctx.headings.places.get, lows, repeat(0)), dtype=np.uint32, count=len(lows))
    # words a phrase repair may replace (see _changeable)
    lengths = np.fromiter(map(len, lows), dtype=np.int64, count=len(lows))
    glue = np.fromiter(map(GLUE_WORDS.__contains__, lows), dtype=bool, count=len(lows))
    changeable = (lengths >= 3) & ~glue
    near: dict[tuple[int, int], bool] = {}
    truncated: list[tuple[int, int]] = []
    for n in WINDOW_LENGTHS:
        near.update(((s, n), False) for s in _window_starts(masks, seg, "phrase", n, changeable))
        if heading_masks is not None:
            near.update(((s, n), True) for s in _window_starts(heading_masks, seg, "phrase", n, changeable))
        truncated += ((s, n) for s in _window_starts(masks, seg, "truncated", n))
    return _Windows(known, near, truncated)


def _phrase_edits(ctx: _Context) -> list[Edit]:
    """Windows that differ from a lexicon or heading phrase by one word, or miss one inner word.

    Only the windows :func:`_windows` finds are looked at; they are taken in text order, as a scan
    of every window would.
    """
    found = _windows(ctx)
    edits: list[Edit] = []
    # in text order; at one start, misheard words before missing ones, shorter windows first
    for s, missing, n in sorted([(s, 0, n) for s, n in found.near] + [(s, 1, n) for s, n in found.truncated]):
        if not missing:
            best = _best_phrase(ctx, s, n, found.known, found.near[(s, n)])
            if best:
                edits.append(best)
        elif not any(found.known[s : s + n]):
            for phrase, j in ctx.index.trunc.get(tuple(ctx.lows[s : s + n]), ()):
                edit = _truncation_edit(ctx, s, n, phrase, j, ctx.heading(s))
                if edit:
                    edits.append(edit)
    return edits


def _best_phrase(ctx: _Context, s: int, n: int, known: bytearray, near_heading: bool) -> Edit | None:
    """The one-word repair making tokens ``s:s+n`` a lexicon or heading phrase, if one is clearly best.

    near_heading (bool): whether the window may be one word from a heading phrase.
    """
    index = ctx.index
    window = tuple(ctx.lows[s : s + n])
    found = [c for c in index.candidates(window) if not known[s + c[0]]]
    heading = ctx.heading(s) if found or near_heading else _NO_HEADING
    if heading.phrases:
        for i in _changeable(window):
            if known[s + i]:
                continue  # part of a lexicon name as written
            for phrase in heading.wild.get((*window[:i], "*", *window[i + 1 :]), ()):
                pair = None if phrase in index.vocab.phrases else index.pair(window[i], phrase[i])
                if pair is not None:
                    found.append((i, phrase, pair))
    if not found or window in index.vocab.phrases or window in heading.phrases:
        return None
    scored: list[tuple[float, tuple[str, ...], int]] = []
    names: dict[int, bool] = {}
    for i, phrase, pair in found:
        if i not in names:
            names[i] = ctx.is_name(s + i)
        score = 0.0 if names[i] else _phrase_word_score(ctx, s, n, i, phrase, pair, heading)
        if score > 0:
            scored.append((score, phrase, i))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    score, phrase, i = scored[0]
    if len(scored) > 1 and scored[1][1] != phrase and score - scored[1][0] < AMBIGUITY_MARGIN:
        return None
    tok = ctx.tokens[s + i]
    reason = f"{tok.text!r} in {' '.join(window)!r} is likely {' '.join(phrase)!r}"
    return _replace_word(ctx.text, tok, phrase[i], "domain.phrase", score, reason)


def _phrase_word_score(
    ctx: _Context, s: int, n: int, i: int, phrase: tuple[str, ...], pair: _Pair, heading: Heading
) -> float:
    """Confidence that word ``i`` of window ``s:s+n`` is a mishearing of its word in ``phrase``.

    The conditions on the two words alone are ``pair``'s (:meth:`_Index._pair`); these are the
    document's: the phrase in the heading above or elsewhere in the document, the word's slot.
    """
    text = ctx.text
    w = ctx.lows[s + i]
    end = ctx.tokens[s + n - 1].end
    in_heading = phrase in heading.phrases
    in_doc = ctx.has_phrase(phrase)
    if w in ctx.index.vocab.words or is_sanskrit_pose(w):
        # protected: only a near-identical form in a noun slot, with the document's own evidence
        # or a name-like position ("Pelvis tilt is ..." at the start of a sentence)
        if not _noun_slot(text, end):
            return 0.0
        if in_heading or in_doc:
            return 0.8
        starts_np = sentence_initial(text, ctx.tokens[s].start) or ctx.prev_word(s) in NP_STARTERS
        if starts_np and _next_word(text, end) in COPULAS:
            return 0.75
        return 0.55
    if not is_known(w):
        return 0.75 + 0.2 * pair.spell + (0.03 if in_doc or in_heading else 0.0) - 0.1
    close = pair.close
    if close and (in_doc or in_heading):
        return 0.85
    # a heading right above names the phrase: a looser sound-alike will do ("harm stretch")
    partial = pair.partial if ctx.counts[w] <= 2 else 0.0
    if in_heading and partial >= 75:
        return 0.75
    if close or (in_doc and partial >= 85):
        return 0.6  # suggestion only
    return 0.0


def _truncation_edit(ctx: _Context, s: int, n: int, phrase: tuple[str, ...], j: int, heading: Heading) -> Edit | None:
    text, tokens = ctx.text, ctx.tokens
    first, end_tok = tokens[s], tokens[s + n - 1]
    if any(is_name(text, t.start, t.text) for t in tokens[s : s + n]):
        return None
    nxt = _next_word(text, end_tok.end)
    if nxt in OBJECT_STARTERS:
        return None
    in_context = ctx.has_phrase(phrase) or phrase in heading.phrases
    line_start = text.rfind("\n", 0, first.start) + 1
    line_end = text.find("\n", end_tok.end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    whole_line = re.sub(r"^[\s#*\-\d.)]*|[\s:.]*$", "", line) == text[first.start : end_tok.end]
    # a noun-phrase slot ("as the knee to stretch but"), not a verb ("pull the knee to stretch")
    before = WORD.findall(text[max(0, first.start - 40) : first.start])[-2:]
    before = [b.lower() for b in before]
    np_slot = (
        len(before) == 2
        and before[1] in NP_STARTERS
        and before[0] in PREPOSITIONS
        and (nxt is None or nxt in NOUN_FOLLOWERS or nxt in CONJUNCTIONS)
        and ctx.counts[phrase[j]] > 0
    )
    score = 0.8 if in_context or whole_line else 0.75 if np_slot else 0.55
    gap_tok = tokens[s + j - 1]
    missing = phrase[j]
    return make_edit(
        text,
        gap_tok.end,
        gap_tok.end,
        f" {missing}",
        "domain.truncated",
        score,
        f"{' '.join(phrase)!r} is missing {missing!r}",
    )


def _word_edits(ctx: _Context, covered: set[int], titles: Spans) -> list[Edit]:
    """Single misheard or misspelt words repaired to a body part, equipment or a document word.

    In a title-case line capitals are not names ("Static Gluts"), so its words are not protected.
    """
    text, lows, kind = ctx.text, ctx.lows, ctx.index.kind
    starts, ends, texts = ctx.tokens.starts, ctx.tokens.ends, ctx.tokens.texts
    edits: list[Edit] = []
    for k, w in enumerate(lows):
        what = kind(w)
        if what == _SKIP or starts[k] in covered:
            continue
        title = titles.covers(starts[k], ends[k])
        if what == _KNOWN and not title and ctx.prev_word(k) not in BODY_DETERMINERS:
            continue  # a real word is repaired only in a title or after a determiner
        if not title and (is_name(text, starts[k], texts[k]) or is_sanskrit_pose(w)):
            continue
        if text[ends[k] : ends[k] + 1] == "-" or text[starts[k] - 1 : starts[k]] == "-":
            continue  # part of a hyphenated compound ("nick-name")
        if what == _UNKNOWN:
            edit = _typo_edit(ctx, k)
        elif title:
            edit = _title_word_edit(ctx, k)
        else:
            edit = _misheard_edit(ctx, k)
        if edit:
            edits.append(edit)
    return edits


def _rank(w: str, cands: Mapping[str, tuple[str, str]], score: Callable[[str, str], float]):
    """Best form per candidate lemma, best lemma first."""
    ranked = []
    for forms in cands.values():
        form = max(forms, key=lambda f: (score(w, f), f.endswith("s") == w.endswith("s")))
        ranked.append((score(w, form), form))
    ranked.sort(key=lambda x: -x[0])
    return ranked


def _typo_edit(ctx: _Context, k: int) -> Edit | None:
    """A non-word one edit (two if long) from a domain or common word: "hamstirng", "forard"."""
    text, tok, w, vocab = ctx.text, ctx.tokens[k], ctx.lows[k], ctx.index.vocab
    if len(w) < 5:
        return None
    limit = 1 if len(w) <= 7 else 2
    near = nearest_words(w, vocab)
    seen = {n[0] for n in near}
    for word in ctx.repeated.get(w[0], ()):  # the document's own repeated words are candidates too
        if word not in seen:
            dist = OSA.distance(w, word)
            if dist <= limit:
                near.append((word, dist))
    near.sort(key=lambda f: (f[1], -zipf(f[0]), f[0]))
    if not near:
        return None
    dist = near[0][1]
    best: list[str] = []
    for word, d in near:
        if d != dist:
            continue
        twin = next((b for b in best if morph_variant(b, word)), None)
        if twin is None:
            best.append(word)
        elif ctx.counts[word] == ctx.counts[twin]:
            return None  # exercise/exercises, neither preferred by the document
        elif ctx.counts[word] > ctx.counts[twin]:
            best[best.index(twin)] = word  # knee/knees: the form the document uses
    if len(best) > 1:
        # "brige": bridge (a domain word the document uses) over bride (not a domain word)
        used = [b for b in best if b in vocab.words and ctx.counts[b] > 0]
        if len(used) != 1 or any(b in vocab.words for b in best if b != used[0]):
            return None
        best = used
    form = best[0]
    split = _split_options(w, vocab.words)
    if split and split[0][0] > max(zipf(form), SPLIT_PART_MIN_ZIPF) - 9 - TYPO_EDIT_COST * (dist - 1) - 3.0:
        return None  # "sitand": "sit and" or "stand"
    domain = form in vocab.words or ctx.counts[form] > 0
    if not domain and len(w) < 6:
        return None
    score = (0.85 if domain else 0.75) - 0.15 * (dist - 1)
    what = "domain term" if domain else "common word"
    return _replace_word(text, tok, form, "domain.typo", score, f"{tok.text!r} is not a word; nearest {what} {form!r}")


def _misheard_edit(ctx: _Context, k: int) -> Edit | None:
    """A real word where a body part is expected: "your spin", "release the gills"."""
    text, tok, w = ctx.text, ctx.tokens[k], ctx.lows[k]
    prev = ctx.prev_words(k, 2)
    if not prev or prev[-1] not in BODY_DETERMINERS:
        return None
    slot = _body_slot_form(w, prev, _next_word(text, tok.end), ctx)
    if slot is not None:
        reason = f"{tok.text!r} after {' '.join(prev)!r} is a body slot and sounds like {slot!r}"
        return _replace_word(text, tok, slot, "domain.misheard", 0.72, reason)
    ranked = ctx.index.misheard_ranking(w)
    if not ranked:
        return None
    sim, form = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    if sim >= 0.75 and sim - second >= AMBIGUITY_MARGIN and prev[-1] in POSSESSIVES:
        score = 0.8
    elif sim >= 0.75 and sim - second >= AMBIGUITY_MARGIN and ctx.counts[form] + ctx.counts[form.rstrip("s")] >= 1:
        score = 0.72
    else:
        # ASR weak path: a body verb, the target named elsewhere in the document, consonants kept.
        # Only terms the document uses compete, so spelling variants ("gluteus") cannot tie.
        cands = {
            lemma: forms
            for lemma, forms in ctx.index.by_initial.get(w[0], {}).items()
            if any(ctx.counts[f] for f in forms)
        }
        if not cands:
            return None
        ranked = _rank(w, cands, lambda a, b: Levenshtein.normalized_similarity(skeleton(a), skeleton(b)))
        sim, form = ranked[0]
        second = ranked[1][0] if len(ranked) > 1 else 0.0
        in_doc = sum(ctx.counts[f] for f in cands[_lemma_of(form, cands)])
        if not (
            sim >= 0.75
            and sim - second >= AMBIGUITY_MARGIN
            and len(prev) == 2
            and prev[0] in BODY_VERBS
            and in_doc >= 1
            and ctx.counts[w] == 1
        ):
            return None
        score = 0.72
    return _replace_word(
        text,
        tok,
        form,
        "domain.misheard",
        score,
        f"{tok.text!r} after {prev[-1]!r} sounds like the domain term {form!r}",
    )


def _body_slot_form(w: str, prev: Sequence[str], nxt: str | None, ctx: _Context) -> str | None:
    """The body part a real word in a body slot sounds like: "bend your needs", "lift your hits".

    A body slot is a possessive or article right after a verb that moves a body part or a
    preposition of place ("bend your _", "toward the _"). Only body parts the document names
    elsewhere compete, ranked by sound (metaphone), and the web must know the determiner before
    the body part ("your knees"); the heard word must be rare in the document, and must be the
    head of its phrase (in "lift the top knee" the body part comes next).
    """
    vocab = ctx.index.vocab
    if len(prev) < 2 or prev[0] not in SLOT_HEADS or ctx.counts[w] > 2 or nxt in vocab.words:
        return None
    ranked = sorted(
        (
            (min(sound_similarity(w, f), spelling_similarity(w, f) + SLOT_SPELLING_SLACK), f)
            for f in vocab.body_parts
            if ctx.counts[f] and abs(len(f) - len(w)) <= 2 and f != w
        ),
        reverse=True,
    )
    if not ranked:
        return None
    sim, form = ranked[0]
    rival = next((r for r, f in ranked[1:] if not morph_variant(f, form)), 0.0)
    if sim < SLOT_SOUND_MIN or sim - rival < AMBIGUITY_MARGIN or pair_logp(prev[-1], form) is None:
        return None
    if form.endswith("s") != w.endswith("s"):  # "needs" is "knees", not "knee"
        twin = next((f for _, f in ranked if morph_variant(f, form) and f.endswith("s") == w.endswith("s")), None)
        form = twin or form
    return form


def _lemma_of(form: str, cands: Mapping[str, tuple[str, str]]) -> str:
    for lemma, forms in cands.items():
        if form in forms:
            return lemma
    return form


_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.+)$", re.M)
_SHORT_LINE = re.compile(r"^[ \t]*(?:\d{1,2}[.)][ \t]*)?([A-Z][^\n.!?;,:]{2,60})[ \t]*:?[ \t]*$", re.M)


def _heading_spans(doc: Document) -> list[tuple[int, int]]:
    """Heading spans in ``doc.text``: ``Document.sections``, else markdown or short title lines."""
    spans = [(s.start, s.end) for s in doc.sections if s.kind == "heading"]
    if spans or doc.sections:
        return spans
    found = {(m.start(1), m.end(1)) for m in _MD_HEADING.finditer(doc.text)}
    for m in _SHORT_LINE.finditer(doc.text):
        if len(m.group(1).split()) <= 6:
            found.add((m.start(1), m.end(1)))
    return sorted(found)


def _heading_phrases(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    out = []
    for n in (2, 3, 4):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if gram[0] not in GLUE_WORDS and gram[-1] not in GLUE_WORDS:
                out.append(gram)
    return tuple(out)


def heading_lookup(doc: Document, chain: Chain) -> Headings:
    """The phrases of the heading above each offset of the chain's current text.

    The heading above is the last one that ends before the offset, so a heading never supports
    its own words ("To perform the harm stretch:" under "Hamstring stretch"). Headings are found
    in ``doc.text`` and read from the current text, so a repaired heading offers repaired words.
    """
    spans = [(chain.forward(s, is_end=False), chain.forward(e, is_end=True)) for s, e in _heading_spans(doc)]
    return Headings([e for _, e in spans], [_heading_phrases(word_tuple(chain.text[s:e])) for s, e in spans])
