"""Caption clean-up: hesitation fillers, doubled words and repeated caption runs."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from ..models import Edit
from .text import (
    NEXT_WORD,
    NUMBER_WORDS,
    WORD,
    Words,
    is_name,
    make_edit,
    non_overlapping,
    sentence_initial,
    word_tokens,
    wordset,
)

DOUBLED_WORD_SCORE = 0.9
REPEATED_RUN_SCORE = 0.85
FILLER_SCORE = 0.9

#: Fillers that are never words in exercise text (case-insensitive, except "er").
FILLERS = wordset("um umm ummm uh uhh uhm erm ehm hmm")
#: Closed-class words nobody doubles on purpose ("the the", "is is"); "had had", "that that" and
#: emphatic "do do" are English, and content words doubled are a speaker's emphasis.
FUNCTION_WORDS = wordset("""
    the a an to of in on at for with and or but is are was were be been your my his her our their
    its it this these those you we they he she i me him them us from by as into onto than if not
""")

_FILLER = re.compile(r"(?<![\w'’-])(?:" + "|".join(sorted(FILLERS, key=len, reverse=True)) + r"|er)(?![\w'’-])", re.I)
_NEWLINE = re.compile("\n")
_YOU_KNOW = re.compile(r"(?<![\w'’-])you know(?![\w'’-])", re.I)
#: Words after which a comma exists only because a filler follows ("hold it for, um, 30").
_FILLER_COMMA_HOSTS = wordset("for to about around of at with by the a your and or is like")


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
    return non_overlapping(e for e in edits if e.before)


def _you_know_is_filler(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip(" \t")
    after = text[end:]
    prev = WORD.findall(before[-40:])
    prev_word = prev[-1].lower() if prev else ""
    if before.endswith(",") and after.startswith(",") and prev_word not in {"as", "if", "do", "did"}:
        return True
    nxt = NEXT_WORD.match(after)
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
            host = WORD.findall(text[:s].rstrip(" \t,")[-30:])
            if host and host[-1].lower() in _FILLER_COMMA_HOSTS:
                s = len(text[:s].rstrip(" \t").rstrip(",").rstrip(" \t"))
                while e < len(text) and text[e] in " \t":
                    e += 1
                return make_edit(text, s, e, " ", "caption.filler", score, "hesitation filler")
            s = len(text[:s].rstrip(" \t")) - 1
            return make_edit(text, s, e, ",", "caption.filler", score, "hesitation filler")
    while e < len(text) and text[e] in " \t":
        e += 1
    after = ""
    if e == len(text) or text[e] in ".,!?;:\n":
        e = end + (1 if text[end : end + 1] == "," and before_comma else 0)
        while s > 0 and text[s - 1] in " \t":
            s -= 1
        if before_comma and text[s - 1 : s] == ",":
            s -= 1
    elif text[start].isupper() and sentence_initial(text, start) and text[e].islower():
        after = text[e].upper()
        e += 1
    return make_edit(text, s, e, after, "caption.filler", score, "hesitation filler")


def collapse_repeats(text: str, *, line_breaks: Sequence[int] | None = None, max_run: int = 12) -> list[Edit]:
    """Delete a doubled function word ("the the", "is is") and repeated caption lines.

    Speech is not an error: a doubled content word ("slowly, slowly", "squeeze squeeze") is a
    speaker's emphasis and stays. A repeated run of 3+ words is deleted only when its second copy
    starts a new caption line, as rolling auto-captions repeat a line: ``line_breaks`` gives the
    offsets where the source had a line break, and is None for text that is not captions (a
    workout log repeats its lines on purpose).

    >>> [(e.before, e.after) for e in collapse_repeats("bend the the knee, I had had enough, go go")]
    [(' the', '')]
    >>> text = "slowly lower your leg\\nslowly lower your leg and rest"
    >>> [(e.before, e.after) for e in collapse_repeats(text, line_breaks=[])]
    [('\\nslowly lower your leg', '')]
    >>> collapse_repeats(text), collapse_repeats("lower your leg lower your leg", line_breaks=[])
    ([], [])
    """
    toks = word_tokens(text)
    lows = toks.lows
    # the next place of each token's word: only a word that comes again within max_run tokens
    # can start a repeat
    following = [len(toks) + max_run] * len(toks)
    last: dict[str, int] = {}
    for k in range(len(lows) - 1, -1, -1):
        following[k] = last.get(lows[k], following[k])
        last[lows[k]] = k
    breaks: list[int] | None = None
    edits: list[Edit] = []
    resume = 0
    for i in [k for k in range(len(toks)) if following[k] - k <= max_run]:
        if i < resume:
            continue  # inside a repeat found before
        # run lengths n for which the word comes again n tokens later, longest first
        lengths = []
        j = following[i]
        while j - i <= min(max_run, (len(toks) - i) // 2):
            lengths.append(j - i)
            j = following[j]
        for n in reversed(lengths):
            if n == 2 or lows[i : i + n] != lows[i + n : i + 2 * n]:
                continue
            first, second = toks[i : i + n], toks[i + n : i + 2 * n]
            gaps = [
                text[a.end : b.start] for a, b in zip(toks[i : i + 2 * n - 1], toks[i + 1 : i + 2 * n], strict=True)
            ]
            if any(g.strip() for g in gaps) or any("\n\n" in g for g in gaps):
                continue
            if n == 1:
                edit = _doubled_word(text, toks, lows, i, gaps[0])
                if edit is None:
                    continue
                edits.append(edit)
            else:
                if line_breaks is None or all(t.lower in NUMBER_WORDS for t in first):
                    continue
                if breaks is None:
                    breaks = sorted({*line_breaks, *(m.start() for m in _NEWLINE.finditer(text))})
                k = bisect_left(breaks, first[-1].end)
                if k == len(breaks) or breaks[k] > second[0].start:
                    continue  # the copy does not start a caption line: the speaker repeated it
                reason = f"caption line repeated ({n} words)"
                edits.append(
                    make_edit(
                        text, first[-1].end, second[-1].end, "", "caption.repeated_run", REPEATED_RUN_SCORE, reason
                    )
                )
            resume = i + 2 * n
            break
    return edits


def _doubled_word(text: str, toks: Words, lows: Sequence[str], i: int, gap: str) -> Edit | None:
    """The edit deleting the second of two identical function words, or None."""
    first, second = toks[i], toks[i + 1]
    if lows[i] not in FUNCTION_WORDS or is_name(text, second.start, second.text):
        return None
    if "\n" in gap and not first.text.islower():
        return None  # "Bridge\nBridge your hips": a heading and its first sentence
    if lows[i] == "is" and {"what", "all"} & set(lows[max(0, i - 4) : i]):
        return None  # "what it is is a hinge"
    return make_edit(
        text, first.end, second.end, "", "caption.doubled_word", DOUBLED_WORD_SCORE, f"doubled word {lows[i]!r}"
    )
