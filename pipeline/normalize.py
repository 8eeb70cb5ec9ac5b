"""Repair what speech-to-text and fast typing break; never damage a correct word; explain edits.

Each mechanism is a small pure function ``(text, ...) -> list[Edit]`` on the text it is given:

- :func:`fix_mojibake`: ftfy's repair of mis-decoded text, diffed into word edits;
- :func:`remove_fillers` and :func:`collapse_repeats`: caption clean-up;
- :func:`split_digits` and :func:`split_run_together`: glued tokens;
- :func:`apply_confusions`: real-word errors from the data table ``pipeline/data/confusions.jsonl``;
- :func:`repair_domain_terms`: misheard, misspelt and truncated domain terms against a closed
  candidate set (lexicon names, body parts, equipment, the document's own headings and words).

:func:`normalize_document` runs them in that order. Each stage sees the text the earlier stages
repaired, and its edits are folded back onto ``Document.text`` offsets, so every edit reports the
exact text it replaced. Edits scoring below :data:`APPLY_THRESHOLD` are kept as suggestions.

Precision comes first: protected words (domain terms, names, numbers, acronyms, Sanskrit pose
names) are never rewritten by a single-word mechanism.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

import ftfy
import jellyfish
import spacy
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein
from spacy.matcher import Matcher
from wordfreq import top_n_list, zipf_frequency

from . import alignment, resources
from .models import ConfusionRule, Correction, Document, Edit, LexiconEntry, NormalizedDocument

# --------------------------------------------------------------------------- thresholds

#: Edits scoring at least this are applied; the rest are reported as suggestions.
APPLY_THRESHOLD = 0.7
#: Two candidates whose scores differ by less than this are a tie: no edit.
AMBIGUITY_MARGIN = 0.08
#: A lower-case token rarer than this (wordfreq Zipf scale) may be run-together words.
RUN_TOGETHER_MAX_ZIPF = 1.0
#: Every part of a split must be at least this common an English word.
SPLIT_PART_MIN_ZIPF = 3.0
#: A 3-letter split part that is not a function or domain word must be at least this common.
SHORT_PART_MIN_ZIPF = 4.5
#: A non-word may be a typo of an English word at least this common (or of a domain word).
COMMON_WORD_MIN_ZIPF = 4.0
#: Every part of a three-way split must be at least this common.
THREE_PART_MIN_ZIPF = 4.0
#: Cost (Zipf units) of each extra edit when a typo competes with a split.
TYPO_EDIT_COST = 4.0
#: A word at least this common is "known" (not a misspelling).
KNOWN_WORD_MIN_ZIPF = 1.0

#: Fixed confidences of mechanisms that do not grade their candidates.
MOJIBAKE_SCORE = 0.95
DIGIT_SPLIT_SCORE = 0.9
DOUBLED_WORD_SCORE = 0.9
REPEATED_RUN_SCORE = 0.85
FILLER_SCORE = 0.9
CONFUSION_SCORE = 0.9

# --------------------------------------------------------------------------- word classes


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Small words that may stand on their own as one part of a split.
SHORT_WORDS = _wordset("a an as at be by do go he if in is it me my no of on or so to up us we am")
#: Glue words inside multi-word exercise names; a name missing the word after one is truncated.
GLUE_WORDS = _wordset("to the a an up on and of in with at for into over")
#: Words that start a verb's object: a name followed by one of these is read as a verb phrase.
OBJECT_STARTERS = _wordset("""
    the a an your my his her their our its this that these those it them him me you us
    one both each some any out up down off through into across along over
""")
#: Words after which a noun phrase ends: "pelvic tilt is", "hamstring stretch for".
NOUN_FOLLOWERS = _wordset("""
    is are was were will can should may might helps help works targets for with and or
    exercise exercises pose position variation on in
""")
#: Words that open a noun phrase: "the pelvic tilt".
NP_STARTERS = _wordset("a the this each one")
#: Prepositions that put a noun phrase after them: "the same as the knee to chest stretch".
PREPOSITIONS = _wordset("as like of for with than after before from in on into during between")
#: Conjunctions that may follow a noun phrase.
CONJUNCTIONS = _wordset("but and or so then while")
#: Verbs after a subject noun phrase: "Pelvic tilt is ...".
COPULAS = _wordset("is are was were helps works targets can should will")
#: Possessives that, in exercise instructions, are almost always followed by a body part.
POSSESSIVES = _wordset("your my his her their our")
#: Verbs whose object is a body part: "release the glutes", "lengthen your spine".
BODY_VERBS = _wordset("""
    release relax stretch squeeze engage activate tighten lengthen loosen open soften
    contract strengthen target work fire lift raise lower bend straighten rotate tuck
    curl arch round extend press
""")
#: Exercise-instruction nouns that are never misheard body parts.
COMMON_NOUNS = _wordset("""
    breath breathing tension weight pose position posture movement motion count rep reps set
    sets side time way hold grip form range pain edge mind focus body balance mat floor
    ground wall rest stretch stretches practice routine session
""")
#: Fillers that are never words in exercise text (case-insensitive, except "er").
FILLERS = _wordset("um umm ummm uh uhh uhm erm ehm hmm")
#: Words whose doubling is normal English ("had had", "that that", "bye bye", "slowly slowly").
DOUBLING_OK = _wordset("""
    had that is bye no yeah yes very really so ha haha hey oh ok okay om now go well
    cha knock tut tick chop ding boo slowly gently softly little more again bit far long
""")
#: Abbreviations after which a capitalized word is still mid-sentence ("Dr. Kay").
TITLES = _wordset("dr mr mrs ms prof st mt")
NUMBER_WORDS = _wordset("""
    one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty
    forty fifty sixty hundred
""")
#: Letter suffixes that belong to a number: "30s", "2nd", "10x", "5kg", "10am".
UNIT_SUFFIXES = _wordset("""
    s x st nd rd th sec secs min mins m km kg lb lbs mm cm hr hrs h am pm k d ish deg
    p hz ml yo
