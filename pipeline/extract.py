"""Extract: exercise names and dosage, each value attached to the exercise it belongs to.

Attachment works on *segments*: stretches of the repaired text that are about one exercise.
A segment starts at a heading or list item that names an exercise, at a numbered heading that
lost its name (the exercise is then inferred from the description), at the clause where a
transcript introduces a new exercise ("now you're going to do a bridge"), or at a transcript
paragraph whose description clearly matches one exercise. Mentions in comparisons ("the same
as the knee to chest stretch") never start a segment. A dosage attaches to the segment it
falls in; guidance phrased for every exercise ("hold each stretch 8-10 seconds") is kept with
document scope and fills fields that an exercise does not state itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from . import alignment, dosage, resources
from .models import (
    AlternativeValue,
    Claim,
    Document,
    DocumentResult,
    Dosage,
    Evidence,
    ExerciseClaims,
    Frequency,
    NormalizedDocument,
    Piece,
    Range,
    Section,
    Unnamed,
)
from .nlp import EXERCISE_KEY, build_nlp, cue_matcher, pattern_matcher

# Inference: the best exercise needs this many distinct cue rules and this lead over the next.
INFER_MIN_CUES = 2
INFER_MARGIN = 1
# Added to (or taken from) an exercise's cue count when the text's starting position matches
# (or contradicts) the lexicon's position for it.
POSITION_WEIGHT = 0.5
# Share of words that must name body parts for a text to count as exercise instructions; below
# it a document yields no exercise (meeting notes with "bridge line" and "crunch time"). Measured:
# exercise documents 0.058-0.147, recipes, running plans, notes and reviews 0.000-0.013.
EXERCISE_DENSITY = 0.03
# Or a text is exercise instructions when it names this many exercises by multi-word names.
SPECIFIC_NAMES = 2
# A sentence naming this many different exercises is an overview, not an introduction.
OVERVIEW_SIZE = 3
# Words that say nothing about which exercise a heading names ("1. stretch:", "Exercise 3").
_GENERIC_HEADING_WORDS = frozenset(
    """
    exercise exercises stretch stretches stretching pose poses movement movements technique
    techniques position for back pain relief the a an to perform how do lower upper your and of
    with step steps part number no instructions this that one routine workout two three four
    five six seven eight nine ten eleven twelve first second third fourth fifth sixth seventh
    eighth ninth tenth next last final see photo picture fig figure
    """.split()
)


@dataclass
class Segment:
    """A stretch of the repaired text about one exercise (or about none)."""

    start: int
    exercise_id: str | None = None
    how: str = "none"  # heading | item | lead | mention | inferred | unnamed | overview | none
    level: int = 99
    mentions: list[Span] = field(default_factory=list)
    heading: str | None = None
    section_end: int = 0
    cue_spans: list[tuple[int, int, str]] = field(default_factory=list)
    new_name: str | None = None


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
        return Evidence(quote=self.doc.raw_text[s:e], start=s, end=e, field=field_, rule=rule, scope=scope)


# --------------------------------------------------------------------------- mentions


def reference_mentions(sdoc: Doc, mentions: Sequence[Span]) -> set[int]:
    """Start tokens of mentions that introduce nothing: a comparison or reference ("the same as
    the bridge"), or a name whose first word belongs to the phrase before it ("to one side bend
    that knee" is not a side bend)."""
    labels = sdoc.vocab.strings
    refs_end, splits = set(), set()
    for match_id, _start, end in pattern_matcher("mention_context")(sdoc):
        if labels[match_id] == "SPLIT":
            splits.add(end - 1)
        else:
            refs_end.add(end)
    return {m.start for m in mentions if m.start in refs_end or m.start in splits}


# Words that open a new step in speech; in unpunctuated captions they stand in for commas.
_DISCOURSE = {"now", "next", "okay", "ok", "alright", "then", "first", "finally", "lastly"}


def overview_mentions(mentions: Sequence[Span], max_gap: int = 3) -> set[int]:
    """Start tokens of mentions that form a list ('the pelvic tilt, knee to chest, and the
    bridge'): a run of ``OVERVIEW_SIZE`` or more different exercises, each at most ``max_gap``
    tokens after the previous one. A list names exercises; it does not introduce one."""
    out: set[int] = set()
    run: list[Span] = []
    for m in [*mentions, None]:
        if m is not None and run and m.start - run[-1].end <= max_gap:
            run.append(m)
            continue
        if len({r.id_ for r in run}) >= OVERVIEW_SIZE:
            out.update(r.start for r in run)
        run = [m] if m is not None else []
    return out


def clause_start(sdoc: Doc, span: Span) -> int:
    """Character offset where the clause (or spoken step) containing ``span`` begins."""
    sent = span.sent if sdoc.has_annotation("SENT_START") else sdoc[:]
    for tok in reversed(sdoc[sent.start : span.start]):
        if tok.text in {",", ";", ":", "—", "–"}:
            return tok.idx + len(tok.text)
        if tok.lower_ in _DISCOURSE or tok.is_sent_start:
            return tok.idx
    return sent.start_char


def is_lead(sdoc: Doc, mention: Span, start: int) -> bool:
    """True when a mention opens the paragraph starting at ``start`` ('**Bird dog.** Kneel...').

    Only markup, articles and numbering may stand before it.
    """
    before = sdoc.char_span(start, mention.start_char, alignment_mode="expand")
    if before is None:
        return mention.start_char == start
    return all(t.is_punct or t.lower_ in {"the", "a", "an", "next"} or t.like_num for t in before)


# --------------------------------------------------------------------------- inference


def infer_exercise(
    sdoc: Doc, start: int, end: int, exclude: Sequence[Span] = (), *, min_cues: int = INFER_MIN_CUES
) -> tuple[str | None, list[tuple[int, int, str]]]:
    """The exercise a description clearly matches, and the cue spans that say so.

    Counts distinct cue rules per exercise in ``[start, end)`` (characters), ignoring tokens
    inside ``exclude`` (named mentions); the best needs ``INFER_MIN_CUES`` and a lead of
    ``INFER_MARGIN`` over the runner-up.
    """
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None, []
    blocked = {i for m in exclude for i in range(m.start, m.end)}
    rules: dict[str, set[str]] = defaultdict(set)
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for match_id, s, e in cue_matcher()(span):
        s += span.start
        e += span.start
        if any(i in blocked for i in range(s, e)):
            continue
        rule = sdoc.vocab.strings[match_id]
        ex_id = rule.split("#", 1)[0]
        rules[ex_id].add(rule)
        spans[ex_id].append((sdoc[s].idx, sdoc[e - 1].idx + len(sdoc[e - 1]), rule))
    if not rules:
        return None, []
    # The starting position the text describes breaks ties between similar movements.
    positions = {sdoc.vocab.strings[mid] for mid, _, _ in pattern_matcher("positions")(span)}
    index = resources.exercise_index()

    def score(ex_id: str) -> float:
        bonus = 0.0
        if positions:
            bonus = POSITION_WEIGHT if index[ex_id].position in positions else -POSITION_WEIGHT
        return len(rules[ex_id]) + bonus

    ranked = sorted(rules, key=lambda ex_id: (-score(ex_id), ex_id))
    best = ranked[0]
    best_rules = rules[best]
    margin = score(best) - (score(ranked[1]) if len(ranked) > 1 else 0.0)
    if len(best_rules) >= min_cues and margin >= INFER_MARGIN:
        return best, sorted(spans[best])
    return None, []


def lost_name(heading: str) -> bool:
    """True when a heading holds no name, only generic words ('1. stretch:', '4. pose exercise').

    >>> lost_name("4. pose exercise for back pain relief:"), lost_name("3. Thoracic opener:")
    (True, False)
    """
    words = re.findall(r"[a-z]+", heading.lower())
    return not [w for w in words if w not in _GENERIC_HEADING_WORDS]


def heading_name(text: str) -> str:
    """A heading without numbering, markup and trailing colon.

    >>> heading_name("## 3. Thoracic opener:")
    'Thoracic opener'
    """
    text = re.sub(r"^\s*#*\s*(?:\d{1,2}[.)]\s*)?", "", text)
    text = re.sub(r"^(?:to perform|how to do|how to)\s+(?:the\s+|a\s+)?", "", text, flags=re.I)
    return text.strip().rstrip(":").strip(" -–")


# --------------------------------------------------------------------------- segments


def _sections_in_repaired_text(doc: Document, pieces: Sequence[Piece]) -> list[Section]:
    out = []
    for sec in doc.sections:
        s = alignment.forward(pieces, sec.start)
        e = alignment.forward(pieces, sec.end, is_end=True)
        out.append(sec.model_copy(update={"start": s, "end": max(s, e)}))
    return out


def _heading_like(text: str, sec: Section) -> bool:
    """A heading, or a list item that reads as one ('1. Bridge pose:', '- Cat-cow x10'), not a
    step of instructions ('- Lie on your back with both knees bent.')."""
    if sec.kind == "heading":
        return True
    body = re.sub(r"^\s*(?:\d{1,2}[.)]|[-*+•‣◦·▪])\s+", "", text).strip()
    return sec.kind == "item" and len(body) <= 90 and not re.search(r"[.!?](?:\s+\S|[\"')\]]*$)", body)


def _states_values(dosages: Sequence[Dosage], start: int, end: int) -> bool:
    """True when ``[start, end)`` states a value of its own (guidance for every exercise aside)."""
    return any(start <= d.start < end and not d.generic for d in dosages)


def build_segments(
    ctx: Context, secs: Sequence[Section], mentions: Sequence[Span], refs: set[int], dosages: Sequence[Dosage]
) -> list[Segment]:
    """Cut the repaired text into segments, each about one exercise or none."""
    sdoc, text = ctx.sdoc, ctx.sdoc.text
    transcript = ctx.doc.kind == "transcript"
    segments = [Segment(start=0)]

    def current() -> Segment:
        return segments[-1]

    def start(seg: Segment) -> None:
        if seg.start == current().start:
            segments[-1] = seg
        else:
            segments.append(seg)

    for sec in secs:
        body = text[sec.start : sec.end]
        named = [m for m in mentions if sec.start <= m.start_char < sec.end and m.start not in refs]
        if _heading_like(body, sec):
            level = 1 if sec.kind == "item" else (sec.level or 2)
            if named and named[0].id_ == current().exercise_id and sec.kind != "item":
                current().mentions.append(named[0])  # a sub-heading naming the same exercise
            elif named:
                start(
                    Segment(start=sec.start, exercise_id=named[0].id_, how="heading", level=level, mentions=[named[0]])
                )
            elif ctx.doc.title and heading_name(body) == ctx.doc.title and sec.start == secs[0].start:
                start(Segment(start=sec.start, how="none", level=0))  # the document's title
            elif sec.kind == "item" or level <= current().level or current().how == "none":
                # A heading without a known name: a lost name ("1. stretch:"), a new exercise
                # ("Thoracic opener") or a topic ("8 exercises for back pain"); decided below.
                start(Segment(start=sec.start, how="unnamed", level=level, heading=body.strip()))
            continue
        listed = overview_mentions(named)
        if sec.kind == "item":
            if listed:
                start(
                    Segment(
                        start=sec.start,
                        how="overview",
                        level=current().level if current().how == "heading" else 1,
                        mentions=list(named),
                    )
                )
            elif named and named[0].id_ != current().exercise_id:
                start(Segment(start=sec.start, exercise_id=named[0].id_, how="item", level=1, mentions=[named[0]]))
            elif not named and current().how not in ("heading", "unnamed"):
                start(Segment(start=sec.start, how="unnamed", level=1))
            continue
        if sec.kind == "field":
            continue
        # Paragraphs and spoken cues.
        # In an article, a heading or list item sets the scope of the paragraphs below it.
        scoped = current().how in ("heading", "unnamed", "item", "lead") and not transcript
        lead = named[0] if named else None
        if scoped and lead and lead.id_ != current().exercise_id and is_lead(sdoc, lead, sec.start):
            level = current().level + (0 if current().how == "lead" else 1)
            start(Segment(start=sec.start, exercise_id=lead.id_, how="lead", level=level, mentions=[lead]))
            current().mentions.extend(m for m in named[1:] if m.id_ == lead.id_)
        elif named and not scoped:
            if listed:
                start(
                    Segment(
                        start=min(sdoc[i].idx for i in listed),
                        how="overview",
                        mentions=[m for m in named if m.start in listed],
                    )
                )
            for m in named:
                if m.start in listed:
                    continue
                if m.id_ == current().exercise_id:
                    current().mentions.append(m)
                    continue
                prev_end = current().mentions[-1].end_char if current().mentions else current().start
                # A value stated between the previous exercise and this one, not right before
                # this name, still belongs to the previous exercise ("...other side one minute
                # as well and to finish rest in child's pose").
                before = [d.end for d in dosages if prev_end <= d.start and d.end <= m.start_char - 20]
                boundary = max(clause_start(sdoc, m), sec.start, prev_end, *before)
                start(Segment(start=boundary, exercise_id=m.id_, how="mention", mentions=[m]))
        elif named:
            current().mentions.extend(m for m in named if m.id_ == current().exercise_id)
        elif not scoped and (transcript or current().how in ("none", "inferred", "overview")):
            min_cues = 1 if _states_values(dosages, sec.start, sec.end) else INFER_MIN_CUES
            inferred, cues = infer_exercise(sdoc, sec.start, sec.end, min_cues=min_cues)
            if inferred and inferred != current().exercise_id:
                start(Segment(start=sec.start, exercise_id=inferred, how="inferred", cue_spans=cues))
    # Unnamed headings: infer from their description.
    for i, seg in enumerate(segments):
        end = segments[i + 1].start if i + 1 < len(segments) else len(text)
        seg.section_end = end
        if seg.how == "unnamed" and seg.exercise_id is None:
            has_values = _states_values(dosages, seg.start, end)
            inferred, cues = infer_exercise(
                sdoc, seg.start, end, exclude=mentions, min_cues=1 if has_values else INFER_MIN_CUES
            )
            name = heading_name(seg.heading or "")
            if inferred:
                seg.exercise_id, seg.cue_spans = inferred, cues
            elif not lost_name(name) and _looks_like_exercise(name):
                seg.new_name = name
            elif not has_values:
                seg.how = "none"  # a topic heading: nothing to review
    return segments


_HEAD_NOUNS = re.compile(
    r"\b(?:stretch|pose|raise|bridge|plank|tilt|twist|curl|press|squat|lunge|crunch|rotation|extension|"
    r"kick|walk|hold|march|slide|roll|rock|circle|opener|reach|row|fly|dip|hinge|lift|bend|sit|tuck|"
    r"squeeze|glide|release)e?s?\b",
    re.I,
)


_TOPIC_WORDS = {
    "stretches",
    "exercises",
    "poses",
    "moves",
    "movements",
    "routine",
    "routines",
    "workout",
    "workouts",
    "tips",
    "relief",
    "pain",
    "program",
    "programme",
    "plan",
    "guide",
    "benefits",
}


def _looks_like_exercise(name: str) -> bool:
    """A heading that reads as an exercise name ('Thoracic opener') rather than a topic
    ('6 Gentle Stretches for Sciatica Relief', 'Warm-up moves').

    >>> _looks_like_exercise("Thoracic opener"), _looks_like_exercise("6 Gentle Stretches for Sciatica Relief")
    (True, False)
    """
    words = name.lower().split()
    if not words or len(words) > 6 or words[0][0].isdigit() or _TOPIC_WORDS.intersection(words):
        return False
    return bool(_HEAD_NOUNS.search(name))


# --------------------------------------------------------------------------- values


def _dosage_value(d: Dosage) -> Range | bool | Frequency | None:
    """The value a dosage states for its field."""
    if d.field == "per_side":
        return d.per_side
    if d.field == "frequency":
        return d.frequency
    return d.value


def is_exercise_text(sdoc: Doc, mentions: Sequence[Span] = (), dosages: Sequence[Dosage] = ()) -> bool:
    """Exercise instructions: enough body-part words, or a terse list that names at least
    ``SPECIFIC_NAMES`` different exercises by multi-word names ("Glute bridge: 3 x 15") and
    states a dosage. Single words ("plank flooring", "crunch time") never count for the list."""
    body = resources.domain_terms()["body_parts"]
    words = [t.lower_ for t in sdoc if t.is_alpha]
    if words and sum(w in body for w in words) / len(words) >= EXERCISE_DENSITY:
        return True
    specific = {m.id_ for m in mentions if sum(t.is_alpha for t in m) >= 2}
    return len(specific) >= SPECIFIC_NAMES and any(not d.generic for d in dosages)


def _claim_for(
    ctx: Context, key: str, segs: list[Segment], dosages: list[Dosage], generic: list[Dosage]
) -> tuple[str | None, Claim]:
    first = segs[0]
    mentions = [m for s in segs for m in s.mentions]
    evidence: list[Evidence] = []
    inferred = all(s.how == "inferred" or (s.how == "unnamed" and s.cue_spans) for s in segs) and not mentions
    if mentions:
        name = mentions[0].text
        for m in mentions[:3]:
            evidence.append(ctx.evidence(m.start_char, m.end_char, "name", f"lexicon:{m.id_}"))
        mapping, score = "alias", 100.0
    elif first.new_name:
        name = first.new_name
        evidence.append(ctx.evidence(first.start, first.start + len(first.heading or ""), "name", "heading"))
        mapping, score = "unmatched", 0.0
    else:
        name = ""  # the source wrote no name; the evidence holds the description cues
        for s, e, rule in first.cue_spans[:3]:
            evidence.append(ctx.evidence(s, e, "name", f"infer:{rule.split('#')[0]}"))
        mapping, score = "inferred", 100.0 * min(1.0, len({r for *_, r in first.cue_spans}) / 4)
    values: dict[str, object] = {"hold_seconds": None, "reps": None, "sets": None, "per_side": None, "frequency": None}
    scopes: dict[str, str] = {}
    alternatives: list[AlternativeValue] = []
    for scope, pool in (("stated", dosages), ("document", generic)):
        by_field: dict[str, list[Dosage]] = defaultdict(list)
        for d in pool:
            by_field[d.field].append(d)
        for fname, ds in sorted(by_field.items()):
            if values[fname] is not None:
                continue
            # The first value stated is the claim's; other values become alternatives.
            by_value: dict[object, list[Dosage]] = {}
            for d in sorted(ds, key=lambda d: d.start):
                by_value.setdefault(_dosage_value(d), []).append(d)
            by_value.pop(None, None)
            if not by_value:
                continue
            (first, first_ds), *others = by_value.items()
            values[fname] = first
            scopes[fname] = scope
            evidence.extend(ctx.evidence(d.start, d.end, fname, d.rule, scope) for d in first_ds)
            for value, ods in others:
                alternatives.append(
                    AlternativeValue(
                        field=fname,
                        value=value,
                        evidence=[ctx.evidence(d.start, d.end, fname, d.rule, scope) for d in ods],
                    )
                )
    claim = Claim(
        doc_id=ctx.doc.doc_id,
        name_as_written=name,
        name_inferred=inferred,
        mapping=mapping,
        mapping_score=score,
        hold_seconds=values["hold_seconds"],
        reps=values["reps"],
        sets=values["sets"],
        per_side=values["per_side"],
        frequency=values["frequency"] if isinstance(values["frequency"], Frequency) else None,
        scopes=scopes,
        evidence=sorted(evidence, key=lambda ev: (ev.start, ev.end, ev.field)),
        alternatives=alternatives,
    )
    exercise_id = None if key.startswith("new:") else key
    return exercise_id, claim


def extract_document(doc: Document, ndoc: NormalizedDocument) -> DocumentResult:
    """Claims for every exercise the document names or clearly describes."""
    nlp = build_nlp()
    _, pieces = alignment.apply(doc.text, [(e.start, e.end, e.after) for e in ndoc.edits])
    sdoc = nlp(ndoc.text)
    ctx = Context(doc=doc, sdoc=sdoc, pieces=pieces)
    mentions = sorted(sdoc.spans[EXERCISE_KEY], key=lambda s: s.start)
    found = dosage.find(sdoc)
    if not is_exercise_text(sdoc, mentions, found):
        return DocumentResult(doc_id=doc.doc_id, claims=[], unnamed=[])
    refs = reference_mentions(sdoc, mentions)
    secs = _sections_in_repaired_text(doc, pieces)
    segments = build_segments(ctx, secs, mentions, refs, found)
    starts = [s.start for s in segments]
    generic = [d for d in found if d.generic]
    attached: dict[int, list[Dosage]] = defaultdict(list)
    for d in found:
        if d.generic:
            continue
        idx = max(i for i, s in enumerate(starts) if s <= d.start)
        attached[idx].append(d)

    groups: dict[str, list[int]] = defaultdict(list)
    for i, seg in enumerate(segments):
        if seg.how == "overview":
            for m in seg.mentions:
                groups.setdefault(m.id_, [])  # a claim even when only the overview names it
        key = seg.exercise_id or (f"new:{seg.new_name.lower()}" if seg.new_name else None)
        if key:
            groups[key].append(i)
    claims = []
    for key, idxs in sorted(groups.items()):
        segs = [segments[i] for i in idxs]
        if not segs:  # only named in an overview sentence
            overview = [m for s in segments if s.how == "overview" for m in s.mentions if m.id_ == key]
            segs = [Segment(start=overview[0].start_char, exercise_id=key, how="overview", mentions=overview[:1])]
        ds = [d for i in idxs for d in attached.get(i, [])]
        exercise_id, claim = _claim_for(ctx, key, segs, ds, generic)
        claims.append(ExerciseClaims(exercise_id=exercise_id, claim=claim))

    unnamed = []
    for seg in segments:
        if seg.how == "unnamed" and seg.heading and lost_name(heading_name(seg.heading)):
            s, e = ctx.raw_span(seg.start, seg.section_end)
            body = sdoc.text[seg.start : seg.section_end]
            lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
            description = " ".join(lines[1:])[:300]
            unnamed.append(
                Unnamed(
                    doc_id=doc.doc_id,
                    heading=seg.heading,
                    start=s,
                    end=e,
                    description=description,
                    inferred=seg.exercise_id,
                )
            )
    return DocumentResult(doc_id=doc.doc_id, claims=claims, unnamed=unnamed)
