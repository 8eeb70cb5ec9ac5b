"""Extract: exercise names and dosage, each value attached to the exercise it belongs to.

``extract_document`` runs one spaCy pass over the repaired text (tokenizer, sentencizer and the
exercise span ruler over the lexicon), finds every dosage with the Matcher grammar
(``pipeline.dosage``), cuts the text into segments by its structure and its prose
(``segments``), and turns each exercise's segments into a claim with scoped values
(``claims``). Numbers under a 'Progression:', 'Rest:' or 'Tempo:' label are never values.

A document is exercise text when its words say so (see ``exercise_text``) or its structure names
at least two exercises the lexicon knows; otherwise it yields nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from spacy.tokens import Doc

from .. import alignment, dosage, resources
from ..ingest import page_of
from ..models import (
    Document,
    DocumentResult,
    Dosage,
    Evidence,
    ExerciseClaims,
    NormalizedDocument,
    Piece,
    Section,
    Unnamed,
)
from ..names import NameIndex, vocabulary
from ..nlp import EXERCISE_KEY, build_nlp, text_of
from .claims import claim_for, enclosing_groups, laterality_side
from .introductions import introductions
from .segments import (
    Outline,
    Segment,
    build_segments,
    heading_name,
    lost_name,
    reference_mentions,
)

__all__ = ["extract_document", "exercise_text", "heading_name", "lost_name"]

# Share of a text's words that are body parts or exercise words (``naming.json`` exercise_words),
# from which it is exercise instructions. Measured on ../shared/corpus/real: the three real
# distractors (an eye-drop leaflet, a toothbrush manual, a bread recipe) score 0.015-0.035,
# the 21 exercise documents 0.054-0.30 (the lowest are unpunctuated captions).
EXERCISE_EVIDENCE = 0.045
# Or: the structure of the text names this many different exercises the lexicon knows.
KNOWN_EXERCISES = 2
# Field and heading roles whose numbers are never values of the exercise.
_SUPPRESSING = frozenset({"progression", "rest", "tempo"})
_LETTERS = re.compile(r"[A-Za-z]")


@cache
def name_index() -> NameIndex:
    """The name index over the shipped lexicon, built once."""
    return NameIndex(resources.exercises())


@dataclass
class Context:
    """A document under extraction: the spaCy doc and the offset maps back to the raw text."""

    doc: Document
    sdoc: Doc
    pieces: list[Piece]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw-text span of a span of the repaired text."""
        return alignment.compose(self.pieces, self.doc.alignment, start, end)

    def evidence(self, start: int, end: int, field_: str, rule: str, scope: str = "stated") -> Evidence:
        s, e = self.raw_span(start, end)
        return Evidence(
            quote=self.doc.raw_text[s:e],
            start=s,
            end=e,
            field=field_,  # type: ignore[arg-type]
            rule=rule,
            scope=scope,  # type: ignore[arg-type]
            page=page_of(self.doc, s),
        )


def sections_in_repaired_text(doc: Document, pieces: Sequence[Piece]) -> list[Section]:
    """The document's sections with their offsets moved into the repaired text."""

    def fwd(offset: int | None, is_end: bool = False) -> int | None:
        return None if offset is None else alignment.forward(pieces, offset, is_end=is_end)

    out = []
    for sec in doc.sections:
        s, e = fwd(sec.start), fwd(sec.end, is_end=True)
        update = {"start": s, "end": max(s, e), "name_start": fwd(sec.name_start), "value_start": fwd(sec.value_start)}
        update["name_end"] = fwd(sec.name_end, is_end=True)
        out.append(sec.model_copy(update=update))
    return out


def exercise_text(sdoc: Doc) -> float:
    """Share of the words that are body parts or exercise words: the evidence that a text is
    about exercise (compare with ``EXERCISE_EVIDENCE``)."""
    words = resources.domain_terms()["body_parts"] | vocabulary().exercise_words
    tokens = [t.lower_ for t in sdoc if t.is_alpha]
    return sum(w in words for w in tokens) / len(tokens) if tokens else 0.0


