"""Noise injection for the repair benchmark: reproducible, realistic, and exactly recorded."""

from __future__ import annotations

import doctest
import random
from pathlib import Path

import pytest

from pipeline import noise, repair_bench
from pipeline.models import Correction

CLEAN = (Path(__file__).parent / "corpus" / "clean" / "01_article_low_back.txt").read_text(encoding="utf-8")
#: Caption lines: where a repeated caption line can be injected.
CAPTIONS = (Path(__file__).parent / "corpus" / "clean" / "04_captions_unpunctuated.txt").read_text(encoding="utf-8")
NAMES = ["knee to chest stretch", "legs up the wall", "pelvic tilt"]
DOMAIN = ["hamstring", "shoulders", "stretch", "exercises"]


def _revert(noisy: str, errors: list[noise.InjectedError]) -> str:
    out, pos = [], 0
    for e in errors:
        out += [noisy[pos : e.start], e.clean]
        pos = e.end
    return "".join(out) + noisy[pos:]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_noise_inject_records_every_error(seed):
    noisy, errors = noise.inject(CLEAN, seed=seed, rate=0.05, names=NAMES, domain=DOMAIN)
    assert noisy != CLEAN and errors
    assert all(noisy[e.start : e.end] == e.noisy for e in errors)
    assert all(a.end < b.start for a, b in zip(errors, errors[1:], strict=False))
    assert _revert(noisy, errors) == CLEAN


def test_noise_inject_is_reproducible():
    first = noise.inject(CLEAN, seed=7, names=NAMES, domain=DOMAIN)
    assert noise.inject(CLEAN, seed=7, names=NAMES, domain=DOMAIN) == first
    assert noise.inject(CLEAN, seed=8, names=NAMES, domain=DOMAIN) != first


def test_noise_inject_rate_sets_the_budget():
    words = len(CLEAN.split())
    _, errors = noise.inject(CLEAN, seed=1, rate=0.02)
    assert 0 < len(errors) <= round(0.02 * words) + 1


@pytest.mark.parametrize("kind", noise.KINDS)
def test_noise_inject_each_kind(kind):
    text = CAPTIONS if kind == "repeated_run" else CLEAN.replace("shoulders", "shoulders’")  # mojibake needs one
    noisy, errors = noise.inject(text, seed=3, rate=0.02, kinds=[kind], names=NAMES, domain=DOMAIN)
    assert errors and {e.kind for e in errors} == {kind}
    assert _revert(noisy, errors) == text


@pytest.mark.parametrize(
    "builder, text, expected",
    [
        (noise.run_together_sites, "keep legs together", ["keeplegs", "legstogether"]),
        (noise.digit_join_sites, "start with 10 reps", ["with10", "10reps"]),
        (noise.real_word_sites, "Lie on your back, it is not just that.", ["to", "nut"]),
        (noise.misheard_sites, "lengthen the spine and glutes", ["spin", "gluts"]),
        (noise.mojibake_sites, "don’t rush", ["donâ€™t"]),
        (noise.dropped_sites, "lie on the floor", ["", ""]),
    ],
)
def test_noise_site_builders(builder, text, expected):
    assert [s.noisy for s in builder(text)] == expected


def test_noise_truncated_drops_an_inner_word():
    text = "Do the knee to chest stretch now."
    [site] = noise.truncated_sites(text, NAMES)
    assert text[: site.start] + site.noisy + text[site.end :] == "Do the knee to stretch now."


def test_noise_typo_makes_non_words():
    sites = noise.typo_sites("Stretch the hamstring and shoulders.", random.Random(0), DOMAIN)
    assert sites and all(s.noisy.isalpha() and s.noisy.lower() not in DOMAIN for s in sites)


def test_noise_caption_sites_insert_repeats_and_fillers():
    sites = noise.caption_sites("lift your left leg\nand relax the jaw for 30 seconds", random.Random(0))
    kinds = {s.kind for s in sites}
    assert {"doubled", "repeated_run", "filler"} <= kinds
    assert all(s.start == s.end for s in sites)  # insertions only


@pytest.mark.parametrize(
    "edit, restores",
    [
        ((10, 22, "legs together"), True),
        ((10, 22, "legs togther"), False),
        ((0, 4, "Kept"), False),
    ],
)
def test_noise_bench_scores_restoration(edit, restores):
    clean = "Keep your legs together."
    noisy, errors = (
        "Keep your legstogether.",
        [noise.InjectedError("run_together", 10, 22, "legstogether", "legs together")],
    )
    assert clean == _revert(noisy, errors)
    start, end, after = edit
    c = Correction(doc_id="d", start=start, end=end, before=noisy[start:end], after=after, rule="r", score=1.0)
    tally = repair_bench.Tally()
    repair_bench.score_document(noisy, errors, [c], tally, "d")
    assert (tally.correct == 1) is restores
    assert tally.restored["run_together"] == (1 if restores else 0)


def test_noise_doctests():
    result = doctest.testmod(noise)
    assert result.failed == 0 and result.attempted > 0
