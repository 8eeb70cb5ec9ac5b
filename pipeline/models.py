"""Every record the pipeline reads or writes: the data contract.

Offsets: ``start``/``end`` on evidence, corrections and mentions are character offsets into the
raw file's decoded text (``raw_text[start:end] == quote``); for PDF and DOCX, into the text extracted
from the file (``Source.text``). Offsets on ``Section``, ``Edit`` and
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
Scope = Literal["stated", "section", "document"]


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

Category = Literal[
    "stretch", "strength", "mobility", "stability", "balance", "relaxation", "conditioning", "plyometric", "power"
]
Position = Literal[
    "supine", "prone", "quadruped", "kneeling", "half-kneeling", "seated", "standing", "side-lying", "hanging", "plank"
]
Laterality = Literal["bilateral", "unilateral", "alternating"]
Region = Literal[
    "neck", "shoulder", "elbow", "wrist", "hand", "upper back", "lower back", "chest", "core", "hip", "knee",
    "ankle", "foot", "full body",
]
Equipment = Literal[
    "band", "dumbbell", "barbell", "kettlebell", "cable", "machine", "smith machine", "bench", "chair", "wall",
    "doorway", "table", "towel", "strap", "pillow", "ball", "small ball", "foam roller", "step", "mat",
    "pull-up bar", "rings", "parallel bars", "medicine ball", "e-z bar", "box", "weight plate", "ankle weight",
    "sled", "rope", "jump rope", "suspension trainer", "balance board", "foam pad", "stick", "yoga block",
    "bolster", "putty", "flexbar", "sliders", "landmine", "chains", "sandbag", "bike", "treadmill", "rowing machine",
    "elliptical", "stairs",
]
Muscle = Literal[
    # The free-exercise-db muscle names.
    "abdominals", "abductors", "adductors", "biceps", "calves", "chest", "forearms", "glutes", "hamstrings",
    "lats", "lower back", "middle back", "neck", "quadriceps", "shoulders", "traps", "triceps",
    # Names rehabilitation writers use.
    "rotator cuff", "hip flexors", "tibialis anterior", "tibialis posterior", "peroneals", "soleus",
    "deep neck flexors", "neck extensors", "upper trapezius", "lower trapezius", "levator scapulae", "scalenes",
    "rhomboids", "serratus anterior", "pectoralis minor", "piriformis", "gluteus medius", "hip rotators",
    "tensor fasciae latae", "iliotibial band", "obliques", "transverse abdominis", "pelvic floor", "diaphragm",
    "multifidus", "erector spinae", "quadratus lumborum", "plantar fascia", "foot intrinsics", "wrist flexors",
    "wrist extensors", "finger flexors", "finger extensors", "hand intrinsics", "nerves",
]
LexiconSource = Literal["curated", "free-exercise-db"]


class LexiconEntry(Record):
    """One canonical exercise in the shipped lexicon (``pipeline/data/exercises.jsonl``)."""

    id: str = Field(description="Stable kebab-case id, e.g. 'knee-to-chest'.", pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str = Field(
        description="Display name: the name most people in the field use, e.g. 'Quad set', 'Bench press'.",
        min_length=1,
    )
    aliases: list[str] = Field(
        description="Lower-case surface forms writers use, singular (plurals, hyphen and space joins are "
        "derived), including clinical and anatomical synonyms ('static quads', 'cervical retraction')."
    )
    category: Category = Field(description="What the exercise mainly trains.")
    position: Position | None = Field(description="Starting position; null when it varies.")
    laterality: Laterality = Field(
        description="bilateral: both sides work together or the body is symmetric (a timer runs once); "
        "unilateral: one side at a time, then the other (a timer runs twice); alternating: sides alternate "
        "within a set."
    )
    region: list[Region] = Field(description="Body regions worked or stretched.", min_length=1)
    equipment: list[Equipment] = Field(
        description="Equipment used; empty when none. Alternatives are listed together (a press done with a "
        "barbell or dumbbells lists both)."
    )
    muscles: list[Muscle] = Field(description="Primary muscles worked or stretched.")
    description: str = Field(description="One line on the exercise, in the team's own words.", min_length=1)
    variant_of: str | None = Field(description="Id of the base exercise this is a modifier variant of.")
    source: LexiconSource = Field(
        description="curated: written by the team (lexicon/curated/); free-exercise-db: generated from the "
        "public-domain free-exercise-db by scripts/build_lexicon.py."
    )

    @model_validator(mode="after")
    def _check_lists(self) -> LexiconEntry:
        for alias in self.aliases:
            if alias != " ".join(alias.lower().split()):
                raise ValueError(f"alias {alias!r} must be lower-case with single spaces")
        for field in ("aliases", "region", "equipment", "muscles"):
            values = getattr(self, field)
            if len(set(values)) != len(values):
                raise ValueError(f"{field} lists a value twice")
        if self.variant_of == self.id:
            raise ValueError("an entry cannot be a variant of itself")
        return self


class NameRule(Record):
    """Words in an exercise name that imply a value ('seated' implies the seated position)."""

    words: list[str] = Field(description="Lower-case words or phrases, hyphens as spaces; any one matches.")
    value: str = Field(description="The value they imply (a position or a laterality).")


class EntryOverride(Record):
    """Facts a generated entry takes from the rules instead of deriving them."""

    category: Category | None = Field(default=None, description="Replaces the derived category.")
    position: Position | None = Field(default=None, description="Replaces the derived position.")
    laterality: Laterality | None = Field(default=None, description="Replaces the derived laterality.")
    region: list[Region] | None = Field(default=None, description="Replaces the derived regions.")
    equipment: list[Equipment] | None = Field(default=None, description="Replaces the derived equipment.")
    variant_of: str | None = Field(default=None, description="Id of the base exercise, instead of the derived one.")


class LexiconRules(Record):
    """How ``scripts/build_lexicon.py`` maps free-exercise-db records to lexicon entries
    (``lexicon/free-exercise-db.yaml``)."""

    single_words: list[str] = Field(
        description="Single-word aliases allowed (matched anywhere in prose, so only real exercise names); "
        "Sanskrit pose names ending in 'asana' are allowed without listing."
    )
    proper_words: list[str] = Field(description="Words kept capitalised in display names ('Arnold', 'EZ-bar').")
    rewrites: list[tuple[str, str]] = Field(
        description="Regex and replacement applied in order to lower-case titles ('pushups?' → 'push-up')."
    )
    singulars: dict[str, str] = Field(
        description="Plural head words the suffix rules get wrong, and their singular ('squeezes' → 'squeeze')."
    )
    stretch_words: list[str] = Field(
        description="Words that show a stretching record's name already names the movement; a name without "
        "any gets ' stretch' ('Lying Glute' → 'lying glute stretch')."
    )
    suffixes: dict[str, str] = Field(
        description="A title's ' - X' or '(X)' tail, lower-case, and the template '{}' it makes of the rest "
        "('with bands' → 'banded {}')."
    )
    categories: dict[str, Category] = Field(description="Database category → lexicon category.")
    equipment: dict[str, list[Equipment]] = Field(description="Database equipment → lexicon equipment.")
    equipment_words: dict[str, list[Equipment]] = Field(description="Words in a name that imply equipment.")
    muscle_regions: dict[Muscle, list[Region]] = Field(description="Primary muscle → body regions.")
    compound_regions: dict[Muscle, list[Region]] = Field(
        description="Extra regions a primary muscle adds in a compound movement (quadriceps → hip)."
    )
    category_regions: dict[str, list[Region]] = Field(description="Extra regions by database category.")
    positions: list[NameRule] = Field(description="Name words → position, first match wins; none: null.")
    laterality: list[NameRule] = Field(description="Name words → laterality, first match wins.")
    unilateral_stretch_muscles: list[Muscle] = Field(
        description="A stretch whose muscles are all limb muscles listed here is done one side at a time."
    )
    variant_words: list[str] = Field(
        description="Equipment and grip words: a name without them is the base exercise ('barbell bench press')."
    )
    modifier_words: list[str] = Field(
        description="Modifier words stripped after variant_words to find a base ('seated', 'incline', 'one arm')."
    )
    bases: dict[str, str] = Field(description="A stripped name → base entry id, where the bare name is no alias.")
    rename: dict[str, str] = Field(description="Database id → display name, for titles the rules cannot clean.")
    aliases: dict[str, list[str]] = Field(description="Database id → extra aliases writers use.")
    overrides: dict[str, EntryOverride] = Field(description="Database id → facts that replace derived ones.")
    skip: dict[str, str] = Field(description="Database id → why it is not in the lexicon.")


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
    """A structural unit found by ingest's layout reader (``pipeline/layout.py``)."""

    kind: Literal["heading", "item", "field", "row", "paragraph", "cue"] = Field(
        description="heading, list item, 'Label: value' field line, table row, paragraph, or a spoken "
        "cue ('next you're going to do a bridge') that starts a new part of a paragraph."
    )
    start: int = Field(description="Start offset in Document.text.")
    end: int = Field(description="End offset in Document.text.")
    level: int = Field(default=0, description="Heading level (1 = top) or list nesting depth.")
    number: int | None = Field(default=None, description="The item's number in a numbered list.")
    marker: str | None = Field(
        default=None, description="The item's number or letter as written ('2a' of '2a. Lumbar extension')."
    )
    title: bool = Field(
        default=False, description="The heading, item or row (or its name part) reads as a name, not a sentence."
    )
    name_start: int | None = Field(default=None, description="Start of the name part in Document.text.")
    name_end: int | None = Field(
        default=None, description="End of the name part ('Squats' in 'Squats: 3 sets of 12 reps')."
    )
    role: (
        Literal[
            "hold", "reps", "sets", "dose", "frequency", "rest", "tempo", "side", "progression", "info", "name", "label"
        ]
        | None
    ) = Field(
        default=None,
        description="A field's role from its label ('Sets:' = sets, 'Progression:' = progression, whose "
        "numbers are no values), or 'label' for a heading that labels part of one exercise ('Setup', 'Tips').",
    )
    value_start: int | None = Field(default=None, description="Where a field's value starts in Document.text.")


