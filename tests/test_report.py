"""Tests for pipeline.report: atomic writers, conflicts.md, corrections.md, schemas."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from conftest import records
from hypothesis import given
from hypothesis import strategies as st

from pipeline import report as report_mod
from pipeline.errors import ResolutionError
from pipeline.merge import load_resolutions
from pipeline.merge import merge as merge_records
from pipeline.models import (
    Claim,
    ConflictReport,
    Correction,
    CorrectionReport,
    Dataset,
    Document,
    DocumentResult,
    Evidence,
    Exercise,
    ExerciseClaims,
    Frequency,
    LexiconEntry,
    Range,
    Resolution,
    Unnamed,
)
from pipeline.report import (
    conflicts_markdown,
    corrections_markdown,
    resolution_snippet,
    schemas,
    to_json,
    write_all,
    write_json,
    write_schemas,
    write_text,
)

# --------------------------------------------------------------------------- factories

LEXICON = [
    LexiconEntry(
        id="bridge",
        name="Glute bridge",
        aliases=["bridge"],
        category="strength",
        position="supine",
        laterality="bilateral",
        region=["hip"],
        equipment=[],
        muscles=[],
        description="test",
        variant_of=None,
        source="curated",
    ),
    LexiconEntry(
        id="knee-to-chest",
        name="Knee to chest stretch",
        aliases=["knee to chest"],
        category="stretch",
        position="supine",
        laterality="bilateral",
        region=["lower back"],
        equipment=[],
        muscles=[],
        description="test",
        variant_of=None,
        source="curated",
    ),
]



def merge(docs, results, **kwargs):
    """The merge over Documents and their results, as the workflow's records."""
    return merge_records(records(docs, results), **kwargs)

def make_doc(doc_id):
    text = f"Text of {doc_id}: " + " ".join(f"w{doc_id}{i}" for i in range(30))
    return Document(
        doc_id=doc_id,
        path=f"raw/{doc_id}",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        format="text",
        kind="article",
        kind_reason="test",
        title=f"Title {doc_id}",
        raw_text=text,
        text=text,
        alignment=[],
        sections=[],
    )


def claim(doc_id, name, quote, *, hold=None, per_side=None, frequency=None):
    field = "hold_seconds" if hold else "per_side" if per_side is not None else "frequency"
    return Claim(
        doc_id=doc_id,
        name_as_written=name,
        mapping="unmatched",
        mapping_score=0.0,
        hold_seconds=hold,
        reps=None,
        sets=None,
        per_side=per_side,
        frequency=frequency,
        evidence=[
            Evidence(quote=name, start=0, end=len(name), field="name", rule="test"),
            Evidence(quote=quote, start=20, end=20 + len(quote), field=field, rule="test"),
        ],
    )


def merged(quote_a="hold for 30 seconds", resolutions=(), extra=()):
    """Two sources disagreeing on the bridge hold (30 s vs 8 s), plus ``extra`` claims in c.txt."""
    claims = {
        "a.txt": [claim("a.txt", "Bridge", quote_a, hold=Range(min=30, max=30))],
        "b.txt": [claim("b.txt", "bridges", "hold | 8 seconds", hold=Range(min=8, max=8))],
        "c.txt": list(extra),
    }
    unnamed = [
        Unnamed(
            doc_id="c.txt",
            heading="The mystery move",
            start=5,
            end=60,
            description="Lie down and lift.",
            inferred=None,
        )
    ]
    results = [
        DocumentResult(
            doc_id=d,
            claims=[ExerciseClaims(exercise_id=None, claim=c) for c in cs],
            unnamed=unnamed if d == "c.txt" else [],
        )
        for d, cs in claims.items()
    ]
    return merge([make_doc(d) for d in claims], results, lexicon=LEXICON, resolutions=resolutions)


# --------------------------------------------------------------------------- writers


