"""The first, plain-scan versions of ``pipeline.alignment``'s ``to_source``, ``forward`` and
``chain``: the oracle the bisecting versions are tested against (``test_alignment``)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.alignment import _cuts, _locate
from pipeline.models import Piece


def to_source(pieces: Sequence[Piece], start: int, end: int) -> tuple[int, int]:
    """The offsets of the piece starts rebuilt on every call."""
    if not pieces:
        return start, end
    starts = [p.start for p in pieces]
    s = _locate(pieces, starts, start, is_end=False)
    e = _locate(pieces, starts, end, is_end=True) if end > start else s
    return s, max(s, e)


def forward(pieces: Sequence[Piece], offset: int, *, is_end: bool = False) -> int:
    """Every piece scanned from the first."""
    shift = 0
    for p in pieces:
        if offset < p.raw_start or (offset == p.raw_start and not is_end):
            break
        if offset < p.raw_end:
            return p.end if is_end else p.start
        shift = p.end - p.raw_end
    return offset + shift


def chain(outer: Sequence[Piece], inner: Sequence[Piece]) -> list[Piece]:
    """The first chain: every group against every inner piece, until nothing changes."""
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
