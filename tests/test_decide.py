"""Tests for pipeline.decide: values as the reports show them, the resolutions file edited in place
(other entries and comments kept), and the loop decide → rerun → applied."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import cli, decide, workflow
from pipeline.errors import ResolutionError
from pipeline.merge import parse_resolutions, read_resolutions
from pipeline.models import ConflictReport, Dataset, Frequency, Range, Resolution

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/fixtures/raw"


@pytest.mark.parametrize(
    "field, text, value",
    [
        ("hold_seconds", "30", Range(min=30, max=30)),
        ("hold_seconds", "20-30", Range(min=20, max=30)),
        ("reps", " 8 - 12 ", Range(min=8, max=12)),
        ("sets", "none", None),
        ("sets", "NULL", None),
        ("per_side", "yes", True),
        ("per_side", "False", False),
        ("frequency", "2x/day", Frequency(times=Range(min=2, max=2), period="day")),
        ("frequency", "1-2 x / week", Frequency(times=Range(min=1, max=2), period="week")),
    ],
)
def test_decide_parse_value(field, text, value):
    assert decide.parse_value(field, text) == value


@pytest.mark.parametrize(
    "field, text, message",
    [
        ("hold_seconds", "30-20", "the first number is larger than the second"),
        ("hold_seconds", "thirty", "is not a value for hold_seconds"),
        ("reps", "-3", "is not a value for reps"),
        ("reps", "yes", "is not a value for reps"),
        ("per_side", "3", "Give yes or no"),
        ("frequency", "2x/year", "times per day, week or month"),
        ("frequency", "2", "is not a value for frequency"),
        ("sets", "", "is not a value for sets"),
    ],
)
def test_decide_parse_value_refuses(field, text, message):
    with pytest.raises(ResolutionError, match=message):
        decide.parse_value(field, text)


values = st.one_of(
    st.none(),
    st.booleans(),
    st.builds(lambda a, b: Range(min=min(a, b), max=max(a, b)), st.integers(0, 999), st.integers(0, 999)),
    st.builds(
        lambda a, b, p: Frequency(times=Range(min=min(a, b), max=max(a, b)), period=p),
        st.integers(0, 9),
        st.integers(0, 9),
        st.sampled_from(["day", "week", "month"]),
    ),
)


@given(values)
def test_decide_value_arg_is_what_decide_reads(value):
    field = {bool: "per_side", Frequency: "frequency"}.get(type(value), "hold_seconds")
    assert decide.parse_value(field, decide.value_arg(value)) == value


DECISION = Resolution(
    conflict="c-0123456789", value=Range(min=20, max=30), note='says "20"', fingerprint="abcdef0123456789"
)
HAND_WRITTEN = [
    # Comments, a quoted note, an entry without a note, and a fingerprint of digits only.
    "# Decisions of the clinic team\n\n- conflict: c-aaaaaaaaaa  # agreed on Monday\n  value: {min: 1, max: 2}\n"
    "  note: 'kept as written'\n  fingerprint: 0000000000000012\n\n# per side\n- conflict: c-bbbbbbbbbb\n"
    "  value: true\n  fingerprint: abcdefabcdef0123\n",
    # Entries indented under the dash, a block-style value.
    '  - conflict: c-aaaaaaaaaa\n    value:\n      min: 3\n      max: 3\n    note: "x"\n'
    "    fingerprint: 1111111111111111\n",
    # Only a comment.
    "# nothing decided yet\n",
    # Nothing at all.
    "",
]


@pytest.mark.parametrize("text", HAND_WRITTEN)
@pytest.mark.parametrize("existing", [False, True])
def test_decide_edited_keeps_everything_else(text, existing):
    if existing:  # the conflict is decided already: its entry is replaced, not added
        text = decide.edited(text, DECISION.model_copy(update={"value": None, "note": "first"}))
    before = parse_resolutions(text.encode(), "resolutions.yaml").entries
    after_text = decide.edited(text, DECISION)
    after = parse_resolutions(after_text.encode(), "resolutions.yaml").entries
    assert [r for r in after if r.conflict != DECISION.conflict] == [
        r for r in before if r.conflict != DECISION.conflict
    ]
    assert [r for r in after if r.conflict == DECISION.conflict] == [DECISION]
    for line in text.splitlines():
        if "c-0123456789" not in line and not line.lstrip().startswith(("value", "note", "fingerprint")):
            assert line.rstrip() in after_text  # comments and other entries, as written
    assert "kept as written" not in text or "note: 'kept as written'" in after_text


@given(
    st.lists(
        st.builds(
            Resolution,
            conflict=st.from_regex(r"c-[0-9a-f]{10}", fullmatch=True),
            value=st.one_of(st.none(), st.booleans(), st.builds(lambda n: Range(min=n, max=n + 5), st.integers(0, 99))),
            note=st.text(max_size=40),
            fingerprint=st.from_regex(r"[0-9a-f]{16}", fullmatch=True),
        ),
        max_size=5,
        unique_by=lambda r: r.conflict,
    ),
    st.integers(0, 5),
)
def test_decide_edited_reads_back_as_meant(decisions, pick):
    text = ""
    for r in decisions:
        text = decide.edited(text, r)
    assert list(parse_resolutions(text.encode(), "r.yaml").entries) == decisions
    if decisions:
        changed = decisions[pick % len(decisions)].model_copy(update={"note": "changed", "value": True})
        text = decide.edited(text, changed)
        expected = [changed if r.conflict == changed.conflict else r for r in decisions]
        assert list(parse_resolutions(text.encode(), "r.yaml").entries) == expected


# --------------------------------------------------------------------------- the loop


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("decide")
    workflow.run_all(FIXTURES, out, use_cache=False)
    return out


def fresh(first_run: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(first_run, out, ignore=shutil.ignore_patterns(".publish"))
    return out


def conflicts_of(out: Path) -> dict[str, object]:
    report = ConflictReport.model_validate_json((out / "reports/conflicts.json").read_bytes())
    return {c.id: c for c in report.conflicts}


def exercise(out: Path, exercise_id: str):
    dataset = Dataset.model_validate_json((out / "extracted/exercises.json").read_bytes())
    return next(e for e in dataset.exercises if e.id == exercise_id)


@pytest.mark.slow
def test_decide_round_trip(first_run, tmp_path):
    """Decide, rerun: applied and marked decided; decide again: still one entry, the new value."""
    out = fresh(first_run, tmp_path)
    conflict = next(c for c in conflicts_of(out).values() if c.field == "hold_seconds")
    (out / "reports/resolutions.yaml").write_text("# our decisions\n", encoding="utf-8")

    done = decide.decide(out, conflict.id, value="20-30", note="the clinic's handout")
    assert not done.replaced and done.where.endswith("resolutions.yaml:2")
    workflow.run_all(FIXTURES, out, use_cache=False)
    assert conflicts_of(out)[conflict.id].status == "resolved"
    ex = exercise(out, conflict.exercise_id)
    assert ex.hold_seconds == Range(min=20, max=30)
    assert ex.origins["hold_seconds"].model_dump() == {"decided": True, "conflict": conflict.id}
    written = json.loads((out / "extracted/exercises.json").read_text())
    assert {"decided": True, "conflict": conflict.id} in [
        o for e in written["exercises"] for o in e["origins"].values()
    ]

    again = decide.decide(out, conflict.id, value="25")
    assert again.replaced and again.resolution.note == "the clinic's handout"  # the note is kept
    entries = read_resolutions(out / "reports/resolutions.yaml").entries
    assert [(r.conflict, r.value) for r in entries] == [(conflict.id, Range(min=25, max=25))]
    assert (out / "reports/resolutions.yaml").read_text().startswith("# our decisions\n")
    workflow.run_all(FIXTURES, out, use_cache=False)
    assert exercise(out, conflict.exercise_id).hold_seconds == Range(min=25, max=25)


@pytest.mark.slow
def test_decide_accept_suggestion(first_run, tmp_path):
    out = fresh(first_run, tmp_path)
    conflict = next(c for c in conflicts_of(out).values() if c.suggested is not None)
    done = decide.decide(out, conflict.id, accept_suggestion=True)
    assert done.resolution.value == conflict.suggested
    assert done.resolution.fingerprint == conflict.fingerprint
    workflow.run_all(FIXTURES, out, use_cache=False)
    assert conflicts_of(out)[conflict.id].status == "resolved"


@pytest.mark.slow
def test_decide_stale_decision_is_renewed(first_run, tmp_path):
    out = fresh(first_run, tmp_path)
    conflict = next(iter(conflicts_of(out).values()))
    old = Resolution(conflict=conflict.id, value=conflict.values[0].value, note="old", fingerprint="0" * 16)
    (out / "reports/resolutions.yaml").write_text(decide.edited("", old), encoding="utf-8")
    workflow.run_all(FIXTURES, out, use_cache=False)
    assert conflicts_of(out)[conflict.id].status == "stale"
    decide.decide(out, conflict.id, value=decide.value_arg(old.value))  # the command the page offers for it
    workflow.run_all(FIXTURES, out, use_cache=False)
    assert conflicts_of(out)[conflict.id].status == "resolved"
    assert read_resolutions(out / "reports/resolutions.yaml").entries[0].note == "old"


@pytest.mark.slow
@pytest.mark.parametrize(
    "setup, conflict_id, message",
    [
        ("none", "c-0123456789", "there is no"),
        ("run", "c-012345678", "is not a conflict id"),
        ("run", "c-0123456789", "no conflict c-0123456789 in the last run"),
        ("orphan", None, "no longer exists"),
        ("broken", None, "resolutions.yaml:2: not valid YAML"),
    ],
)
def test_decide_refuses(first_run, tmp_path, setup, conflict_id, message):
    out = tmp_path / "empty" if setup == "none" else fresh(first_run, tmp_path)
    conflict = next(iter(conflicts_of(out).values())) if setup != "none" else None
    target = conflict_id or conflict.id
    resolutions = out / "reports/resolutions.yaml"
    if setup == "orphan":
        report = ConflictReport.model_validate_json((out / "reports/conflicts.json").read_bytes())
        gone = Resolution(conflict=conflict.id, value=None, fingerprint="0" * 16)
        orphaned = [
            {
                "resolution": gone,
                "exercise_id": conflict.exercise_id,
                "field": conflict.field,
                "current": None,
                "reason": "the sources now agree",
            }
        ]
        report = ConflictReport(conflicts=[c for c in report.conflicts if c.id != conflict.id], orphaned=orphaned)
        (out / "reports/conflicts.json").write_text(report.model_dump_json())
    if setup == "broken":
        resolutions.write_text("- conflict: [\n", encoding="utf-8")
    before = resolutions.read_bytes() if resolutions.exists() else None
    with pytest.raises(ResolutionError, match=message):
        decide.decide(out, target, value="5")
    assert (resolutions.read_bytes() if resolutions.exists() else None) == before


@pytest.mark.slow
def test_cli_decide(first_run, tmp_path, capsys):
    out = fresh(first_run, tmp_path)
    conflict = next(c for c in conflicts_of(out).values() if c.field == "reps")
    code = cli.main(["decide", conflict.id, "--value", "12", "--note", "video", "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0
    assert printed.out.startswith(f"Added the decision on {conflict.id} ({conflict.exercise_id} reps = 12) at ")
    assert cli.main(["decide", conflict.id, "--value", "yes", "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        "Error: --value 'yes' is not a value for reps. Give a number or a range (10, 8-12), or none for no value.\n"
    )
    with pytest.raises(SystemExit) as info:
        cli.main(["decide", conflict.id, "--value", "3", "--accept-suggestion", "--out", str(out)])
    assert info.value.code == 2