@pytest.mark.parametrize("model", [Dataset(sources=[], exercises=[])])
def test_report_write_json_keeps_every_field(tmp_path, model):
    dataset, _ = merged()
    path = tmp_path / "exercises.json"
    write_json(path, dataset)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and text == to_json(dataset)
    assert text.startswith('{\n  "sources": [\n')
    data = json.loads(text)
    assert data["sources"][0]["url"] is None  # contract fields present even when null
    assert data["exercises"][0]["reps"] is None
    assert Dataset.model_validate(data) == dataset
    write_json(path, model)
    assert json.loads(path.read_text()) == {
        "sources": [],
        "exercises": [],
        "retired": [],
        "unnamed": [],
    }


# --------------------------------------------------------------------------- conflicts.md


@pytest.mark.parametrize("field", ["hold_seconds"])
def test_report_markdown_has_pasteable_resolution(tmp_path, field):
    dataset, conflicts = merged()
    [conflict] = conflicts.conflicts
    md = conflicts_markdown(dataset, conflicts)
    snippet = resolution_snippet(conflict)
    assert f"```yaml\n{snippet}```" in md
    assert f"- conflict: {conflict.id}\n" in md
    assert f"  fingerprint: {conflict.fingerprint}\n" in md
    assert "  value: {min: 8, max: 30}\n" in snippet  # prefilled with the suggestion

    # pasting the snippet as-is resolves the conflict on the next run
    path = tmp_path / "resolutions.yaml"
    path.write_text(snippet, encoding="utf-8")
    resolutions = load_resolutions(path)
    dataset2, conflicts2 = merged(resolutions=resolutions)
    assert conflicts2.conflicts[0].status == "resolved"
    assert getattr(dataset2.exercises[0], field) == Range(min=8, max=30)
    md2 = conflicts_markdown(dataset2, conflicts2)
    assert "0 open, 1 resolved, 0 stale" in md2
    assert "Applied." in md2 and "```yaml" not in md2


@pytest.mark.parametrize(
    "needle",
    [
        "# Conflicts",
        "- Exercises: 2 (1 flagged for review)",
        "- Sources: 3 in 3 families",
        "- Conflicts: 1 open, 0 resolved, 0 stale (0 decisions no longer apply)",
        "| conflict | 1 | 0 | 0 |",
        "## Glute bridge (bridge) · hold_seconds · `c-",
        "**conflict**, severity **high**, status **open**",
        "| a.txt | a.txt | 30 | “hold for 30 seconds” |",
        "| b.txt | b.txt | 8 | “hold \\| 8 seconds” |",  # pipes escaped inside the table
        "Suggested: **8-30**. The values do not overlap and no value has more than half the weight",
        "Suggested values: One vote per source family",
        "## Exercises flagged for review",
        "| mystery-lift | Mystery lift | c.txt |",
        "## Unnamed sections",
        "| c.txt | The mystery move | 5-60 | - | Lie down and lift. |",
    ],
)
def test_report_markdown_sections(needle):
    extra = [claim("c.txt", "Mystery lift", "hold 5 s", hold=Range(min=5, max=5))]
    dataset, conflicts = merged(extra=extra)
    assert needle in conflicts_markdown(dataset, conflicts)


@pytest.mark.parametrize("orphan_id", ["c-00000000aa"])
def test_report_markdown_shows_stale_and_orphaned(tmp_path, orphan_id):
    _, first = merged()
    c = first.conflicts[0]
    decided = Resolution(conflict=c.id, value=Range(min=30, max=30), note="trust a.txt", fingerprint=c.fingerprint)
    orphan = Resolution(conflict=orphan_id, value=True, note="old | note", fingerprint="f" * 16)
    dataset, conflicts = merged(quote_a="hold it for 30 seconds", resolutions=[decided, orphan])
    stale = conflicts.conflicts[0]
    assert stale.status == "stale"
    md = conflicts_markdown(dataset, conflicts)
    assert "0 open, 0 resolved, 1 stale (1 decision no longer applies)" in md
    assert "Decision: **30** (trust a.txt), made on evidence" in md
    # the snippet offered for a stale decision carries the curator's value and note, new fingerprint
    snippet = resolution_snippet(stale)
    assert snippet == (
        f'- conflict: {c.id}\n  value: {{min: 30, max: 30}}\n  note: "trust a.txt"\n'
        f"  fingerprint: {stale.fingerprint}\n"
    )
    assert f"```yaml\n{snippet}```" in md
    path = tmp_path / "resolutions.yaml"  # pasting it keeps the decision, now applied
    path.write_text(snippet, encoding="utf-8")
    dataset2, conflicts2 = merged(quote_a="hold it for 30 seconds", resolutions=load_resolutions(path))
    assert conflicts2.conflicts[0].status == "resolved"
    assert dataset2.exercises[0].hold_seconds == Range(min=30, max=30)
    # decisions that no longer apply come first, before any conflict
    assert "## Decisions that no longer apply" in md
    assert md.index("## Decisions that no longer apply") < md.index("## Glute bridge")
    assert f"| {orphan_id} | ? | ? | yes | - | the id matches no exercise field | old \\| note |" in md


