"""Text helpers every repair mechanism shares: word tokens, edits, sentence starts, names."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple, overload

from ..models import Edit


def wordset(words: str) -> frozenset[str]:
    """The words of a whitespace-separated string."""
    return frozenset(words.split())


#: Small words that may stand on their own as one part of a split.
SHORT_WORDS = wordset("a an as at be by do go he if in is it me my no of on or so to up us we am")
#: Glue words inside multi-word exercise names; a name missing the word after one is truncated.
GLUE_WORDS = wordset("to the a an up on and of in with at for into over")
#: Abbreviations after which a capitalized word is still mid-sentence ("Dr. Kay").
TITLES = wordset("dr mr mrs ms prof st mt")
NUMBER_WORDS = wordset("""
    one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty
    forty fifty sixty hundred
""")

WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
JOINABLE_GAP = re.compile(r"[ \t]*(?:-[ \t]*)?")
TRAILING_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]+$")
#: The next word after optional spaces or tabs.
NEXT_WORD = re.compile(r"[ \t]*([A-Za-z0-9]+)")

# --------------------------------------------------------------------------- text helpers


def make_edit(text: str, start: int, end: int, after: str, rule: str, score: float, reason: str) -> Edit:
    return Edit(
        start=start,
        end=end,
        before=text[start:end],
        after=after,
        rule=rule,
        score=round(max(0.0, min(1.0, score)), 3),
        reason=reason,
    )


def sentence_initial(text: str, start: int) -> bool:
    """True when the word at ``start`` begins a sentence, line or list item."""
    j = start - 1
    while j >= 0 and text[j] in " \t\"'“‘(*[":
        j -= 1
    if j >= 0 and text[j] == ".":
        title = TRAILING_WORD.search(text, max(0, j - 6), j)
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


def is_name(text: str, start: int, word: str) -> bool:
    """A capitalized word mid-sentence, or an acronym: a name, never changed."""
    if len(word) > 1 and word.isupper():
        return True
    return word[:1].isupper() and not sentence_initial(text, start)


def match_case(template: str, word: str) -> str:
    if len(template) > 1 and template.isupper():
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def overlaps(a: Edit, b: Edit) -> bool:
    """True when two edits touch the same text (an insertion inside a replacement counts)."""
    if (a.start, a.end) == (b.start, b.end):
        return True
    return (
        a.start < b.end
        and b.start < a.end
        or (a.start == a.end and b.start < a.start < b.end)
        or (b.start == b.end and a.start < b.start < a.end)
    )


def non_overlapping(edits: Iterable[Edit]) -> list[Edit]:
    """Keep the best of overlapping edits (higher score, then earlier), sorted by offset."""
    kept: list[Edit] = []
    for e in sorted(edits, key=lambda e: (-e.score, e.start, e.end)):
        if not any(overlaps(e, k) for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: (e.start, e.end))


class Token(NamedTuple):
    start: int
    end: int
    text: str
    lower: str


@dataclass(frozen=True, slots=True)
class Words:
    """The word tokens of a text as parallel lists (built without a Python object per word);
    indexing gives a :class:`Token`, slicing a list of them."""

    starts: list[int]
    ends: list[int]
    texts: list[str]
    #: lower case, typographic apostrophes made plain
    lows: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, k: int) -> Token: ...
    @overload
    def __getitem__(self, k: slice) -> list[Token]: ...
    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        return Token(self.starts[k], self.ends[k], self.texts[k], self.lows[k])


_WORD_SPLIT = re.compile(f"({WORD.pattern})")


@lru_cache(maxsize=4)
def word_tokens(text: str) -> Words:
    """Word tokens of ``text``; cached, since several mechanisms read the same text in turn.

    >>> w = word_tokens("Don’t  stop")
    >>> w.starts, w.ends, w.texts, w.lows, w[1]
    ([0, 7], [5, 11], ['Don’t', 'stop'], ["don't", 'stop'], Token(start=7, end=11, text='stop', lower='stop'))
    """
    parts = _WORD_SPLIT.split(text)  # gap, word, gap, ..., word, gap
    bounds = list(accumulate(map(len, parts), initial=0))
    texts = parts[1::2]
    lows = list(map(str.lower, texts))
    if "’" in text:
        lows = [w.replace("’", "'") for w in lows]
    return Words(bounds[1:-1:2], bounds[2::2], texts, lows)


def segment_ids(text: str, words: Words) -> list[int]:
    """The segment number of each word. A segment is a run of words joined only by spaces or
    hyphens: phrases never cross punctuation or lines.

    >>> t = "Knee to chest. Hug-it\\nnow"
    >>> segment_ids(t, word_tokens(t))
    [0, 0, 0, 1, 1, 2]
    """
    gaps = map(text.__getitem__, map(slice, words.ends, words.starts[1:]))
    breaks = (gap != " " and JOINABLE_GAP.fullmatch(gap) is None for gap in gaps)
    return list(accumulate(breaks, initial=0)) if words.texts else []


# --------------------------------------------------------------------------- protected spans

_TLD = (
    "com|org|net|edu|gov|mil|int|info|biz|io|co|uk|us|ca|au|nz|ie|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|"
    "in|jp|cn|ru|br|za|me|tv|ly|app|dev|health|fit|blog|online|site|shop"
)
_EXTENSIONS = (
    "pdf|docx?|txt|md|rtf|html?|php|aspx?|jpe?g|png|gif|svg|webp|mp[34]|mov|avi|csv|xlsx?|pptx?|zip|json|xml|"
    "ya?ml|py|js|css"
)
#: URLs, bare domains with an optional path, e-mail addresses and file names. Bare domains and file
#: names need a lower-case suffix: "tightness.It" is a missing space, not a domain.
_PROTECTED = re.compile(
    rf"""(?x)
    (?i:https?://|www\.)[^\s<>"]*[^\s<>".,;:!?)'’\]]
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+
    | (?<![\w@.])[\w-]+(?:\.[\w-]+)*\.(?:{_TLD})(?![\w-])(?:/(?:[^\s<>"]*[^\s<>".,;:!?)'’\]])?)?
    | (?<![\w.])[\w-]+\.(?:{_EXTENSIONS})(?![\w])
    """
)
#: Top-level domains and file extensions: a word glued after a full stop that may be one of these
#: is part of a name, not a new sentence ("example.com", "notes.txt").
NAME_SUFFIXES = frozenset(
    f"{_TLD}|{_EXTENSIONS}|docx|doc|htm|jpeg|jpg|yaml|yml|mp3|mp4|xls|xlsx|ppt|pptx|asp|aspx".split("|")
)


class Spans:
    """Sorted, non-overlapping character spans, for "is this offset inside one?"."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def covers(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` overlaps a span."""
        i = bisect_right(self.starts, end - 1 if end > start else start) - 1
        return i >= 0 and self.spans[i][1] > start

    def containing(self, pos: int) -> tuple[int, int] | None:
        """The span that contains offset ``pos``."""
        i = bisect_right(self.starts, pos) - 1
        return self.spans[i] if i >= 0 and self.spans[i][0] <= pos < self.spans[i][1] else None


#: A whole run of characters other than whitespace, "<", ">" and '"' that holds a "." or an "@". It
#: starts only where a run starts and skips to its first "." or "@" without backtracking: trying
#: every start inside every run was quadratic in the run's length.
_DOTTED_CHUNK = re.compile(r"(?<![^\s<>\"])[^\s<>\".@]*+[.@][^\s<>\"]*")


@lru_cache(maxsize=4)
def protected_spans(text: str) -> Spans:
    """URLs, domains, e-mail addresses and file names: no repair ever edits inside them.

    >>> t = "See www.jo.com/a, mail jo@x.org, open notes.txt or endyourpain.com/blogand now."
    >>> [t[s:e] for s, e in protected_spans(t).spans]
    ['www.jo.com/a', 'jo@x.org', 'notes.txt', 'endyourpain.com/blogand']
    """
    spans = []
    for chunk in _DOTTED_CHUNK.finditer(text):  # only chunks with a dot or an @ can hold one
        at = chunk.start()
        spans.extend((at + m.start(), at + m.end()) for m in _PROTECTED.finditer(chunk.group()))
    return Spans(spans)
