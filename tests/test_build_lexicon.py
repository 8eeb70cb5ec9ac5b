"""scripts/build_lexicon.py: curated entries, generation from the free-exercise-db, reproducibility."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import resources
from pipeline.errors import DataError

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build_lexicon.py"
DB = ROOT.parent / "shared" / "vocab" / "free-exercise-db" / "exercises.json"
needs_db = pytest.mark.skipif(
    not DB.is_file(), reason="../shared/vocab/free-exercise-db is not beside the repository (CI has it)"
)


def _load_script():
    spec = importlib.util.spec_from_file_location("build_lexicon", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_lexicon = _load_script()
RULES = build_lexicon.load_rules()


@needs_db
def test_build_lexicon_reproduces_committed_file(tmp_path):
    """make lexicon regenerates pipeline/data/exercises.jsonl byte for byte."""
    out = tmp_path / "exercises.jsonl"
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == (ROOT / "pipeline" / "data" / "exercises.jsonl").read_bytes()
    assert "skip   " in run.stdout  # every skipped record is reported with its reason
    assert all(": " in line for line in run.stdout.splitlines() if line.startswith("skip"))


@needs_db
def test_build_lexicon_descriptions_never_repeat_database_instructions():
    records = json.loads(DB.read_text(encoding="utf-8"))
    words = lambda text: " ".join(re.findall(r"[a-z0-9]+", text.lower()))  # noqa: E731
    shingles = set()
    for record in records:
        tokens = words(" ".join(record["instructions"])).split()
        shingles.update(" ".join(tokens[i : i + 8]) for i in range(len(tokens) - 7))
    for entry in resources.exercises():
        tokens = words(entry.description).split()
        copied = {" ".join(tokens[i : i + 8]) for i in range(len(tokens) - 7)} & shingles
        assert not copied, f"{entry.id}: {sorted(copied)[0]!r}"


@pytest.mark.parametrize(
    "title, name",
    [
        ("Barbell Bench Press - Medium Grip", "barbell bench press"),
        ("Pushups", "push-up"),
        ("Pullups", "pull-up"),
        ("Dumbbell Lunges", "dumbbell lunge"),
        ("Calf Raises - With Bands", "banded calf raise"),
        ("Push-Ups With Feet Elevated", "push-up with feet elevated"),
        ("Box Squat with Chains", "box squat with chains"),
        ("EZ-Bar Curl", "ez-bar curl"),
        ("Incline Dumbbell Flyes", "incline dumbbell fly"),
        ("Bicycling, Stationary", "stationary bicycling"),
        ("Quadriceps-SMR", "quadriceps foam rolling"),
        ("Triceps Pushdown - Rope Attachment", "rope triceps pushdown"),
        ("Moving Claw Series", "moving claw series"),
        # unchanged rows
        ("Plank", "plank"),
        ("Romanian Deadlift", "romanian deadlift"),
    ],
)
def test_build_lexicon_cleans_catalogue_titles(title, name):
    assert build_lexicon.clean_title(title, RULES, log=lambda _line: None)[0] == name


def test_build_lexicon_reads_an_or_tail_as_an_alias():
    assert build_lexicon.clean_title("Front Cone Hops (or hurdle hops)", RULES, log=lambda _l: None) == (
        "front cone hop",
        ["hurdle hop"],
    )


@pytest.mark.parametrize(
    "name, position, laterality",
    [
        ("seated dumbbell curl", "seated", "bilateral"),
        ("one-arm dumbbell row", "standing", "unilateral"),
        ("alternating kettlebell press", "standing", "alternating"),
        ("double kettlebell alternating hang clean", "standing", "alternating"),
        ("lying leg curl", "prone", "bilateral"),
        ("hanging leg raise", "hanging", "bilateral"),
        ("barbell bench press", "supine", "bilateral"),
        ("side lying groin stretch", "side-lying", "unilateral"),
        ("walking lunge", "standing", "alternating"),
        ("pallof press", "standing", "bilateral"),
        # no word says it: the position varies, both sides work together
        ("farmer's carry", "standing", "bilateral"),
        ("battling rope", None, "bilateral"),
    ],
)
def test_build_lexicon_derives_position_and_laterality_from_names(name, position, laterality):
    assert build_lexicon.first_rule(name, RULES.positions, None) == position
    assert (build_lexicon.first_rule(name, RULES.laterality, None) or "bilateral") == laterality


@pytest.mark.parametrize(
    "name, expected",
    [
        ("alternate incline hammer curl", ["incline hammer curl", "hammer curl", "curl"]),
        ("seated one-arm cable row", ["one arm cable row", "cable row"]),
        ("bench press", []),
    ],
)
def test_build_lexicon_peels_modifiers_nearest_first(name, expected):
    assert build_lexicon.peel(name, ["alternate", "incline", "hammer", "seated", "one arm"]) == expected


@given(st.text(alphabet="abcdefghij -'/(),", max_size=40))
def test_build_lexicon_clean_title_is_total_and_lower_case(title):
    name, extra = build_lexicon.clean_title(title, RULES, log=lambda _line: None)
    assert name == name.lower() == " ".join(name.split())
    assert all(isinstance(alias, str) for alias in extra)


def test_build_lexicon_curated_error_names_file_line_and_entry(tmp_path):
    (tmp_path / "neck.yaml").write_text(
        "- id: chin-tuck\n  name: Chin tuck\n  aliases: [chin tuck]\n  category: dance\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match=r"neck.yaml:1: chin-tuck: category: Input should be"):
        build_lexicon.load_curated(tmp_path)


def test_build_lexicon_check_rejects_a_shared_spelling():
    entries = [e for e in resources.exercises() if e.id in {"quad-set", "short-arc-quad"}]
    clash = entries[1].model_copy(update={"aliases": [*entries[1].aliases, "quad-set"]})
    with pytest.raises(DataError, match="alias 'quad set' is used by both quad-set and short-arc-quad"):
        build_lexicon.check([entries[0], clash], RULES)