def test_report_orphaned_decision_shows_the_value_now():
    _, first = merged()
    c = first.conflicts[0]
    decided = Resolution(conflict=c.id, value=Range(min=20, max=20), note="physio", fingerprint=c.fingerprint)
    claims = {"a.txt": [claim("a.txt", "Bridge", "hold for 30 seconds", hold=Range(min=30, max=30))]}
    results = [
        DocumentResult(doc_id="a.txt", claims=[ExerciseClaims(exercise_id=None, claim=claims["a.txt"][0])], unnamed=[])
    ]
    dataset, conflicts = merge([make_doc("a.txt")], results, lexicon=LEXICON, resolutions=[decided])
    md = conflicts_markdown(dataset, conflicts)
    assert f"| {c.id} | Glute bridge | hold_seconds | 20 | 30 | only one source gives this field now | physio |" in md


@pytest.mark.parametrize(
    "suggested_line, values",
    [
        ("  value: true  # or false\n", [True, False]),
        (
            "  value: {times: {min: 1, max: 2}, period: day}\n",
            [
                Frequency(times=Range(min=1, max=1), period="day"),
                Frequency(times=Range(min=2, max=2), period="day"),
            ],
        ),
        (
            "  value: {times: {min: 2, max: 2}, period: day}  # pick one of the values above\n",
            [
                Frequency(times=Range(min=2, max=2), period="day"),
                Frequency(times=Range(min=3, max=3), period="week"),
            ],
        ),
    ],
)
def test_report_snippet_for_every_value_type(tmp_path, suggested_line, values):
    arg = "per_side" if isinstance(values[0], bool) else "frequency"
    docs = {f"{i}.txt": claim(f"{i}.txt", "bridge", "quote", **{arg: v}) for i, v in enumerate(values)}
    results = [
        DocumentResult(doc_id=d, claims=[ExerciseClaims(exercise_id=None, claim=c)], unnamed=[])
        for d, c in docs.items()
    ]
    _, conflicts = merge([make_doc(d) for d in docs], results, lexicon=LEXICON)
    snippet = resolution_snippet(conflicts.conflicts[0])
    assert suggested_line in snippet
    path = tmp_path / "r.yaml"
    path.write_text(snippet, encoding="utf-8")
    assert load_resolutions(path)[0].conflict == conflicts.conflicts[0].id  # the snippet always loads


@pytest.mark.parametrize("bad", ["- conflict: c-0123456789\n  value: {min: 1\n"])
def test_report_malformed_resolutions_write_nothing(tmp_path, bad):
    """Stage order: read decisions, merge, then write; a bad file stops it before writing."""
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "resolutions.yaml").write_text(bad, encoding="utf-8")
    (reports / "conflicts.json").write_text("previous\n", encoding="utf-8")

    def stage():
        resolutions = load_resolutions(reports / "resolutions.yaml")
        dataset, conflicts = merged(resolutions=resolutions)
        write_json(reports / "conflicts.json", conflicts)
        write_text(reports / "conflicts.md", conflicts_markdown(dataset, conflicts))

    with pytest.raises(
        ResolutionError,
        match=r"resolutions\.yaml:3: not valid YAML \(while parsing a flow mapping started on "
        r"line 2",
    ):
        stage()
    assert sorted(os.listdir(reports)) == ["conflicts.json", "resolutions.yaml"]
    assert (reports / "conflicts.json").read_text() == "previous\n"


