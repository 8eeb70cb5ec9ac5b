"""Claims: the values of each exercise, with their scope and evidence.

A dosage belongs to the segment it falls in. Values then fill each exercise's fields by scope,
the nearest first: ``stated`` (its own section), ``section`` (a group heading or item above it:
'Strength — 3 sets each'), ``document`` (guidance for every exercise: 'hold each stretch for 30
seconds'). The first value stated for a field is the claim's; other values of the same document
become alternatives, except in a block that holds nothing but values (a levels table flattened
to '1-2 sets / 5-10 reps / 2 sets / ...'), whose values are read as one range. When the text
says nothing about sides, ``per_side`` comes from the lexicon's laterality (bilateral → false,
one side at a time or alternating → true) under the rule ``lexicon:laterality``; a side phrase of
document scope applies only to exercises done one side at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from .. import resources
from ..models import AlternativeValue, Claim, Dosage, Evidence, Frequency, Range
from .segments import Segment

EvidenceOf = Callable[[int, int, str, str, str], Evidence]
SCOPES = ("stated", "section", "document")


def dosage_value(d: Dosage) -> Range | bool | Frequency | None:
    """The value a dosage states for its field."""
    if d.field == "per_side":
        return d.per_side
    if d.field == "frequency":
        return d.frequency
    return d.value


def enclosing_groups(segments: Sequence[Segment], i: int) -> list[int]:
    """Indices of the group segments whose section holds segment ``i``, nearest first."""
    out: list[int] = []
    level = segments[i].level
    for j in range(i - 1, -1, -1):
        seg = segments[j]
        if seg.level < level:
            if seg.how == "group":
                out.append(j)
            level = seg.level
        if level <= 0:
            break
    return out


def claim_for(
    doc_id: str,
    evidence_of: EvidenceOf,
    segs: Sequence[Segment],
    pools: dict[str, list[Dosage]],
    envelopes: Sequence[tuple[int, int]] = (),
) -> Claim:
    """The claim of one exercise from its segments and its dosages by scope."""
    first = segs[0]
    mentions = [m for s in segs for m in s.mentions]
    evidence: list[Evidence] = []
    inferred = all(s.how == "inferred" or (s.how == "unnamed" and s.cue_spans) for s in segs) and not mentions
    named = next((s for s in segs if s.name), None)
    if named is not None and named.name_span is not None:
        name = named.name
        evidence.append(evidence_of(*named.name_span, "name", f"{named.how}:{named.mapping[0]}", "stated"))
        later = [m for m in mentions if m.start_char >= named.name_span[1]]
        for m in later[:2]:  # where the text names it again
            evidence.append(evidence_of(m.start_char, m.end_char, "name", f"lexicon:{m.id_}", "stated"))
        mapping, score = named.mapping if named.exercise_id else ("unmatched", 0.0)
    elif mentions:
        name = mentions[0].text
        for m in mentions[:3]:
            evidence.append(evidence_of(m.start_char, m.end_char, "name", f"lexicon:{m.id_}", "stated"))
        mapping, score = "alias", 100.0
    else:
        name = ""  # the source wrote no name; the evidence holds the description cues
        for s, e, rule in first.cue_spans[:3]:
            evidence.append(evidence_of(s, e, "name", f"infer:{rule.split('#')[0]}", "stated"))
        mapping, score = "inferred", 100.0 * min(1.0, len({r for *_, r in first.cue_spans}) / 4)
    values: dict[str, object] = {"hold_seconds": None, "reps": None, "sets": None, "per_side": None, "frequency": None}
    scopes: dict[str, str] = {}
    alternatives: list[AlternativeValue] = []
    for scope in SCOPES:
        by_field: dict[str, list[Dosage]] = defaultdict(list)
        for d in pools.get(scope, []):
            by_field[d.field].append(d)
        for fname, ds in sorted(by_field.items()):
            if values[fname] is not None:
                continue
            by_value: dict[object, list[Dosage]] = {}
            for d in sorted(ds, key=lambda d: d.start):
                by_value.setdefault(dosage_value(d), []).append(d)
            by_value.pop(None, None)
            if not by_value:
                continue
            (value, value_ds), *others = by_value.items()
            block = _envelope(list(by_value), [d for group in by_value.values() for d in group], envelopes)
            if block is not None:
                value, value_ds, others = block, [d for g in by_value.values() for d in g], []
            values[fname] = value
            scopes[fname] = scope
            evidence.extend(evidence_of(d.start, d.end, fname, d.rule, scope) for d in value_ds)
            for other, ods in others:
                alternatives.append(
                    AlternativeValue(
                        field=fname,  # type: ignore[arg-type]
                        value=other,  # type: ignore[arg-type]
                        evidence=[evidence_of(d.start, d.end, fname, d.rule, scope) for d in ods],
                    )
                )
    return Claim(
        doc_id=doc_id,
        name_as_written=name or "",
        name_inferred=inferred,
        mapping=mapping,
        mapping_score=round(score, 2),
        hold_seconds=values["hold_seconds"],  # type: ignore[arg-type]
        reps=values["reps"],  # type: ignore[arg-type]
        sets=values["sets"],  # type: ignore[arg-type]
        per_side=values["per_side"],  # type: ignore[arg-type]
        frequency=values["frequency"] if isinstance(values["frequency"], Frequency) else None,
        scopes=scopes,  # type: ignore[arg-type]
        evidence=sorted(evidence, key=lambda ev: (ev.start, ev.end, ev.field)),
        alternatives=alternatives,
    )


def _envelope(values: list, dosages: Sequence[Dosage], blocks: Sequence[tuple[int, int]]) -> Range | None:
    """One range over the values of a block that holds nothing but values (a levels table)."""
    if len(values) < 2 or not all(isinstance(v, Range) for v in values):
        return None
    if not any(all(s <= d.start and d.end <= e for d in dosages) for s, e in blocks):
        return None
    return Range(min=min(v.min for v in values), max=max(v.max for v in values))


def laterality_side(exercise_id: str | None) -> bool | None:
    """per_side from the lexicon: False for a bilateral exercise, True for one done one side at
    a time or alternating, None when the exercise is not in the lexicon or its laterality unknown."""
    if exercise_id is None:
        return None
    entry = resources.exercise_index().get(exercise_id)
    if entry is None or entry.laterality is None:
        return None
    return entry.laterality != "bilateral"
