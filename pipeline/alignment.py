"""Map offsets in a derived text back to the text it was derived from.

A derivation is a sorted list of non-overlapping replacements on the source. Where a span of
the derived text falls inside a replacement, it maps to the whole replaced source span, so a
quote taken from the source always covers what the derived text said.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from .models import Piece


def apply(source: str, replacements: Iterable[tuple[int, int, str]]) -> tuple[str, list[Piece]]:
    """Apply sorted, non-overlapping ``(start, end, new)`` replacements to ``source``.

    Returns the derived text and the pieces that differ (the alignment).

    >>> text, pieces = apply("a  b", [(1, 3, " ")])
    >>> text, to_source(pieces, 2, 3)
    ('a b', (3, 4))
    """
    out: list[str] = []
    pieces: list[Piece] = []
    pos = 0
    length = 0
    for start, end, new in sorted(replacements, key=lambda r: (r[0], r[1])):
        if start < pos:
            raise ValueError(f"overlapping replacement at {start} (previous ended at {pos})")
        out.append(source[pos:start])
        length += start - pos
        out.append(new)
        pieces.append(Piece(start=length, end=length + len(new), raw_start=start, raw_end=end))
        length += len(new)
        pos = end
    out.append(source[pos:])
    return "".join(out), pieces


def _locate(pieces: Sequence[Piece], starts: Sequence[int], offset: int, *, is_end: bool) -> int:
    """Map one derived offset to the source.

    Inside a replacement, a start maps to the replaced span's start and an end to its end, so
    the source span covers everything the derived span shows. Deletions (empty replacements)
    at the boundary are left outside the span.
    """
    idx = bisect_left(starts, offset) - 1  # last piece starting before the offset
    if not is_end:
        while idx + 1 < len(pieces) and pieces[idx + 1].start == offset == pieces[idx + 1].end:
            idx += 1
    if idx < 0:
        return offset
    p = pieces[idx]
    if offset < p.end:
        return p.raw_end if is_end else p.raw_start
    return p.raw_end + (offset - p.end)


def to_source(pieces: Sequence[Piece], start: int, end: int) -> tuple[int, int]:
    """Map a derived span ``[start, end)`` to the source span that produced it.

    >>> _, pieces = apply("hello   world", [(5, 8, " ")])
    >>> to_source(pieces, 6, 11)
    (8, 13)
    """
    if not pieces:
        return start, end
    starts = [p.start for p in pieces]
    s = _locate(pieces, starts, start, is_end=False)
    e = _locate(pieces, starts, end, is_end=True) if end > start else s
    return s, max(s, e)


def compose(outer: Sequence[Piece], inner: Sequence[Piece], start: int, end: int) -> tuple[int, int]:
    """Map through two derivations: ``outer`` derived from the middle text, ``inner`` from raw."""
    mid_start, mid_end = to_source(outer, start, end)
    return to_source(inner, mid_start, mid_end)


def forward(pieces: Sequence[Piece], offset: int, *, is_end: bool = False) -> int:
    """Map a source offset to the derived text (the inverse direction of ``to_source``).

    An offset inside a replaced source span maps to the start (or, for an end, the end) of
    its replacement.

    >>> _, pieces = apply("ab  cd", [(2, 4, " ")])
    >>> forward(pieces, 4), forward(pieces, 3), forward(pieces, 3, is_end=True)
    (3, 2, 3)
    """
    shift = 0
    for p in pieces:
        if offset < p.raw_start or (offset == p.raw_start and not is_end):
            break
        if offset < p.raw_end:
            return p.end if is_end else p.start
        shift = p.end - p.raw_end
    return offset + shift
