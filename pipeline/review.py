"""The curator's review page, ``reports/review.html``: one self-contained HTML file.

Everything the page states comes from the run's records (``Dataset``, ``ConflictReport``,
``CorrectionReport``); the only other input is a way to read a source's raw text by doc_id, for
the sentence or two around each quote (``TextSource``: a dict's ``get`` while the documents are
in memory, or a reader of the raw files). The page is rendered by Jinja2 with autoescaping from
``pipeline/templates/``; its CSS and script are inline, and its Content-Security-Policy allows
no network and only the page's own script and style (by hash), so nothing a source contains can
run or load anything even if it escaped the escaping.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shlex
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import jinja2

from .decide import value_arg
from .merge import CONSENSUS_RULE, RESOLUTIONS_FILE, format_value, value_key
from .models import (
    Conflict,
    ConflictReport,
    ConflictValue,
    Correction,
    CorrectionReport,
    Dataset,
    Evidence,
    Exercise,
)

TextSource = Callable[[str], "str | None"]
"""A source's raw decoded text by doc_id (the text evidence offsets point into); None: unknown."""


def no_text(doc_id: str) -> str | None:
    """A ``TextSource`` that knows no text: quotes are shown without context."""
    return None


CONTEXT_REACH = 240
"""At most this many characters of context are shown on either side of a quote."""
SHORT_SENTENCE = 60
"""A sentence around a quote with fewer characters than this beside the quote takes its neighbour
too ('a sentence or two')."""
SOURCES_SHOWN = 3
"""Sources listed openly, with their quotes in context, under each value of a conflict; the rest
are folded under a count, with their quotes alone."""

STATUS_ORDER = {"stale": 0, "open": 1, "resolved": 2}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
FIELD_LABELS = {
    "name": "name",
    "hold_seconds": "hold (s)",
    "reps": "reps",
    "sets": "sets",
    "per_side": "per side",
    "frequency": "frequency",
}

# Where a sentence ends: after . ! ? (and closing quotes or brackets) before whitespace, at a
# blank line, or before a line that starts a list item, table row, heading or block quote.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[|#>]|[-*+•][ \t]|\d+[.)][ \t]))")
# Caption cue numbers and timing lines: structure, not speech, so left out of the context shown.
_CUE_TIMING = re.compile(r"(?m)^(?:[ \t]*\d+[ \t]*\n)?[ \t]*\d[\d:.,]*[ \t]*-->[^\n]*$")
_SPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------- quotes in context


@dataclass(frozen=True)
class Snippet:
    """A quote with the text around it, as the page shows it (whitespace runs as one space)."""

    before: str
    quote: str
    after: str
    clipped_before: bool = False
    clipped_after: bool = False
    found: bool = True
    """False when the raw text was not available or does not hold the quote at its offsets."""


def _shown(text: str) -> str:
    return _SPACE.sub(" ", _CUE_TIMING.sub(" ", text))


def in_context(text: str | None, start: int, end: int, quote: str, *, reach: int = CONTEXT_REACH) -> Snippet:
    """The quote ``text[start:end]`` inside its sentence (and a neighbouring one when that is
    short), at most ``reach`` characters either side.

    >>> s = in_context("Lie down. Lift your hips. Hold for 5 seconds. Rest.", 26, 45, "Hold for 5 seconds.")
    >>> (s.before, s.quote, s.after)
    ('Lift your hips. ', 'Hold for 5 seconds.', ' Rest.')
    >>> in_context(None, 0, 4, "Hold").found
    False
    """
    if text is None or not 0 <= start <= end <= len(text) or text[start:end] != quote:
        return Snippet("", _SPACE.sub(" ", quote), "", found=False)
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    starts = [0] if lo == 0 else []  # where sentences start, left of the quote
    starts += [m.end() for m in _BOUNDARY.finditer(text, lo, start) if 0 < m.end() <= start]
    ends = [m.start() for m in _BOUNDARY.finditer(text, end, hi) if m.start() < len(text)]
    ends += [len(text)] if hi == len(text) else []  # where sentences end, right of the quote
    if starts:
        left = starts[-2] if start - starts[-1] < SHORT_SENTENCE and len(starts) > 1 else starts[-1]
    else:
        left = _word_start(text, lo)
    if ends:
        right = ends[1] if ends[0] - end < SHORT_SENTENCE and len(ends) > 1 else ends[0]
    else:
        right = _word_end(text, hi, end)
    return Snippet(
        before=_shown(text[left:start]).lstrip(),
        quote=_SPACE.sub(" ", quote),
        after=_shown(text[end:right]).rstrip(),
        clipped_before=not starts,
        clipped_after=not ends,
    )


def _word_start(text: str, lo: int) -> int:
    """``lo``, moved past a word it cuts into (the window's left edge)."""
    if lo == 0 or text[lo - 1].isspace():
        return lo
    space = re.compile(r"\s").search(text, lo)
    return space.end() if space else lo


def _word_end(text: str, hi: int, floor: int) -> int:
    """``hi``, moved back before a word it cuts into (never before ``floor``)."""
    if hi == len(text) or text[hi].isspace():
        return hi
    cut = max(text.rfind(" ", floor, hi), text.rfind("\n", floor, hi))
    return cut if cut > floor else hi


