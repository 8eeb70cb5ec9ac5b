"""Meta-tests: shipped package data validates; committed schemas match the models."""

import json
from pathlib import Path

import pytest

from pipeline import report, resources
from pipeline.errors import DataError
from pipeline.models import LexiconEntry

ROOT = Path(__file__).resolve().parent.parent


def test_resources_lexicon_is_large_and_valid():
    entries = resources.exercises()
    assert len(entries) >= 80
    assert [e.id for e in entries] == sorted(e.id for e in entries)
    assert all(e.description and e.aliases for e in entries)


@pytest.mark.parametrize("pattern_file", ["dosage", "exercise_cues", "mention_context"])
def test_resources_patterns_load_and_compile(pattern_file, nlp):
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab, validate=True)
    for i, entry in enumerate(resources.patterns(pattern_file)):
        matcher.add(f"{entry.id}#{i}", [entry.pattern])


def test_resources_cue_ids_are_exercises():
    known = resources.exercise_index()
    assert {e.id for e in resources.patterns("exercise_cues")} <= set(known)


@pytest.mark.parametrize(
    "line, message",
    [
        (
            '{"id": "Bad Id", "name": "x", "aliases": [], "category": "stretch", "position": "supine", '
            '"region": [], "equipment": [], "description": "x", "variant_of": null}',
            "id: String should match",
        ),
        (
            '{"id": "x", "name": "x", "aliases": [], "category": "dance", "position": "supine", '
            '"region": [], "equipment": [], "description": "x", "variant_of": null}',
            "category: Input should be",
        ),
        ('{"id": "x"}', "name: Field required"),
    ],
)
def test_resources_bad_line_names_file_and_line(line, message, monkeypatch):
    monkeypatch.setattr(resources, "read_text", lambda package, name: "\n" + line + "\n")
    with pytest.raises(DataError) as info:
        resources.read_jsonl("data", "exercises.jsonl", LexiconEntry)
    assert str(info.value).startswith("pipeline/data/exercises.jsonl:2: ")
    assert message in str(info.value)


def test_resources_ambiguous_alias_is_rejected(monkeypatch):
    entry = {
        "name": "X",
        "category": "stretch",
        "position": "supine",
        "region": [],
        "equipment": [],
        "description": "x",
        "variant_of": None,
    }
    lines = [json.dumps({**entry, "id": i, "name": i.upper(), "aliases": ["shared name"]}) for i in ("a", "b")]
    monkeypatch.setattr(resources, "read_text", lambda package, name: "\n".join(lines))
    resources.exercises.cache_clear()
    try:
        with pytest.raises(DataError, match="alias 'shared name' is used by both a and b"):
            resources.exercises()
    finally:
        resources.exercises.cache_clear()


def test_resources_committed_schemas_are_fresh(tmp_path):
    """schemas/ must equal what the models generate now (regenerate: make schemas)."""
    report.schemas(tmp_path)
    fresh = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_bytes() for p in (ROOT / "schemas").iterdir()}
    assert fresh == committed
