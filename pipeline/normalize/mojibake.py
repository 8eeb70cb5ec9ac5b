"""Mis-decoded text (UTF-8 read as cp1252, "donâ€™t"): ftfy's repair, one edit per damaged word."""

from __future__ import annotations

import difflib

import ftfy

from ..models import Edit
from .text import make_edit

MOJIBAKE_SCORE = 0.95


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
        make_edit(
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
