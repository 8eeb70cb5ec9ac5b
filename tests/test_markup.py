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
