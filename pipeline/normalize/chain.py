"""Composition: edits of each mechanism folded onto the source text's offsets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .. import alignment
from ..models import Edit
from .text import non_overlapping

#: Edits scoring at least this are applied; the rest are reported as suggestions.
APPLY_THRESHOLD = 0.7


class Chain:
    """Edits on the source text, folded together as later stages edit the repaired text."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.text = source
        self.edits: list[Edit] = []
        self.suggestions: list[Edit] = []
        self.pieces: list = []

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        return alignment.to_source(self.pieces, start, end)

    def forward(self, pos: int, *, is_end: bool = False) -> int:
        """Where an offset of the source text is in the current text."""
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
        f0 = self.forward(u0, is_end=False)
        f1 = self.forward(u1, is_end=True)
        parts, pos = [], f0
        for e in sorted(group, key=lambda e: (e.start, e.end)):
            parts.append(self.text[pos : e.start])
            parts.append(e.after)
            pos = e.end
        parts.append(self.text[pos:f1])
        return u0, u1, "".join(parts), absorbed

    def add(self, stage_edits: Iterable[Edit]) -> None:
        apply, suggest = [], []
        for e in non_overlapping(stage_edits):
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
