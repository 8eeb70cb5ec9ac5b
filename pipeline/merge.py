"""Merge per-document claims into one dataset: canonical ids, source families, consensus, conflicts.

Everything here is a pure function of its inputs (``load_resolutions`` reads one file) and the
output is sorted, so a rerun on the same inputs is byte-identical.

Rules, in the order ``merge`` applies them:

* **Names.** A claim whose ``exercise_id`` is set keeps it. Otherwise its name is looked up as an
  exact alias (lower-cased, last word singular), then fuzzily (``FUZZY_SCORER`` at
  ``FUZZY_CUTOFF``). A fuzzy match must be *modifier-compatible*: names that differ in a modifier
  (single/double, seated/standing/supine/prone/kneeling/side-lying, single-leg, upward/downward,
  forearm, side, reverse, partial, low/high...) never map to each other. A name that matches
  nothing becomes its own exercise, id = slug of the name, flagged for review.
* **Families** (``families``). Documents whose texts share at least ``FAMILY_CONTAINMENT`` of the word
  ``SHINGLE_SIZE``-grams of the shorter one (two transcripts of one video, an edited copy) form a
  family, id = the smallest member doc_id. A family votes once.
* **Consensus** (``CONSENSUS_RULE``): one vote per family; a family votes its members' common value
  or their span; a vote from document-wide guidance only weighs ``DOCUMENT_WEIGHT`` (stated values
  ``STATED_WEIGHT``). The families' values overlap: their span. Else a value with more than half
  the weight. Else the span of all.
* **Conflicts** per exercise and field: ``within-document`` when one document gives two values,
  else ``variation`` when the values overlap but differ, else ``conflict``. A stated value in a
  document overrides that document's own document-wide guidance (no conflict with itself).
* **Resolutions** (``reports/resolutions.yaml``) apply when their fingerprint still matches;
  otherwise the conflict is ``stale`` and reopened. Resolutions whose conflict is gone are kept in
  ``ConflictReport.orphaned``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import reprlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel

from . import paths, resources
from .errors import PipelineError, ResolutionError
from .families import families, unpack
from .models import (
    BINARY_FORMATS,
    CONFLICT_ID,
    FINGERPRINT,
    Claim,
    Conflict,
    ConflictReport,
    ConflictValue,
    Dataset,
    DocumentRecord,
    Evidence,
    Exercise,
    FieldName,
    FieldOrigin,
    Frequency,
    LexiconEntry,
    OrphanedResolution,
    Range,
    Resolution,
    RetiredId,
    Source,
    Unnamed,
)
from .names import NameIndex, slug

Value = Range | bool | Frequency

FIELDS: tuple[FieldName, ...] = ("hold_seconds", "reps", "sets", "per_side", "frequency")

# --------------------------------------------------------------------------- constants

STATED_WEIGHT = 1.0
"""Vote of a family with a value stated for the exercise."""
DOCUMENT_WEIGHT = 0.5
"""Vote of a family whose value is only document-wide guidance ('hold each stretch 30 s')."""

SEVERITY_MEDIUM = 0.25
"""Relative gap between the lowest and highest value midpoints from which severity is medium."""
SEVERITY_HIGH = 0.5
"""Relative gap from which severity is high (30 s vs 8 s = 0.73)."""

PER_WEEK = {"day": 7.0, "week": 1.0, "month": 12 / 52}
"""Frequencies are compared as times per week."""

RESOLUTIONS_FILE = "reports/resolutions.yaml"
RESOLUTION_KEYS = ("conflict", "value", "note", "fingerprint")

CONSENSUS_RULE = (
    "One vote per source family (near-duplicate documents count once; a family votes its members' "
    f"common value or their span); a value stated for the exercise weighs {STATED_WEIGHT:g}, one "
    f"taken only from document-wide guidance {DOCUMENT_WEIGHT:g}."
)
RULE_OVERLAP = "The families' values overlap: the suggestion is the range spanning them."
RULE_MAJORITY = "The values do not overlap: the suggestion is the value of families with more than half the weight."
RULE_SPAN = "The values do not overlap and no value has more than half the weight: the suggestion spans all values."
RULE_NONE = (
    "The values do not overlap, no value has more than half the weight and they cannot be spanned: no suggestion."
)

# --------------------------------------------------------------------------- values


def value_key(value: object) -> str:
    """Canonical JSON of a value or record: equal values have equal keys."""
    data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def interval(value: Value) -> tuple[float, float]:
    """A value as a numeric interval: ranges as is, booleans 0/1, frequencies as times per week."""
    if isinstance(value, bool):
        return (float(value), float(value))
    if isinstance(value, Frequency):
        k = PER_WEEK[value.period]
        return (value.times.min * k, value.times.max * k)
    return (float(value.min), float(value.max))


def overlap(values: Sequence[Value]) -> bool:
    """True when all values share a common point."""
    spans = [interval(v) for v in values]
    return max(lo for lo, _ in spans) <= min(hi for _, hi in spans) + 1e-9


def span(values: Sequence[Value]) -> Value | None:
    """The smallest value covering all (a range, a same-period frequency); None if there is none."""
    if not values:
        return None
    if len({value_key(v) for v in values}) == 1:
        return values[0]
    if all(isinstance(v, Range) for v in values):
        return Range(min=min(v.min for v in values), max=max(v.max for v in values))  # type: ignore[union-attr]
    if all(isinstance(v, Frequency) for v in values):
        periods = {v.period for v in values}  # type: ignore[union-attr]
        if len(periods) == 1:
            times = span([v.times for v in values])  # type: ignore[union-attr]
            return Frequency(times=times, period=periods.pop())
    return None


def severity(values: Sequence[Value]) -> str:
    """low / medium / high from the relative gap between the lowest and highest midpoint."""
    mids = [sum(interval(v)) / 2 for v in values]
    top = max(mids)
    gap = (top - min(mids)) / top if top > 0 else 0.0
    if gap >= SEVERITY_HIGH:
        return "high"
    if gap >= SEVERITY_MEDIUM:
        return "medium"
    return "low"


def format_value(value: Value | None) -> str:
    """Short human form: '30', '3-5', 'yes', '2x/day', '-'.

    >>> format_value(Range(min=3, max=5)), format_value(True), format_value(None)
    ('3-5', 'yes', '-')
    """
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Frequency):
        return f"{format_value(value.times)}x/{value.period}"
    return str(value.min) if value.min == value.max else f"{value.min}-{value.max}"


def _fits(field: FieldName, value: object) -> bool:
    if value is None:
        return True
    if field == "per_side":
        return isinstance(value, bool)
    if field == "frequency":
        return isinstance(value, Frequency)
    return isinstance(value, Range)


# --------------------------------------------------------------------------- consensus, conflicts


@dataclass(frozen=True)
class _Observation:
    """One value one document gives for one field of one exercise."""

    doc_id: str
    family: str
    value: Value
    stated: bool
    evidence: tuple[Evidence, ...]


def _observations(claims: Sequence[Claim], field: FieldName, family: dict[str, str]) -> list[_Observation]:
    out: list[_Observation] = []
    for claim in claims:
        alternatives = [a for a in claim.alternatives if a.field == field]
        taken = {value_key(e) for a in alternatives for e in a.evidence}
        value = getattr(claim, field)
        if value is not None:
            evidence = tuple(e for e in claim.evidence if e.field == field and value_key(e) not in taken)
            stated = claim.scopes.get(field, "stated") == "stated"
            out.append(_Observation(claim.doc_id, family[claim.doc_id], value, stated, evidence))
        for alt in alternatives:
            stated = not alt.evidence or any(e.scope == "stated" for e in alt.evidence)
            out.append(_Observation(claim.doc_id, family[claim.doc_id], alt.value, stated, tuple(alt.evidence)))
    return out


def _by_document(observations: Sequence[_Observation]) -> dict[str, list[_Observation]]:
    """Observations per document; a stated value overrides that document's own guidance."""
    docs: dict[str, list[_Observation]] = defaultdict(list)
    for obs in observations:
        docs[obs.doc_id].append(obs)
    return {
        doc_id: [o for o in obs if o.stated] if any(o.stated for o in obs) else obs
        for doc_id, obs in sorted(docs.items())
    }


