"""Tests for pipeline.models: the constraints of the data contract, and the schemas they give."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from pipeline import models
from pipeline.models import Conflict, Correction, Evidence, Exercise, Range, Resolution, Source, Unnamed

ROOT = Path(__file__).resolve().parents[1]
SHA = "0" * 64


def source(**kw):
    return {"doc_id": "a", "path": "raw/a", "sha256": SHA, "kind": "article", "title": None, "family": "a", **kw}


def correction(**kw):
    return {"doc_id": "a", "start": 1, "end": 3, "before": "ab", "after": "", "rule": "r", "score": 1, **kw}


def ev(**kw):
    return {"quote": "hold 5 s", "start": 10, "end": 18, "field": "hold_seconds", "rule": "r", **kw}


@pytest.mark.parametrize(
    "model, data, error",
    [
        (Range, {"min": 3, "max": 5}, None),
        (Range, {"min": 0, "max": 0}, None),
        (Range, {"min": 5, "max": 3}, "min 5 is greater than max 3"),
        (Range, {"min": -1, "max": 3}, "greater than or equal to 0"),
        (Evidence, ev(), None),
        (Evidence, ev(start=-1), "greater than or equal to 0"),
        (Evidence, ev(start=20, end=18), "start 20 is after end 18"),
        (Correction, correction(), None),
        (Correction, correction(start=3, end=1), "start 3 is after end 1"),
        (Correction, correction(score=1.5), "less than or equal to 1"),
        (
            Unnamed,
            {"doc_id": "a", "heading": "h", "start": 5, "end": 2, "description": "", "inferred": None},
            "start 5",
        ),
        (Source, source(), None),
        (Source, source(sha256="abc"), "pattern"),
        (Source, source(sha256=SHA.upper().replace("0", "A")), "pattern"),
        (Source, source(doc_id=""), "at least 1"),
        (Resolution, {"conflict": "c-0123456789", "value": None, "fingerprint": "0123456789abcdef"}, None),
        (Resolution, {"conflict": "knee-to-chest", "value": None, "fingerprint": "0123456789abcdef"}, "pattern"),
        (Resolution, {"conflict": "c-0123456789", "value": None, "fingerprint": "0123"}, "pattern"),
    ],
)
def test_models_constraints(model, data, error):
    if error is None:
        model.model_validate(data)
        return
    with pytest.raises(ValidationError, match=error):
        model.model_validate(data)


@pytest.mark.parametrize(
    "exercise_id, ok",
    [
        ("knee-to-chest", True),
        ("café-stretch", True),  # slugs of names the lexicon does not know keep their letters
        ("unnamed-cb3f91d5", True),
        ("Knee-to-chest", False),
        ("knee to chest", False),
        ("knee--chest", False),
        ("-knee", False),
        ("knee_chest", False),
        ("", False),
    ],
)
def test_models_exercise_id_pattern(exercise_id, ok):
    data = {"id": exercise_id, "name": "n", "aliases": [], "hold_seconds": None, "reps": None, "sets": None}
    data |= {"per_side": None, "claims": []}
    if ok:
        Exercise.model_validate(data)
    else:
        with pytest.raises(ValidationError, match="pattern"):
            Exercise.model_validate(data)


@pytest.mark.parametrize("name", ["exercises", "conflicts", "corrections", "resolutions"])
def test_models_schemas_state_their_dialect(name):
    schema = json.loads((ROOT / f"schemas/{name}.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / f"schemas/{name}.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize(
    "path, value, valid",
    [
        (None, None, True),  # the committed dataset as it is
        (("exercises", 0, "claims", 0, "evidence", 0, "start"), -4, False),
        (("exercises", 0, "id"), "Not An Id", False),
        (("sources", 0, "sha256"), "deadbeef", False),
    ],
)
def test_models_schema_rejects_what_the_models_reject(path, value, valid):
    data = json.loads((ROOT / "extracted/exercises.json").read_text(encoding="utf-8"))
    if path is not None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    errors = list(validator("exercises").iter_errors(data))
    assert (not errors) is valid
    if path is not None:
        with pytest.raises(ValidationError):
            models.Dataset.model_validate(data)


@pytest.mark.parametrize("field, value", [("id", "c-XYZ"), ("fingerprint", "nothex"), ("exercise_id", "A B")])
def test_models_conflict_ids(field, value):
    data = json.loads((ROOT / "reports/conflicts.json").read_text(encoding="utf-8"))["conflicts"][0]
    Conflict.model_validate(data)
    with pytest.raises(ValidationError, match="pattern"):
        Conflict.model_validate(data | {field: value})