def suppressed(secs: Sequence[Section], dosages: Sequence[Dosage]) -> list[Dosage]:
    """Dosages outside 'Progression:', 'Rest:' and 'Tempo:' fields and headings, and only
    frequencies in a frequency field."""
    ranges: list[tuple[int, int, str]] = []
    for k, sec in enumerate(secs):
        if sec.role in _SUPPRESSING and sec.kind == "field":
            ranges.append((sec.start, sec.end, "all"))
        elif sec.role == "frequency" and sec.kind == "field":
            ranges.append((sec.start, sec.end, "frequency"))
        elif sec.role in _SUPPRESSING and sec.kind == "heading":
            end = next(
                (s.start for s in secs[k + 1 :] if s.kind in ("heading", "field") or s.title),
                secs[-1].end,
            )
            ranges.append((sec.start, end, "all"))
    out = []
    for d in dosages:
        hit = next((how for s, e, how in ranges if s <= d.start < e), None)
        if hit == "all" or hit == "frequency" and d.field != "frequency":
            continue
        out.append(d)
    return out


def in_markers(secs: Sequence[Section], dosages: Sequence[Dosage]) -> list[Dosage]:
    """Dosages outside list markers and item labels: 'Exercise 1 - Neck Rotations' numbers the
    item, it states no repetition."""
    markers = sorted(
        (s.start, s.name_start)
        for s in secs
        if s.kind in ("heading", "item") and s.name_start is not None and s.name_start > s.start
    )
    starts, reach = [a for a, _ in markers], list(accumulate((b for _, b in markers), max))
    return [d for d in dosages if not (i := bisect_right(starts, d.start)) or reach[i - 1] <= d.start]


def value_blocks(sdoc: Doc, secs: Sequence[Section], dosages: Sequence[Dosage]) -> list[tuple[int, int]]:
    """Paragraphs that hold nothing but values ('1-2 sets 5-10 reps 2 sets 10-15 reps')."""
    out = []
    starts = [d.start for d in dosages]  # sorted: ``dosage.find`` returns them in text order
    for sec in secs:
        if sec.kind != "paragraph":
            continue
        inside = dosages[bisect_left(starts, sec.start) : bisect_left(starts, sec.end)]
        if len({(d.start, d.end) for d in inside}) < 2:
            continue
        text = list(text_of(sdoc)[sec.start : sec.end])
        for d in inside:
            text[d.start - sec.start : d.end - sec.start] = " " * (d.end - d.start)
        if len(_LETTERS.findall("".join(text))) <= 3:
            out.append((sec.start, sec.end))
    return out


def instances(segments: Sequence[Segment], groups: dict[str, list[int]]) -> dict[tuple[str, int], list[int]]:
    """One claim per written instance of an exercise: segments found in prose join the instance
    before them, and so does a section that names the exercise again right after its own
    ('2. Knee to chest' then 'To perform knee to chest:'); separately named or numbered sections
    of one exercise ('Cervical Retraction' and 'Chin Tuck', 'Hip Flexion' #4 and #8) stay apart."""
    key_of = {i: key for key, idxs in groups.items() for i in idxs}
    out: dict[tuple[str, int], list[int]] = {(key, 0): [] for key, idxs in groups.items() if not idxs}
    seen: dict[str, dict[str, int]] = defaultdict(dict)
    current: dict[str, int] = defaultdict(int)
    previous: str | None = None
    for i in sorted(key_of):
        key, inst = key_of[i], segments[i].instance
        again = previous == key and seen[key] and segments[i].how == "heading"
        if inst is not None and not again:
            current[key] = seen[key].setdefault(inst, len(seen[key]))
        elif inst is not None:
            seen[key].setdefault(inst, current[key])
        out.setdefault((key, current[key]), []).append(i)
        previous = key
    return out


