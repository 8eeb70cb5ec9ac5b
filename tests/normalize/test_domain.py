"""Misheard, misspelt and truncated domain terms, against the lexicon, headings and the document."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import normalize
from pipeline.models import Document, Section
from pipeline.normalize import Vocabulary, domain


def repair(doc: Document, vocab: Vocabulary, rules) -> str:
    return normalize.normalize_document(doc, vocab=vocab, rules=rules).text


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        # heading makes the misheard name a strong candidate
        (
            "Hamstring stretch\n\nLoop a towel around a foot.\nHold the harm stretch for 30s.",
            "Hamstring stretch\n\nLoop a towel around a foot.\nHold the hamstring stretch for 30s.",
        ),
        # split + lexicon phrase
        ("Pelvis tiltis a gentle move.", "Pelvic tilt is a gentle move."),
        # truncated name, with the full name in the document
        (
            "Knee to chest stretch\n\nHug the knee to stretch, then relax.",
            "Knee to chest stretch\n\nHug the knee to chest stretch, then relax.",
        ),
        (
            "Lie down.\nKnee to stretch\nHug one knee in.",
            "Lie down.\nKnee to chest stretch\nHug one knee in.",
        ),
        # truncated name in a noun-phrase slot, the missing word used in the document
        (
            "Hug a knee to your chest. Next is like the knee to stretch but with both legs.",
            "Hug a knee to your chest. Next is like the knee to chest stretch but with both legs.",
        ),
        # the heading above a heading: "How to do the ..." sits under "Hamstring stretch"
        (
            "Hamstring stretch\n\nHow to do the harm stretch:\n\nLie down with a strap.",
            "Hamstring stretch\n\nHow to do the hamstring stretch:\n\nLie down with a strap.",
        ),
        # sound-alike body part after a possessive
        ("Allow your spin to curve.", "Allow your spine to curve."),
        # misheard body part after a body verb, the body part named in the document
        (
            "Squeeze the glutes. Now release the gills and squeeze the glutes again.",
            "Squeeze the glutes. Now release the glutes and squeeze the glutes again.",
        ),
        # one mention in the document is enough when no spelling variant competes
        (
            "Tighten your glutes as you lift. Lower slowly and release the gills at the bottom.",
            "Tighten your glutes as you lift. Lower slowly and release the glutes at the bottom.",
        ),
        # non-word typos of domain terms
        ("Stretch the hamstirng gently.", "Stretch the hamstring gently."),
        ("Relax your sholders.", "Relax your shoulders."),
        # a body slot ("bend your _") holding a sound-alike of a body part the document names
        ("Keep your knees soft. Now bend your needs and hold.", "Keep your knees soft. Now bend your knees and hold."),
        (
            "Open the chest. Then press your palms toward your jest.",
            "Open the chest. Then press your palms toward your chest.",
        ),
        # a misspelling the web repeats, but no dictionary has
        ("Stop immediatly if it hurts.", "Stop immediately if it hurts."),
        # a title line: capitals are not names, a rare word one letter from a body part
        ("3. Static Gluts:\nTighten both buttocks.", "3. Static Glutes:\nTighten both buttocks."),
        (
            "Put a cushion under you. Move the cushon back.",
            "Put a cushion under you. Move the cushion back.",
        ),
    ],
)
def test_domain_repair_domain_terms(text_in, text_out, vocab, rules, text_document):
    assert repair(text_document(text_in), vocab, rules) == (text_out or text_in)


@pytest.mark.parametrize(
    "text",
    [
        "Squeeze your glutes and flow through a vinyasa.",
        "The psoas joins the spine to the thigh bone.",
        "Ask Jo, or Dr. Kay, before you start.",
        "Dr. Kaye and Mr. Sping run the class.",
        "Propping up your knees lets the muscles relax.",
        "Do 3x10 and hold 30s.",
        "Lie on your back for the knee to chest stretch.",
        "Bring both knees to chest and rock.",
        "Two hamstring stretches, then a pelvic tilt.",
        "Let your pelvis tilt forward as you breathe in.",
        "Gently pull the knee to stretch the hip.",
        "Take your rest between sets.",
        "Keep your weight in your heels and your breath slow.",
        "Hamstring stretch\n\nFollow it with an arm stretch and a calf stretch.",
        "Hamstring stretch\n\nIt is a hard stretch at first.",
        "Connect with your soul.",
        "Set your own pace; your next breath is longer.",
        "Spin class is not for today.",
        "Lie down and do the knees to chest stretch.",
        "Then sit in Balasana or Malasana.",
        "Criss cross the legs, then point your toes at an angle.",
        "Bend your knees. Adapt the plan to your needs.",
        "Bend your knees, then lift the top knee.",
        "Bend your knees; lift your spirits; hold your needs in mind; put your needs first.",
        "Bend your knees to target your needs.",
        "Ask Jo Kay\nRest the sural nerve and the ulnar side.",
        "Heel Slides\nSlide the heel up.",
        "Hold the stretch, then switch sides.",
    ],
)
def test_domain_domain_negatives(text, vocab, rules, text_document):
    assert repair(text_document(text), vocab, rules) == text


@pytest.mark.parametrize(
    "text",
    [
        "Spine twist stretch\n\nLie down and let both knees drop.",
        "Pull the knee to stretch the glute.",
    ],
)
def test_domain_no_suggestion_for_names_as_written(text, text_document):
    ndoc = normalize.normalize_document(text_document(text))
    assert ndoc.edits == [] and ndoc.suggestions == []


def test_domain_ambiguous_candidates_are_not_edited(vocab):
    # "thihgs": thighs or things, and the document names neither
    assert normalize.repair_domain_terms("Rest your hands on your thihgs.", vocab) == []


def test_domain_uses_sections_for_headings(vocab, rules, text_document):
    text = "Calf stretch\n\nHamstring stretch\n\nLie down. Hold the harm stretch."
    heading = Section(kind="heading", start=14, end=31, level=2)
    doc = text_document(text, sections=[Section(kind="heading", start=0, end=12, level=2), heading])
    ndoc = normalize.normalize_document(doc, vocab=vocab, rules=rules)
    assert ndoc.text.endswith("Hold the hamstring stretch.")
    # without the heading above it, the same sentence gets no edit
    doc = text_document(text, sections=[Section(kind="heading", start=0, end=12, level=2)])
    assert normalize.normalize_document(doc, vocab=vocab, rules=rules).text == text


def test_domain_weak_candidates_become_suggestions(vocab, rules, text_document):
    text = "Hug the knee to stretch, then relax."
    ndoc = normalize.normalize_document(text_document(text), vocab=vocab, rules=rules)
    assert ndoc.edits == [] and ndoc.text == text
    [suggestion] = ndoc.suggestions
    assert suggestion.after == " chest" and suggestion.score < normalize.APPLY_THRESHOLD


#: Words for the window test: the test lexicon's words, near misses of them, glue and other words.
_WINDOW_WORDS = st.sampled_from(
    "knee knees to chest stretch pelvic pelvis tilt hamstring harm glute bridge child's pose cat cow "
    "legs up the wall hip flexor psoas pigeon clamshell side plank seated twist calf calve thread "
    "needle double figure four with towel hold your a an and on of in spine spin shin ok".split()
)


@given(
    words=st.lists(st.tuples(_WINDOW_WORDS, st.sampled_from([" ", " ", "-", ", ", ".\n"])), max_size=14),
    heading=st.lists(_WINDOW_WORDS, max_size=5),
)
def test_domain_windows_hold_every_window_with_a_candidate(words, heading, vocab):
    """The window filter keeps every window a scan of all windows would find something in."""
    text = "".join(w + gap for w, gap in words)
    phrases = domain._heading_phrases(tuple(heading))
    ctx = domain._context(text, domain._index(vocab), domain.Headings([0], [phrases]))
    found = domain._windows(ctx)
    lows, segs = ctx.lows, ctx.segs
    for n in domain.KNOWN_LENGTHS:
        for s in range(len(lows) - n + 1):
            window = tuple(lows[s : s + n])
            if segs[s] != segs[s + n - 1]:
                continue
            if window in vocab.phrases:
                assert all(found.known[s : s + n])
            if n in domain.WINDOW_LENGTHS and window in ctx.index.trunc:
                assert (s, n) in found.truncated
            if n in domain.WINDOW_LENGTHS and ctx.index.candidates(window):
                assert (s, n) in found.near
            near_heading = any(
                all(p[j] == window[j] for j in range(n) if j != i)
                for p in phrases
                if len(p) == n
                for i in domain._changeable(window)
            )
            if n in domain.WINDOW_LENGTHS and near_heading:
                assert found.near.get((s, n)) is True
