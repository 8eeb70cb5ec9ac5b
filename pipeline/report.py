"""Render the dataset and reports, and write them as one set.

Renderers are pure (records in, text out). ``write_all`` publishes every output of a run as one
set (``publish``): an interrupted run leaves the previous outputs whole and nothing behind.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, TypeAdapter

from . import paths, publish
from .merge import CONSENSUS_RULE, RESOLUTIONS_FILE, format_value
from .models import (
    Claim,
    Conflict,
    ConflictReport,
    Correction,
    CorrectionReport,
    Dataset,
    DocumentRecord,
    Exercise,
    Frequency,
    Range,
    Resolution,
)
from .publish import write_bytes, write_text  # noqa: F401 - the single-file writers, re-exported
from .review import TextSource, no_text, render_review

SCHEMAS: dict[str, object] = {
    "exercises.schema.json": Dataset,
    "conflicts.schema.json": ConflictReport,
    "corrections.schema.json": CorrectionReport,
    "resolutions.schema.json": list[Resolution],
}
"""Schema file name → the model (or type) it describes."""

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema version pydantic generates; stated as ``$schema`` in every schema file."""

_STATUS_ORDER = {"stale": 0, "open": 1, "resolved": 2}
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
_KINDS = ("conflict", "within-document", "variation")

# --------------------------------------------------------------------------- writers


def to_json(model: BaseModel) -> str:
    """A record as the JSON we commit: every field (null included), indent 2, trailing newline."""
    return model.model_dump_json(indent=2) + "\n"


def write_json(path: str | Path, model: BaseModel) -> None:
    """Write a record as JSON atomically (see ``to_json``)."""
    write_text(path, to_json(model))


def schema_files() -> dict[str, str]:
    """The JSON Schema of every published record: file name → text, sorted by name."""
    out = {}
    for name, model in sorted(SCHEMAS.items()):
        if isinstance(model, type) and issubclass(model, BaseModel):
            schema = model.model_json_schema()
        else:
            schema = {
                "title": "Resolutions",
                "description": RESOLUTIONS_FILE,
                **TypeAdapter(model).json_schema(),
            }
        schema = {"$schema": JSON_SCHEMA_DIALECT, **schema}
        out[name] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def schemas(out_dir: str | Path) -> list[Path]:
    """Write the JSON Schema of every published record into ``out_dir`` (a ``schemas/`` folder).

    RETURNS (list[Path]): The files written, sorted.
    """
    written = []
    for name, text in schema_files().items():
        write_text(Path(out_dir) / name, text)
        written.append(Path(out_dir) / name)
    return written


def write_schemas(out_dir: str | Path) -> list[Path]:
    """Write ``schemas/`` under the output folder ``out_dir`` as one set (see ``publish``)."""
    files = {f"{SCHEMAS_DIR}/{name}": text.encode("utf-8") for name, text in schema_files().items()}
    return publish.write_set(out_dir, files)


OUTPUTS = {
    "dataset": "extracted/exercises.json",
    "conflicts": "reports/conflicts.json",
    "conflicts_md": "reports/conflicts.md",
    "corrections": "reports/corrections.json",
    "corrections_md": "reports/corrections.md",
    "review": "reports/review.html",
    "claims_csv": "extracted/claims.csv",
    "claims_dtypes": "extracted/claims.dtypes.json",
    "claims_parquet": "extracted/claims.parquet",
    "exercises_parquet": "extracted/exercises.parquet",
}
"""Files ``write_all`` writes, relative to its output folder (plus ``schemas/``)."""
SCHEMAS_DIR = "schemas"


