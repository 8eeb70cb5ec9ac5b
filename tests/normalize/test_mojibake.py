"""Mis-decoded text repaired by ftfy, one edit per damaged word; typographic quotes stay."""

from __future__ import annotations

import pytest

from pipeline.normalize import mojibake


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        ("Donâ€™t lock your knees.", "Don’t lock your knees."),
        ("Meet at the cafÃ© after class.", "Meet at the café after class."),
        # negatives: typographic quotes are not edits
        (
            "Dr. Kay calls it “the turtle” and it’s common.",
            "Dr. Kay calls it “the turtle” and it’s common.",
        ),
        ("A plié — then relax.", "A plié — then relax."),
    ],
)
def test_mojibake_fix_mojibake(text_in, text_out, edited):
    assert edited(text_in, mojibake.fix_mojibake(text_in)) == text_out
