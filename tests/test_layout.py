"""The layout reader: line classes, joins where a sentence continues, sections."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import alignment, layout


def kinds(text: str) -> list[tuple[str, str]]:
    """(kind, stripped line) for every non-blank line."""
    return [(ln.kind, text[ln.start : ln.end]) for ln in layout.read(text) if ln.kind != "blank"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # Markdown headings, numbered, lettered, glued and labelled items, bullets.
        ("## Bridge\n", [("heading", "## Bridge")]),
        ("1. Knee hugs\n2a) Lumbar extension\n", [("item", "1. Knee hugs"), ("item", "2a) Lumbar extension")]),
        ("A. Stand tall.\nB. Reach up.\n", [("item", "A. Stand tall."), ("item", "B. Reach up.")]),
        ("3Calf Stretch\n", [("item", "3Calf Stretch")]),
        ("Exercise 2 - Side bends\n", [("item", "Exercise 2 - Side bends")]),
        ("• Keep your chin tucked.\n", [("item", "• Keep your chin tucked.")]),
        # Fields by their label, with '=' too; a known label on a bullet is still a field.
        (
            "Sets: 3\nTarget Reps = 8\n- Hold: 10 s\n",
            [("field", "Sets: 3"), ("field", "Target Reps = 8"), ("field", "- Hold: 10 s")],
        ),
        # A short line standing alone reads as a title; a sentence does not.
        (
            "Wall Slides\n\nStand with your back to a wall.\n",
            [("heading", "Wall Slides"), ("prose", "Stand with your back to a wall.")],
        ),
        ("Lie on your back.\n\nBreathe out.\n", [("prose", "Lie on your back."), ("prose", "Breathe out.")]),
        # A line whose sentence goes on in lower case is no title.
        (
            "So now we are\n\ngoing to bend the knee\n",
            [("prose", "So now we are"), ("prose", "going to bend the knee")],
        ),
        # A dosage or schedule line, a figure label: no title.
        (
            "Calf Raises\n\nTwice daily\n\nFig. 3\n",
            [("heading", "Calf Raises"), ("prose", "Twice daily"), ("prose", "Fig. 3")],
        ),
        # Times and web addresses are no labels.
        (
            "At 10:30 we start.\nhttps://example.org/x\n",
            [("prose", "At 10:30 we start."), ("prose", "https://example.org/x")],
        ),
    ],
)
def test_layout_reads_each_line(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text, role",
    [
        ("Reps: 12", "reps"),
        ("Repetition: do it 10 times", "reps"),
        ("Progression: add a band", "progression"),
        ("Rest: 60 s between sets", "rest"),
        ("Starting position: on your back", "info"),
        ("Duration / Frequency: twice a week", "frequency"),
    ],
)
def test_layout_field_roles(text, role):
    (line,) = [ln for ln in layout.read(text) if ln.kind != "blank"]
    assert (line.kind, line.role) == ("field", role)


@pytest.mark.parametrize(
    "text, title, name",
    [
        ("- Squats: 3 sets of 12", True, "Squats"),
        ("- Glute bridge 3x12", True, "Glute bridge"),
        ("- Bird dog — 10 each side", True, "Bird dog"),
        ("- Happy baby 60s", True, "Happy baby"),
        ("- Warrior 2", True, "Warrior 2"),
        ("- Lie down on your back.", False, "Lie down on your back."),
        ("- Alternate between the two 5 times.", False, "Alternate between the two"),
    ],
)
def test_layout_item_names(text, title, name):
    (line,) = [ln for ln in layout.read(text) if ln.kind != "blank"]
    assert (line.title, text[line.body : line.name_end]) == (title, name)


@pytest.mark.parametrize(
    "text, joined",
    [
        # Caption lines wrapped mid-sentence, with or without blank lines between them.
        (
            "we are going to lie\non your back and\nlift one knee\n",
            "we are going to lie on your back and lift one knee\n",
        ),
        ("so today we\n\nare going to stretch\n", "so today we are going to stretch\n"),
        # A long wrapped line goes on even into a capital ('I').
        ("and after that I am going to push this leg out and\nI hold it there.\n", None),
        # Sentences, titles, items and fields keep their breaks.
        ("Lift your hips.\nHold it.\n", "Lift your hips.\nHold it.\n"),
        ("Bridge\nLie on your back.\n", "Bridge\nLie on your back.\n"),
        ("Target Reps = 5\npresented by the clinic\n", "Target Reps = 5\npresented by the clinic\n"),
        ("- Step one\n- Step two\n", "- Step one\n- Step two\n"),
    ],
)
def test_layout_joins_only_where_a_sentence_continues(text, joined):
    out = alignment.apply(text, layout.joins(text, layout.read(text)))[0]
    assert out == (joined or text.replace(" and\nI", " and I"))


def test_layout_label_headings_and_repeats_do_not_lead():
    text = "Bridge\n\nSetup\n\nLie down.\n\nTips\n\nGo slow.\n\nSquat\n\nSetup\n\nStand.\n"
    heads = [(text[ln.start : ln.end], ln.role) for ln in layout.read(text) if ln.kind == "heading"]
    assert heads == [("Bridge", None), ("Setup", "label"), ("Tips", "label"), ("Squat", None), ("Setup", "label")]


def test_layout_sections_attach_continuation_lines_to_their_item():
    text = "1. Charge the device for a minimum of eight hours before\n(the first use). Then wait.\n\nDone.\n"
    read = layout.read(text)
    joined, pieces = alignment.apply(text, layout.joins(text, read))
    secs = layout.sections(joined, read, pieces)
    assert [(s.kind, joined[s.start : s.end]) for s in secs] == [
        ("item", "1. Charge the device for a minimum of eight hours before (the first use). Then wait."),
        ("paragraph", "Done."),
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab A1.:-•#|=\n\t ()x'\"")), max_size=120))
def test_layout_reads_any_text(text):
    """Every line is classed, joins only replace line breaks, sections stay inside the text."""
    read = layout.read(text)
    assert all(0 <= ln.start <= ln.end <= len(text) for ln in read)
    joins = layout.joins(text, read)
    assert all(not text[s:e].strip() and "\n" in text[s:e] for s, e, _ in joins)
    joined, pieces = alignment.apply(text, joins)
    for sec in layout.sections(joined, read, pieces):
        assert 0 <= sec.start <= sec.end <= len(joined)