# --------------------------------------------------------------------------- view records


@dataclass(frozen=True)
class Quote:
    """One evidence quote on the page."""

    field: str
    rule: str
    scope: str
    start: int
    end: int
    snippet: Snippet


@dataclass
class SourceRow:
    """One source under one value of a conflict."""

    doc_id: str
    family: str
    quotes: list[Quote]


@dataclass
class ValueGroup:
    """The sources that give one value in a conflict."""

    value: str
    suggested: bool
    families: int
    rows: list[SourceRow]

    @property
    def shown(self) -> list[SourceRow]:
        return self.rows[:SOURCES_SHOWN]

    @property
    def folded(self) -> list[SourceRow]:
        return self.rows[SOURCES_SHOWN:]


@dataclass
class ConflictView:
    """A conflict as the page shows it."""

    conflict: Conflict
    name: str
    groups: list[ValueGroup]
    sources: list[str]
    rule: str
    decided: str | None
    snippet: str
    commands: list[str]


@dataclass
class ClaimView:
    """One source's claim on an exercise under review (not in the lexicon, or a name inferred)."""

    exercise_id: str
    name: str
    doc_id: str
    name_as_written: str
    mapping: str
    values: str
    quotes: list[Quote]


@dataclass
class CorrectionView:
    """A text repair or a suggestion, in context."""

    correction: Correction
    snippet: Snippet


@dataclass
class Page:
    """Everything the template needs, computed and sorted here so the template only lays it out."""

    summary: list[tuple[str, str]]
    conflicts: list[ConflictView]
    orphaned: list[dict[str, str]]
    unmatched: list[ClaimView]
    inferred: list[ClaimView]
    unnamed: list[dict[str, object]]
    corrections: list[tuple[str, list[CorrectionView]]]
    suggestions: list[tuple[str, list[CorrectionView]]]
    exercises: list[tuple[str, str]]
    sources: list[str]
    consensus_rule: str = CONSENSUS_RULE
    resolutions_file: str = RESOLUTIONS_FILE
    filters: dict[str, list[str]] = field(default_factory=dict)


# --------------------------------------------------------------------------- building the page


def decide_commands(conflict: Conflict) -> list[str]:
    """The ``decide`` commands offered for a conflict: the value to keep (the curator's own when
    the decision is stale, else the suggestion) with its note, and accepting the suggestion."""
    base = f"python -m pipeline decide {conflict.id}"
    commands = []
    if conflict.resolution is not None:
        keep = conflict.resolution
        note = f" --note {shlex.quote(keep.note)}" if keep.note else ""
        commands.append(f"{base} --value {shlex.quote(value_arg(keep.value))}{note}")
    else:
        value = conflict.suggested if conflict.suggested is not None else conflict.values[0].value
        commands.append(f"{base} --value {shlex.quote(value_arg(value))}")
    if conflict.suggested is not None:
        commands.append(f"{base} --accept-suggestion")
    return commands


def _quotes(evidence: Sequence[Evidence], text: str | None, *, context: bool = True) -> list[Quote]:
    """The quotes of ``evidence``, in context; with ``context`` false, alone (folded rows of a long
    conflict, which would otherwise make the page grow with every source)."""
    return [
        Quote(
            e.field,
            e.rule,
            e.scope,
            e.start,
            e.end,
            in_context(text, e.start, e.end, e.quote) if context else Snippet("", _SPACE.sub(" ", e.quote), ""),
        )
        for e in evidence
    ]


def _groups(conflict: Conflict, read: Callable[[str], str | None]) -> list[ValueGroup]:
    by_value: dict[str, list[ConflictValue]] = defaultdict(list)
    for v in conflict.values:
        by_value[value_key(v.value)].append(v)
    suggested = value_key(conflict.suggested) if conflict.suggested is not None else None
    groups = [
        ValueGroup(
            value=format_value(values[0].value),
            suggested=key == suggested,
            families=len({v.family for v in values}),
            rows=[
                SourceRow(
                    v.doc_id,
                    v.family,
                    _quotes(v.evidence, read(v.doc_id) if i < SOURCES_SHOWN else None, context=i < SOURCES_SHOWN),
                )
                for i, v in enumerate(values)
            ],
        )
        for key, values in by_value.items()
    ]
    return sorted(groups, key=lambda g: (-g.families, -len(g.rows), g.value))


def _values_line(claim) -> str:
    parts = [
        f"{FIELD_LABELS[f]} {format_value(getattr(claim, f))}"
        for f in ("hold_seconds", "reps", "sets", "per_side", "frequency")
        if getattr(claim, f) is not None
    ]
    return ", ".join(parts) or "no values"


def _claim_views(items: Sequence[tuple[Exercise, object]], read: Callable[[str], str | None]) -> list[ClaimView]:
    return [
        ClaimView(
            exercise_id=e.id,
            name=e.name,
            doc_id=c.doc_id,
            name_as_written=c.name_as_written,
            mapping=c.mapping,
            values=_values_line(c),
            quotes=_quotes(c.evidence, read(c.doc_id)),
        )
        for e, c in items
    ]