""")

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_JOINABLE_GAP = re.compile(r"[ \t]*(?:-[ \t]*)?")
_TRAILING_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]+$")


# --------------------------------------------------------------------------- vocabulary


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


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(w.lower().replace("’", "'") for w in _WORD.findall(phrase))


@dataclass(frozen=True)
class Vocabulary:
    """The closed sets repairs choose from and never damage.

    words: every domain word (lexicon names and aliases, domain terms), with plurals; protected.
    targets: single words a misheard word may be repaired to (body parts, equipment), by lemma.
    phrases: lexicon names and aliases as word tuples, with plural last words.
    """

    words: frozenset[str]
    targets: Mapping[str, tuple[str, str]]
    phrases: frozenset[tuple[str, ...]]

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
            ws = _words(name)
            words.update(ws)
            if ws and ws[-1].isalpha():
                words.add(plural(ws[-1]))
            if len(ws) >= 2:
                phrases.add(ws)
                if ws[-1].isalpha() and len(ws[-1]) > 2:
                    phrases.add((*ws[:-1], plural(ws[-1])))
        singles: set[str] = set()
        for kind, values in terms.items():
            for value in values:
                ws = _words(value)
                words.update(ws)
                words.update(plural(w) for w in ws if len(w) > 2)
                if kind in {"body_parts", "equipment"}:
                    singles.update(w for w in ws if len(w) > 2 and w not in GLUE_WORDS)
        targets: dict[str, tuple[str, str]] = {}
        for w in sorted(singles):
            if w.endswith("es") and w[:-2] in singles:
                continue
            if w.endswith("s") and (w[:-1] in singles or not w.endswith(("ss", "is", "us", "as"))):
                targets.setdefault(w[:-1], (w[:-1], w))
            else:
                targets.setdefault(w, (w, plural(w)))
        return cls(frozenset(words), targets, frozenset(phrases))

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


def _is_sanskrit_pose(word: str) -> bool:
    return word.lower().endswith(("asana", "asanas"))


# --------------------------------------------------------------------------- similarity


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


def _morph_variant(a: str, b: str) -> bool:
    """True when one word is an inflection of the other (knee/knees, stretch/stretching)."""
    short, long_ = sorted((a, b), key=len)
    for suffix in ("s", "es", "ing", "ed", "d", "er", "ers"):
        if long_ == short + suffix:
            return True
    return short.endswith("y") and long_ == short[:-1] + "ies"


# --------------------------------------------------------------------------- text helpers


def _edit(text: str, start: int, end: int, after: str, rule: str, score: float, reason: str) -> Edit:
    return Edit(
        start=start,
        end=end,
        before=text[start:end],
        after=after,
        rule=rule,
        score=round(max(0.0, min(1.0, score)), 3),
        reason=reason,
    )


def _sentence_initial(text: str, start: int) -> bool:
    """True when the word at ``start`` begins a sentence, line or list item."""
    j = start - 1
    while j >= 0 and text[j] in " \t\"'“‘(*[":
        j -= 1
    if j >= 0 and text[j] == ".":
        title = _TRAILING_WORD.search(text, max(0, j - 6), j)
        if title and title.group().lower() in TITLES:
            return False  # "Dr. Kay"
    if j < 0 or text[j] in ".!?:\n>":
        return True
    if text[j] in "-•–—)" or (text[j] == "." and j > 0 and text[j - 1].isdigit()):
        k = j - 1
        while k >= 0 and (text[k].isdigit() or text[k] in " \t"):
            k -= 1
        return k < 0 or text[k] == "\n"
    return False


def _is_name(text: str, start: int, word: str) -> bool:
    """A capitalized word mid-sentence, or an acronym: a name, never changed."""
    if len(word) > 1 and word.isupper():
        return True
    return word[:1].isupper() and not _sentence_initial(text, start)


def _match_case(template: str, word: str) -> str:
    if len(template) > 1 and template.isupper():
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _overlaps(a: Edit, b: Edit) -> bool:
    """True when two edits touch the same text (an insertion inside a replacement counts)."""
    if (a.start, a.end) == (b.start, b.end):
        return True
    return (
        a.start < b.end
        and b.start < a.end
        or (a.start == a.end and b.start < a.start < b.end)
        or (b.start == b.end and a.start < b.start < a.end)
    )


def _non_overlapping(edits: Iterable[Edit]) -> list[Edit]:
    """Keep the best of overlapping edits (higher score, then earlier), sorted by offset."""
    kept: list[Edit] = []
    for e in sorted(edits, key=lambda e: (-e.score, e.start, e.end)):
        if not any(_overlaps(e, k) for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: (e.start, e.end))


class _Token(NamedTuple):
    start: int
    end: int
    text: str
    lower: str


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group(), m.group().lower().replace("’", "'")) for m in _WORD.finditer(text)]


def _segments(text: str, tokens: Sequence[_Token]) -> list[list[_Token]]:
    """Runs of words joined only by spaces or hyphens: phrases never cross punctuation or lines."""
    segs: list[list[_Token]] = []
    for tok in tokens:
        if segs and _JOINABLE_GAP.fullmatch(text[segs[-1][-1].end : tok.start]):
            segs[-1].append(tok)
        else:
            segs.append([tok])
    return segs


# --------------------------------------------------------------------------- mojibake


def fix_mojibake(text: str) -> list[Edit]:
    """Repair mis-decoded text with ftfy, one edit per damaged word; typographic quotes stay.

    >>> [(e.before, e.after) for e in fix_mojibake("Donâ€™t rush “this” part")]
    [('Donâ€™t', 'Don’t')]
    """
    edits: list[Edit] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if not line.isascii():
            fixed = ftfy.fix_text(line, uncurl_quotes=False, fix_line_breaks=False)
            if fixed != line:
                edits.extend(_diff_words(line, fixed, pos, text))
        pos += len(line)
    return edits


def _diff_words(old: str, new: str, offset: int, text: str) -> list[Edit]:
    """Character diff of one line, widened to whole whitespace-delimited words."""
    spans: list[list[int]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        s, e = i1, i2
        while s > 0 and not old[s - 1].isspace():
            s -= 1
        while e < len(old) and not old[e].isspace():
            e += 1
        # new-side bounds: same words, shifted by what the diff changed before them
        js = j1 - (i1 - s)
        je = j2 + (e - i2)
        if spans and s <= spans[-1][1]:
            spans[-1][1], spans[-1][3] = e, je
        else:
            spans.append([s, e, js, je])
    return [
        _edit(
            text,
            offset + s,
            offset + e,
            new[js:je],
            "mojibake.ftfy",
            MOJIBAKE_SCORE,
            "mis-decoded characters repaired by ftfy",
        )
        for s, e, js, je in spans
    ]


# --------------------------------------------------------------------------- caption clean-up

_FILLER = re.compile(r"(?<![\w'’-])(?:" + "|".join(sorted(FILLERS, key=len, reverse=True)) + r"|er)(?![\w'’-])", re.I)
_YOU_KNOW = re.compile(r"(?<![\w'’-])you know(?![\w'’-])", re.I)
#: Words after which a comma exists only because a filler follows ("hold it for, um, 30").
_FILLER_COMMA_HOSTS = _wordset("for to about around of at with by the a your and or is like")
_NEXT_WORD = re.compile(r"[ \t]*([A-Za-z0-9]+)")


def remove_fillers(text: str) -> list[Edit]:
    """Delete hesitation fillers, and "you know" where it is clearly filler.

    >>> [(e.before, e.after) for e in remove_fillers("hold it for um 30 seconds")]
    [('um ', '')]
    >>> text = "Um, so, you know, lie down. Do you know why?"
    >>> [(e.before, e.after) for e in remove_fillers(text)]
    [('Um, s', 'S'), (', you know,', ',')]
    """
    edits: list[Edit] = []
    for m in _FILLER.finditer(text):
        if m.group() == "er" or m.group().lower() != "er":
            edits.append(_filler_edit(text, m.start(), m.end(), FILLER_SCORE))
    for m in _YOU_KNOW.finditer(text):
        if _you_know_is_filler(text, m.start(), m.end()):
            edits.append(_filler_edit(text, m.start(), m.end(), FILLER_SCORE - 0.1))
    return _non_overlapping(e for e in edits if e.before)


def _you_know_is_filler(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip(" \t")
    after = text[end:]
    prev = _WORD.findall(before[-40:])
    prev_word = prev[-1].lower() if prev else ""
    if before.endswith(",") and after.startswith(",") and prev_word not in {"as", "if", "do", "did"}:
        return True
    nxt = _NEXT_WORD.match(after)
    if not nxt or before.endswith((",", ".", "?", "!")) or not before:
        return False
    is_number = nxt.group(1).isdigit() or nxt.group(1).lower() in NUMBER_WORDS
    return is_number and prev_word in {"for", "about", "around", "like", "maybe", "of", "at", "to"}


def _filler_edit(text: str, start: int, end: int, score: float) -> Edit:
    s, e = start, end
    before_comma = text[:s].rstrip(" \t").endswith(",")
    if text[e : e + 1] == ",":
        e += 1
        if before_comma:
            # ", um," : drop the filler and one comma; drop both after a function word
            host = _WORD.findall(text[:s].rstrip(" \t,")[-30:])
            if host and host[-1].lower() in _FILLER_COMMA_HOSTS:
                s = len(text[:s].rstrip(" \t").rstrip(",").rstrip(" \t"))
                while e < len(text) and text[e] in " \t":
                    e += 1
                return _edit(text, s, e, " ", "caption.filler", score, "hesitation filler")
            s = len(text[:s].rstrip(" \t")) - 1
            return _edit(text, s, e, ",", "caption.filler", score, "hesitation filler")
    while e < len(text) and text[e] in " \t":
        e += 1
    after = ""
    if e == len(text) or text[e] in ".,!?;:\n":
        e = end + (1 if text[end : end + 1] == "," and before_comma else 0)
        while s > 0 and text[s - 1] in " \t":
            s -= 1
        if before_comma and text[s - 1 : s] == ",":
            s -= 1
    elif text[start].isupper() and _sentence_initial(text, start) and text[e].islower():
        after = text[e].upper()
        e += 1
    return _edit(text, s, e, after, "caption.filler", score, "hesitation filler")


def collapse_repeats(text: str, *, max_run: int = 12) -> list[Edit]:
    """Delete a doubled word ("the the") or an immediately repeated run of 3+ words.

    >>> [(e.before, e.after) for e in collapse_repeats("bend the the knee, I had had enough")]
    [(' the', '')]
    >>> text = "slowly lower your leg\\nslowly lower your leg and rest"
    >>> [(e.before, e.after) for e in collapse_repeats(text)]
    [('\\nslowly lower your leg', '')]
    """
    toks = _tokens(text)
    lows = [t.lower for t in toks]
    edits: list[Edit] = []
    i = 0
    while i < len(toks):
        found = 0
        for n in range(min(max_run, (len(toks) - i) // 2), 0, -1):
            if n == 2 or lows[i] != lows[i + n] or lows[i : i + n] != lows[i + n : i + 2 * n]:
                continue
            first, second = toks[i : i + n], toks[i + n : i + 2 * n]
            gaps = [
                text[a.end : b.start] for a, b in zip(toks[i : i + 2 * n - 1], toks[i + 1 : i + 2 * n], strict=True)
            ]
            if any(g.strip() for g in gaps) or any("\n\n" in g for g in gaps):
                continue
            if n == 1:
                word, gap = first[0], gaps[0]
                if word.lower in DOUBLING_OK or not word.text.isalpha() or word.lower in NUMBER_WORDS:
                    continue
                if _is_name(text, second[0].start, second[0].text) or ("\n" in gap and not word.text.islower()):
                    continue
                edits.append(
                    _edit(
                        text,
                        first[0].end,
                        second[0].end,
                        "",
                        "caption.doubled_word",
                        DOUBLED_WORD_SCORE,
                        f"doubled word {word.lower!r}",
                    )
                )
            else:
                if all(t.lower in NUMBER_WORDS for t in first):
                    continue
                edits.append(
                    _edit(
                        text,
                        first[-1].end,
                        second[-1].end,
                        "",
                        "caption.repeated_run",
                        REPEATED_RUN_SCORE,
                        f"repeated caption run of {n} words",
                    )
                )
            found = n
            break
        i += 2 * found if found else 1
    return edits


# --------------------------------------------------------------------------- splitting

_WORD_DIGITS = re.compile(r"(?<![\w.'’-])([A-Za-z]+)(\d+)(?![\w'’-]|[.,]\d)")
_DIGITS_WORD = re.compile(r"(?<![\w.'’-])(\d+)([A-Za-z]+)(?![\w'’-])")


def split_digits(text: str, vocab: Vocabulary | None = None) -> list[Edit]:
    """Separate a number glued to a word; units, ordinals, "3x10" and codes stay.

    >>> text = "start with10 then 10reps, 3x10, 30s, x10, 2nd, COVID-19, L5"
    >>> [e.after for e in split_digits(text)]
    ['with 10', '10 reps']
    """
    words = vocab.words if vocab else frozenset()
    edits: list[Edit] = []
    # (pattern, group holding the word, where the word stands relative to the number)
    for pattern, group, side in ((_WORD_DIGITS, 1, "before"), (_DIGITS_WORD, 2, "after")):
        for m in pattern.finditer(text):
            word = m.group(group)
            if not word.islower():
                continue
            if side == "before" and len(word) < 3 and word not in SHORT_WORDS:
                continue
            if side == "after" and (word in UNIT_SUFFIXES or len(word) < 3):  # "30s", "10x" stay
                continue
            if zipf(word) >= SPLIT_PART_MIN_ZIPF or word in words:
                reason = f"number glued to the word {side} it"
                edits.append(
                    _edit(
                        text,
                        m.start(),
                        m.end(),
                        f"{m.group(1)} {m.group(2)}",
                        "split.digits",
                        DIGIT_SPLIT_SCORE,
                        reason,
                    )
                )
    return sorted(edits, key=lambda e: e.start)


def _part_ok(part: str, words: frozenset[str]) -> float | None:
    """Zipf of a split part, or None when the part may not stand alone.

    Short parts must be function words or common words: wordfreq also counts fragments such as
    "ard" or "res", which would otherwise turn typos ("forard") into splits.
    """
    if len(part) == 1:
        return zipf(part) if part == "a" else None
    if len(part) == 2 and part not in SHORT_WORDS:
        return None
    z = zipf(part)
    if len(part) == 3 and part not in SHORT_WORDS and part not in words and z < SHORT_PART_MIN_ZIPF:
        return None
    if z >= SPLIT_PART_MIN_ZIPF:
        return z
    if part in words and len(part) >= 4:
        return SPLIT_PART_MIN_ZIPF
    return None


_COMMON_WORDS: dict[int, dict[str, list[str]]] = {}


def _typo_candidates(vocab_words: frozenset[str]) -> dict[str, list[str]]:
    """Common English words (Zipf >= COMMON_WORD_MIN_ZIPF) and domain words, by first letter."""
    key = id(vocab_words)
    if key not in _COMMON_WORDS:
        by_initial: dict[str, list[str]] = {}
        common = (w for w in top_n_list("en", 20000) if w.isalpha() and zipf(w) >= COMMON_WORD_MIN_ZIPF)
        for w in {*common, *(w for w in vocab_words if len(w) >= 4 and w.isalpha())}:
            by_initial.setdefault(w[0], []).append(w)
        for ws in by_initial.values():
            ws.sort()
        _COMMON_WORDS.clear()  # one vocabulary at a time
        _COMMON_WORDS[key] = by_initial
    return _COMMON_WORDS[key]


def nearest_words(word: str, vocab: Vocabulary | None = None) -> list[tuple[str, int]]:
    """Common or domain words a non-word may be a typo of, nearest and most frequent first.

    One edit (transpositions count once) for words up to 7 letters, two beyond.

    >>> nearest_words("forard")[:1], nearest_words("legstogether")
    ([('forward', 1)], [])
    """
    w = word.lower()
    words = vocab.words if vocab else frozenset()
    limit = 1 if len(w) <= 7 else 2
    cands = _typo_candidates(words).get(w[:1], [])
    found = process.extract(w, cands, scorer=OSA.distance, score_cutoff=limit, limit=20)
    return sorted(((f[0], int(f[1])) for f in found), key=lambda f: (f[1], -zipf(f[0]), f[0]))


def _split_options(w: str, words: frozenset[str]) -> list[tuple[float, float, tuple[str, ...]]]:
    """Splits of ``w`` as (log-probability, weakest part Zipf, parts), best first."""
    # rank by unigram log-probability of the parts (Zipf - 9 = log10 of the frequency)
    options: list[tuple[float, float, tuple[str, ...]]] = []
    for i in range(1, len(w)):
        a, b = w[:i], w[i:]
        za, zb = _part_ok(a, words), _part_ok(b, words)
        if za is not None and zb is not None:
            options.append((za + zb - 18, min(za, zb), (a, b)))
    if not options:  # three words: rarer, so every part must be a common word of 3+ letters
        for i in range(3, len(w) - 5):
            for j in range(i + 3, len(w) - 2):
                parts = (w[:i], w[i:j], w[j:])
                zs = [_part_ok(p, words) for p in parts]
                if all(z is not None and z >= THREE_PART_MIN_ZIPF for z in zs):
                    options.append((sum(zs) - 27, min(zs) - 0.5, parts))  # type: ignore[arg-type]
    return sorted(options, key=lambda o: -o[0])


def _typo_logp(w: str, vocab: Vocabulary | None, parts: tuple[str, ...] = ()) -> float | None:
    """Log-probability of the best typo reading of ``w`` (a missing space costs one edit)."""
    # a typo that is a split part or its inflection ("tilts" for "tiltis" = "tilt is") is no rival
    near = [n for n in nearest_words(w, vocab) if not any(n[0] == p or _morph_variant(n[0], p) for p in parts)]
    if not near:
        return None
    typo, dist = near[0]
    return max(zipf(typo), SPLIT_PART_MIN_ZIPF) - 9 - TYPO_EDIT_COST * (dist - 1)


def split_word(word: str, vocab: Vocabulary | None = None) -> tuple[tuple[str, ...], float] | None:
    """Best split of an unknown lower-case word into common words, with a score.

    >>> split_word("legstogether"), split_word("tiltis")[0]
    ((('legs', 'together'), 0.917), ('tilt', 'is'))
    >>> split_word("tadasana"), split_word("vinyasa")
    (None, None)
    """
    words = vocab.words if vocab else frozenset()
    w = word.lower()
    if len(w) < 5 or w in words or _is_sanskrit_pose(w) or zipf(w) >= RUN_TOGETHER_MAX_ZIPF:
        return None
    options = _split_options(w, words)
    if not options:
        return None
    logp, weakest, parts = options[0]
    typo_logp = _typo_logp(w, vocab, parts)
    if typo_logp is not None and logp < typo_logp + 0.5:
        return None  # a typo explains the token as well or better
    score = min(0.95, 0.75 + 0.1 * (weakest - SPLIT_PART_MIN_ZIPF))
    if len(options) > 1 and logp - options[1][0] < 1.0:
        score = min(score, 0.55)  # another split nearly as likely: suggest only
    return parts, round(score, 3)


def split_run_together(text: str, vocab: Vocabulary | None = None) -> list[Edit]:
    """Split run-together words ("legstogether", "tiltis") against word frequencies.

    >>> [(e.before, e.after) for e in split_run_together("Keep your legstogether. Savasana, Jo.")]
    [('legstogether', 'legs together')]
    """
    edits: list[Edit] = []
    for tok in _tokens(text):
        if not tok.text.isalpha() or tok.text[1:] != tok.text[1:].lower():
            continue
        if tok.text[0].isupper() and not _sentence_initial(text, tok.start):
            continue
        found = split_word(tok.text, vocab)
        if found is None:
            continue
        parts, score = found
        after = _match_case(tok.text, " ".join(parts))
        edits.append(
            _edit(
                text,
                tok.start,
                tok.end,
                after,
                "split.run_together",
                score,
                f"run-together words: {' + '.join(parts)}",
            )
        )
    return edits


# --------------------------------------------------------------------------- confusions


@cache
def _nlp() -> spacy.language.Language:
    return spacy.blank("en")


_MATCHERS: dict[tuple[int, ...], tuple[tuple[ConfusionRule, ...], Matcher]] = {}


def _matcher(rules: Sequence[ConfusionRule]) -> Matcher:
    """One Matcher per rule set, built once and cached."""
    key = tuple(id(r) for r in rules)
    if key not in _MATCHERS:
        matcher = Matcher(_nlp().vocab, validate=True)
        for rule in rules:
            matcher.add(rule.id, [rule.pattern])
        _MATCHERS[key] = (tuple(rules), matcher)
    return _MATCHERS[key][1]


def apply_confusions(text: str, rules: Sequence[ConfusionRule] | None = None) -> list[Edit]:
    """Replace real-word errors matched by the confusion table ("lie to your back").

    >>> text = "Lie to your back and you could of done it"
    >>> [(e.before, e.after, e.rule) for e in apply_confusions(text)]
    [('to', 'on', 'confusion.lie-to-your-back'), ('of', 'have', 'confusion.could-of')]
    """
    rules = resources.confusions() if rules is None else tuple(rules)
    if not rules:
        return []
    by_id = {r.id: r for r in rules}
    doc = _nlp().make_doc(text)
    nlp_vocab = _nlp().vocab
    found: dict[int, list[ConfusionRule]] = {}
    for match_id, start, _end, align in _matcher(rules)(doc, with_alignments=True):
        rule = by_id[nlp_vocab.strings[match_id]]
        for k, pattern_index in enumerate(align):
            if pattern_index == rule.target:
                found.setdefault(start + k, []).append(rule)
                break
    edits: list[Edit] = []
    for i, hits in sorted(found.items()):
        tok = doc[i]
        replacements = {r.replacement.lower() for r in hits}
        if len(replacements) != 1 or _is_name(text, tok.idx, tok.text):
            continue
        rule = hits[0]
        edits.append(
            _edit(
                text,
                tok.idx,
                tok.idx + len(tok.text),
                _match_case(tok.text, rule.replacement),
                f"confusion.{rule.id}",
                CONFUSION_SCORE,
                rule.reason,
            )
        )
    return edits


# --------------------------------------------------------------------------- domain terms


@dataclass
class _Context:
    """What a document says about itself: its words, phrases and section headings."""

    text: str
    counts: Counter[str]
    ngrams: Counter[tuple[str, ...]]
    heading_of: Callable[[int], tuple[tuple[str, ...], ...]] = lambda _pos: ()

    def phrase_count(self, phrase: tuple[str, ...]) -> int:
        return self.ngrams[phrase]


def _context(text: str, heading_of: Callable[[int], tuple[tuple[str, ...], ...]] | None = None) -> _Context:
    tokens = _tokens(text)
    ngrams: Counter[tuple[str, ...]] = Counter()
    for seg in _segments(text, tokens):
        lows = [t.lower for t in seg]
        for n in (2, 3, 4, 5):
            ngrams.update(tuple(lows[i : i + n]) for i in range(len(lows) - n + 1))
    ctx = _Context(text, Counter(t.lower for t in tokens), ngrams)
    if heading_of is not None:
        ctx.heading_of = heading_of
    return ctx


@cache
def _phrase_index(phrases: frozenset[tuple[str, ...]]) -> tuple[dict, dict]:
    """Lexicon phrases by one-word wildcard key, and by what is left without an inner word."""
    wild: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    trunc: dict[tuple[str, ...], list[tuple[tuple[str, ...], int]]] = {}
    for p in phrases:
        for i in range(len(p)):
            wild.setdefault((*p[:i], "*", *p[i + 1 :]), []).append(p)
        for j in range(1, len(p) - 1):
            if p[j] not in GLUE_WORDS and (p[j - 1] in GLUE_WORDS or p[j + 1] in GLUE_WORDS):
                trunc.setdefault((*p[:j], *p[j + 1 :]), []).append((p, j))
    return wild, trunc


@cache
def _phrase_words(phrases: frozenset[tuple[str, ...]]) -> frozenset[str]:
    return frozenset(w for p in phrases for w in p)


@lru_cache(maxsize=256)
def _wild_index(
    phrases: tuple[tuple[str, ...], ...],
) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    wild: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for p in phrases:
        for i in range(len(p)):
            wild.setdefault((*p[:i], "*", *p[i + 1 :]), []).append(p)
    return wild


def _protected(text: str, tok: _Token, vocab: Vocabulary) -> bool:
    w = tok.lower
    return (
        w in vocab.words or _is_name(text, tok.start, tok.text) or _is_sanskrit_pose(w) or any(ch.isdigit() for ch in w)
    )


def _next_word(text: str, end: int) -> str | None:
    """The word right after ``end`` when only spaces come between; None at punctuation or EOL."""
    m = _NEXT_WORD.match(text, end)
    return m.group(1).lower() if m and m.group(1).isalpha() else None


def _prev_words(seg_tokens: Sequence[_Token], index: int, n: int) -> list[str]:
    return [t.lower for t in seg_tokens[max(0, index - n) : index]]


def repair_domain_terms(
    text: str,
    vocab: Vocabulary,
    *,
    heading_of: Callable[[int], tuple[tuple[str, ...], ...]] | None = None,
) -> list[Edit]:
    """Repair misheard, misspelt and truncated domain terms against a closed candidate set.

    ``heading_of(offset)`` gives the word tuples of the heading the offset is under.

    >>> v = Vocabulary.from_names(["pelvic tilt", "knee to chest stretch"],
    ...                           {"body_parts": ["spine", "knee", "chest", "pelvis"]})
    >>> t = "Knee to chest stretch. Hug the knee to stretch. Let your spin curve. Pelvis tilt is ok"
    >>> [(e.before, e.after) for e in repair_domain_terms(t, v)]
    [('', ' chest'), ('spin', 'spine'), ('Pelvis', 'Pelvic')]
    """
    ctx = _context(text, heading_of)
    wild, trunc = _phrase_index(vocab.phrases)
    edits: list[Edit] = []
    tokens = _tokens(text)
    covered: set[int] = set()
    for seg in _segments(text, tokens):
        edits.extend(_phrase_edits(text, seg, vocab, ctx, wild, trunc, covered))
    for seg in _segments(text, tokens):
        edits.extend(_word_edits(text, seg, vocab, ctx, covered))
    return _non_overlapping(edits)


def _noun_slot(text: str, end: int) -> bool:
    nxt = _next_word(text, end)
    return nxt is None or nxt in NOUN_FOLLOWERS


def _phrase_edits(text, seg, vocab, ctx, wild, trunc, covered) -> list[Edit]:
    """Windows that differ from a lexicon or heading phrase by one word, or miss one inner word."""
    edits: list[Edit] = []
    lows = [t.lower for t in seg]
    phrase_words = _phrase_words(vocab.phrases)
    known_spans = set()
    for n in (5, 4, 3, 2):
        for s in range(len(seg) - n + 1):
            if tuple(lows[s : s + n]) in vocab.phrases:
                known_spans.update(range(s, s + n))
    for s in range(len(seg)):
        heading_phrases = ctx.heading_of(seg[s].start)
        local_wild = _wild_index(heading_phrases)
        heading_words = {w for p in heading_phrases for w in p}
        for n in (2, 3, 4):
            if s + n > len(seg):
                break
            window = tuple(lows[s : s + n])
            if sum(w not in phrase_words and w not in heading_words for w in window) > 1:
                continue  # a candidate phrase differs from the window in one word only
            if window in vocab.phrases or window in heading_phrases:
                continue
            best = _best_phrase(text, seg, s, n, window, vocab, ctx, wild, local_wild, heading_phrases, known_spans)
            if best:
                edits.append(best)
        for n in (2, 3, 4):
            if s + n > len(seg) or any(k in known_spans for k in range(s, s + n)):
                continue
            window = tuple(lows[s : s + n])
            for phrase, j in trunc.get(window, ()):
                edit = _truncation_edit(text, seg, s, n, phrase, j, ctx, heading_phrases)
                if edit:
                    edits.append(edit)
    for e in edits:
        covered.update(range(e.start, e.end))
    return edits


def _best_phrase(text, seg, s, n, window, vocab, ctx, wild, local_wild, heading_phrases, known_spans) -> Edit | None:
    scored: list[tuple[float, tuple[str, ...], int]] = []
    for i in range(n):
        if s + i in known_spans:
            continue  # part of a lexicon name as written ("spine twist stretch")
        key = (*window[:i], "*", *window[i + 1 :])
        tok = seg[s + i]
        w = window[i]
        if len(w) < 3 or w in GLUE_WORDS or all(x in GLUE_WORDS for j, x in enumerate(window) if j != i):
            continue
        for phrase in {*wild.get(key, ()), *local_wild.get(key, ())}:
            c = phrase[i]
            if c == w or _morph_variant(w, c) or (c in GLUE_WORDS):
                continue
            prev = seg[s - 1].lower if s > 0 else None
            score = _phrase_word_score(
                text,
                tok,
                w,
                c,
                phrase,
                seg[s],
                prev,
                seg[s + n - 1].end,
                vocab,
                ctx,
                heading_phrases,
            )
            if score > 0:
                scored.append((score, phrase, i))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    score, phrase, i = scored[0]
    if len(scored) > 1 and scored[1][1] != phrase and score - scored[1][0] < AMBIGUITY_MARGIN:
        return None
    tok = seg[s + i]
    return _edit(
        text,
        tok.start,
        tok.end,
        _match_case(tok.text, phrase[i]),
        "domain.phrase",
        score,
        f"{tok.text!r} in {' '.join(window)!r} is likely {' '.join(phrase)!r}",
    )


def _phrase_word_score(text, tok, w, c, phrase, first, prev, end, vocab, ctx, heading_phrases) -> float:
    """Confidence that word ``w`` is a mishearing of ``c`` inside ``phrase``; 0 when no case."""
    if _is_name(text, tok.start, tok.text):
        return 0.0
    spell = spelling_similarity(w, c)
    sound = sound_similarity(w, c)
    if not (zipf(c) >= KNOWN_WORD_MIN_ZIPF or c in vocab.words):
        return 0.0
    in_heading = phrase in heading_phrases
    in_doc = ctx.phrase_count(phrase) > 0
    known = zipf(w) >= KNOWN_WORD_MIN_ZIPF or w in vocab.words
    if w in vocab.words or _is_sanskrit_pose(w):
        # protected: only a near-identical form in a noun slot, with the document's own evidence
        # or a name-like position ("Pelvis tilt is ..." at the start of a sentence)
        if spell < 0.8 or w[0] != c[0] or not _noun_slot(text, end):
            return 0.0
        if in_heading or in_doc:
            return 0.8
        starts_np = _sentence_initial(text, first.start) or prev in NP_STARTERS
        if starts_np and _next_word(text, end) in COPULAS:
            return 0.75
        return 0.55
    if not known:
        if spell >= 0.7:
            return 0.75 + 0.2 * spell + (0.03 if in_doc or in_heading else 0.0) - 0.1
        return 0.0
    if w in COMMON_NOUNS:
        return 0.0
    close = spell >= 0.75 and sound >= 0.75
    if close and (in_doc or in_heading):
        return 0.85
    # a heading right above names the phrase: a looser sound-alike will do ("harm stretch")
    rare_here = w[0] == c[0] and ctx.counts[w] <= 2
    partial = fuzz.partial_ratio(w, c, processor=str.lower) if rare_here else 0.0
    if in_heading and partial >= 75:
        return 0.75
    if close or (in_doc and partial >= 85):
        return 0.6  # suggestion only
    return 0.0


def _truncation_edit(text, seg, s, n, phrase, j, ctx, heading_phrases) -> Edit | None:
    end_tok = seg[s + n - 1]
    if any(_is_name(text, t.start, t.text) for t in seg[s : s + n]):
        return None
    nxt = _next_word(text, end_tok.end)
    if nxt in OBJECT_STARTERS:
        return None
    in_context = ctx.phrase_count(phrase) > 0 or phrase in heading_phrases
    line_start = text.rfind("\n", 0, seg[s].start) + 1
    line_end = text.find("\n", end_tok.end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    whole_line = re.sub(r"^[\s#*\-\d.)]*|[\s:.]*$", "", line) == text[seg[s].start : end_tok.end]
    # a noun-phrase slot ("as the knee to stretch but"), not a verb ("pull the knee to stretch")
    before = _WORD.findall(text[max(0, seg[s].start - 40) : seg[s].start])[-2:]
    before = [b.lower() for b in before]
    np_slot = (
        len(before) == 2
        and before[1] in NP_STARTERS
        and before[0] in PREPOSITIONS
        and (nxt is None or nxt in NOUN_FOLLOWERS or nxt in CONJUNCTIONS)
        and ctx.counts[phrase[j]] > 0
    )
    score = 0.8 if in_context or whole_line else 0.75 if np_slot else 0.55
    gap_tok = seg[s + j - 1]
    missing = phrase[j]
    return _edit(
        text,
        gap_tok.end,
        gap_tok.end,
        f" {missing}",
        "domain.truncated",
        score,
        f"{' '.join(phrase)!r} is missing {missing!r}",
    )


def _word_edits(text, seg, vocab, ctx, covered) -> list[Edit]:
    """Single misheard or misspelt words repaired to a body part, equipment or a document word."""
    edits: list[Edit] = []
    for k, tok in enumerate(seg):
        w = tok.lower
        if tok.start in covered or len(w) < 3 or not w.isalpha() or _protected(text, tok, vocab):
            continue
        if text[tok.end : tok.end + 1] == "-" or text[tok.start - 1 : tok.start] == "-":
            continue  # part of a hyphenated compound ("nick-name")
        if w in COMMON_NOUNS or w in GLUE_WORDS:
            continue
        known = zipf(w) >= KNOWN_WORD_MIN_ZIPF
        if not known:
            edit = _typo_edit(text, tok, vocab, ctx)
        else:
            edit = _misheard_edit(text, seg, k, tok, vocab, ctx)
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


def _typo_edit(text, tok, vocab, ctx) -> Edit | None:
    """A non-word one edit (two if long) from a domain or common word: "hamstirng", "forard"."""
    w = tok.lower
    if len(w) < 5:
        return None
    limit = 1 if len(w) <= 7 else 2
    near = nearest_words(w, vocab)
    seen = {n[0] for n in near}
    for word, count in ctx.counts.items():  # the document's own repeated words are candidates too
        if count >= 2 and word[:1] == w[:1] and word not in seen and len(word) >= 5 and zipf(word) >= 1.0:
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
        twin = next((b for b in best if _morph_variant(b, word)), None)
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
    return _edit(
        text,
        tok.start,
        tok.end,
        _match_case(tok.text, form),
        "domain.typo",
        score,
        f"{tok.text!r} is not a word; nearest {what} {form!r}",
    )


def _misheard_edit(text, seg, k, tok, vocab, ctx) -> Edit | None:
    """A real word where a body part is expected: "your spin", "release the gills"."""
    w = tok.lower
    prev = _prev_words(seg, k, 2)
    if not prev or prev[-1] not in POSSESSIVES | {"the", "both"}:
        return None
    cands = {lemma: forms for lemma, forms in vocab.targets.items() if lemma[0] == w[0]}
    if not cands:
        return None

    def combined(a: str, b: str) -> float:
        return min(spelling_similarity(a, b), sound_similarity(a, b))

    ranked = _rank(w, cands, combined)
    sim, form = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    if sim >= 0.75 and sim - second >= AMBIGUITY_MARGIN and prev[-1] in POSSESSIVES:
        score = 0.8
    elif sim >= 0.75 and sim - second >= AMBIGUITY_MARGIN and ctx.counts[form] + ctx.counts[form.rstrip("s")] >= 1:
        score = 0.72
    else:
        # ASR weak path: a body verb, the target named elsewhere in the document, consonants kept.
        # Only terms the document uses compete, so spelling variants ("gluteus") cannot tie.
        cands = {lemma: forms for lemma, forms in cands.items() if any(ctx.counts[f] for f in forms)}
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
    return _edit(
        text,
        tok.start,
        tok.end,
        _match_case(tok.text, form),
        "domain.misheard",
        score,
        f"{tok.text!r} after {prev[-1]!r} sounds like the domain term {form!r}",
    )


def _lemma_of(form: str, cands: Mapping[str, tuple[str, str]]) -> str:
    for lemma, forms in cands.items():
        if form in forms:
            return lemma
    return form


# --------------------------------------------------------------------------- composition


class _Chain:
    """Edits on the source text, folded together as later stages edit the repaired text."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.text = source
        self.edits: list[Edit] = []
        self.suggestions: list[Edit] = []
        self.pieces: list = []

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        return alignment.to_source(self.pieces, start, end)

    def _forward(self, pos: int, *, is_end: bool) -> int:
        shift = 0
        for e in self.edits:
            if e.end < pos or (e.end == pos and (is_end or e.start < pos)):
                shift += len(e.after) - (e.end - e.start)
        return pos + shift

    def _lift(self, group: Sequence[Edit]) -> tuple[int, int, str, list[Edit]]:
        """Source span, replacement and absorbed earlier edits for edits on the current text."""
        spans = [self.to_source(e.start, e.end) for e in group]
        u0, u1 = min(s for s, _ in spans), max(e for _, e in spans)
        absorbed = []
        changed = True
        while changed:
            changed = False
            for o in self.edits:
                if o in absorbed:
                    continue
                touches = (
                    (o.start < u1 and u0 < o.end)
                    or (o.start == o.end and u0 <= o.start <= u1)
                    or (u0 == u1 and o.start <= u0 <= o.end)
                )
                if touches:
                    absorbed.append(o)
                    u0, u1 = min(u0, o.start), max(u1, o.end)
                    changed = True
        f0 = self._forward(u0, is_end=False)
        f1 = self._forward(u1, is_end=True)
        parts, pos = [], f0
        for e in sorted(group, key=lambda e: (e.start, e.end)):
            parts.append(self.text[pos : e.start])
            parts.append(e.after)
            pos = e.end
        parts.append(self.text[pos:f1])
        return u0, u1, "".join(parts), absorbed

    def add(self, stage_edits: Iterable[Edit]) -> None:
        apply, suggest = [], []
        for e in _non_overlapping(stage_edits):
            (apply if e.score >= APPLY_THRESHOLD else suggest).append(e)
        for e in suggest:
            u0, u1, after, absorbed = self._lift([e])
            self.suggestions.append(self._combine(u0, u1, after, [e], absorbed, e.score))
        # edits whose source spans meet (through an earlier edit they both touch) fold into one
        groups: list[list[Edit]] = []
        spans: list[tuple[int, int]] = []
        for e in apply:
            u0, u1, _after, _absorbed = self._lift([e])
            meets = bool(spans) and (
                u0 < spans[-1][1] or (u0 == spans[-1][1] and (u0 == u1 or spans[-1][0] == spans[-1][1]))
            )
            if meets:
                groups[-1].append(e)
                spans[-1] = (spans[-1][0], max(spans[-1][1], u1))
            else:
                groups.append([e])
                spans.append((u0, u1))
        merged: list[Edit] = []
        absorbed_all: list[Edit] = []
        for group in groups:
            u0, u1, after, absorbed = self._lift(group)
            absorbed_all.extend(absorbed)
            combined = self._combine(u0, u1, after, group, absorbed, min(e.score for e in group))
            if combined.before != combined.after:
                merged.append(combined)
        keep = [o for o in self.edits if o not in absorbed_all]
        self.edits = sorted(keep + merged, key=lambda e: (e.start, e.end))
        self.text, self.pieces = alignment.apply(self.source, [(e.start, e.end, e.after) for e in self.edits])

    def _combine(self, u0, u1, after, group, absorbed, score) -> Edit:
        parts = sorted([*absorbed, *group], key=lambda e: e.start)
        rules = list(dict.fromkeys(r for e in parts for r in e.rule.split("+")))
        reasons = list(dict.fromkeys(e.reason for e in parts if e.reason))
        score = min([score, *(e.score for e in absorbed)])
        return Edit(
            start=u0,
            end=u1,
            before=self.source[u0:u1],
            after=after,
            rule="+".join(rules),
            score=score,
            reason="; ".join(reasons),
        )