# --------------------------------------------------------------------------- corrections.md


def correction(doc_id, start, before, after, rule, score=0.9, reason=""):
    return Correction(
        doc_id=doc_id,
        start=start,
        end=start + len(before),
        before=before,
        after=after,
        rule=rule,
        score=score,
        reason=reason,
    )


CORRECTIONS = CorrectionReport(
    corrections=[
        correction("b.txt", 40, "legstogether", "legs together", "split.run_together"),
        correction(
            "a.txt",
            10,
            "Lie to your back",
            "Lie on your back",
            "confusion.lie-to-your-back",
            reason="'lie to' is a mishearing",
        ),
        correction("a.txt", 5, "with10", "with 10", "split.run_together"),
    ],
    suggestions=[correction("a.txt", 99, "nut", "not", "confusion.nut-not", score=0.4)],
)


@pytest.mark.parametrize(
    "needle",
    [
        "3 edits applied by 2 rules; 1 suggestion not applied.",
        "| split.run_together | 2 |",
        "## split.run_together (2)",
        '- `"with10"` → `"with 10"` in a.txt [5:11], score 0.90',
        '- `"Lie to your back"` → `"Lie on your back"` in a.txt [10:26], score 0.90 — \'lie to\' is a mishearing',
        "## Suggestions not applied",
        '### confusion.nut-not (1)\n\n- `"nut"` → `"not"` in a.txt [99:102], score 0.40',
    ],
)
def test_report_corrections_markdown(needle):
    assert needle in corrections_markdown(CORRECTIONS)


@pytest.mark.parametrize("report", [CORRECTIONS])
def test_report_corrections_grouped_in_order(report):
    md = corrections_markdown(report)
    assert md.index("## confusion.lie-to-your-back") < md.index("## split.run_together") < md.index("## Suggestions")
    assert md.index('"with10"') < md.index('"legstogether"')  # by doc_id, then offset
    assert "None." in corrections_markdown(CorrectionReport(corrections=[], suggestions=[]))


# --------------------------------------------------------------------------- schemas


