"""Glued tokens: numbers glued to words ("with10") and run-together words ("legstogether")."""

from __future__ import annotations

import re

from ..models import Edit
from .text import SHORT_WORDS, make_edit, match_case, sentence_initial, word_tokens, wordset
from .vocabulary import Vocabulary, is_sanskrit_pose, morph_variant, nearest_words, zipf

#: A lower-case token rarer than this (wordfreq Zipf scale) may be run-together words.
RUN_TOGETHER_MAX_ZIPF = 1.0
#: Every part of a split must be at least this common an English word.
SPLIT_PART_MIN_ZIPF = 3.0
#: A 3-letter split part that is not a function or domain word must be at least this common.
SHORT_PART_MIN_ZIPF = 4.5
#: Every part of a three-way split must be at least this common.
THREE_PART_MIN_ZIPF = 4.0
#: Cost (Zipf units) of each extra edit when a typo competes with a split.
TYPO_EDIT_COST = 4.0
DIGIT_SPLIT_SCORE = 0.9

#: Letter suffixes that belong to a number: "30s", "2nd", "10x", "5kg", "10am".
UNIT_SUFFIXES = wordset("""
    s x st nd rd th sec secs min mins m km kg lb lbs mm cm hr hrs h am pm k d ish deg
    p hz ml yo
""")

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
                    make_edit(
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
    near = [n for n in nearest_words(w, vocab) if not any(n[0] == p or morph_variant(n[0], p) for p in parts)]
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
    if len(w) < 5 or w in words or is_sanskrit_pose(w) or zipf(w) >= RUN_TOGETHER_MAX_ZIPF:
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
    for tok in word_tokens(text):
        if not tok.text.isalpha() or tok.text[1:] != tok.text[1:].lower():
            continue
        if tok.text[0].isupper() and not sentence_initial(text, tok.start):
            continue
        found = split_word(tok.text, vocab)
        if found is None:
            continue
        parts, score = found
        after = match_case(tok.text, " ".join(parts))
        edits.append(
            make_edit(
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
