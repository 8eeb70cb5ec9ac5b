"""Every record the pipeline reads or writes: the data contract.

Offsets: ``start``/``end`` on evidence, corrections and mentions are character offsets into the
raw file's decoded text (``raw_text[start:end] == quote``). Offsets on ``Section``, ``Edit`` and
``Dosage`` are into the text the stage that made them worked on, as their descriptions say.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Kind = Literal["transcript", "article"]

_WORD = r"[^\sA-Z!-/:-@\[-`{-~]+"  # letters and digits: no space, ASCII punctuation or capital
EXERCISE_ID = rf"^{_WORD}(-{_WORD})*$"
"""An exercise id: lower-case words joined by single hyphens ('knee-to-chest', 'café-stretch')."""
CONFLICT_ID = r"^c-[0-9a-f]{10}$"
FINGERPRINT = r"^[0-9a-f]{16}$"
SHA256 = r"^[0-9a-f]{64}$"
FieldName = Literal["hold_seconds", "reps", "sets", "per_side", "frequency"]
Scope = Literal["stated", "document"]


class Record(BaseModel):
    """Base: unknown keys are errors, records are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Span(Record):
    """Base of records with a ``start``/``end`` span: start may not be after end."""

    @model_validator(mode="after")
    def _ordered(self):
        if self.start > self.end:  # type: ignore[attr-defined]
            raise ValueError(f"start {self.start} is after end {self.end}")  # type: ignore[attr-defined]
        return self


# --------------------------------------------------------------------------- package data


