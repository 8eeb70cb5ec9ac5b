"""Text helpers every repair mechanism shares: word tokens, edits, sentence starts, names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

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


def word_tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group(), m.group().lower().replace("’", "'")) for m in WORD.finditer(text)]


def segments(text: str, tokens: Sequence[Token]) -> list[list[Token]]:
    """Runs of words joined only by spaces or hyphens: phrases never cross punctuation or lines."""
    segs: list[list[Token]] = []
    for tok in tokens:
        if segs and JOINABLE_GAP.fullmatch(text[segs[-1][-1].end : tok.start]):
            segs[-1].append(tok)
        else:
            segs.append([tok])
    return segs

