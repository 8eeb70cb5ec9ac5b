"""Names: cleaning, movement words, topics and activities, and mapping by composition."""

from __future__ import annotations

import pytest

from pipeline.models import LexiconEntry
from pipeline.names import NameIndex, is_activity, is_topic, names_a_movement, reduce


def entry(id_: str, name: str, aliases: list[str], position: str | None = "standing") -> LexiconEntry:
    return LexiconEntry(
        id=id_,
        name=name,
        aliases=aliases,
        category="strength",
        position=position,
        laterality="bilateral",
        region=["hip"],
        equipment=[],
        muscles=[],
        description="test entry",
        variant_of=None,
        source="curated",
    )


LEXICON = [
    entry("calf-raise", "Calf raise", ["standing calf raise"]),
    entry("single-leg-calf-raise", "Single-leg calf raise", ["single leg calf raise"]),
    entry("mini-squat", "Mini squat", ["quarter squat"]),
    entry("glute-set", "Glute set", ["gluteal squeeze", "glute squeeze"], position="supine"),
    entry("push-up", "Push-up", ["press up"], position="prone"),
    entry("hip-abduction", "Standing hip abduction", ["standing hip abduction"]),
    entry("wrist-warm-up", "Wrist warm-up", ["wrist prep"], position=None),
    entry("calf-stretch", "Calf stretch", ["wall calf stretch"]),
    entry("squat", "Squat", ["bodyweight squat"]),
]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Mini Squats with Chair Support", "mini squat"),
        ("Hamstring stretch with a strap or towel", "hamstring stretch"),
        ("Seated Knee Extension (LAQ)", "seated knee extension"),
        ("Pull-up Progression", "pull up"),
        ("Static Gluts", "static glute"),
        ("Standing Single Leg Heel Raise", "standing single leg calf raise"),
        ("Four-point kneeling arm lift", "quadruped kneeling arm lift"),
        # Words that are no equipment phrase stay: a twist changes the exercise.
        ("Lunges with a twist", "lunges with twist"),
        ("Knees to chest", "knees to chest"),
    ],
)
def test_names_reduce(name, expected):
    assert reduce(name) == expected


@pytest.mark.parametrize(
    "name, exercise_id, method",
    [
        ("Calf raises", "calf-raise", "alias"),
        ("Standing Single Leg Heel Raise", "single-leg-calf-raise", "composition"),
        ("Heel raises", "calf-raise", "composition"),
        ("Mini Squats with Chair Support", "mini-squat", "composition"),
        ("Gluteal squeezes", "glute-set", "alias"),
        ("Gluts squeeze", "glute-set", "composition"),
        ("Press-ups", "push-up", "alias"),
        ("Standing hip abductions", "hip-abduction", "alias"),
        # A modifier the entry does not imply keeps a name apart.
        ("Seated hip abduction", None, "unmatched"),
        ("Double calf raise", None, "unmatched"),
        ("Single-leg squat", None, "unmatched"),
        # A credited person or brand is not part of the name; a one-word rest keeps its prefix.
        ("ACME Wrist Prep", "wrist-warm-up", "composition"),
        ("Coach Lee's wrist prep", None, "unmatched"),
        ("Lee's Wrist Prep", "wrist-warm-up", "composition"),
        ("VMO squat", None, "unmatched"),
        ("STANDING HIP ABDUCTIONS", "hip-abduction", "alias"),
        ("SQUAT WRIST PREP", None, "unmatched"),
        # 'Stretching X' is the X stretch.
        ("Stretching the calves", "calf-stretch", "composition"),
        ("Stretching", None, "unmatched"),
    ],
)
def test_names_map_by_composition(name, exercise_id, method):
    found = NameIndex(LEXICON).match(name)
    assert (found.exercise_id, found.mapping) == (exercise_id, method)


@pytest.mark.parametrize(
    "name, movement",
    [
        ("Quad Clenches", True),
        ("Knee Marching", True),
        ("Median Nerve Slider", True),
        ("Dorsiflexion/Plantarflexion", True),
        ("Overhead Scapular Blade Squeeze", True),
        ("Pain relief", False),
        ("Core exercises (5 min)", False),
        ("Weekly Schedule", False),
        ("Stationary bike", False),
        ("Important Note", False),
    ],
)
def test_names_a_movement(name, movement):
    assert names_a_movement(name) is movement


@pytest.mark.parametrize(
    "name, activity, topic",
    [
        ("Light jogging", True, False),
        ("Treadmill", True, False),
        ("Rest", True, False),
        ("Stretching calf", False, False),
        ("Walking lunges", False, False),
        ("Warm-up (10 min)", False, True),
        ("Dynamic Stretches", True, True),
        ("Hip exercises", False, True),
        ("Calf stretch", False, False),
    ],
)
def test_names_activities_and_topics(name, activity, topic):
    assert (is_activity(name), is_topic(name)) == (activity, topic)
