import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import alignment


@pytest.mark.parametrize(
    "source, reps, derived",
    [
        ("a  b", [(1, 3, " ")], "a b"),
        ("abc", [], "abc"),
        ("x<b>y</b>z", [(1, 4, ""), (5, 9, "")], "xyz"),
        ("a&amp;b", [(1, 6, "&")], "a&b"),
    ],
)
def test_alignment_apply(source, reps, derived):
    assert alignment.apply(source, reps)[0] == derived


@pytest.mark.parametrize(
    "source, reps, span, raw",
    [
        ("hello   world", [(5, 8, " ")], (6, 11), (8, 13)),  # after a replacement
        ("hello   world", [(5, 8, " ")], (0, 5), (0, 5)),  # before it
        ("hello   world", [(5, 8, " ")], (3, 8), (3, 10)),  # across it: covers all replaced
        ("x<b>y</b>z", [(1, 4, ""), (5, 9, "")], (1, 2), (4, 5)),  # deletions stay outside
        ("a&amp;b", [(1, 6, "&")], (1, 2), (1, 6)),  # inside: whole entity
    ],
)
def test_alignment_to_source(source, reps, span, raw):
    _, pieces = alignment.apply(source, reps)
    assert alignment.to_source(pieces, *span) == raw


def test_alignment_rejects_overlap():
    with pytest.raises(ValueError, match="overlapping"):
        alignment.apply("abcdef", [(0, 3, "x"), (2, 4, "y")])


def test_alignment_roundtrip_random():
    """Every derived span maps to a source span with the same non-space content."""
    rng = random.Random(7)
    source = "".join(rng.choice("ab  \n") for _ in range(400))
    reps = []
    pos = 0
    while pos < len(source) - 5:
        s = pos + rng.randrange(1, 6)
        e = s + rng.randrange(0, 4)
        reps.append((s, e, rng.choice(["", " ", "XY"])))
        pos = e + 1
    derived, pieces = alignment.apply(source, reps)
    for _ in range(500):
        a = rng.randrange(len(derived))
        b = a + rng.randrange(1, 20)
        rs, re_ = alignment.to_source(pieces, a, min(b, len(derived)))
        assert 0 <= rs <= re_ <= len(source)
        assert alignment.forward(pieces, rs) <= a


@pytest.mark.parametrize("offset, is_end, expected", [(0, False, 0), (4, False, 3), (3, False, 2), (3, True, 3)])
def test_alignment_forward(offset, is_end, expected):
    _, pieces = alignment.apply("ab  cd", [(2, 4, " ")])
    assert alignment.forward(pieces, offset, is_end=is_end) == expected


@st.composite
def derivation(draw, text: str) -> list[tuple[int, int, str]]:
    """Sorted, non-overlapping replacements on ``text``: deletions, insertions and rewrites."""
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=10)))
    out, pos = [], 0
    for s, e in zip(cuts[::2], cuts[1::2], strict=False):
        if s < pos:
            continue
        out.append((s, e, draw(st.text(alphabet="xy \n", max_size=3))))
        pos = max(e, s + 1)
    return out


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_alignment_chain_maps_every_stage_back_to_the_source(data):
    """Three derivations chained: the pieces rebuild the final text from the source exactly."""
    source = data.draw(st.text(alphabet="abc \n", max_size=24))
    middle, first = alignment.apply(source, data.draw(derivation(source)))
    second_text, second = alignment.apply(middle, data.draw(derivation(middle)))
    text, third = alignment.apply(second_text, data.draw(derivation(second_text)))
    pieces = alignment.chain(third, alignment.chain(second, first))
    rebuilt = alignment.apply(source, [(p.raw_start, p.raw_end, text[p.start : p.end]) for p in pieces])[0]
    assert rebuilt == text


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_alignment_bisection_equals_the_plain_scan(data):
    """forward, to_source and chain by bisection give what the first (quadratic) scan gave."""
    from oracles import alignment_quadratic as plain

    source = data.draw(st.text(alphabet="abc \n", max_size=24))
    middle, first = alignment.apply(source, data.draw(derivation(source)))
    text, second = alignment.apply(middle, data.draw(derivation(middle)))
    assert alignment.chain(second, first) == plain.chain(second, first)
    for pieces, length in ((first, len(source)), (second, len(middle))):
        for offset in range(length + 1):
            for is_end in (False, True):
                assert alignment.forward(pieces, offset, is_end=is_end) == plain.forward(pieces, offset, is_end=is_end)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            assert alignment.to_source(second, start, end) == plain.to_source(second, start, end)