def _distinct(values: Iterable[Value]) -> list[Value]:
    seen: dict[str, Value] = {}
    for v in values:
        seen.setdefault(value_key(v), v)
    return sorted(seen.values(), key=lambda v: (interval(v), value_key(v)))


def consensus(votes: Sequence[tuple[Value, float]]) -> tuple[Value | None, str]:
    """Suggested value from one (value, weight) vote per family, and the rule that decided it."""
    values = [v for v, _ in votes]
    if not values:
        return None, RULE_NONE
    if overlap(values) and (joined := span(values)) is not None:
        return joined, RULE_OVERLAP
    weight: Counter[str] = Counter()
    by_key: dict[str, Value] = {}
    for value, w in votes:
        weight[value_key(value)] += w
        by_key[value_key(value)] = value
    total = sum(weight.values())
    key, top = min(weight.items(), key=lambda kv: (-kv[1], kv[0]))
    if top > total / 2:
        return by_key[key], RULE_MAJORITY
    joined = span(values)
    return joined, RULE_SPAN if joined is not None else RULE_NONE


def _family_votes(per_doc: dict[str, list[_Observation]]) -> list[tuple[Value, float]]:
    fams: dict[str, list[list[_Observation]]] = defaultdict(list)
    for obs in per_doc.values():
        fams[obs[0].family].append(obs)
    votes: list[tuple[Value, float]] = []
    for _family, docs in sorted(fams.items()):
        stated = [o for obs in docs for o in obs if o.stated]
        pool = stated or [o for obs in docs for o in obs]
        value = span(_distinct(o.value for o in pool))
        if value is not None:  # members that cannot be spanned (yes and no) abstain
            votes.append((value, STATED_WEIGHT if stated else DOCUMENT_WEIGHT))
    return votes