def render_all(
    dataset: Dataset,
    conflicts: ConflictReport,
    corrections: CorrectionReport,
    records: Sequence[DocumentRecord] = (),
    source_text: TextSource = no_text,
) -> dict[str, bytes]:
    """Every output of a run, rendered: path relative to the output folder → bytes.

    records (Sequence[DocumentRecord]): The run's documents; the text extracted from each PDF and
        DOCX among them is published at ``paths.extracted_text`` (what its offsets point into).
    source_text (TextSource): A source's raw text by doc_id, for the quotes' context on the
        review page. Defaults to none (quotes shown alone).
    """
    rendered = {
        "dataset": to_json(dataset),
        "conflicts": to_json(conflicts),
        "conflicts_md": conflicts_markdown(dataset, conflicts),
        "corrections": to_json(corrections),
        "corrections_md": corrections_markdown(corrections),
        "review": render_review(dataset, conflicts, corrections, source_text),
        "claims_csv": claims_csv(dataset),
        "claims_dtypes": json.dumps(CLAIM_DTYPES, indent=2) + "\n",
    }
    files = {OUTPUTS[key]: text.encode("utf-8") for key, text in rendered.items()}
    files[OUTPUTS["claims_parquet"]] = parquet_bytes(claims_frame(dataset), CLAIM_DTYPES)
    files[OUTPUTS["exercises_parquet"]] = parquet_bytes(exercises_frame(dataset), EXERCISE_DTYPES)
    files.update({f"{SCHEMAS_DIR}/{name}": text.encode("utf-8") for name, text in schema_files().items()})
    files.update(extracted_texts(records))
    return files


def extracted_texts(records: Sequence[DocumentRecord]) -> dict[str, bytes]:
    """The text extracted from each PDF and DOCX document, by its published path."""
    return {
        paths.extracted_text(r.doc_id): r.extracted_text.encode("utf-8")
        for r in sorted(records, key=lambda r: r.doc_id)
        if r.extracted_text is not None
    }


def write_all(
    out_dir: str | Path,
    dataset: Dataset,
    conflicts: ConflictReport,
    corrections: CorrectionReport,
    source_text: TextSource = no_text,
) -> list[Path]:
    """Write the dataset, its flat tables, the reports (JSON, Markdown, the review page) and the
    schemas under ``out_dir``.

    Everything is rendered before the first file is written, and the files replace the previous
    ones as one set (``publish.write_set``): together or not at all.

    RETURNS (list[Path]): The files written.
    """
    return publish.write_set(out_dir, render_all(dataset, conflicts, corrections, source_text=source_text))


# --------------------------------------------------------------------------- flat tables

_PREFIX = {"hold_seconds": "hold", "reps": "reps", "sets": "sets", "per_side": "per_side", "frequency": "frequency"}
"""Field → the prefix of its columns in the flat tables."""

VALUE_DTYPES: dict[str, str] = {
    "hold_min": "Int64",
    "hold_max": "Int64",
    "reps_min": "Int64",
    "reps_max": "Int64",
    "sets_min": "Int64",
    "sets_max": "Int64",
    "per_side": "boolean",
    "frequency_min": "Int64",
    "frequency_max": "Int64",
    "frequency_period": "string",
}
"""The value columns claims and exercises share: ranges as min and max, the frequency as times per period."""

CLAIM_DTYPES: dict[str, str] = {
    "exercise_id": "string",
    "exercise_name": "string",
    "doc_id": "string",
    "name_as_written": "string",
    "name_inferred": "boolean",
    "mapping": "string",
    "mapping_score": "float64",
    **VALUE_DTYPES,
    "hold_scope": "string",
    "reps_scope": "string",
    "sets_scope": "string",
    "per_side_scope": "string",
    "frequency_scope": "string",
    "evidence": "string",
}
"""Columns of ``extracted/claims.csv`` and ``claims.parquet`` and their pandas dtypes (nullable:
``Int64``, ``boolean``, ``string``); also written beside the CSV as ``claims.dtypes.json``."""

EXERCISE_DTYPES: dict[str, str] = {
    "id": "string",
    "name": "string",
    "aliases": "list",
    "category": "string",
    "position": "string",
    **VALUE_DTYPES,
    "review": "boolean",
    "sources": "Int64",
    "doc_ids": "list",
    **{
        f"{prefix}_{part}": kind
        for prefix in _PREFIX.values()
        for part, kind in (("conflict", "string"), ("decided", "boolean"))
    },
}
"""Columns of ``extracted/exercises.parquet``: 'list' is a list of strings (Arrow ``list<string>``)."""