class LexiconEntry(Record):
    """One canonical exercise in the shipped lexicon (``pipeline/data/exercises.jsonl``)."""

    id: str = Field(description="Stable kebab-case id, e.g. 'knee-to-chest'.", pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str = Field(description="Display name, e.g. 'Knee to chest stretch'.")
    aliases: list[str] = Field(description="Lower-case surface forms, singular; plurals are derived.")
    category: Literal["stretch", "strength", "mobility", "stability", "balance", "relaxation"] = Field(
        description="What the exercise mainly trains."
    )
    position: Literal["supine", "prone", "quadruped", "kneeling", "seated", "standing", "side-lying"] = Field(
        description="Starting position."
    )
    region: list[str] = Field(description="Body regions worked.")
    equipment: list[str] = Field(description="Equipment needed; empty when none.")
    description: str = Field(description="One line on the movement, in the team's own words.")
    variant_of: str | None = Field(description="Id of the base exercise this is a modifier variant of.")


class PatternEntry(Record):
    """One spaCy Matcher/SpanRuler pattern line (spaCy's JSONL pattern format)."""

    label: str = Field(description="Span label the pattern assigns.")
    pattern: list[dict] | str = Field(description="Token pattern (Matcher) or phrase (PhraseMatcher).")
    id: str = Field(description="Rule id; ends up as span.id_ and in every record's 'rule'.")


class ConfusionRule(Record):
    """A real-word confusion kept as data: a token pattern in context and its replacement."""

    id: str = Field(description="Rule id, e.g. 'lie-to-your-back'.")
    pattern: list[dict] = Field(description="spaCy Matcher token pattern that must match the context.")
    target: int = Field(description="Index of the token in the pattern that is replaced.")
    replacement: str = Field(description="Text that replaces the target token.")
    reason: str = Field(description="Why this is an error, for the corrections report.")
    examples: list[list[str]] = Field(
        description="[input, expected output] pairs; run by the tests, including unchanged rows."
    )


# --------------------------------------------------------------------------- ingest


class SourceMeta(Record):
    """Optional metadata beside a raw file (``<file>.meta.json``)."""

    title: str | None = Field(default=None, description="Title of the video or article.")
    kind: Kind | None = Field(default=None, description="Overrides the detected kind.")
    url: str | None = Field(default=None, description="Where the document came from.")


class Piece(Record):
    """One aligned piece: text[start:end] came from raw[raw_start:raw_end]."""

    start: int = Field(description="Start in the derived text.")
    end: int = Field(description="End in the derived text.")
    raw_start: int = Field(description="Start in the source text.")
    raw_end: int = Field(description="End in the source text.")


class Section(Record):
    """A structural unit found by ingest: heading, list item, paragraph, caption cue or field."""

    kind: Literal["heading", "item", "paragraph", "field", "cue"] = Field(
        description="heading, list item, paragraph, 'Label: value' field line, or a spoken cue "
        "('next you're going to do a bridge') that starts a new part of a transcript."
    )
    start: int = Field(description="Start offset in Document.text.")
    end: int = Field(description="End offset in Document.text.")
    level: int = Field(default=0, description="Heading level (1 = top) or list nesting depth.")
    number: int | None = Field(default=None, description="The item's number in a numbered list.")


class InputWarning(Record):
    """A problem in a raw file that did not stop it, e.g. a malformed caption timing."""

    line: int = Field(ge=1, description="Line of the raw file (1 = first).")
    what: str = Field(description="What is wrong and what the pipeline did about it.")
    fix: str = Field(description="How to fix the file.")


class Document(Record):
    """A decoded raw file: the clean text view, its alignment to the raw text, its sections."""

    doc_id: str = Field(description="Stable id: the file's path relative to the raw folder.")
    path: str = Field(description="Path relative to the raw folder's parent (the repository root).")
    sha256: str = Field(pattern=SHA256, description="sha256 of the raw file's bytes.")
    format: Literal["text", "markdown", "html", "srt", "vtt"] = Field(description="File format.")
    kind: Kind = Field(description="Transcript or article, from metadata or detected from the text.")
    kind_reason: str = Field(description="Why this kind was chosen.")
    title: str | None = Field(description="From metadata, an HTML title, or the first heading.")
    url: str | None = Field(default=None, description="From metadata, when given.")
    raw_text: str = Field(description="The raw file's decoded text; all public offsets point here.")
    text: str = Field(description="Clean text: markup removed, caption lines unwrapped.")
    alignment: list[Piece] = Field(description="Pieces where text differs from raw_text.")
    sections: list[Section] = Field(description="Sections in text order.")
    warnings: list[InputWarning] = Field(
        default_factory=list, description="Problems in the raw file that did not stop it, by line."
    )


# --------------------------------------------------------------------------- normalize


class Edit(Record):
    """One repair, in the offsets of the text it was made on."""

    start: int = Field(description="Start offset in the input text.")
    end: int = Field(description="End offset in the input text.")
    before: str = Field(description="The text that was replaced.")
    after: str = Field(description="The replacement.")
    rule: str = Field(description="Mechanism and rule id, e.g. 'split.run_together'.")
    score: float = Field(description="Confidence in [0, 1].")
    reason: str = Field(default="", description="Human-readable why.")


class Correction(Span):
    """An edit reported against the raw text (``reports/corrections.json``)."""

    doc_id: str = Field(min_length=1, description="Document the edit was made in.")
    start: int = Field(ge=0, description="Start offset in the raw decoded text.")
    end: int = Field(ge=0, description="End offset in the raw decoded text (not before start).")
    before: str = Field(description="raw_text[start:end], exactly.")
    after: str = Field(description="What downstream stages read instead.")
    rule: str = Field(description="Mechanism and rule id.")
    score: float = Field(ge=0, le=1, description="Confidence in [0, 1].")
    reason: str = Field(default="", description="Human-readable why.")


class NormalizedDocument(Record):
    """The repaired text of one document and every edit that made it."""

    doc_id: str = Field(description="Document id.")
    text: str = Field(description="Repaired text that extraction reads.")
    edits: list[Edit] = Field(description="Applied edits, offsets into Document.text, sorted.")
    suggestions: list[Edit] = Field(description="Candidates below the threshold, not applied.")


# --------------------------------------------------------------------------- extract


class Range(Record):
    """A numeric value or range; a single value has min == max. Never negative, min <= max."""

    min: int = Field(ge=0, description="Lower bound.")
    max: int = Field(ge=0, description="Upper bound (not below min).")

    @model_validator(mode="after")
    def _ordered(self):
        if self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self


class Frequency(Record):
    """How often to do the routine, e.g. twice a day."""

    times: Range = Field(description="How many times per period.")
    period: Literal["day", "week", "month"] = Field(description="The period.")


class Dosage(Record):
    """A dosage expression found by the grammar, in the offsets of the analysed text."""

    field: FieldName = Field(description="Which field the value is for.")
    value: Range | None = Field(default=None, description="Numeric value (hold in seconds).")
    per_side: bool | None = Field(default=None, description="For field 'per_side'.")
    frequency: Frequency | None = Field(default=None, description="For field 'frequency'.")
    start: int = Field(description="Start offset in the analysed text.")
    end: int = Field(description="End offset in the analysed text.")
    rule: str = Field(description="Pattern id that produced it.")
    generic: bool = Field(default=False, description="Phrased as guidance for every exercise.")


class Evidence(Span):
    """A quote from the raw text that supports a value."""

    quote: str = Field(description="raw_text[start:end], exactly.")
    start: int = Field(ge=0, description="Start offset in the raw decoded text.")
    end: int = Field(ge=0, description="End offset in the raw decoded text (not before start).")
    field: Literal["name", "hold_seconds", "reps", "sets", "per_side", "frequency"] = Field(
        description="Which value this quote supports."
    )
    rule: str = Field(description="Rule that produced the value (pattern id or mechanism).")
    scope: Scope = Field(default="stated", description="'document': guidance for every exercise.")


class AlternativeValue(Record):
    """A second value one document gives for a field of one exercise (e.g. '30 s' and '8 s')."""

    field: FieldName = Field(description="Which field the value is for.")
    value: Range | bool | Frequency = Field(description="The value (hold in seconds).")
    evidence: list[Evidence] = Field(description="Quotes behind this value.")


class Claim(Record):
    """What one source says about one exercise."""

    doc_id: str = Field(min_length=1, description="The source document.")
    name_as_written: str = Field(description="The name as the source wrote it (repaired text).")
    name_inferred: bool = Field(default=False, description="Name inferred from the description.")
    mapping: str = Field(description="How the name was mapped: alias, fuzzy, inferred, unmatched.")
    mapping_score: float = Field(ge=0, le=100, description="Score of the mapping in [0, 100].")
    hold_seconds: Range | None = Field(description="Hold time in seconds.")
    reps: Range | None = Field(description="Repetitions.")
    sets: Range | None = Field(description="Sets.")
    per_side: bool | None = Field(description="True when done on each side.")
    frequency: Frequency | None = Field(default=None, description="How often.")
    scopes: dict[str, Scope] = Field(default_factory=dict, description="Where each value came from.")
    evidence: list[Evidence] = Field(description="Quotes for the name and every value.")
    alternatives: list[AlternativeValue] = Field(
        default_factory=list,
        description=(
            "Other values the same document gives for a field of this exercise, besides the one "
            "in the field itself; their quotes are here, not in 'evidence'. Merge reports them "
            "as within-document conflicts."
        ),
    )


class ExerciseClaims(Record):
    """Extraction output for one exercise in one document, before merging."""

    exercise_id: str | None = Field(
        pattern=EXERCISE_ID, description="Lexicon id, or None when the name matched no alias."
    )
    claim: Claim = Field(description="The claim.")


class Unnamed(Span):
    """A section that describes an exercise without naming one the lexicon knows."""

    doc_id: str = Field(min_length=1, description="Document.")
    heading: str = Field(description="The section heading as written.")
    start: int = Field(ge=0, description="Raw start of the section.")
    end: int = Field(ge=0, description="Raw end of the section (not before start).")
    description: str = Field(description="The first sentences of the section.")
    inferred: str | None = Field(pattern=EXERCISE_ID, description="Exercise id inferred from the description, if any.")


class DocumentResult(Record):
    """Everything one document contributes: source entry, corrections, claims, review items."""

    doc_id: str = Field(description="Document id.")
    claims: list[ExerciseClaims] = Field(description="One per exercise named or inferred.")
    unnamed: list[Unnamed] = Field(description="Sections for review.")


# --------------------------------------------------------------------------- merge and report


class Source(Record):
    """One raw document in the dataset."""

    doc_id: str = Field(min_length=1, description="Stable id of the document: its path in the raw folder.")
    path: str = Field(min_length=1, description="Path relative to the raw folder's parent.")
    sha256: str = Field(pattern=SHA256, description="sha256 of the raw bytes (64 lower-case hex digits).")
    kind: Kind = Field(description="transcript or article.")
    title: str | None = Field(description="Title, when known.")
    url: str | None = Field(default=None, description="Origin, when given in metadata.")
    family: str = Field(min_length=1, description="Near-duplicate family id; members are not independent.")


class Exercise(Record):
    """One canonical exercise with the consensus values and every source's claim."""

    id: str = Field(pattern=EXERCISE_ID, description="Stable slug id: lower-case words joined by hyphens.")
    name: str = Field(description="Display name.")
    aliases: list[str] = Field(description="Names the sources used, sorted.")
    category: str | None = Field(default=None, description="From the lexicon.")
    position: str | None = Field(default=None, description="From the lexicon.")
    hold_seconds: Range | None = Field(description="Consensus hold time in seconds.")
    reps: Range | None = Field(description="Consensus repetitions.")
    sets: Range | None = Field(description="Consensus sets.")
    per_side: bool | None = Field(description="Consensus side flag.")
    frequency: Frequency | None = Field(default=None, description="Consensus frequency.")
    review: bool = Field(default=False, description="True when the name matched no lexicon entry.")
    claims: list[Claim] = Field(description="Claims sorted by doc_id.")


class RetiredId(Record):
    """An exercise id no longer in use and the id that replaced it."""

    id: str = Field(pattern=EXERCISE_ID, description="The retired id.")
    replaced_by: str = Field(pattern=EXERCISE_ID, description="The id to use instead.")


class Dataset(Record):
    """``extracted/exercises.json``."""

    sources: list[Source] = Field(description="Documents, sorted by doc_id.")
    exercises: list[Exercise] = Field(description="Exercises, sorted by id.")
    retired: list[RetiredId] = Field(default_factory=list, description="Ids merged away.")
    unnamed: list[Unnamed] = Field(default_factory=list, description="Sections for review.")


class ConflictValue(Record):
    """One source's value in a conflict."""

    doc_id: str = Field(min_length=1, description="Source document.")
    family: str = Field(min_length=1, description="Source family.")
    value: Range | bool | Frequency | None = Field(description="The claimed value.")
    evidence: list[Evidence] = Field(description="Quotes behind the value.")


class Conflict(Record):
    """A field on which sources disagree."""

    id: str = Field(pattern=CONFLICT_ID, description="Stable id: 'c-' and 10 hex digits of exercise id and field.")
    exercise_id: str = Field(pattern=EXERCISE_ID, description="The exercise.")
    field: FieldName = Field(description="The field.")
    kind: Literal["variation", "conflict", "within-document"] = Field(
        description="variation: ranges overlap; conflict: disjoint; within-document: one source disagrees with itself."
    )
    severity: Literal["low", "medium", "high"] = Field(description="How much the values differ.")
    values: list[ConflictValue] = Field(description="Every claimed value with its evidence.")
    consensus_rule: str = Field(description="How the suggested value was computed.")
    suggested: Range | bool | Frequency | None = Field(description="The suggested value.")
    fingerprint: str = Field(
        pattern=FINGERPRINT, description="Hash of the evidence (16 hex digits); a resolution made on another is stale."
    )
    status: Literal["open", "resolved", "stale"] = Field(description="Review status.")
    resolution: Resolution | None = Field(default=None, description="The curator's decision, if any.")


class Resolution(Record):
    """A curator's decision on one conflict (``reports/resolutions.yaml``)."""

    conflict: str = Field(pattern=CONFLICT_ID, description="Conflict id ('c-' and 10 hex digits).")
    value: Range | bool | Frequency | None = Field(
        description="The chosen value: a range, true/false for per_side, a frequency, or null."
    )
    note: str = Field(default="", description="Why.")
    fingerprint: str = Field(
        pattern=FINGERPRINT, description="Fingerprint (16 hex digits) of the evidence the decision was made on."
    )


class OrphanedResolution(Record):
    """A decision whose conflict no longer exists: kept in the file, not applied, shown first."""

    resolution: Resolution = Field(description="The decision as written in reports/resolutions.yaml.")
    exercise_id: str | None = Field(
        pattern=EXERCISE_ID,
        description="The exercise the conflict id belongs to; null when no exercise field has that id.",
    )
    field: FieldName | None = Field(description="The field the conflict id belongs to; null when unknown.")
    current: Range | bool | Frequency | None = Field(description="The field's value in this dataset (null: none).")
    reason: str = Field(description="Why the conflict is gone (the sources agree, a source was removed...).")


class ConflictReport(Record):
    """``reports/conflicts.json``."""

    conflicts: list[Conflict] = Field(description="Sorted by id.")
    orphaned: list[OrphanedResolution] = Field(
        default_factory=list,
        description="Decisions whose conflict no longer exists, kept and shown; by conflict id.",
    )


class CorrectionReport(Record):
    """``reports/corrections.json``."""

    corrections: list[Correction] = Field(description="Applied edits, sorted by doc_id then start.")
    suggestions: list[Correction] = Field(description="Candidates not applied (below threshold).")


Conflict.model_rebuild()
