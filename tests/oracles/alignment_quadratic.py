"""The first, quadratic implementation of pipeline.alignment: the oracle its faster one is tested against.


A derivation is a sorted list of non-overlapping replacements on the source. Where a span of
the derived text falls inside a replacement, it maps to the whole replaced source span, so a
quote taken from the source always covers what the derived text said.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from pipeline.models import Piece


def apply(source: str, replacements: Iterable[tuple[int, int, str]]) -> tuple[str, list[Piece]]:
    """Apply sorted, non-overlapping ``(start, end, new)`` replacements to ``source``.

    Returns the derived text and the pieces that differ (the alignment). A replacement that
    inserts nothing at a point changes nothing and leaves no piece.

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
        if start == end and not new:
            continue
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


def chain(outer: Sequence[Piece], inner: Sequence[Piece]) -> list[Piece]:
    """One derivation from two: ``outer`` derived a text from the middle text, ``inner`` derived
    the middle text from the source; the result derives the outer text from the source.

    An outer replacement that cuts into an inner one is widened to cover it whole, so every
    piece still maps a derived span to the whole source span it came from.

    >>> source = "a  b <i>c</i>"
    >>> middle, inner = apply(source, [(1, 3, " "), (5, 8, ""), (9, 13, "")])
    >>> text, outer = apply(middle, [(3, 5, " C")])
    >>> pieces = chain(outer, inner)
    >>> text, apply(source, [(p.raw_start, p.raw_end, text[p.start : p.end]) for p in pieces])[0]
    ('a b C', 'a b C')
    """
    # Groups of outer pieces with the middle span they cover, widened over the inner pieces they
    # cut into and fused where they then cut into each other, until nothing changes.
    groups = [([p], p.raw_start, p.raw_end) for p in sorted(outer, key=lambda p: (p.raw_start, p.raw_end))]
    changed = True
    while changed:
        changed = False
        for i, (members, lo, hi) in enumerate(groups):
            for q in inner:
                if _cuts(lo, hi, q.start, q.end) and (q.start < lo or q.end > hi):
                    lo, hi, changed = min(lo, q.start), max(hi, q.end), True
            groups[i] = (members, lo, hi)
        fused: list[tuple[list[Piece], int, int]] = []
        for members, lo, hi in sorted(groups, key=lambda g: (g[1], g[2])):
            if fused and _cuts(fused[-1][1], fused[-1][2], lo, hi):
                last = fused.pop()
                fused.append((last[0] + members, min(last[1], lo), max(last[2], hi)))
                changed = True
            else:
                fused.append((members, lo, hi))
        groups = fused
    # A group's derived span: its members' derived spans plus the unchanged middle text around them.
    widened = [
        Piece(
            start=min(p.start for p in members) - (min(p.raw_start for p in members) - lo),
            end=max(p.end for p in members) + (hi - max(p.raw_end for p in members)),
            raw_start=lo,
            raw_end=hi,
        )
        for members, lo, hi in groups
    ]
    out = [
        Piece(start=w.start, end=w.end, raw_start=s, raw_end=e)
        for w in widened
        for s, e in [to_source(inner, w.raw_start, w.raw_end)]
    ]
    for q in inner:  # inner pieces in unchanged stretches of the outer derivation
        if not any(w.raw_start <= q.start and q.end <= w.raw_end and _cuts(w.raw_start, w.raw_end, q.start, q.end)
                   for w in widened):  # fmt: skip
            at = forward(widened, q.start, is_end=q.end > q.start)
            out.append(Piece(start=at, end=at + q.end - q.start, raw_start=q.raw_start, raw_end=q.raw_end))
    return sorted(out, key=lambda p: (p.raw_start, p.raw_end, p.start, p.end))


def _cuts(s1: int, e1: int, s2: int, e2: int) -> bool:
    """Two middle spans (either may be an empty insertion point) share text or one holds the other's point."""
    if s1 == e1 and s2 == e2:
        return False
    if s1 == e1:
        return s2 < s1 < e2
    if s2 == e2:
        return s1 < s2 < e1
    return s2 < e1 and s1 < e2


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