PARQUET_OPTIONS: dict[str, object] = {
    "version": "2.6",
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "data_page_version": "1.0",
    "write_page_index": False,
    "store_schema": True,  # carries the pandas metadata that restores Int64, boolean and string
}
"""Writer options, pinned: the bytes of a Parquet file depend on them (and on the pyarrow version,
which pyproject.toml pins for that reason)."""


def _values(record: Claim | Exercise) -> dict[str, object]:
    """The ``VALUE_DTYPES`` cells of a claim or an exercise."""
    bounds = {"hold": record.hold_seconds, "reps": record.reps, "sets": record.sets}
    cells: dict[str, object] = {}
    for prefix, value in bounds.items():
        cells[f"{prefix}_min"], cells[f"{prefix}_max"] = (value.min, value.max) if value else (None, None)
    cells["per_side"] = record.per_side
    f = record.frequency
    cells["frequency_min"], cells["frequency_max"] = (f.times.min, f.times.max) if f else (None, None)
    cells["frequency_period"] = f.period if f else None
    return cells


def _typed(rows: list[dict[str, object]], dtypes: dict[str, str]):
    """A DataFrame of ``rows`` with the columns and nullable dtypes of ``dtypes``."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(dtypes))
    return frame.astype({c: d for c, d in dtypes.items() if d != "list"})


def claims_frame(dataset: Dataset):
    """Every claim as one row (exercise × source): values as nullable integers and booleans, each
    value's scope, and the evidence as a JSON list of ``{quote, start, end, field, rule, scope}``."""
    rows = []
    for ex in dataset.exercises:
        for c in ex.claims:
            rows.append(
                {
                    "exercise_id": ex.id,
                    "exercise_name": ex.name,
                    "doc_id": c.doc_id,
                    "name_as_written": c.name_as_written or None,  # an inferred name is null, not ""
                    "name_inferred": c.name_inferred,
                    "mapping": c.mapping,
                    "mapping_score": c.mapping_score,
                    **_values(c),
                    **{
                        f"{prefix}_scope": c.scopes.get(name, "stated") if getattr(c, name) is not None else None
                        for name, prefix in _PREFIX.items()
                    },
                    "evidence": json.dumps(
                        [e.model_dump(mode="json") for e in c.evidence], ensure_ascii=False, separators=(",", ":")
                    ),
                }
            )
    return _typed(rows, CLAIM_DTYPES)


def exercises_frame(dataset: Dataset):
    """Every exercise as one row: consensus values, how many sources, and for each field the
    conflict on it and whether its value was decided by a curator."""
    rows = []
    for ex in dataset.exercises:
        doc_ids = sorted({c.doc_id for c in ex.claims})
        row: dict[str, object] = {
            "id": ex.id,
            "name": ex.name,
            "aliases": list(ex.aliases),
            "category": ex.category,
            "position": ex.position,
            **_values(ex),
            "review": ex.review,
            "sources": len(doc_ids),
            "doc_ids": doc_ids,
        }
        for name, prefix in _PREFIX.items():
            origin = ex.origins.get(name)  # type: ignore[call-overload]
            row[f"{prefix}_conflict"] = origin.conflict if origin else None
            row[f"{prefix}_decided"] = bool(origin and origin.decided)
        rows.append(row)
    return _typed(rows, EXERCISE_DTYPES)


def claims_csv(dataset: Dataset) -> str:
    """``extracted/claims.csv``: ``claims_frame`` as CSV (RFC 4180: CRLF line ends, so a field
    holding a line break of either kind is quoted); read it back with ``read_claims_csv``."""
    return claims_frame(dataset).to_csv(index=False, lineterminator="\r\n")


def read_claims_csv(path: str | Path):
    """``claims.csv`` as the same typed frame ``claims.parquet`` gives: the dtypes of
    ``CLAIM_DTYPES``, and only an empty field as null (a name such as 'NA' stays text)."""
    import pandas as pd

    return pd.read_csv(path, dtype=CLAIM_DTYPES, keep_default_na=False, na_values=[""])


