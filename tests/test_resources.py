"""Meta-tests: shipped package data validates; committed schemas match the models."""

import json
from collections import Counter
from pathlib import Path
from typing import get_args

import pytest
import yaml

from pipeline import report, resources
from pipeline.errors import DataError
from pipeline.models import LexiconEntry
from pipeline.names import name_key

ROOT = Path(__file__).resolve().parent.parent
ALIASES = {name_key(a): e.id for e in resources.exercises() for a in (e.name, *e.aliases)}
ORIGINAL_IDS = set(
    """abdominal-bracing adductor-stretch bent-knee-fallout bicycle-crunch bird-dog boat-pose bridge
    butterfly-stretch calf-raise calf-stretch camel-pose cat-cow chair-pose childs-pose chin-tuck clamshell cobra
    corpse-pose crunch dead-bug donkey-kick doorway-chest-stretch double-knee-to-chest downward-dog fire-hydrant
    forearm-plank frog-stretch glute-squeeze hamstring-stretch happy-baby heel-slide hip-circles hip-flexor-stretch
    hip-hinge hollow-hold it-band-stretch knee-to-chest lateral-band-walk legs-up-the-wall locust-pose low-lunge
    lower-trunk-rotation lunge marching-bridge mountain-climber mountain-pose neck-side-stretch open-book
    partial-crunch pelvic-tilt pigeon-pose piriformis-stretch plank prayer-stretch prone-back-extension
    prone-hip-extension prone-quad-stretch puppy-pose quad-stretch quadruped-rocking reverse-crunch russian-twist
    seated-forward-bend seated-hamstring-stretch seated-piriformis-stretch seated-side-bend seated-twist
    shoulder-blade-squeeze side-lying-leg-raise side-lying-quad-stretch side-plank single-leg-balance
    single-leg-bridge sphinx squat standing-back-extension standing-forward-bend standing-hamstring-stretch
    standing-hip-flexor-stretch standing-side-bend step-up straight-leg-raise superman supine-march supine-twist
    swimmer thread-the-needle tree-pose triangle-pose upward-dog wall-angel wall-sit warrior-one warrior-two""".split()
)


def test_resources_lexicon_is_large_and_valid():
    entries = resources.exercises()
    assert [e.id for e in entries] == sorted(e.id for e in entries)
    assert all(e.description and e.aliases for e in entries)
    by_source = Counter(e.source for e in entries)
    assert len(entries) >= 600
    assert by_source["curated"] >= 250
    assert by_source["free-exercise-db"] >= 300


@pytest.mark.parametrize("field", ["category", "laterality", "position"])
def test_resources_lexicon_covers_every_value_of(field):
    """Every category, laterality and position of the vocabulary has curated entries."""
    values = Counter(getattr(e, field) for e in resources.exercises() if e.source == "curated")
    kinds = get_args(LexiconEntry.model_fields[field].annotation) or (LexiconEntry.model_fields[field].annotation,)
    allowed = {v for kind in kinds for v in get_args(kind)}
    assert allowed <= set(values), sorted(allowed - set(values))


@pytest.mark.parametrize("region", get_args(get_args(LexiconEntry.model_fields["region"].annotation)[0]))
def test_resources_lexicon_covers_region(region):
    curated = [e for e in resources.exercises() if e.source == "curated" and region in e.region]
    assert len(curated) >= 5, region


def test_resources_lexicon_keeps_the_94_original_ids():
    """Ids in committed outputs and curators' decisions never disappear."""
    ids = {e.id for e in resources.exercises()}
    assert not ORIGINAL_IDS - ids, sorted(ORIGINAL_IDS - ids)


def test_resources_lexicon_single_words_are_exercise_names():
    """A bare single word is matched anywhere in prose: only real exercise names may be one."""
    allowed = set(yaml.safe_load((ROOT / "lexicon" / "free-exercise-db.yaml").read_text())["single_words"])
    for entry in resources.exercises():
        for alias in {entry.name.lower(), *entry.aliases}:
            if len(alias.replace("-", " ").split()) == 1:
                assert alias in allowed or alias.endswith("asana"), (entry.id, alias)
    for word in ["press", "row raise", "raise", "curl", "extension", "rotation", "hold", "stretch", "clean"]:
        assert word not in ALIASES, word


