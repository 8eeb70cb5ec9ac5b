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
        ("slowly lower your leg slowly lower your leg and rest", "slowly lower your leg and rest"),
        ("now bring it back\nnow bring it back\nto the middle", "now bring it back\nto the middle"),
        # negatives
        ("If you had had surgery, wait.", "If you had had surgery, wait."),
        ("I know that that feels odd.", "I know that that feels odd."),
        ("Bye bye, see you soon.", "Bye bye, see you soon."),
        ("Count one, one, two.", "Count one, one, two."),
        ("We chant om om om together.", "We chant om om om together."),
        ("A trip to Walla Walla helps.", "A trip to Walla Walla helps."),
        ("Bridge\n\nBridge your hips up.", "Bridge\n\nBridge your hips up."),
        ("in and out, in and out", "in and out, in and out"),
    ],
)
def test_captions_collapse_repeats(text_in, text_out, edited):
    assert edited(text_in, captions.collapse_repeats(text_in)) == text_out
