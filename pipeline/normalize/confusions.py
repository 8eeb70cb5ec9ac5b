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
from .vocabulary import plural, zipf

CONFUSION_SCORE = 0.9


@cache
def _nlp() -> spacy.language.Language:
    from ..ingest import MAX_BYTES

    nlp = spacy.blank("en")
    nlp.max_length = MAX_BYTES + 1  # every text ingest accepts; no parser here needs the limit
    return nlp


_MATCHERS: dict[tuple[int, ...], tuple[tuple[ConfusionRule, ...], dict[tuple[str, ...], Matcher]]] = {}
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


def anchors(rule: ConfusionRule) -> frozenset[str] | None:
    """The words one of which a text must contain for ``rule`` to match, or None if unknown.

    The anchor is the pattern token with literal words (``LOWER`` or ``LOWER IN``) whose words are
    rarest in English, so a document without any of them skips the rule.

    >>> sorted(anchors(next(r for r in resources.confusions() if r.id == "nut-not")))
    ['nut']
    """
    best: tuple[float, frozenset[str]] | None = None
    for token in expand(rule.pattern):
        lower = token.get("LOWER")
        if token.get("OP") in {"?", "*"} or lower is None:
            continue
        words = frozenset([lower] if isinstance(lower, str) else lower.get("IN", ()) if isinstance(lower, dict) else ())
        if not words:
            continue
        weight = sum(10 ** zipf(w) for w in words)
        if best is None or weight < best[0]:
            best = (weight, words)
    return best[1] if best else None


def _compile(rules: Sequence[ConfusionRule]) -> Matcher:
    matcher = Matcher(_nlp().vocab, validate=True)
    for rule in rules:
        try:
            matcher.add(rule.id, [expand(rule.pattern)])
        except ValueError as err:  # spaCy's pattern validation
            raise data_error(_RESOURCE, None, f"{rule.id}: invalid pattern: {err}") from None
    return matcher


def _matcher(rules: Sequence[ConfusionRule], words: frozenset[str]) -> Matcher | None:
    """A Matcher for the rules whose anchor words occur in ``words``; cached by that rule subset.

    spaCy's Matcher costs time per token and pattern, and most rules cannot match a given text.
    """
    key = tuple(id(r) for r in rules)
    if key not in _MATCHERS:
        _compile(rules)  # validates every pattern once, so a bad rule fails whatever the text
        _MATCHERS[key] = (tuple(rules), {})
    kept, by_subset = _MATCHERS[key]
    active = tuple(r for r in kept if (a := _anchor_of(r)) is None or a & words)
    if not active:
        return None
    ids = tuple(r.id for r in active)
    if ids not in by_subset:
        if len(by_subset) > 256:
            by_subset.clear()
        by_subset[ids] = _compile(active)
    return by_subset[ids]


_ANCHORS: dict[int, frozenset[str] | None] = {}


def _anchor_of(rule: ConfusionRule) -> frozenset[str] | None:
    if id(rule) not in _ANCHORS:
        _ANCHORS[id(rule)] = anchors(rule)
    return _ANCHORS[id(rule)]


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
    matcher = _matcher(rules, frozenset(t.lower_ for t in doc))
    if matcher is None:
        return []
    found: dict[int, list[ConfusionRule]] = {}
    for match_id, start, _end, align in matcher(doc, with_alignments=True):
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