# Written names and the entry they mean by exact alias lookup; None: the name is no alias at all.
# A bare "hip abduction" is the base entry the standing, supine and side-lying forms point to.
@pytest.mark.parametrize(
    "written, expected",
    [
        ("static quads", "quad-set"),
        ("quadriceps setting", "quad-set"),
        ("quad clench", "quad-set"),
        ("SLR", "straight-leg-raise"),
        ("straight leg raise", "straight-leg-raise"),
        ("long arc quad", "long-arc-quad"),
        ("seated knee extension", "long-arc-quad"),
        ("LAQ", "long-arc-quad"),
        ("short arc quad", "short-arc-quad"),
        ("terminal knee extension", "terminal-knee-extension"),
        ("TKE", "terminal-knee-extension"),
        ("cervical retraction", "chin-tuck"),
        ("gluteal set", "glute-squeeze"),
        ("static gluts", "glute-squeeze"),
        ("heel slides", "heel-slide"),
        ("ankle pumps", "ankle-pump"),
        ("band external rotation", "shoulder-external-rotation"),
        ("Codman's pendulum", "pendulum"),
        ("bench press", "bench-press"),
        ("Pull-ups", "pull-up"),
        ("pushups", "push-up"),
        ("press-up", "push-up"),
        ("prone press-up", "cobra"),
        ("bicep curl", "bicep-curl"),
        ("biceps curl", "bicep-curl"),
        ("RDL", "romanian-deadlift"),
        ("downward dog", "downward-dog"),
        ("adho mukha svanasana", "downward-dog"),
        ("the hundred", "the-hundred"),
        ("criss-cross", "bicycle-crunch"),
        ("single leg stretch", "single-leg-stretch"),
        ("hip abduction", "hip-abduction"),
        ("standing hip abduction", "standing-hip-abduction"),
        ("side-lying hip abduction", "side-lying-leg-raise"),
        ("lying hip abduction", "supine-hip-abduction"),
        ("single leg calf raise", "single-leg-calf-raise"),
        ("calf raise", "calf-raise"),
        ("soleus stretch", "soleus-stretch"),
        ("reverse lunge", "reverse-lunge"),
        ("lunge", "lunge"),
        ("Barbell bench press", "barbell-bench-press"),
        # negative rows: near names that are other exercises, or no exercise at all
        ("hip", None),
        ("stretch", None),
        ("press", None),
        ("good morning", None),
        ("knee to chest", "knee-to-chest"),
        ("knees to chest", "double-knee-to-chest"),
    ],
)
def test_resources_alias_lookup(written, expected):
    assert ALIASES.get(name_key(written)) == expected


@pytest.mark.parametrize(
    "written, not_expected",
    [
        ("hip abduction", "standing-hip-abduction"),
        ("hip abduction", "side-lying-leg-raise"),
        ("hip abduction", "supine-hip-abduction"),
        ("calf raise", "single-leg-calf-raise"),
        ("bridge", "single-leg-bridge"),
        ("plank", "knee-plank"),
        ("squat", "mini-squat"),
    ],
)
def test_resources_modifier_variants_stay_apart(written, not_expected):
    """A bare name never maps to a variant that adds a modifier ('single-leg', 'standing')."""
    entry = resources.exercise_index()[not_expected]
    assert name_key(written) not in {name_key(a) for a in (entry.name, *entry.aliases)}
    assert entry.variant_of is not None


@pytest.mark.parametrize(
    "exercise_id, laterality",
    [
        ("bridge", "bilateral"),
        ("squat", "bilateral"),
        ("cat-cow", "bilateral"),
        ("pelvic-tilt", "bilateral"),
        ("chin-tuck", "bilateral"),
        ("plank", "bilateral"),
        ("bench-press", "bilateral"),
        ("single-leg-bridge", "unilateral"),
        ("clamshell", "unilateral"),
        ("side-plank", "unilateral"),
        ("lunge", "unilateral"),
        ("neck-rotation", "unilateral"),
        ("calf-stretch", "unilateral"),
        ("dead-bug", "alternating"),
        ("bicycle-crunch", "alternating"),
        ("high-knees", "alternating"),
        ("alternating-lunge", "alternating"),
        ("supine-march", "alternating"),
    ],
)
def test_resources_laterality_convention(exercise_id, laterality):
    assert resources.exercise_index()[exercise_id].laterality == laterality


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Do 3 x 10 push ups.", ["push-up"]),
        ("Push-ups: 3 sets of 8", ["push-up"]),
        ("Finish with 20 sit-ups.", ["sit-up"]),
        ("Step-ups onto the bottom stair", ["step-up"]),
        # instructions, not exercises: a verb and its particle in prose
        ("Sit up tall and relax the shoulders.", []),
        ("Push up through your heels.", []),
        ("Step up onto the box with the left foot.", []),
        ("Pull up the knee toward the chest.", []),
    ],
)
def test_resources_phrasal_names_match_only_as_names(text, expected, nlp):
    doc = nlp(text)
    assert [span.id_ for span in doc.spans["exercises"]] == expected


def test_resources_variant_chains_end_at_a_base():
    index = resources.exercise_index()
    for entry in index.values():
        seen, parent = {entry.id}, entry.variant_of
        while parent is not None:
            assert parent in index and parent not in seen, entry.id
            seen.add(parent)
            parent = index[parent].variant_of


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
        "laterality": "bilateral",
        "region": ["hip"],
        "equipment": [],
        "muscles": [],
        "description": "x",
        "variant_of": None,
        "source": "curated",
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
