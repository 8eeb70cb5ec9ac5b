"""The normalize stage as a whole: consistent, explained edits in raw offsets; clean text unchanged."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import json
import pkgutil
from pathlib import Path

import pytest
from conftest import SAMPLE_ARTICLE, hostile_text, truncated
from hypothesis import given
from hypothesis import strategies as st

from pipeline import alignment, normalize
from pipeline.models import Edit

CLEAN_DIR = Path(__file__).parent / "corpus" / "clean"
EDITS_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "repair_edits.py"


def test_normalize_document_edits_are_explained_and_consistent(vocab, rules, edited, text_document):
    text = "Pelvis tiltis easy. Keep your legstogether with10 reps.\nLie to your back, um, and rest."
    ndoc = normalize.normalize_document(text_document(text), vocab=vocab, rules=rules)
    assert ndoc.text == "Pelvic tilt is easy. Keep your legs together with 10 reps.\nLie on your back, and rest."
    assert ndoc.text == edited(text, ndoc.edits)
    for a, b in zip(ndoc.edits, ndoc.edits[1:], strict=False):
        assert a.end <= b.start
    for e in ndoc.edits:
        assert text[e.start : e.end] == e.before
        assert 0 <= e.score <= 1 and e.rule and e.reason
        assert e.score >= normalize.APPLY_THRESHOLD


def test_normalize_stages_compose_onto_source_offsets(vocab, rules, text_document):
    # the split makes "tilt", then the phrase repair edits the word before it
    text = "Pelvis tiltis easy."
    ndoc = normalize.normalize_document(text_document(text), vocab=vocab, rules=rules)
    assert [(e.before, e.after) for e in ndoc.edits] == [
        ("Pelvis", "Pelvic"),
        ("tiltis", "tilt is"),
    ]
    # a later stage editing inside an earlier edit is folded into one edit
    text = "Keep your legstogethr."
    chain = normalize.Chain(text)
    chain.add([Edit(start=10, end=21, before="legstogethr", after="legs togethr", rule="a", score=0.9)])
    chain.add([Edit(start=15, end=22, before="togethr", after="together", rule="b", score=0.8)])
    [edit] = chain.edits
    assert (edit.start, edit.end, edit.before, edit.after, edit.rule, edit.score) == (
        10,
        21,
        "legstogethr",
        "legs together",
        "a+b",
        0.8,
    )
    assert chain.text == "Keep your legs together."


def test_normalize_to_corrections_maps_to_raw(vocab, rules, text_document):
    raw = "<p>Keep your   legstogether.</p>"
    text, pieces = alignment.apply(raw, [(0, 3, ""), (12, 15, " "), (28, 32, "")])
    assert text == "Keep your legstogether."
    doc = text_document(text, raw=raw, pieces=pieces)
    ndoc = normalize.normalize_document(doc, vocab=vocab, rules=rules)
    applied, suggestions = normalize.to_corrections(doc, ndoc)
    [c] = applied
    assert raw[c.start : c.end] == c.before == "legstogether"
    assert c.after == "legs together" and c.rule == "split.run_together"
    assert suggestions == []


def test_normalize_document_without_errors_is_unchanged(vocab, rules, text_document):
    text = "Lie on your back. Hold the knee to chest stretch for 30s, 3x10. Jo says breathe."
    ndoc = normalize.normalize_document(text_document(text), vocab=vocab, rules=rules)
    assert ndoc.text == text and ndoc.edits == [] and ndoc.suggestions == []


def test_normalize_clean_corpus_is_large_enough():
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in CLEAN_DIR.glob("*.txt"))
    assert words >= 3000


@pytest.mark.parametrize("path", sorted(CLEAN_DIR.glob("*.txt")), ids=lambda p: p.name)
def test_normalize_clean_corpus_gets_no_edits(path, text_document):
    text = path.read_text(encoding="utf-8")
    ndoc = normalize.normalize_document(text_document(text))
    assert [(e.before, e.after, e.rule) for e in ndoc.edits] == []


def test_normalize_doctests():
    results = [
        doctest.testmod(importlib.import_module(f"pipeline.normalize.{m.name}"), optionflags=doctest.ELLIPSIS)
        for m in pkgutil.iter_modules(normalize.__path__)
    ]
    assert sum(r.failed for r in results) == 0 and sum(r.attempted for r in results) > 10


# --------------------------------------------------------------------------- hostile input


@given(text=st.one_of(hostile_text, truncated(SAMPLE_ARTICLE)).filter(str.strip))
def test_normalize_hostile_text_edits_stay_consistent(text, vocab, rules, text_document, edited):
    doc = text_document(text)
    ndoc = normalize.normalize_document(doc, vocab=vocab, rules=rules)
    assert ndoc.text == edited(text, ndoc.edits)
    for e in [*ndoc.edits, *ndoc.suggestions]:
        assert text[e.start : e.end] == e.before
    applied, suggested = normalize.to_corrections(doc, ndoc)
    for c in [*applied, *suggested]:
        assert doc.raw_text[c.start : c.end] == c.before


def test_normalize_edits_unchanged_on_reference_corpora():
    """Every edit and suggestion on every reference document (raw/, dev, holdout, clean, the noise
    benchmark, ../shared/corpus/real when present) is what scripts/repair_edits.py recorded.

    A change meant only to be faster must pass as is; a change to what repair does re-records the
    file (make repair-edits) and the diff shows which documents it touched.
    """
    spec = importlib.util.spec_from_file_location("repair_edits", EDITS_SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    expected = json.loads(script.OUT.read_text(encoding="utf-8"))
    assert script.compare(expected, script.fingerprints()) == []