def parquet_bytes(frame, dtypes: dict[str, str]) -> bytes:
    """``frame`` as a Parquet file with the Arrow types of ``dtypes``, reproducibly: pinned writer
    options, and the pandas metadata (which restores the dtypes on ``pandas.read_parquet``)
    without the library versions it would otherwise record."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = {"string": pa.string(), "Int64": pa.int64(), "boolean": pa.bool_(), "float64": pa.float64()}
    schema = pa.schema([(c, pa.list_(pa.string()) if d == "list" else arrow[d]) for c, d in dtypes.items()])
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    meta = json.loads(table.schema.metadata[b"pandas"])
    for key in ("creator", "pandas_version"):
        meta.pop(key, None)
    table = table.replace_schema_metadata({b"pandas": json.dumps(meta, sort_keys=True).encode("utf-8")})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **PARQUET_OPTIONS)
    return sink.getvalue().to_pybytes()


# --------------------------------------------------------------------------- helpers


# Markdown's inline punctuation; '_' only where it could open or close emphasis (an underscore
# between two letters or digits never does, so 'clinic_handout.md' stays readable).
_MD_PUNCTUATION = re.compile(r"[\\`*\[\]|~]|(?<![^\W_])_|_(?![^\W_])")
_BACKTICKS = re.compile(r"`+")


def _md(text: str) -> str:
    """Source text or a file name as inert Markdown: one line, HTML's special characters as
    entities, Markdown's inline punctuation (and the table's '|') backslash-escaped.

    >>> _md('<img src=x onerror="a()"> *b* | [c](d)\\n`e`')
    '&lt;img src=x onerror="a()"&gt; \\\\*b\\\\* \\\\| \\\\[c\\\\](d) \\\\`e\\\\`'
    >>> print(_md("clinic_handout.md _it_ __init__"))
    clinic_handout.md \\_it\\_ \\_\\_init\\_\\_
    """
    return _MD_PUNCTUATION.sub(lambda m: "\\" + m.group(), html.escape(" ".join(text.split()), quote=False))


def _code(text: str) -> str:
    """Inline code that shows whitespace (JSON-quoted), fenced by more backticks than it holds.

    >>> _code("a``b")
    '``` "a``b" ```'
    """
    shown = json.dumps(text, ensure_ascii=False)
    fence = "`" * (1 + max((len(m) for m in _BACKTICKS.findall(shown)), default=0))
    return f"{fence} {shown} {fence}" if "`" in shown else f"{fence}{shown}{fence}"


def yaml_value(value: object) -> str:
    """A value in the flow YAML ``load_resolutions`` reads.

    >>> yaml_value(Range(min=20, max=30)), yaml_value(False)
    ('{min: 20, max: 30}', 'false')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Frequency):
        return f"{{times: {yaml_value(value.times)}, period: {value.period}}}"
    if isinstance(value, Range):
        return f"{{min: {value.min}, max: {value.max}}}"
    raise TypeError(f"no YAML form for {value!r}")


def resolution_snippet(conflict: Conflict) -> str:
    """The entry a curator pastes into reports/resolutions.yaml: prefilled with the curator's own
    value and note when the conflict was decided (stale), else with the suggestion; always with
    the current fingerprint."""
    if conflict.resolution is not None:
        value = yaml_value(conflict.resolution.value)
    elif conflict.suggested is not None:
        value = yaml_value(conflict.suggested)
    elif conflict.field == "per_side":
        value = "true  # or false"
    else:
        value = yaml_value(conflict.values[0].value) + "  # pick one of the values above"
    note = json.dumps(conflict.resolution.note if conflict.resolution else "", ensure_ascii=False)
    return f"- conflict: {conflict.id}\n  value: {value}\n  note: {note}\n  fingerprint: {conflict.fingerprint}\n"


