"""Real-word errors from the confusion table ``pipeline/data/confusions.jsonl`` (spaCy Matcher)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import spacy
from spacy.matcher import Matcher

from .. import resources
from ..models import ConfusionRule, Edit
from .text import is_name, make_edit, match_case

CONFUSION_SCORE = 0.9


@cache
def _nlp() -> spacy.language.Language:
    return spacy.blank("en")


_MATCHERS: dict[tuple[int, ...], tuple[tuple[ConfusionRule, ...], Matcher]] = {}


def _matcher(rules: Sequence[ConfusionRule]) -> Matcher:
    """One Matcher per rule set, built once and cached."""
    key = tuple(id(r) for r in rules)
    if key not in _MATCHERS:
        matcher = Matcher(_nlp().vocab, validate=True)
        for rule in rules:
            matcher.add(rule.id, [rule.pattern])
        _MATCHERS[key] = (tuple(rules), matcher)
    return _MATCHERS[key][1]


def apply_confusions(text: str, rules: Sequence[ConfusionRule] | None = None) -> list[Edit]:
    """Replace real-word errors matched by the confusion table ("lie to your back").

    >>> text = "Lie to your back and you could of done it"
    >>> [(e.before, e.after, e.rule) for e in apply_confusions(text)]
    [('to', 'on', 'confusion.lie-to-your-back'), ('of', 'have', 'confusion.could-of')]
    """
    rules = resources.confusions() if rules is None else tuple(rules)
    if not rules:
        return []
    by_id = {r.id: r for r in rules}
    doc = _nlp().make_doc(text)
    nlp_vocab = _nlp().vocab
    found: dict[int, list[ConfusionRule]] = {}
    for match_id, start, _end, align in _matcher(rules)(doc, with_alignments=True):
        rule = by_id[nlp_vocab.strings[match_id]]
        for k, pattern_index in enumerate(align):
            if pattern_index == rule.target:
                found.setdefault(start + k, []).append(rule)
                break
    edits: list[Edit] = []
    for i, hits in sorted(found.items()):
        tok = doc[i]
        replacements = {r.replacement.lower() for r in hits}
        if len(replacements) != 1 or is_name(text, tok.idx, tok.text):
            continue
        rule = hits[0]
        edits.append(
            make_edit(
                text,
                tok.idx,
                tok.idx + len(tok.text),
                match_case(tok.text, rule.replacement),
                f"confusion.{rule.id}",
                CONFUSION_SCORE,
                rule.reason,
            )
        )
    return edits
