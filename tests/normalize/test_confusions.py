"""Real-word confusions from the data table: every rule's examples, names left alone."""

from __future__ import annotations

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.matcher import Matcher

from pipeline import resources
from pipeline.models import ConfusionRule
from pipeline.normalize import confusions
from pipeline.normalize.text import is_name, match_case


def _confusion_examples():
    for rule in resources.confusions():
        for text_in, text_out in rule.examples:
            yield pytest.param(rule.id, text_in, text_out, id=f"{rule.id}:{text_in[:30]}")


@pytest.mark.parametrize("rule_id, text_in, text_out", list(_confusion_examples()))
def test_confusions_confusion_examples(rule_id, text_in, text_out, rules, edited):
    assert edited(text_in, confusions.apply_confusions(text_in, rules)) == text_out


def test_confusions_confusion_rules_well_formed(rules):
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert rule.examples, f"{rule.id} has no examples"
        assert any(a != b for a, b in rule.examples), f"{rule.id} has no repaired example"
        assert any(a == b for a, b in rule.examples), f"{rule.id} has no unchanged example"
        assert rule.reason


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        ("Lie to your back, Jo says.", "Lie on your back, Jo says."),
        ("It's nut only about flexibility.", "It's not only about flexibility."),
        ("Bend as for as you comfortably can.", "Bend as far as you comfortably can."),
        ("You will fell a stretch in the calf.", "You will feel a stretch in the calf."),
        ("We could of stopped earlier.", "We could have stopped earlier."),
        # negatives
        ("Lie on your back with knees bent.", "Lie on your back with knees bent."),
        ("Ask Jo to check your form.", "Ask Jo to check your form."),
        ("Knee to chest, then knees to chest.", "Knee to chest, then knees to chest."),
    ],
)
def test_confusions_apply_confusions(text_in, text_out, rules, edited):
    assert edited(text_in, confusions.apply_confusions(text_in, rules)) == text_out


def test_confusions_confusion_keeps_names(rules):
    rule = ConfusionRule(
        id="to-jo",
        pattern=[{"LOWER": "jo"}],
        target=0,
        replacement="to",
        reason="test",
        examples=[["x", "x"]],
    )
    assert confusions.apply_confusions("Ask Jo today.", [rule]) == []


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        # the anchor ("could") is a piece of a word that a tokenizer exception splits
        ("You couldn't of known.", "You couldn't have known."),
        ("We shouldn't of rushed.", "We shouldn't have rushed."),
        # a pattern reaching over whitespace tokens between chunks
        ("Hold it.\n\n  Than lower slowly.", "Hold it.\n\n  Then lower slowly."),
        # the rarest anchor in this text is the second word, not the first
        ("your your your your your going to love it", "your your your your you're going to love it"),
        # negatives
        ("We cannot of course skip it.", "We cannot of course skip it."),
        ("You should of, you know", "You should of, you know"),
    ],
)
def test_confusions_found_around_anchors(text_in, text_out, rules, edited):
    assert edited(text_in, confusions.apply_confusions(text_in, rules)) == text_out


def test_confusions_rules_skipped_without_their_anchor_still_match_with_it(rules):
    # a text with one anchor gets that rule's edit
    assert [e.after for e in confusions.apply_confusions("Cross your write leg.", rules)] == ["right"]
    assert confusions.apply_confusions("Cross your right leg.", rules) == []


@pytest.mark.parametrize(
    "pattern, text_in, hits",
    [
        # a word with a letter beyond ASCII is looked for as a substring, not as a letter run
        ([{"LOWER": "café"}, {"LOWER": "au"}], "Un café au lait", ["au"]),
        ([{"LOWER": "café"}, {"LOWER": "au"}], "Un cafe au lait", []),
        # a word with an apostrophe, and a token a tokenizer exception splits out of a word
        ([{"LOWER": "n't"}, {"LOWER": "of"}], "You couldn't of known", ["of"]),
    ],
)
def test_confusions_words_beyond_letter_runs_still_match(pattern, text_in, hits):
    rule = ConfusionRule(id="test", pattern=pattern, target=1, replacement="x", reason="test", examples=[["x", "x"]])
    assert [e.before for e in confusions.apply_confusions(text_in, [rule])] == hits


def _whole_text_edits(text: str, rules) -> list[tuple[int, int, str, str]]:
    """The edits as one plain Matcher over the whole text finds them: the reference the spans must
    reproduce (match order included, since the first rule hitting a token names the edit)."""
    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    for rule in rules:
        matcher.add(rule.id, [confusions.expand(rule.pattern)])
    by_id = {r.id: r for r in rules}
    doc = nlp.make_doc(text)
    found: dict[int, list] = {}
    for match_id, start, _end, align in matcher(doc, with_alignments=True):
        rule = by_id[nlp.vocab.strings[match_id]]
        if rule.target in align:
            found.setdefault(start + align.index(rule.target), []).append(rule)
    edits = []
    for i, hits in sorted(found.items()):
        tok = doc[i]
        if len({r.replacement.lower() for r in hits}) == 1 and not is_name(text, tok.idx, tok.text):
            edits.append((tok.idx, tok.idx + len(tok.text), match_case(tok.text, hits[0].replacement), hits[0].id))
    return edits


@st.composite
def _instance(draw) -> str:
    """Words that one rule's pattern may match, with random gaps and capitals: most match it."""
    rule = draw(st.sampled_from(resources.confusions()))
    words = []
    for token in confusions.expand(rule.pattern):
        if token.get("OP") in {"?", "*"} and draw(st.booleans()):
            continue
        lower = token.get("LOWER")
        if isinstance(lower, str):
            choices = [lower]
        elif isinstance(lower, dict) and "IN" in lower:
            choices = list(lower["IN"])
        else:  # a number, a negated set, a space
            choices = ["4", "the", "x", "\n", "."]
        word = draw(st.sampled_from(choices))
        words.append(word.capitalize() if draw(st.integers(0, 5)) == 0 else word)
        words.append(draw(_GAPS))
    return "".join(words)


#: Gaps and pieces that stress the spans: whitespace of every kind, tokenizer exceptions that split a
#: word ("couldn't", "cannot", "gonna"), punctuation, capitals, and characters whose lower case
#: changes length or is ASCII ("İ", the Kelvin sign).
_GAPS = st.sampled_from([" ", " ", " ", "", "\n", "  ", "\t", "\xa0", " \n", "\n ", "\n\n"])
_PIECES = st.one_of(
    _instance(),
    st.sampled_from("couldn't shouldn’t cannot gonna Lie You're It's 30 İ \u212aneE x . , ! ? ; ( )".split()),
)


@given(pieces=st.lists(st.tuples(_PIECES, _GAPS), max_size=12))
def test_confusions_spans_find_what_the_whole_text_matcher_finds(pieces, rules):
    text = "".join(piece + gap for piece, gap in pieces)
    got = [
        (e.start, e.end, e.after, e.rule.removeprefix("confusion.")) for e in confusions.apply_confusions(text, rules)
    ]
    assert got == _whole_text_edits(text, rules)


def test_confusions_term_class_expands_and_unknown_class_fails():
    from pipeline.errors import DataError

    assert "towel" in confusions.expand([{"LOWER": {"IN": "@equipment"}}])[0]["LOWER"]["IN"]
    with pytest.raises(DataError, match="unknown term class '@gadgets'"):
        confusions.expand([{"LOWER": {"IN": "@gadgets"}}])