def conflict_id(exercise_id: str, field: str) -> str:
    """Stable conflict id: 'c-' + 10 hex of the exercise id and field."""
    return "c-" + _short_hash(f"{exercise_id}\x1f{field}", 10)


def fingerprint(values: Sequence[ConflictValue]) -> str:
    """Hash of the sorted (doc_id, value, quote) triples: changes when any evidence changes."""
    triples = sorted(
        (v.doc_id, value_key(v.value), quote) for v in values for quote in ([e.quote for e in v.evidence] or [""])
    )
    return _short_hash(json.dumps(triples, ensure_ascii=False), 16)


def _field_result(
    exercise_id: str, field: FieldName, claims: Sequence[Claim], family: dict[str, str]
) -> tuple[Value | None, Conflict | None]:
    """Consensus value of one field and its conflict, if the sources disagree."""
    per_doc = _by_document(_observations(claims, field, family))
    if not per_doc:
        return None, None
    suggested, rule = consensus(_family_votes(per_doc))
    values: list[ConflictValue] = []
    within = False
    for doc_id, obs in per_doc.items():
        distinct = _distinct(o.value for o in obs)
        within = within or len(distinct) > 1
        for value in distinct:
            evidence = {value_key(e): e for o in obs if value_key(o.value) == value_key(value) for e in o.evidence}
            values.append(
                ConflictValue(
                    doc_id=doc_id,
                    family=family[doc_id],
                    value=value,
                    evidence=sorted(evidence.values(), key=lambda e: (e.start, e.end, e.field, e.quote)),
                )
            )
    everything = _distinct(v.value for v in values)  # type: ignore[misc]
    if len(everything) == 1 and not within:
        return suggested, None
    kind = "within-document" if within else "variation" if overlap(everything) else "conflict"
    conflict = Conflict(
        id=conflict_id(exercise_id, field),
        exercise_id=exercise_id,
        field=field,
        kind=kind,
        severity=severity(everything),
        values=values,
        consensus_rule=f"{CONSENSUS_RULE} {rule}",
        suggested=suggested,
        fingerprint=fingerprint(values),
        status="open",
    )
    return suggested, conflict


# --------------------------------------------------------------------------- resolutions


@dataclass(frozen=True)
class Decisions:
    """The curators' resolutions file as read: its entries and the line each is written on."""

    entries: tuple[Resolution, ...] = ()
    where: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Conflict id → 'file:line' of its entry, for messages."""


def load_resolutions(path: str | Path) -> list[Resolution]:
    """The curators' decisions (see ``read_resolutions``); a missing or empty file means none."""
    return list(read_resolutions(path).entries)