def extract_document(doc: Document, ndoc: NormalizedDocument) -> DocumentResult:
    """Claims for every exercise the document names or clearly describes."""
    _, pieces = alignment.apply(doc.text, [(e.start, e.end, e.after) for e in ndoc.edits])
    sdoc = build_nlp()(ndoc.text)
    ctx = Context(doc=doc, sdoc=sdoc, pieces=pieces)
    mentions = sorted(sdoc.spans[EXERCISE_KEY], key=lambda s: s.start)
    secs = sections_in_repaired_text(doc, pieces)
    found = in_markers(secs, suppressed(secs, dosage.find(sdoc)))
    outline = Outline(
        sdoc=sdoc,
        sections=secs,
        mentions=mentions,
        refs=reference_mentions(sdoc, mentions),
        dosages=found,
        index=name_index(),
        title=doc.title,
        introduced=introductions(sdoc),
    )
    segments = build_segments(outline)
    known = {s.exercise_id for s in segments if s.exercise_id and s.how in ("heading", "item", "row")}
    if exercise_text(sdoc) < EXERCISE_EVIDENCE and len(known) < KNOWN_EXERCISES:
        return DocumentResult(doc_id=doc.doc_id, claims=[], unnamed=[])

    starts = [s.start for s in segments]
    generic: list[Dosage] = []
    attached: dict[int, list[Dosage]] = defaultdict(list)
    for d in found:
        i = bisect_right(starts, d.start) - 1
        if d.generic and not (segments[i].is_exercise and segments[i].how in ("heading", "item", "row")):
            generic.append(d)  # guidance for every exercise, given outside an exercise's own section
        else:
            attached[i].append(d)
    blocks = value_blocks(sdoc, secs, found)

    groups: dict[str, list[int]] = defaultdict(list)
    for i, seg in enumerate(segments):
        for m in seg.listed if seg.how == "group" else seg.mentions if seg.how == "overview" else ():
            groups.setdefault(m.id_, [])  # a claim even when only a list names it
        key = seg.exercise_id or (f"new:{seg.new_name.lower()}" if seg.new_name else None)
        if key:
            groups[key].append(i)
    claims = []
    for key, idxs in sorted(instances(segments, groups).items()):
        segs = [segments[i] for i in idxs]
        if not segs:  # only named in a list
            listed = [
                m for s in segments for m in (s.listed + (s.mentions if s.how == "overview" else [])) if m.id_ == key[0]
            ]
            segs = [Segment(start=listed[0].start_char, exercise_id=key[0], how="overview", mentions=listed[:1])]
        exercise_id = None if key[0].startswith("new:") else key[0]
        pools = {
            "stated": [d for i in idxs for d in attached.get(i, [])],
            "section": [d for i in idxs for g in enclosing_groups(segments, i) for d in attached.get(g, [])],
            "document": [d for d in generic if d.field != "per_side" or laterality_side(exercise_id) is not False],
        }
        claim = claim_for(doc.doc_id, ctx.evidence, segs, pools, blocks)
        if claim.per_side is None and (side := laterality_side(exercise_id)) is not None:
            s, e = segs[0].name_span or (
                (segs[0].mentions[0].start_char, segs[0].mentions[0].end_char) if segs[0].mentions else (0, 0)
            )
            if e > s:
                ev = ctx.evidence(s, e, "per_side", "lexicon:laterality", "stated")
                claim = claim.model_copy(
                    update={
                        "per_side": side,
                        "scopes": {**claim.scopes, "per_side": "stated"},
                        "evidence": sorted([*claim.evidence, ev], key=lambda x: (x.start, x.end, x.field)),
                    }
                )
        claims.append(ExerciseClaims(exercise_id=exercise_id, claim=claim))

    unnamed = []
    for seg in segments:
        if seg.how == "unnamed" and seg.heading and lost_name(heading_name(seg.heading)):
            s, e = ctx.raw_span(seg.start, seg.section_end)
            body = text_of(sdoc)[seg.start : seg.section_end]
            lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
            unnamed.append(
                Unnamed(
                    doc_id=doc.doc_id,
                    heading=seg.heading,
                    start=s,
                    end=e,
                    description=" ".join(lines[1:])[:300],
                    inferred=seg.exercise_id,
                )
            )
    return DocumentResult(doc_id=doc.doc_id, claims=claims, unnamed=unnamed)
