"""Caption clean-up: hesitation fillers, doubled words and repeated caption runs."""

from __future__ import annotations

import re

from ..models import Edit
from .text import (
    NEXT_WORD,
    NUMBER_WORDS,
    WORD,
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
#: Words whose doubling is normal English ("had had", "that that", "bye bye", "slowly slowly").
DOUBLING_OK = wordset("""
    had that is bye no yeah yes very really so ha haha hey oh ok okay om now go well
    cha knock tut tick chop ding boo slowly gently softly little more again bit far long
""")

_FILLER = re.compile(r"(?<![\w'’-])(?:" + "|".join(sorted(FILLERS, key=len, reverse=True)) + r"|er)(?![\w'’-])", re.I)
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


def collapse_repeats(text: str, *, max_run: int = 12) -> list[Edit]:
    """Delete a doubled word ("the the") or an immediately repeated run of 3+ words.

    >>> [(e.before, e.after) for e in collapse_repeats("bend the the knee, I had had enough")]
    [(' the', '')]
    >>> text = "slowly lower your leg\\nslowly lower your leg and rest"
    >>> [(e.before, e.after) for e in collapse_repeats(text)]
    [('\\nslowly lower your leg', '')]
    """
    toks = word_tokens(text)
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
                if is_name(text, second[0].start, second[0].text) or ("\n" in gap and not word.text.islower()):
                    continue
                edits.append(
                    make_edit(
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
                    make_edit(
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