class InputWarning(Record):
    """A problem in a raw file that did not stop it, e.g. a malformed caption timing."""

    line: int = Field(ge=1, description="Line of the raw file (1 = first).")
    what: str = Field(description="What is wrong and what the pipeline did about it.")
    fix: str = Field(description="How to fix the file.")


class TextLine(Record):
    """One line of text a PDF reader extracted, with its place on the page."""

    start: int = Field(ge=0, description="Start offset in Document.raw_text.")
    end: int = Field(ge=0, description="End offset in Document.raw_text.")
    x0: float = Field(description="Left edge, in points from the page's left edge.")
    top: float = Field(description="Top edge, in points from the page's top edge.")
    x1: float = Field(description="Right edge, in points from the page's left edge.")
    bottom: float = Field(description="Bottom edge, in points from the page's top edge.")
    running: bool = Field(
        default=False,
        description="A header, footer or page number repeated on the pages: dropped from the clean text.",
    )


class Page(Record):
    """One page of a PDF and where its text sits in Document.raw_text."""

    number: int = Field(ge=1, description="Page number (1 = first page of the file).")
    start: int = Field(ge=0, description="Start of the page's text in Document.raw_text.")
    end: int = Field(ge=0, description="End of the page's text in Document.raw_text.")
    width: float = Field(description="Page width in points.")
    height: float = Field(description="Page height in points.")
    lines: list[TextLine] = Field(description="Every extracted line of the page, in reading order.")


