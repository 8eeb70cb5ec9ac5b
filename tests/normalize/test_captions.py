"""Caption clean-up: fillers, doubled words and repeated caption lines; speech is not an error."""

from __future__ import annotations

import pytest

from pipeline.normalize import captions


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        ("hold it for um 30 seconds", "hold it for 30 seconds"),
        ("hold it for, um, 30 seconds", "hold it for 30 seconds"),
        ("okay, uh, now lift the leg", "okay, now lift the leg"),
        ("Um, so we start on the floor.", "So we start on the floor."),
        ("Breathe in, um.", "Breathe in."),
        ("Keep it there, you know, for a few breaths.", "Keep it there, for a few breaths."),
        ("stay for you know 30 seconds", "stay for 30 seconds"),
        # negatives: "you know" that is not filler, units, words containing fillers
        ("Do you know why we hold it?", "Do you know why we hold it?"),
        ("As you know, the psoas is deep.", "As you know, the psoas is deep."),
        ("You know what to do next.", "You know what to do next."),
        ("Lift it 5 mm off the floor.", "Lift it 5 mm off the floor."),
        ("The drummer hums an umbrella tune.", "The drummer hums an umbrella tune."),
    ],
)
def test_captions_remove_fillers(text_in, text_out, edited):
    assert edited(text_in, captions.remove_fillers(text_in)) == text_out


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        ("bend the the knee", "bend the knee"),
        ("The the first move", "The first move"),
        ("lift your your arms", "lift your arms"),
        ("This is is the easy part.", "This is the easy part."),
        # negatives: English doublings, and speech: a content word doubled is emphasis
        ("What it is is a hinge at the hips.", None),
        ("If you had had surgery, wait.", None),
        ("I know that that feels odd.", None),
        ("I do do this one every day.", None),
        ("Bye bye, see you soon.", None),
        ("Count one, one, two.", None),
        ("We chant om om om together.", None),
        ("A trip to Walla Walla helps.", None),
        ("Bridge\n\nBridge your hips up.", None),
        ("Bridge\nBridge your hips up.", None),
        ("in and out, in and out", None),
        ("squeeze squeeze squeeze and hold", None),
        ("slowly slowly now", None),
        # typed text and workout logs: a repeated run is never a caption artefact
        ("slowly lower your leg slowly lower your leg and rest", None),
        ("push up to failure\npush up to failure\npush up to failure", None),
    ],
)
def test_captions_collapse_repeats(text_in, text_out, edited):
    assert edited(text_in, captions.collapse_repeats(text_in)) == (text_out or text_in)


@pytest.mark.parametrize(
    "text_in, breaks, text_out",
    [
        # rolling captions: the copy starts a new caption line
        ("now bring it back\nnow bring it back\nto the middle", [], "now bring it back\nto the middle"),
        ("lower your leg lower your leg and rest", [15], "lower your leg and rest"),
        # negatives: the speaker repeats a phrase within a line
        ("lower your leg lower your leg and rest", [], None),
        ("lower your leg lower your leg and rest", [30], None),
        ("one two three one two three", [14], None),
    ],
)
def test_captions_collapse_repeated_caption_lines(text_in, breaks, text_out, edited):
    assert edited(text_in, captions.collapse_repeats(text_in, line_breaks=breaks)) == (text_out or text_in)