def _in_context(items: Sequence[Correction], read: Callable[[str], str | None]) -> list[CorrectionView]:
    return [CorrectionView(c, in_context(read(c.doc_id), c.start, c.end, c.before)) for c in items]


def build_page(
    dataset: Dataset, report: ConflictReport, corrections: CorrectionReport, source_text: TextSource
) -> Page:
    """The page's content from the run's records; ``source_text`` gives the raw text around quotes."""
    from .report import by_rule, resolution_snippet  # report renders this page: imported here, not at the top

    read = cache(source_text)
    names = {e.id: e.name for e in dataset.exercises}
    conflicts = [
        ConflictView(
            conflict=c,
            name=names.get(c.exercise_id, c.exercise_id),
            groups=_groups(c, read),
            sources=sorted({v.doc_id for v in c.values}),
            rule=c.consensus_rule.removeprefix(CONSENSUS_RULE).strip(),
            decided=format_value(c.resolution.value) if c.resolution is not None else None,
            snippet=resolution_snippet(c),
            commands=decide_commands(c),
        )
        for c in sorted(
            report.conflicts,
            key=lambda c: (STATUS_ORDER[c.status], SEVERITY_ORDER[c.severity], names.get(c.exercise_id, ""), c.id),
        )
    ]
    orphaned = [
        {
            "conflict": o.resolution.conflict,
            "exercise": names.get(o.exercise_id, o.exercise_id) if o.exercise_id else "?",
            "exercise_id": o.exercise_id or "",
            "field": o.field or "?",
            "decided": format_value(o.resolution.value),
            "now": format_value(o.current),
            "reason": o.reason,
            "note": o.resolution.note,
        }
        for o in report.orphaned
    ]
    unmatched = _claim_views(
        [(e, c) for e in dataset.exercises for c in e.claims if e.review or c.mapping == "unmatched"], read
    )
    inferred = _claim_views([(e, c) for e in dataset.exercises for c in e.claims if c.name_inferred], read)
    unnamed = [
        {
            "doc_id": u.doc_id,
            "heading": u.heading,
            "description": u.description,
            "start": u.start,
            "end": u.end,
            "inferred": u.inferred,
            "inferred_name": names.get(u.inferred, u.inferred) if u.inferred else None,
        }
        for u in dataset.unnamed
    ]
    status = Counter(c.status for c in report.conflicts)
    families = {s.family for s in dataset.sources}
    summary = [
        ("exercises", str(len(dataset.exercises))),
        ("sources", f"{len(dataset.sources)} in {len(families)} families"),
        ("open conflicts", str(status["open"])),
        ("stale decisions", str(status["stale"])),
        ("resolved", str(status["resolved"])),
        ("decisions that no longer apply", str(len(report.orphaned))),
        ("not in the lexicon", str(len({v.exercise_id for v in unmatched}))),
        ("names inferred", str(len(inferred))),
        ("unnamed sections", str(len(unnamed))),
        ("text repairs", str(len(corrections.corrections))),
        ("repair suggestions", str(len(corrections.suggestions))),
    ]
    mentioned = {c.conflict.exercise_id for c in conflicts} | {v.exercise_id for v in [*unmatched, *inferred]}
    mentioned |= {u.inferred for u in dataset.unnamed if u.inferred}
    return Page(
        summary=summary,
        conflicts=conflicts,
        orphaned=orphaned,
        unmatched=unmatched,
        inferred=inferred,
        unnamed=unnamed,
        corrections=[(rule, _in_context(items, read)) for rule, items in by_rule(corrections.corrections).items()],
        suggestions=[(rule, _in_context(items, read)) for rule, items in by_rule(corrections.suggestions).items()],
        exercises=sorted(((names.get(i, i), i) for i in mentioned), key=lambda p: (p[0].lower(), p[1])),
        sources=[s.doc_id for s in dataset.sources],
        filters={
            "status": [s for s in STATUS_ORDER if status[s]],
            "severity": [s for s in SEVERITY_ORDER if any(c.severity == s for c in report.conflicts)],
            "kind": sorted({c.kind for c in report.conflicts}),
        },
    )


# --------------------------------------------------------------------------- rendering


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _asset(name: str) -> str:
    env = _environment()
    return env.loader.get_source(env, name)[0]  # type: ignore[union-attr]


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render_review(
    dataset: Dataset,
    report: ConflictReport,
    corrections: CorrectionReport,
    source_text: TextSource = no_text,
) -> str:
    """``reports/review.html``: the whole page as text (deterministic: same records, same bytes).

    source_text (TextSource): A source's raw text by doc_id, for the context around quotes;
        without it quotes are shown alone.
    """
    style, script = _asset("review.css"), _asset("review.js")
    return (
        _environment()
        .get_template("review.html.j2")
        .render(
            page=build_page(dataset, report, corrections, source_text),
            style=style,
            script=script,
            csp=f"default-src 'none'; style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
            "img-src 'none'; form-action 'none'; base-uri 'none'",
            labels=FIELD_LABELS,
            fmt=format_value,
        )
    )
