"""Format views: Markdown, HTML, pasted transcripts and pipe tables become plain words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import alignment, markup


def view(function, text: str) -> str:
    return alignment.apply(text, function(text))[0]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("- [x] _Bird dog_ #core", "- Bird dog"),
        ("See [the video](https://v.example/a(b)) first", "See the video first"),
        ("Pick one from [[Row Progression]] or [[rows|Rows]]", "Pick one from Row Progression or Rows"),
        ("![a photo](p.jpg)Plank", "Plank"),
        ("**Reps:** 10 and `Hold:` 5 s", "Reps: 10 and Hold: 5 s"),
        ("> Quoted tip\n---\nNext", "Quoted tip\n\nNext"),
        ("https://youtu.be/abc\nGlute Bridge", "\nGlute Bridge"),
        # Not markup: an intraword underscore, arithmetic, a lone asterisk, a hash number.
        ("snake_case stays, 2*3*4 too, a * star and #1", "snake_case stays, 2*3*4 too, a * star and #1"),
    ],
)
def test_markup_markdown(text, expected):
    assert view(markup.markdown, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Speaker 1: 00:12 Lift the leg. Speaker 2: 01:02 Good.", "Lift the leg. Good."),
        ("[00:12] Lift the leg.", "Lift the leg."),
        ("0:00\nintro\n0:05\n(music)\n0:09\nlift\n", "intro\nlift\n"),
        # A label without a time is kept: it may be a field.
        ("Coach: lift the leg", "Coach: lift the leg"),
    ],
)
def test_markup_timestamps_and_speakers(text, expected):
    assert view(markup.timestamps, text) == expected


def test_markup_html_table_becomes_pipe_rows():
    page = (
        "<table><tr><th>Move</th><th>Sets</th></tr><tr><td>Row</td><td>3</td></tr>"
        "<tr><td>Dip</td><td>2</td></tr></table>"
    )
    text = view(markup.html_view, page)
    assert text == "| Move | Sets |\n| --- | --- |\n| Row | 3 |\n| Dip | 2 |\n\n"
    reps, rows = markup.tables(text)
    assert alignment.apply(text, reps)[0].split("\n")[2:4] == ["- Row. Sets: 3.", "- Dip. Sets: 2."]
    assert [text[s:e] for _, s, e in rows] == ["Row", "Dip"]


def test_markup_table_name_column_found_by_its_header():
    text = "| Reps | Exercise | Notes |\n|--|--|--|\n| 8 | Goblet squat | slow |\n| 60s | Rest | |\n"
    reps, rows = markup.tables(text)
    assert alignment.apply(text, reps)[0] == "\n\n- Reps: 8. Goblet squat. Notes: slow.\n- Reps: 60s. Rest.\n"
    assert [text[s:e] for _, s, e in rows] == ["Goblet squat", "Rest"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab[]()*_`#>!|-:\n 0:12<>/tdrh")), max_size=80))
def test_markup_views_are_valid_replacements(text):
    """Any text: the views give sorted, non-overlapping replacements inside the text."""
    for function in (markup.markdown, markup.timestamps, markup.html_view):
        alignment.apply(text, function(text))
    reps, rows = markup.tables(text)
    alignment.apply(text, reps)
    assert all(0 <= s <= e <= len(text) for _, s, e in rows)


def starts_of(text: str) -> list[int]:
    return [s for s, _ in markup.lines(text)]


@pytest.mark.parametrize(
    "text, captions, expected",
    [
        ("Jo: lie down\nSam: lift\nJo: hold it\nSam: good\n", False, "lie down\nlift\nhold it\ngood\n"),
        ("SARAH: hold it for 5 seconds\n", True, "hold it for 5 seconds\n"),
        (">> [Coach] now a bridge\n- >> okay\n", True, "now a bridge\nokay\n"),
        ("Speaker 2: lift\nSpeaker 2: lower\n", False, "lift\nlower\n"),
        # negative rows: handout fields, exercise names, a label used once in a text file, lower case
        ("Sets: 2\nSets: 3\nTip: breathe\nTip: relax\n", False, "Sets: 2\nSets: 3\nTip: breathe\nTip: relax\n"),
        ("Bridge: lift\nBridge: lower\n", False, "Bridge: lift\nBridge: lower\n"),
        ("SARAH: hold it\n", False, "SARAH: hold it\n"),
        ("Coach: lift\n", True, "Coach: lift\n"),
        ("note: lift\nnote: lower\n", True, "note: lift\nnote: lower\n"),
        ("Hold: 5 s\nHold: 10 s\n", False, "Hold: 5 s\nHold: 10 s\n"),
    ],
)
def test_markup_speaker_labels_are_kept_apart_from_speech(text, captions, expected):
    assert alignment.apply(text, markup.speakers(text, starts_of(text), captions=captions))[0] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Do 10 repe-\ntitions.", "Do 10 repetitions."),
        ("tighten your abdomi-\n  nals", "tighten your abdominals"),
        ("the knee-to-\nchest stretch", "the knee-to-chest stretch"),
        ("a soft stret\u00ad\nching", "a soft stretching"),
        # negative rows: a dash before a capital or a number, a hyphen inside a line, a list dash
        ("Dead-\nBug", "Dead-\nBug"),
        ("rest 30-\n60 seconds", "rest 30-\n60 seconds"),
        ("cat-cow and\nbridge", "cat-cow and\nbridge"),
        ("breathe\n- lift", "breathe\n- lift"),
    ],
)
def test_markup_hyphens_at_line_ends_are_undone(text, expected):
    assert view(markup.hyphens, text) == expected


@given(text=st.text(alphabet="ab-\u00ad\n ", max_size=60))
def test_markup_hyphens_never_change_anything_but_hyphens_and_breaks(text):
    out = view(markup.hyphens, text)
    assert out.replace("-", "").replace("\u00ad", "").replace("\n", "").replace(" ", "") == text.replace(
        "-", ""
    ).replace("\u00ad", "").replace("\n", "").replace(" ", "")


@given(text=st.text(max_size=200))
def test_markup_caption_views_raise_only_value_errors(text):
    for function in (markup.json3_view, markup.caption_xml_view):
        try:
            reps, starts = function(text)
        except ValueError:
            continue
        alignment.apply(text, reps)
        assert all(0 <= s <= len(text) for s in starts)
