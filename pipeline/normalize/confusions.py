"""Real-word and grammar-level errors from the table ``pipeline/data/confusions.jsonl``.

Each rule is a spaCy Matcher token pattern with the index of the token it replaces, and examples
that must change and examples that must not (run by the tests). A pattern may name a class of
domain words instead of listing them: ``{"LOWER": {"IN": "@equipment"}}`` stands for every
single-word term of that kind in ``pipeline/data/domain_terms.json``, with plurals.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import spacy
from spacy.matcher import Matcher

from .. import resources
from ..errors import data_error
from ..models import ConfusionRule, Edit
from .text import is_name, make_edit, match_case
from .vocabulary import plural

CONFUSION_SCORE = 0.9


@cache
def _nlp() -> spacy.language.Language:
    return spacy.blank("en")


_MATCHERS: dict[tuple[int, ...], tuple[tuple[ConfusionRule, ...], Matcher]] = {}
_RESOURCE = "pipeline/data/confusions.jsonl"


@cache
def term_class(kind: str) -> tuple[str, ...]:
    """Single-word domain terms of one kind, with plurals, sorted.

    >>> "towels" in term_class("equipment"), "lower back" in term_class("body_parts")
    (True, False)
    """
    terms = resources.domain_terms()
    if kind not in terms:
        raise data_error(_RESOURCE, None, f"unknown term class '@{kind}'", f"Use one of: {', '.join(sorted(terms))}")
    words = {w for w in terms[kind] if " " not in w}
    return tuple(sorted(words | {plural(w) for w in words if not w.endswith("s")}))


def expand(pattern: list[dict]) -> list[dict]:
    """The pattern with every ``"@kind"`` set replaced by the words of that term class.

    >>> expand([{"LOWER": {"IN": "@equipment"}}])[0]["LOWER"]["IN"][:3]
    ['ball', 'balls', 'band']
    """
    out = []
    for token in pattern:
        token = dict(token)
        for attr, value in token.items():
            if isinstance(value, dict):
                token[attr] = {
                    op: list(term_class(arg[1:])) if isinstance(arg, str) and arg.startswith("@") else arg
                    for op, arg in value.items()
                }
        out.append(token)
    return out


def _matcher(rules: Sequence[ConfusionRule]) -> Matcher:
    """One Matcher per rule set, built once and cached; patterns are validated by spaCy."""
    key = tuple(id(r) for r in rules)
    if key not in _MATCHERS:
        matcher = Matcher(_nlp().vocab, validate=True)
        for rule in rules:
            try:
                matcher.add(rule.id, [expand(rule.pattern)])
            except ValueError as err:  # spaCy's pattern validation
                raise data_error(_RESOURCE, None, f"{rule.id}: invalid pattern: {err}") from None
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