Format = Literal["text", "markdown", "html", "srt", "vtt", "json3", "srv3", "ttml", "pdf", "docx"]
"""File formats: by suffix, and for caption XML by the root element."""
BINARY_FORMATS = frozenset({"pdf", "docx"})
"""Formats whose raw_text is text a reader extracted, not the file's bytes decoded."""
CAPTION_FORMATS = frozenset({"srt", "vtt", "json3", "srv3", "ttml"})
"""Timed caption formats: their cues are speech, joined into running text."""


class Document(Record):
    """A decoded raw file: the clean text view, its alignment to the raw text, its sections."""

    doc_id: str = Field(description="Stable id: the file's path relative to the raw folder.")
    path: str = Field(description="Path relative to the raw folder's parent (the repository root).")
    sha256: str = Field(pattern=SHA256, description="sha256 of the raw file's bytes.")
    format: Format = Field(description="File format (PDF and DOCX: text extracted by a reader, see raw_text).")
    kind: Kind = Field(description="Transcript or article, from metadata or detected from the text.")
    kind_reason: str = Field(description="Why this kind was chosen.")
    title: str | None = Field(description="From metadata, an HTML title, or the first heading.")
    url: str | None = Field(default=None, description="From metadata, when given.")
    raw_text: str = Field(
        description="The raw file's decoded text, or for PDF and DOCX the text extracted from it (published as "
        "extracted/texts/<doc_id>.txt); all public offsets point here."
    )
    text: str = Field(description="Clean text: markup removed, caption lines unwrapped.")
    alignment: list[Piece] = Field(description="Pieces where text differs from raw_text.")
    sections: list[Section] = Field(description="Sections in text order.")
    warnings: list[InputWarning] = Field(
        default_factory=list, description="Problems in the raw file that did not stop it, by line."
    )
    pages: list[Page] = Field(default_factory=list, description="A PDF's pages, in order; empty for other formats.")


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
    scope: Scope = Field(
        default="stated",
        description="Where the value was given: 'stated' for the exercise itself, 'section' by a heading or list "
        "item above it ('Strength - 3 sets each'), 'document' as guidance for every exercise.",
    )
    page: int | None = Field(
        default=None, ge=1, description="The PDF page the quote starts on (1 = first); null for other formats."
    )


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
    mapping: str = Field(
        description="How the name was mapped to the lexicon: alias, composition, mention (a lexicon name inside "
        "a longer heading), position (the variant its description's position picks), fuzzy, inferred (from the "
        "description), or unmatched (not in the lexicon)."
    )
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