# --------------------------------------------------------------------------- headings

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


def _heading_lookup(doc: Document, chain: _Chain) -> Callable[[int], tuple[tuple[str, ...], ...]]:
    """Map an offset of the chain's current text to the phrases of the heading above it.

    The heading above is the last one that ends before the offset, so a heading never supports
    its own words ("To perform the harm stretch:" under "Hamstring stretch"). Headings are found
    in ``doc.text`` and read from the current text, so a repaired heading offers repaired words.
    """
    spans = [(chain._forward(s, is_end=False), chain._forward(e, is_end=True)) for s, e in _heading_spans(doc)]
    ends = [e for _, e in spans]
    phrases = [_heading_phrases(_words(chain.text[s:e])) for s, e in spans]

    def heading_of(pos: int) -> tuple[tuple[str, ...], ...]:
        idx = bisect_right(ends, pos) - 1
        return phrases[idx] if idx >= 0 else ()

    return heading_of


# --------------------------------------------------------------------------- API


def normalize_document(
    doc: Document,
    *,
    vocab: Vocabulary | None = None,
    rules: Sequence[ConfusionRule] | None = None,
) -> NormalizedDocument:
    """Repair one document; every applied edit and suggestion is in ``doc.text`` offsets.

    vocab (Vocabulary): closed candidate sets. Defaults to the package data.
    rules (Sequence[ConfusionRule]): confusion table. Defaults to ``data/confusions.jsonl``.
    RETURNS (NormalizedDocument): repaired text, applied edits (sorted, non-overlapping) and
        suggestions.
    """
    vocab = default_vocabulary() if vocab is None else vocab
    rules = resources.confusions() if rules is None else tuple(rules)
    chain = _Chain(doc.text)
    chain.add(fix_mojibake(chain.text))
    chain.add(remove_fillers(chain.text))
    chain.add(collapse_repeats(chain.text))
    chain.add(split_digits(chain.text, vocab))
    chain.add(split_run_together(chain.text, vocab))
    chain.add(apply_confusions(chain.text, rules))
    chain.add(repair_domain_terms(chain.text, vocab, heading_of=_heading_lookup(doc, chain)))
    suggestions = sorted(chain.suggestions, key=lambda e: (e.start, e.end))
    return NormalizedDocument(doc_id=doc.doc_id, text=chain.text, edits=chain.edits, suggestions=suggestions)


def to_corrections(doc: Document, ndoc: NormalizedDocument) -> tuple[list[Correction], list[Correction]]:
    """Applied edits and suggestions as corrections in raw-text offsets (``before`` is raw text)."""
    return [_correction(doc, e) for e in ndoc.edits], [_correction(doc, e) for e in ndoc.suggestions]


def _correction(doc: Document, e: Edit) -> Correction:
    start, end = alignment.to_source(doc.alignment, e.start, e.end)
    ts, te = e.start, e.end
    for p in doc.alignment:
        if p.start < e.end and e.start < p.end or (e.start == e.end and p.start < e.start < p.end):
            ts, te = min(ts, p.start), max(te, p.end)
    after = doc.text[ts : e.start] + e.after + doc.text[e.end : te]
    return Correction(
        doc_id=doc.doc_id,
        start=start,
        end=end,
        before=doc.raw_text[start:end],
        after=after,
        rule=e.rule,
        score=e.score,
        reason=e.reason,
    )