def read_resolutions(path: str | Path) -> Decisions:
    """Read the curators' decisions and where each is written; a missing or empty file means none.

    The file is a UTF-8 YAML list of ``{conflict, value, note, fingerprint}``; ``value`` is
    ``{min: N, max: N}`` (or a bare number N), ``true``/``false`` for per_side,
    ``{times: {min: N, max: N}, period: day|week|month}`` for frequency, or ``null``. Anchors,
    aliases and tags are refused before anything is built, so a small hostile file cannot
    expand or construct objects.

    Raises:
        ResolutionError: not UTF-8, malformed YAML, anchors/aliases/tags, unknown keys, bad
            values or a duplicate conflict id, naming the file and line and saying how to fix it.
    """
    path = Path(path)
    if not path.exists():
        return Decisions()
    return parse_resolutions(path.read_bytes(), path)


def parse_resolutions(data: bytes, path: str | Path) -> Decisions:
    """Read the curators' decisions from the bytes of a resolutions file (see ``read_resolutions``).

    path (Path): Where the bytes are, or will be, written; messages name it.
    """
    path = Path(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise _resolution_error(
            path, line, f"not valid UTF-8 (byte {err.start})", "Save the file as UTF-8 and rerun"
        ) from None
    try:
        _refuse_references(path, text)
        loader = yaml.SafeLoader(text)
        root = loader.get_single_node()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        context, context_mark = getattr(err, "context", None), getattr(err, "context_mark", None)
        if context and context_mark is not None and context_mark.line + 1 != line:
            problem = f"{context} started on line {context_mark.line + 1}: {problem}"
        raise _resolution_error(path, line, f"not valid YAML ({problem})", _FIX_FORMAT) from None
    if root is None:
        loader.dispose()
        return Decisions()
    if not isinstance(root, yaml.SequenceNode):
        raise _resolution_error(path, _line(root), "the file must be a YAML list of entries", _FIX_FORMAT)
    out: list[Resolution] = []
    first_line: dict[str, int] = {}
    for item in root.value:
        resolution = _read_entry(loader, path, item)
        line = _line(item)
        if resolution.conflict in first_line:
            raise _resolution_error(
                path,
                line,
                f"conflict {resolution.conflict} is already decided on line {first_line[resolution.conflict]}",
                "Keep one entry per conflict id",
            )
        first_line[resolution.conflict] = line
        out.append(resolution)
    loader.dispose()
    shown = paths.shown(path)
    return Decisions(tuple(out), {cid: f"{shown}:{line}" for cid, line in first_line.items()})


def _refuse_references(path: Path, text: str) -> None:
    """Refuse anchors, aliases and tags, reading YAML events only (nothing is expanded or built)."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _resolution_error(
                path, line, "YAML anchors and aliases (&name, *name) are not allowed", "Write each value out in full"
            )
        if getattr(event, "tag", None) is not None:
            raise _resolution_error(
                path, line, f"YAML tags ({event.tag}) are not allowed", "Remove the tag; write plain values"
            )


def check_resolutions(decisions: Decisions, exercise_ids: Iterable[str]) -> None:
    """Fail when a decision's value does not fit its field, for every conflict id that belongs to
    one of ``exercise_ids`` (run before any document is processed).

    Raises:
        ResolutionError: naming the entry's file and line.
    """
    known = {conflict_id(e, f): (e, f) for e in exercise_ids for f in FIELDS}
    for r in decisions.entries:
        if r.conflict in known:
            _check_fits(r, *known[r.conflict], decisions.where)


def _check_fits(r: Resolution, exercise_id: str, field_name: FieldName, where: Mapping[str, str]) -> None:
    if not _fits(field_name, r.value):
        raise ResolutionError(
            f"value {format_value(r.value)} of {r.conflict} does not fit field {field_name} of {exercise_id}",
            where=where.get(r.conflict, f"{RESOLUTIONS_FILE}, conflict {r.conflict}"),
            fix="Use {min: N, max: N} for numbers, true/false for per_side, {times, period} for frequency",
        )


def orphan(
    r: Resolution, exercises: Mapping[str, Exercise], known: Mapping[str, tuple[str, FieldName]]
) -> OrphanedResolution:
    """A decision whose conflict is gone, with its exercise, field, the value now and why."""
    if r.conflict not in known:
        return OrphanedResolution(
            resolution=r,
            exercise_id=None,
            field=None,
            current=None,
            reason="the id matches no exercise field",
        )
    exercise_id, field_name = known[r.conflict]
    exercise = exercises.get(exercise_id)
    if exercise is None:
        reason, current = "the exercise is no longer in the dataset", None
    else:
        current = getattr(exercise, field_name)
        stating = {c.doc_id for c in exercise.claims if getattr(c, field_name) is not None}
        reason = (
            "no source gives this field any more"
            if not stating
            else "only one source gives this field now"
            if len(stating) == 1
            else "the sources now agree"
        )
    return OrphanedResolution(resolution=r, exercise_id=exercise_id, field=field_name, current=current, reason=reason)


_FIX_FORMAT = (
    "Each entry is a '- conflict: c-...' line followed by indented 'value:', 'note:' and "
    "'fingerprint:' lines; python -m pipeline decide writes them"
)
_CONFLICT_ID = re.compile(CONFLICT_ID)
_FINGERPRINT = re.compile(FINGERPRINT)
_NULLS = {"null", "Null", "NULL", "~"}


_BRIEF = reprlib.Repr()
_BRIEF.maxlevel, _BRIEF.maxlist, _BRIEF.maxdict, _BRIEF.maxstring, _BRIEF.maxother = 2, 4, 4, 40, 40


def _brief(value: object, limit: int = 60) -> str:
    """A value as messages quote it: a bounded repr (never expands nested or shared data).

    >>> _brief(list(range(100))), _brief([[[[1]]]])
    ('[0, 1, 2, 3, ...]', '[[[...]]]')
    """
    text = _BRIEF.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _resolution_error(path: Path, line: int | None, what: str, fix: str) -> ResolutionError:
    where = f"{paths.shown(path)}:{line}" if line is not None else paths.shown(path)
    return ResolutionError(what, where=where, fix=fix)


def _read_entry(loader: yaml.SafeLoader, path: Path, node: yaml.Node) -> Resolution:
    if not isinstance(node, yaml.MappingNode):
        raise _resolution_error(
            path,
            _line(node),
            "an entry must be a mapping of conflict, value, note, fingerprint",
            _FIX_FORMAT,
        )
    fields: dict[str, tuple[object, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in RESOLUTION_KEYS:
            raise _resolution_error(
                path,
                _line(key_node),
                f"unknown key {key!r}",
                f"Use only the keys {', '.join(RESOLUTION_KEYS)}",
            )
        if key in fields:
            raise _resolution_error(path, _line(key_node), f"key {key!r} appears twice in one entry", "Keep one")
        if isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null") and value_node.value == "":
            data: object = ""  # an empty value, told apart from an explicit null
        else:
            data = loader.construct_object(value_node, deep=True)
        fields[key] = (data, value_node)
    for required in ("conflict", "value", "fingerprint"):
        if required not in fields:
            raise _resolution_error(path, _line(node), f"entry has no {required!r}", _FIX_FORMAT)
    conflict, conflict_node = fields["conflict"]
    if not isinstance(conflict, str) or not _CONFLICT_ID.match(conflict):
        raise _resolution_error(
            path,
            _line(conflict_node),
            f"conflict {_brief(conflict)} is not a conflict id",
            "Copy the id ('c-' + 10 hex) from reports/review.html",
        )
    fp, fp_node = fields["fingerprint"]
    if isinstance(fp_node, yaml.ScalarNode) and fp_node.style is None:
        fp = fp_node.value  # as written: sixteen digits would otherwise read as a number
    if not isinstance(fp, str) or not _FINGERPRINT.match(fp):
        raise _resolution_error(
            path,
            _line(fp_node),
            f"fingerprint {_brief(fp)} is not 16 hex digits",
            "Copy the fingerprint from reports/review.html",
        )
    note, note_node = fields.get("note", ("", node))
    if note is None or note == "":
        note = ""
    if not isinstance(note, str):
        raise _resolution_error(path, _line(note_node), "note must be text", 'Quote it: note: "..."')
    raw, value_node = fields["value"]
    value = _parse_value(path, raw, value_node)
    return Resolution(conflict=conflict, value=value, note=note, fingerprint=fp)


def _parse_value(path: Path, raw: object, node: yaml.Node) -> Value | None:
    fix = (
        "Write value: {min: N, max: N} (or N) for hold_seconds, reps and sets; true or false for "
        "per_side; {times: {min: N, max: N}, period: day|week|month} for frequency; "
        "null for no value"
    )
    if raw is None and isinstance(node, yaml.ScalarNode) and node.value in _NULLS:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw >= 0:
        return Range(min=raw, max=raw)
    if isinstance(raw, dict):
        if set(raw) == {"min", "max"}:
            lo, hi = raw["min"], raw["max"]
            if all(isinstance(x, int) and not isinstance(x, bool) for x in (lo, hi)) and 0 <= lo <= hi:
                return Range(min=lo, max=hi)
            raise _resolution_error(
                path,
                _line(node),
                f"bad range {_brief(raw)}: min and max must be whole numbers, 0 <= min <= max",
                fix,
            )
        if set(raw) == {"times", "period"} and raw["period"] in PER_WEEK:
            times = _parse_value(path, raw["times"], node)
            if isinstance(times, Range):
                return Frequency(times=times, period=raw["period"])
    what = "value is empty" if raw == "" else f"bad value {_brief(raw)}"
    raise _resolution_error(path, _line(node), what, fix)


def _apply(conflict: Conflict, resolution: Resolution | None, where: Mapping[str, str]) -> Conflict:
    if resolution is None:
        return conflict
    _check_fits(resolution, conflict.exercise_id, conflict.field, where)
    status = "resolved" if resolution.fingerprint == conflict.fingerprint else "stale"
    return conflict.model_copy(update={"status": status, "resolution": resolution})


# --------------------------------------------------------------------------- retired ids


def retired_ids(previous: Dataset | None, exercises: Sequence[Exercise]) -> list[RetiredId]:
    """Ids of the previous dataset that are gone, each with the one exercise that took its claims.

    Previous retired entries are kept (pointed at the live id when theirs was retired in turn);
    an id that is live again is no longer retired.
    """
    if previous is None:
        return []
    live = {e.id for e in exercises}
    owner: dict[tuple[str, str], set[str]] = defaultdict(set)
    for exercise in exercises:
        for claim in exercise.claims:
            owner[(claim.doc_id, claim.name_as_written)].add(exercise.id)
    mapping: dict[str, str] = {r.id: r.replaced_by for r in previous.retired}
    for old in previous.exercises:
        if old.id in live or not old.claims:
            continue
        keys = [(c.doc_id, c.name_as_written) for c in old.claims]
        if not all(k in owner for k in keys):
            continue  # some claims are gone: nothing took the id over
        homes = set().union(*(owner[k] for k in keys))
        if len(homes) == 1:
            mapping[old.id] = homes.pop()
    out: dict[str, str] = {}
    for old_id in sorted(mapping):
        if old_id in live:
            continue
        target, seen = mapping[old_id], {old_id}
        while target in mapping and target not in live and target not in seen:
            seen.add(target)
            target = mapping[target]
        out[old_id] = target
    return [RetiredId(id=k, replaced_by=v) for k, v in sorted(out.items())]


# --------------------------------------------------------------------------- merge


def merge(
    records: Sequence[DocumentRecord],
    *,
    previous: Dataset | None = None,
    resolutions: Sequence[Resolution] | Decisions = (),
    lexicon: Sequence[LexiconEntry] | None = None,
) -> tuple[Dataset, ConflictReport]:
    """Merge every document's claims into the dataset and the conflicts report.

    Args:
        records: One per document (``stages.record``).
        previous: The last dataset, for retired ids and for placing orphaned decisions.
        resolutions: The curators' decisions (``read_resolutions``; a plain list names no lines).
        lexicon: Lexicon entries. Defaults to the shipped lexicon.
    """
    decisions = resolutions if isinstance(resolutions, Decisions) else Decisions(tuple(resolutions))
    entries = list(resources.exercises() if lexicon is None else lexicon)
    index = NameIndex(entries)
    by_id = {e.id: e for e in entries}
    docs: dict[str, DocumentRecord] = {}
    for doc in records:
        if doc.doc_id in docs:
            raise PipelineError("document given twice", where=doc.doc_id, fix="Pass each document once")
        docs[doc.doc_id] = doc
    family = families((d.doc_id, unpack(d.shingles)) for d in docs.values())
    sources = [
        Source(
            doc_id=d.doc_id,
            path=d.path,
            sha256=d.sha256,
            kind=d.kind,
            title=d.title,
            url=d.url,
            text=paths.extracted_text(d.doc_id) if d.format in BINARY_FORMATS else None,
            family=family[d.doc_id],
        )
        for d in sorted(docs.values(), key=lambda d: d.doc_id)
    ]

    grouped: dict[str, list[Claim]] = defaultdict(list)
    unnamed: list[Unnamed] = []
    for doc in docs.values():
        unnamed.extend(doc.result.unnamed)
        for item in doc.result.claims:
            claim = item.claim
            if claim.doc_id != doc.doc_id:
                raise PipelineError(
                    f"claim names document {claim.doc_id}, not its own",
                    where=doc.doc_id,
                    fix="Check the extract stage's doc_id",
                )
            exercise_id = item.exercise_id
            if exercise_id is None:
                found = index.match(claim.name_as_written)
                claim = claim.model_copy(update={"mapping": found.mapping, "mapping_score": round(found.score, 2)})
                exercise_id = found.exercise_id or slug(claim.name_as_written)
            grouped[exercise_id].append(claim)

    exercises: list[Exercise] = []
    conflicts: list[Conflict] = []
    for exercise_id in sorted(grouped):
        claims = sorted(grouped[exercise_id], key=_claim_order)
        values: dict[str, Value | None] = {}
        for field in FIELDS:
            values[field], conflict = _field_result(exercise_id, field, claims, family)
            if conflict is not None:
                conflicts.append(conflict)
        entry = by_id.get(exercise_id)
        written = Counter(c.name_as_written for c in claims if c.name_as_written)  # inferred: no name
        exercises.append(
            Exercise(
                id=exercise_id,
                name=entry.name if entry else min(written, key=lambda n: (-written[n], n), default=exercise_id),
                aliases=sorted(written),
                category=entry.category if entry else None,
                position=entry.position if entry else None,
                review=entry is None,
                claims=claims,
                **values,
            )
        )

    decided = _index_resolutions(decisions.entries)
    conflicts = [_apply(c, decided.get(c.id), decisions.where) for c in sorted(conflicts, key=lambda c: c.id)]
    exercises = _with_origins(exercises, conflicts)
    live_ids = {c.id for c in conflicts}
    known_ids = {e.id for e in exercises} | set(by_id) | {e.id for e in (previous.exercises if previous else ())}
    known = {conflict_id(e, f): (e, f) for e in known_ids for f in FIELDS}
    current = {e.id: e for e in exercises}
    orphaned = [orphan(r, current, known) for cid, r in sorted(decided.items()) if cid not in live_ids]

    dataset = Dataset(
        sources=sources,
        exercises=exercises,
        retired=retired_ids(previous, exercises),
        unnamed=sorted(unnamed, key=lambda u: (u.doc_id, u.start, u.end, u.heading)),
    )
    return dataset, ConflictReport(conflicts=conflicts, orphaned=orphaned)


def _with_origins(exercises: Sequence[Exercise], conflicts: Sequence[Conflict]) -> list[Exercise]:
    """Exercises with each contested field's origin, and the decided value where a decision applies."""
    origins: dict[str, dict[str, FieldOrigin]] = defaultdict(dict)
    values: dict[str, dict[str, object]] = defaultdict(dict)
    for c in conflicts:
        decided = c.status == "resolved" and c.resolution is not None
        origins[c.exercise_id][c.field] = FieldOrigin(decided=decided, conflict=c.id)
        if decided:
            values[c.exercise_id][c.field] = c.resolution.value  # type: ignore[union-attr]
    return [
        e.model_copy(update={**values[e.id], "origins": {f: origins[e.id][f] for f in FIELDS if f in origins[e.id]}})
        if e.id in origins
        else e
        for e in exercises
    ]


def _index_resolutions(resolutions: Sequence[Resolution]) -> dict[str, Resolution]:
    out: dict[str, Resolution] = {}
    for r in resolutions:
        if r.conflict in out:
            raise ResolutionError(
                f"conflict {r.conflict} is decided twice",
                where=RESOLUTIONS_FILE,
                fix="Keep one entry per conflict id",
            )
        out[r.conflict] = r
    return out


def _claim_order(claim: Claim) -> tuple:
    first = min((e.start for e in claim.evidence), default=-1)
    return (claim.doc_id, first, claim.name_as_written, claim.model_dump_json())


def _short_hash(text: str, n: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]