class DocumentRecord(Record):
    """One document after the per-document stages: all the merge and the reports need of it, and
    the unit the cache stores and the workers return (the texts stay behind)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    doc_id: str = Field(min_length=1, description="Stable id: the file's path relative to the raw folder.")
    path: str = Field(min_length=1, description="Path relative to the raw folder's parent.")
    sha256: str = Field(pattern=SHA256, description="sha256 of the raw file's bytes.")
    kind: Kind = Field(description="transcript or article.")
    title: str | None = Field(description="Title, when known.")
    url: str | None = Field(default=None, description="Origin, when given in metadata.")
    format: Format = Field(description="File format (``Document.format``).")
    extracted_text: str | None = Field(
        description="For a PDF or DOCX, the text a reader extracted (what its offsets point into); else null."
    )
    shingles: bytes = Field(
        description="Sorted distinct 32-bit hashes of the text's word 3-grams, little-endian uint32 "
        "(``families.shingle_hashes``)."
    )
    result: DocumentResult = Field(description="The extract stage's claims and review items.")
    corrections: list[Correction] = Field(description="Applied edits in raw offsets, sorted.")
    suggestions: list[Correction] = Field(description="Edits below the threshold, in raw offsets, sorted.")
    warnings: list[InputWarning] = Field(description="Problems in the raw file that did not stop it.")


# --------------------------------------------------------------------------- merge and report


class Source(Record):
    """One raw document in the dataset."""

    doc_id: str = Field(min_length=1, description="Stable id of the document: its path in the raw folder.")
    path: str = Field(min_length=1, description="Path relative to the raw folder's parent.")
    sha256: str = Field(pattern=SHA256, description="sha256 of the raw bytes (64 lower-case hex digits).")
    kind: Kind = Field(description="transcript or article.")
    title: str | None = Field(description="Title, when known.")
    url: str | None = Field(default=None, description="Origin, when given in metadata.")
    text: str | None = Field(
        default=None,
        description="For a PDF or DOCX source: the file (relative to the output folder) holding the text that "
        "was extracted from it, into which its evidence offsets point; null when they point into the raw "
        "file's own decoded text.",
    )
    family: str = Field(min_length=1, description="Near-duplicate family id; members are not independent.")


class FieldOrigin(Record):
    """Where an exercise's value for a field on which the sources disagree came from."""

    decided: bool = Field(
        description="True: the value is the curator's decision on the conflict (reports/resolutions.yaml); "
        "false: it is the conflict's suggested value, undecided (the conflict is open or stale)."
    )
    conflict: str = Field(pattern=CONFLICT_ID, description="The conflict on this field (reports/conflicts.json).")


class Exercise(Record):
    """One canonical exercise with the consensus values and every source's claim."""

    id: str = Field(pattern=EXERCISE_ID, description="Stable slug id: lower-case words joined by hyphens.")
    name: str = Field(description="Display name.")
    aliases: list[str] = Field(description="Names the sources used, sorted.")
    category: Category | None = Field(default=None, description="From the lexicon.")
    position: Position | None = Field(default=None, description="From the lexicon; null when it varies.")
    hold_seconds: Range | None = Field(description="Consensus hold time in seconds.")
    reps: Range | None = Field(description="Consensus repetitions.")
    sets: Range | None = Field(description="Consensus sets.")
    per_side: bool | None = Field(description="Consensus side flag.")
    frequency: Frequency | None = Field(default=None, description="Consensus frequency.")
    review: bool = Field(default=False, description="True when the name matched no lexicon entry.")
    origins: dict[FieldName, FieldOrigin] = Field(
        default_factory=dict,
        description="The fields on which the sources disagree, each with its conflict id and whether its value "
        "was decided by a curator; a field not listed has the value its sources agree on.",
    )
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