@pytest.mark.parametrize(
    "name, model",
    [
        ("exercises.schema.json", Dataset),
        ("conflicts.schema.json", ConflictReport),
        ("corrections.schema.json", CorrectionReport),
    ],
)
def test_report_schemas_written_from_models(tmp_path, name, model):
    written = schemas(tmp_path / "schemas")
    assert [p.name for p in written] == sorted(report_mod.SCHEMAS)
    text = (tmp_path / "schemas" / name).read_text(encoding="utf-8")
    expected = {"$schema": report_mod.JSON_SCHEMA_DIALECT, **model.model_json_schema()}
    assert json.loads(text) == expected
    assert text == json.dumps(expected, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", ["resolutions.schema.json"])
def test_report_resolutions_schema_is_a_list(tmp_path, name):
    schemas(tmp_path)
    schema = json.loads((tmp_path / name).read_text())
    assert schema["type"] == "array"
    assert schema["items"] == {"$ref": "#/$defs/Resolution"}


def _walk(schema):
    if isinstance(schema, dict):
        yield schema
        for value in schema.values():
            yield from _walk(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _walk(value)


@pytest.mark.parametrize("model", [Dataset, ConflictReport, CorrectionReport])
def test_report_every_schema_field_has_a_description(model):
    for node in _walk(model.model_json_schema()):
        for name, prop in node.get("properties", {}).items() if node.get("type") == "object" else []:
            assert prop.get("description"), f"{node.get('title')}.{name} has no description"


@pytest.mark.parametrize("root", [Path(__file__).resolve().parents[1]])
def test_report_markdown_ids_are_well_formed(root):
    dataset, conflicts = merged()
    md = conflicts_markdown(dataset, conflicts)
    assert re.findall(r"- conflict: (c-[0-9a-f]{10})\n", md) == [conflicts.conflicts[0].id]


@pytest.mark.parametrize("orphan", [Resolution(conflict="c-00000000bb", value=None, fingerprint="a" * 16)])
def test_report_write_all_writes_every_output(tmp_path, orphan):
    dataset, conflicts = merged(resolutions=[orphan])
    written = write_all(tmp_path, dataset, conflicts, CORRECTIONS)
    names = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert names == sorted([*report_mod.OUTPUTS.values(), *(f"schemas/{n}" for n in report_mod.SCHEMAS)])
    assert Dataset.model_validate_json((tmp_path / "extracted/exercises.json").read_text()) == dataset
    assert ConflictReport.model_validate_json((tmp_path / "reports/conflicts.json").read_text()) == conflicts
    assert "c-00000000bb" in (tmp_path / "reports/conflicts.md").read_text()
    assert "## split.run_together" in (tmp_path / "reports/corrections.md").read_text()


@pytest.mark.parametrize("broken", ["corrections_markdown"])
def test_report_write_all_renders_before_writing(tmp_path, monkeypatch, broken):
    dataset, conflicts = merged()

    def boom(*args):
        raise RuntimeError("render failed")

    monkeypatch.setattr(report_mod, broken, boom)
    with pytest.raises(RuntimeError):
        write_all(tmp_path, dataset, conflicts, CORRECTIONS)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["conflicts.schema.json"])
def test_report_write_schemas_writes_the_schemas_folder(tmp_path, name):
    assert [p.name for p in write_schemas(tmp_path)] == [p.name for p in schemas(tmp_path / "expected")]
    assert (tmp_path / "schemas" / name).read_bytes() == (tmp_path / "expected" / name).read_bytes()


# --------------------------------------------------------------------------- safe Markdown

HOSTILE = [
    '<img src=x onerror="alert(1)">',
    "<script>alert(1)</script>",
    "a | b",
    "line one\nline two\r\nthree",
    "`code` and ``more``",
    "*bold* _it_ ~~gone~~",
    "[click](javascript:alert(1)) ![img](x.png)",
    "&lt;b&gt; &amp; &#60;",
    "back\\slash\\|",
    "\u2028sep\u2029ara\x85tors",
]


def rendered_cells(md: str) -> list[list[str]]:
    """Every table row of ``md`` as a viewer shows it: the plain text of each cell.

    A cell whose content became markup (a link, emphasis, code, HTML) keeps only its text, so
    comparing with the expected text shows any markup that got through.
    """
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    rows, row, inside = [], [], False
    for t in tokens:
        if t.type == "tr_open":
            row = []
        elif t.type in ("td_open", "th_open"):
            inside = True
        elif t.type == "inline" and inside:
            kinds = {c.type for c in t.children} - {"text", "html_inline"}
            html_ok = all(c.content == "<br>" for c in t.children if c.type == "html_inline")
            row.append("".join(c.content for c in t.children) if not kinds and html_ok else f"MARKUP {kinds}")
            inside = False
        elif t.type == "tr_close":
            rows.append(row)
    return rows


def hostile_report(text: str, name: str):
    """The reports of two sources named ``name``-a / ``name``-b: a quotes ``text`` for the
    bridge, b names an exercise ``text`` (for review), a has a section headed ``text``."""
    docs = [f"{name}-a.txt", f"{name}-b.txt"]
    claims = {
        docs[0]: [claim(docs[0], "bridge", text, hold=Range(min=30, max=30))],
        docs[1]: [claim(docs[1], "bridge", "hold 8 s", hold=Range(min=8, max=8)), claim(docs[1], text, "5 s")],
    }
    unnamed = [Unnamed(doc_id=docs[0], heading=text, start=0, end=1, description=text, inferred=None)]
    results = [
        DocumentResult(
            doc_id=d,
            claims=[ExerciseClaims(exercise_id=None, claim=c) for c in cs],
            unnamed=unnamed if d == docs[0] else [],
        )
        for d, cs in claims.items()
    ]
    return merge([make_doc(d) for d in docs], results, lexicon=LEXICON)


def inert(text: str) -> str:
    """What a viewer must show for source text: the text itself, on one line."""
    return " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("name", ["plain", "pipe|name", "new\nline", "<b>bold</b>", "`tick`"])
def test_report_markdown_shows_source_text_and_names_as_text(text, name):
    dataset, conflicts = hostile_report(text, name)
    rows = rendered_cells(conflicts_markdown(dataset, conflicts))
    a, b = f"{inert(name)}-a.txt", f"{inert(name)}-b.txt"
    assert [a, a, "30", f"“{inert(text)}”"] in rows  # the conflict's values table
    assert [a, inert(text), "0-1", "-", inert(text)] in rows  # unnamed sections
    assert all(len(r) == len(rows[0]) or "MARKUP" not in " ".join(r) for r in rows)
    assert not [c for r in rows for c in r if c.startswith("MARKUP")]
    assert b in " ".join(" ".join(r) for r in rows)


@given(
    text=st.text(max_size=60),
    name=st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/\x00"), max_size=12),
)
def test_report_markdown_never_renders_source_text_as_markup(text, name):
    dataset, conflicts = hostile_report(text, name or "n")
    rows = rendered_cells(conflicts_markdown(dataset, conflicts))
    assert not [c for r in rows for c in r if c.startswith("MARKUP")]
    widths = {len(r) for r in rows}
    assert widths <= {4, 5, 3}  # values, unnamed, review tables: no row split or merged by a '|'


@pytest.mark.parametrize("before", ["a`b", "a``b", "````", "<img src=x>", "x | y"])
def test_report_corrections_markdown_quotes_edits_as_code(before):
    c = Correction(doc_id="<i>doc</i>.txt", start=0, end=len(before), before=before, after="z", rule="r", score=1.0)
    md = corrections_markdown(CorrectionReport(corrections=[c], suggestions=[]))
    from markdown_it import MarkdownIt

    tokens = [t for tok in MarkdownIt("commonmark").parse(md) if tok.type == "inline" for t in tok.children]
    assert json.dumps(before, ensure_ascii=False) in [t.content for t in tokens if t.type == "code_inline"]
    assert not [t for t in tokens if t.type.startswith(("html", "link", "em", "strong"))]


# --------------------------------------------------------------------------- flat tables


def inferred(doc_id, name):
    """A claim whose name was inferred from its description: no name as written."""
    return Claim(
        doc_id=doc_id,
        name_as_written="",
        name_inferred=True,
        mapping="inferred",
        mapping_score=62.5,
        hold_seconds=None,
        reps=Range(min=5, max=8),
        sets=None,
        per_side=True,
        frequency=Frequency(times=Range(min=1, max=2), period="day"),
        scopes={"reps": "section"},
        evidence=[Evidence(quote=name, start=0, end=len(name), field="name", rule="test")],
    )


def tables(tmp_path, **kwargs):
    dataset, conflicts = merged(**kwargs)
    write_all(tmp_path, dataset, conflicts, CORRECTIONS)
    return dataset, conflicts


@pytest.mark.parametrize("extra", [[inferred("c.txt", "lie down and lift")]])
def test_report_claims_parquet_and_csv_give_the_same_typed_frame(tmp_path, extra):
    import pandas as pd

    tables(tmp_path, extra=extra)
    parquet = pd.read_parquet(tmp_path / "extracted/claims.parquet")
    csv = report_mod.read_claims_csv(tmp_path / "extracted/claims.csv")
    pd.testing.assert_frame_equal(parquet, csv, check_exact=True)
    assert {c: str(d) for c, d in parquet.dtypes.items()} == report_mod.CLAIM_DTYPES
    # The sidecar is what a reader without this package passes to pandas.
    dtypes = json.loads((tmp_path / "extracted/claims.dtypes.json").read_text())
    assert dtypes == report_mod.CLAIM_DTYPES
    plain = pd.read_csv(tmp_path / "extracted/claims.csv", dtype=dtypes, keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(plain, parquet, check_exact=True)

    row = parquet.set_index("doc_id").loc["c.txt"]
    assert pd.isna(row["name_as_written"]) and row["name_inferred"]
    assert (row["reps_min"], row["reps_max"], row["reps_scope"], row["per_side"]) == (5, 8, "section", True)
    assert (row["frequency_min"], row["frequency_max"], row["frequency_period"]) == (1, 2, "day")
    assert pd.isna(row["hold_min"]) and pd.isna(row["hold_scope"]) and pd.isna(parquet.loc[0, "per_side"])
    assert [e["quote"] for e in json.loads(row["evidence"])] == ["lie down and lift"]


def test_report_exercises_parquet_says_where_values_came_from(tmp_path):
    import pandas as pd

    _, first = merged()
    [conflict] = first.conflicts
    decision = Resolution(conflict=conflict.id, value=Range(min=20, max=20), fingerprint=conflict.fingerprint)
    tables(tmp_path, resolutions=[decision])
    frame = pd.read_parquet(tmp_path / "extracted/exercises.parquet")
    expected = {c: "object" if d == "list" else d for c, d in report_mod.EXERCISE_DTYPES.items()}
    assert {c: str(d) for c, d in frame.dtypes.items()} == expected
    bridge = frame.set_index("id").loc["bridge"]
    assert (bridge["hold_min"], bridge["hold_conflict"], bridge["hold_decided"]) == (20, conflict.id, True)
    assert pd.isna(bridge["reps_conflict"]) and not bridge["reps_decided"]
    assert list(bridge["doc_ids"]) == ["a.txt", "b.txt"] and bridge["sources"] == 2


def test_report_parquet_is_reproducible_without_versions():
    import pyarrow.parquet as pq

    dataset, _ = merged(extra=[inferred("c.txt", "lie down and lift")])
    first = report_mod.parquet_bytes(report_mod.claims_frame(dataset), report_mod.CLAIM_DTYPES)
    assert report_mod.parquet_bytes(report_mod.claims_frame(dataset), report_mod.CLAIM_DTYPES) == first
    meta = pq.read_metadata(pa_buffer(first)).metadata
    pandas_meta = json.loads(meta[b"pandas"])
    assert "creator" not in pandas_meta and "pandas_version" not in pandas_meta


def pa_buffer(data: bytes):
    import pyarrow as pa

    return pa.BufferReader(data)


table_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)


@given(
    st.lists(
        st.tuples(table_text, st.text(max_size=12), st.one_of(st.none(), st.booleans()), st.integers(0, 10_000)),
        min_size=1,
        max_size=4,
    )
)
def test_report_claims_csv_round_trips_any_text(rows):
    """Names such as 'NA', 'null', '', quotes, commas and line breaks come back as written (or null)."""
    import io

    import pandas as pd

    claims = [
        Claim(
            doc_id=f"{doc}.txt",
            name_as_written=written,
            mapping="alias",
            mapping_score=round(score / 100, 2),
            hold_seconds=Range(min=score, max=score),
            reps=None,
            sets=None,
            per_side=side,
            evidence=[Evidence(quote=doc, start=0, end=len(doc), field="name", rule="test")],
        )
        for doc, written, side, score in rows
    ]
    exercise = Exercise(
        id="x", name=rows[0][0], aliases=[], hold_seconds=None, reps=None, sets=None, per_side=None, claims=claims
    )
    dataset = Dataset(sources=[], exercises=[exercise])
    frame = report_mod.claims_frame(dataset)
    pd.testing.assert_frame_equal(report_mod.read_claims_csv(io.StringIO(report_mod.claims_csv(dataset))), frame)
    parquet = pd.read_parquet(io.BytesIO(report_mod.parquet_bytes(frame, report_mod.CLAIM_DTYPES)))
    pd.testing.assert_frame_equal(parquet, frame, check_exact=True)
    assert [pd.isna(v) for v in frame["name_as_written"]] == [not w for _, w, _, _ in rows]
