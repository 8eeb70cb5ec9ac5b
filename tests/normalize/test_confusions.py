"""Real-word confusions from the data table: every rule's examples, names left alone."""

from __future__ import annotations

import pytest

from pipeline import resources
from pipeline.models import ConfusionRule
from pipeline.normalize import confusions


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


@pytest.mark.parametrize("rule_id, anchor", [("nut-not", "nut"), ("right-side", "write"), ("these-are", "this")])
def test_confusions_anchor_is_the_rarest_literal_token(rule_id, anchor, rules):
    rule = next(r for r in rules if r.id == rule_id)
    assert anchor in confusions.anchors(rule)


def test_confusions_rules_skipped_without_their_anchor_still_match_with_it(rules):
    # the matcher is built per anchor subset: a text with one anchor gets that rule's edit
    assert [e.after for e in confusions.apply_confusions("Cross your write leg.", rules)] == ["right"]
    assert confusions.apply_confusions("Cross your right leg.", rules) == []


def test_confusions_term_class_expands_and_unknown_class_fails():
    from pipeline.errors import DataError

    assert "towel" in confusions.expand([{"LOWER": {"IN": "@equipment"}}])[0]["LOWER"]["IN"]
    with pytest.raises(DataError, match="unknown term class '@gadgets'"):
        confusions.expand([{"LOWER": {"IN": "@gadgets"}}])
