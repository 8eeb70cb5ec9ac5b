"""Tests for pipeline.families: near-duplicate documents without comparing every pair."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.families import DISTINCTIVE_DF, all_pairs, families, pack, shingle_hashes, unpack

BODY = (
    "Lie on your back with both knees bent and your feet flat on the floor. Tighten your stomach "
    "muscles and press your lower back into the floor. Hold for five seconds, then relax slowly. "
    "Keep breathing the whole time and do not hold your breath. Repeat this ten times, twice a day."
)
OTHER = (
    "Stand facing a wall with your hands at shoulder height. Step one foot back and bend the front "
    "knee until you feel a stretch in the calf of the back leg. Keep the back heel down and hold."
)


@pytest.mark.parametrize(
    "text_a, text_b",
    [
        ("Hold it. Hold it!", "hold it hold it"),
        ("You're going to hold it", "you are going to hold it"),
        ("Knee to chest,\nthen rest", "knee to chest then rest"),
    ],
)
def test_families_shingles_ignore_case_punctuation_and_contractions(text_a, text_b):
    assert list(shingle_hashes(text_a)) == list(shingle_hashes(text_b))


@pytest.mark.parametrize("text", ["", "one", "one two", "one two three", BODY])
def test_families_shingles_pack_round_trip(text):
    hashes = shingle_hashes(text)
    assert hashes.dtype == np.uint32 and list(hashes) == sorted(set(hashes.tolist()))
    assert list(unpack(pack(hashes))) == list(hashes)


def test_families_exact_copies_are_one_family_however_many():
    sources = [(f"copy{i:03d}.txt", shingle_hashes(BODY)) for i in range(3 * DISTINCTIVE_DF)]
    sources.append(("other.txt", shingle_hashes(OTHER)))
    fams = families(sources)
    assert {fams[f"copy{i:03d}.txt"] for i in range(3 * DISTINCTIVE_DF)} == {"copy000.txt"}
    assert fams["other.txt"] == "other.txt"


@pytest.mark.parametrize(
    "texts, linked",
    [
        ({"a.txt": BODY, "b.txt": BODY.replace("five", "5").replace("ten", "10")}, True),  # edited copy
        ({"a.txt": BODY, "b.txt": BODY[: len(BODY) // 2]}, True),  # an excerpt is contained
        ({"a.txt": BODY, "b.txt": OTHER}, False),
        ({"a.txt": "Hold for 30 seconds.", "b.txt": "Hold for 30 seconds."}, False),  # too short to tell
        ({"a.txt": BODY, "b.txt": ""}, False),
    ],
)
def test_families_links_near_duplicates_only(texts, linked):
    fams = families((d, shingle_hashes(t)) for d, t in texts.items())
    assert (fams["a.txt"] == fams["b.txt"]) is linked
    assert fams["a.txt"] == "a.txt"  # the smallest member doc_id names the family


WORDS = st.sampled_from("hold lift knee chest back slow breathe ten seconds each side bend press rest".split())
SENTENCE = st.lists(WORDS, min_size=3, max_size=12).map(" ".join)
DOC = st.lists(SENTENCE, min_size=0, max_size=8).map(". ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(DOC, st.integers(0, 5)), min_size=1, max_size=DISTINCTIVE_DF))
def test_families_equal_the_all_pairs_rule_when_every_shingle_is_distinctive(drafts):
    """Up to DISTINCTIVE_DF documents every shared shingle proposes its pair: exactly the rule."""
    texts = []
    for text, parent in drafts:  # some documents copy or extend an earlier one
        texts.append(texts[parent] + " " + text if parent < len(texts) and parent % 2 else text)
    sources = [(f"d{i:02d}.txt", shingle_hashes(t)) for i, t in enumerate(texts)]
    assert families(sources) == all_pairs(sources)