def _conflict_order(c: Conflict) -> tuple:
    return (_STATUS_ORDER[c.status], _SEVERITY_ORDER[c.severity], c.exercise_id, c.field)


# --------------------------------------------------------------------------- conflicts.md


def conflicts_markdown(dataset: Dataset, report: ConflictReport) -> str:
    """``reports/conflicts.md``: summary, decisions that no longer apply, one section per
    conflict, review items."""
    orphaned = report.orphaned
    names = {e.id: e.name for e in dataset.exercises}
    family_sizes = Counter(s.family for s in dataset.sources)
    review = [e for e in dataset.exercises if e.review]
    counts = Counter((c.kind, c.status) for c in report.conflicts)
    by_status = Counter(c.status for c in report.conflicts)

    lines = ["# Conflicts", ""]
    lines += [
        f"- Exercises: {len(dataset.exercises)} ({len(review)} flagged for review)",
        f"- Sources: {len(dataset.sources)} in {len(family_sizes)} families"
        + (
            " (near-duplicates: "
            + "; ".join(
                f"{_md(fam)}: " + ", ".join(_md(s.doc_id) for s in dataset.sources if s.family == fam)
                for fam in sorted(f for f, n in family_sizes.items() if n > 1)
            )
            + ")"
            if any(n > 1 for n in family_sizes.values())
            else ""
        ),
        f"- Conflicts: {by_status['open']} open, {by_status['resolved']} resolved, "
        f"{by_status['stale']} stale"
        f" ({_count(len(orphaned), 'decision')} no longer {'applies' if len(orphaned) == 1 else 'apply'})",
        f"- Unnamed sections: {len(dataset.unnamed)}",
        "",
        "| kind | open | resolved | stale |",
        "| --- | ---: | ---: | ---: |",
    ]
    for kind in _KINDS:
        lines.append(
            f"| {kind} | " + " | ".join(str(counts[(kind, status)]) for status in ("open", "resolved", "stale")) + " |"
        )
    lines += [
        "",
        f"Suggested values: {CONSENSUS_RULE}",
        "",
        'To decide a conflict, run `python -m pipeline decide ID --value V --note "..."` (or '
        f"`--accept-suggestion`), or paste its YAML entry into `{RESOLUTIONS_FILE}` and edit `value` "
        "and `note`; then rerun. `reports/review.html` shows every conflict with its sources in "
        "context. A decision applies while its fingerprint matches the evidence; when the evidence "
        "changes it turns stale and the conflict reopens.",
        "",
    ]

    if orphaned:
        lines += [
            "## Decisions that no longer apply",
            "",
            f"These entries in `{RESOLUTIONS_FILE}` name a conflict that no longer exists, so they "
            "are not applied: each field has the value shown under *now*. Check it; delete the entry "
            "when it is no longer needed, or keep it (it applies again if the conflict returns).",
            "",
            "| conflict | exercise | field | decided | now | why | note |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for o in orphaned:
            r = o.resolution
            exercise = f"{_md(names.get(o.exercise_id, o.exercise_id))}" if o.exercise_id else "?"
            lines.append(
                f"| {r.conflict} | {exercise} | {o.field or '?'} | {format_value(r.value)} "
                f"| {format_value(o.current)} | {o.reason} | {_md(r.note)} |"
            )
        lines.append("")

    for conflict in sorted(report.conflicts, key=_conflict_order):
        lines += _conflict_section(conflict, names.get(conflict.exercise_id, conflict.exercise_id))

    lines += ["## Exercises flagged for review", ""]
    if review:
        lines += [
            "Their names matched no lexicon entry; add an alias or a new entry to the lexicon.",
            "",
        ]
        lines += ["| id | names as written | sources |", "| --- | --- | --- |"]
        for e in review:
            docs = sorted({c.doc_id for c in e.claims})
            lines.append(f"| {e.id} | {_md(', '.join(e.aliases))} | {_md(', '.join(docs))} |")
    else:
        lines.append("None.")
    lines.append("")

    lines += ["## Unnamed sections", ""]
    if dataset.unnamed:
        lines += [
            "| source | heading | offsets | inferred | description |",
            "| --- | --- | --- | --- | --- |",
        ]
        for u in dataset.unnamed:
            lines.append(
                f"| {_md(u.doc_id)} | {_md(u.heading)} | {u.start}-{u.end} | {u.inferred or '-'} "
                f"| {_md(u.description)} |"
            )
    else:
        lines.append("None.")
    lines.append("")
    return "\n".join(lines)


def _conflict_section(conflict: Conflict, name: str) -> list[str]:
    lines = [
        f"## {_md(name)} ({conflict.exercise_id}) · {conflict.field} · `{conflict.id}`",
        "",
        f"**{conflict.kind}**, severity **{conflict.severity}**, status **{conflict.status}**",
        "",
        "| source | family | value | quote |",
        "| --- | --- | --- | --- |",
    ]
    for v in conflict.values:
        quotes = [f"“{_md(e.quote)}”" + (" (document-wide)" if e.scope == "document" else "") for e in v.evidence]
        lines.append(f"| {_md(v.doc_id)} | {_md(v.family)} | {format_value(v.value)} | {'<br>'.join(quotes) or '-'} |")
    rule = conflict.consensus_rule.removeprefix(CONSENSUS_RULE).strip()  # the general rule is in the summary
    lines += ["", f"Suggested: **{format_value(conflict.suggested)}**. {rule}", ""]
    if conflict.resolution is not None:
        r = conflict.resolution
        decided = f"Decision: **{format_value(r.value)}**" + (f" ({_md(r.note)})" if r.note else "")
        if conflict.status == "stale":
            lines += [
                f"{decided}, made on evidence `{r.fingerprint}`; the evidence is now "
                f"`{conflict.fingerprint}`, so it is not applied. Check the values above; to keep "
                "the decision, replace its entry with this one (your value and note, the new fingerprint):",
                "",
            ]
        else:
            lines += [f"{decided}. Applied.", ""]
            return lines
    else:
        lines += [f"Paste into `{RESOLUTIONS_FILE}`:", ""]
    lines += ["```yaml", resolution_snippet(conflict).rstrip("\n"), "```", ""]
    return lines


# --------------------------------------------------------------------------- corrections.md


def corrections_markdown(report: CorrectionReport) -> str:
    """``reports/corrections.md``: applied edits grouped by rule, then suggestions not applied."""
    lines = ["# Corrections", ""]
    applied = by_rule(report.corrections)
    suggested = by_rule(report.suggestions)
    lines += [
        f"{_count(len(report.corrections), 'edit')} applied by {_count(len(applied), 'rule')}; "
        f"{_count(len(report.suggestions), 'suggestion')} not applied.",
        "",
    ]
    if applied:
        lines += ["| rule | applied |", "| --- | ---: |"]
        lines += [f"| {rule} | {len(items)} |" for rule, items in applied.items()]
        lines.append("")
    for rule, items in applied.items():
        lines += [f"## {rule} ({len(items)})", ""]
        lines += [_correction_line(c) for c in items]
        lines.append("")
    lines += ["## Suggestions not applied", ""]
    if not suggested:
        lines += ["None.", ""]
    for rule, items in suggested.items():
        lines += [f"### {rule} ({len(items)})", ""]
        lines += [_correction_line(c) for c in items]
        lines.append("")
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def by_rule(items: Sequence[Correction]) -> dict[str, list[Correction]]:
    """Corrections grouped by rule (sorted), each group in document and offset order."""
    groups: dict[str, list[Correction]] = defaultdict(list)
    for c in sorted(items, key=lambda c: (c.rule, c.doc_id, c.start, c.end)):
        groups[c.rule].append(c)
    return dict(sorted(groups.items()))


def _correction_line(c: Correction) -> str:
    reason = f" — {_md(c.reason)}" if c.reason else ""
    where = f"{_md(c.doc_id)} [{c.start}:{c.end}]"
    return f"- {_code(c.before)} → {_code(c.after)} in {where}, score {c.score:.2f}{reason}"
