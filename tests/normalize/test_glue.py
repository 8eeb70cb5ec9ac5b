"""Tokens glued at punctuation, capitals and digits; URLs, abbreviations, units and codes stay."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize import default_vocabulary, glue


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        ("Start with10 slow reps.", "Start with 10 slow reps."),
        ("Do 10reps on each side.", "Do 10 reps on each side."),
        ("Repeat 5times a day.", "Repeat 5 times a day."),
        ("Hold for30 seconds, 2sets.", "Hold for 30 seconds, 2 sets."),
        ("Repeat 10-15times in a row.", "Repeat 10-15 times in a row."),
        ("REPS: 8SETS: 2HOLD: 5", "REPS: 8 SETS: 2 HOLD: 5"),
        ("2Hip Hinge\n- Stand tall.", "2 Hip Hinge\n- Stand tall."),
        # negatives: counts, units, ordinals, codes, model numbers
        ("Do 3x10, then 10x and x10.", None),
        ("Hold 30s, rest 60s, then 2nd set.", None),
        ("After COVID-19, arms in a T-shape.", None),
        ("Pain near L5 or T12, lift 5kg at 10am.", None),
        ("Play an mp3 and hold 1.5kg weights.", None),
        ("Take vitamin B12 with 4th meal.", None),
        ("A 3D scan, a 4K video at 10AM: fine.", None),
        ("7Up and 3M tape.", None),
    ],
)
def test_glue_split_digits(text_in, text_out, vocab, edited):
    assert edited(text_in, glue.split_digits(text_in, vocab)) == (text_out or text_in)


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        ("Bend your knees.Gently turn.", "Bend your knees. Gently turn."),
        ("until you feel a tightness.Return slowly", "until you feel a tightness. Return slowly"),
        ("do not lift the shoulder!Return", "do not lift the shoulder! Return"),
        ("Ready?Now lift.", "Ready? Now lift."),
        ("rounding the spine forward.the next one", "rounding the spine forward. the next one"),
        ("we start today.So lie down", "we start today. So lie down"),
        # negatives: abbreviations, decimals, domains, file names, names with dots
        ("Use a prop, e.g.a block, i.e.one block.", None),
        ("Made in the U.S.A. by Acme.", None),
        ("Hold 2.5kg for 1.5 minutes.", None),
        ("Visit physio.com or jo.co.uk for more.", None),
        ("Open notes.txt and plan.pdf today.", None),
        ("Built with Node.Js and ASP.Net.", None),
        ("Ask Dr.Kay, or Mr.Smith.", None),
        ("see www.physio.org/Stretches.Now", None),
        ("our shop.it store", None),
    ],
)
def test_glue_split_punctuation(text_in, text_out, vocab, edited):
    assert edited(text_in, glue.split_punctuation(text_in, vocab)) == (text_out or text_in)


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        ("and soI'm going to lift", "and so I'm going to lift"),
        ("see the imageBridge pose", "see the image Bridge pose"),
        # negatives: brands and identifiers
        ("Film it on an iPhone and post to YouTube.", None),
        ("Log it in myFitnessPal on macOS.", None),
        ("Call onClick() or use getName.value", None),
        ("Tag it #legDay or @coachJo.", None),
        ("The McKenzie method, the PowerPoint slides.", None),
    ],
)
def test_glue_split_camel(text_in, text_out, vocab, edited):
    assert edited(text_in, glue.split_camel(text_in, vocab)) == (text_out or text_in)


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        ("find me at stretchwithjo.com/blogand today", "find me at stretchwithjo.com/blog and today"),
        # negatives: real path words, no path, words that only end like a function word
        ("see stretchwithjo.com/brand or jo.com/island", None),
        ("see stretchwithjo.com and today", None),
    ],
)
def test_glue_split_url_tail(text_in, text_out, edited):
    assert edited(text_in, glue.split_url_tail(text_in)) == (text_out or text_in)


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        ("I don't mean arch it Literally, if you can", "I don't mean arch it. Literally, if you can"),
        ("and hold it Now, breathe", "and hold it. Now, breathe"),
        # negatives: names, title case, a lower-case adverb
        ("Thanks to Jo Now, the class", None),
        ("Stretch Now, Feel Better", None),
        ("hold it now, breathe", None),
        ("said Jo Literally, yes", None),
    ],
)
def test_glue_break_sentences(text_in, text_out, edited):
    assert edited(text_in, glue.break_sentences(text_in)) == (text_out or text_in)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="abcdefgIhijkLMNOPqrs 0123456789.!?:-/@'’\n", max_size=80))
def test_glue_edits_only_insert_spaces_or_full_stops(text):
    for e in glue.split_glued(text, default_vocabulary()):
        assert text[e.start : e.end] == e.before
        assert e.after.replace(" ", "").replace(".", "") == e.before.replace(".", "")
