"""Real-word and grammar-level errors from the table ``pipeline/data/confusions.jsonl``.

Each rule is a spaCy Matcher token pattern with the index of the token it replaces, and examples
that must change and examples that must not (run by the tests). A pattern may name a class of
domain words instead of listing them: ``{"LOWER": {"IN": "@equipment"}}`` stands for every
single-word term of that kind in ``pipeline/data/domain_terms.json``, with plurals.

Most of a text cannot match any rule, and spaCy's Matcher costs time per token and pattern (and
a Python call per token for each ``IN`` list), so the Matcher runs only on short spans of the
text: around each occurrence of a rule's anchor (of its obligatory all-letter words, the one
rarest in this text), as far as a match of the rule can reach, and only where the rule's other
obligatory words occur too. A span is cut at whitespace, where spaCy's tokenizer cuts anyway, so
its tokens are exactly the document's; its rules run in table order, so its matches come in the
order a Matcher over the whole text gives them (the first rule to hit a token names the edit).
A test compares both on random text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate
from typing import NamedTuple

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
    from ..ingest import MAX_BYTES

    nlp = spacy.blank("en")
    nlp.max_length = MAX_BYTES + 1  # every text ingest accepts; no parser here needs the limit
    return nlp


_RESOURCE = "pipeline/data/confusions.jsonl"
#: Maximal runs of lower-case ASCII letters: where an anchor word is looked for.
_LETTERS = re.compile(r"[a-z]+")
#: A text as spaCy's tokenizer first splits it: non-space chunks and the whitespace between them.
_WHITESPACE = re.compile(r"(\s+)")


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


def _words(token: dict) -> frozenset[str] | None:
    """The lower-case words an obligatory pattern token must be one of; None when it names none."""
    if token.get("OP") in {"?", "*", "!"}:
        return None
    lower = token.get("LOWER")
    if isinstance(lower, str):
        return frozenset([lower.lower()])
    if isinstance(lower, dict) and lower.get("IN"):
        return frozenset(w.lower() for w in lower["IN"])
    return None


def _reach(pattern: list[dict], at: int) -> tuple[int, int] | None:
    """How many whitespace-separated chunks a match reaches before and after the chunk of its
    token ``at``: a pattern token stands for at most one non-space token (a space-only token for
    none); None when a match can be arbitrarily long.

    >>> _reach([{"LOWER": "."}, {"IS_SPACE": True, "OP": "*"}, {"LOWER": "than"}], 2)
    (1, 0)
    """
    widths = []
    for token in pattern:
        if token.get("IS_SPACE") is True:
            widths.append(0)  # whitespace sits between chunks
        elif token.get("OP") in {"*", "+"}:
            return None
        else:
            widths.append(1)
    return sum(widths[:at]), sum(widths[at + 1 :])


class _Anchor(NamedTuple):
    """An obligatory all-letter token of a rule: the letter runs that may hold it, and how many
    chunks a match reaches around it."""

    runs: frozenset[str]
    before: int
    after: int


@dataclass(frozen=True)
class _Plan:
    """Where one rule can match: around one of its anchors (none: anywhere), and only where every
    obligatory pattern token can find its word, a letter run of ``runs`` for a set of words of
    ASCII letters, else one of ``words`` as a substring."""

    anchors: tuple[_Anchor, ...]
    runs: tuple[frozenset[str], ...]
    words: tuple[frozenset[str], ...]

    def possible(self, low: str, runs: set[str]) -> bool:
        """Whether lower-case text ``low``, whose letter runs are ``runs``, has every required word."""
        return all(not r.isdisjoint(runs) for r in self.runs) and all(
            any(w in low for w in words) for words in self.words
        )


class _Table:
    """A confusion table compiled for matching: each rule's plan, and the matchers of rule subsets.

    A token of letters only is a whole letter run of the text, or a piece of a run that one of
    spaCy's tokenizer exceptions splits ("couldn't" gives "could", "cannot" gives "not"), so the
    runs that may hold a word are known in advance.
    """

    def __init__(self, rules: Sequence[ConfusionRule]) -> None:
        self.rules = tuple(rules)
        self.patterns = [expand(r.pattern) for r in self.rules]
        self.matcher(tuple(range(len(self.rules))))  # validates every pattern once, whatever the text
        pieces: dict[str, set[str]] = {}  # a word -> the runs an exception splits it out of
        for special in _nlp().tokenizer.rules:
            low = special.lower()
            for tok in _nlp().make_doc(special) if len(low) == len(special) else ():
                if not _LETTERS.fullmatch(tok.lower_):
                    continue
                for run in _LETTERS.finditer(low):
                    if run.start() <= tok.idx < run.end() and run.group() != tok.lower_:
                        pieces.setdefault(tok.lower_, set()).add(run.group())

        def holders(words: frozenset[str]) -> frozenset[str]:
            return frozenset(words.union(*(pieces.get(w, ()) for w in words)))

        self.plans: list[_Plan] = []
        for pattern in self.patterns:
            required = [(at, w) for at, token in enumerate(pattern) if (w := _words(token))]
            lettered = [(at, w) for at, w in required if all(_LETTERS.fullmatch(x) for x in w)]
            reaches = [(at, w, _reach(pattern, at)) for at, w in lettered]
            self.plans.append(
                _Plan(
                    anchors=tuple(_Anchor(holders(w), *reach) for _, w, reach in reaches if reach is not None),
                    runs=tuple(holders(w) for _, w in lettered),
                    words=tuple(w for at, w in required if (at, w) not in lettered),
                )
            )

    @lru_cache(maxsize=256)  # noqa: B019 - one table per rule set, kept for the process
    def matcher(self, ids: tuple[int, ...]) -> Matcher:
        """A Matcher of the rules ``ids``, added in table order (the order of its matches)."""
        matcher = Matcher(_nlp().vocab, validate=True)
        for i in ids:
            try:
                matcher.add(str(i), [self.patterns[i]])
            except ValueError as err:  # spaCy's pattern validation
                raise data_error(_RESOURCE, None, f"{self.rules[i].id}: invalid pattern: {err}") from None
        return matcher

    def spans(self, text: str) -> list[tuple[int, int, tuple[int, ...]]]:
        """Non-touching spans of ``text`` that hold every match, each with the rules to run there.

        Each rule that may match is looked for around its anchor that is rarest in this text.
        """
        low = text.lower()
        if len(low) != len(text):  # a character whose lower case is longer: offsets would shift
            return [(0, len(text), tuple(range(len(self.rules))))]
        counts = Counter(_LETTERS.findall(low))
        runs = set(counts)
        found: list[tuple[int, int, int]] = []
        around: dict[str, list[tuple[int, _Anchor]]] = {}  # a letter run -> (rule, anchor) it may anchor
        for i, plan in enumerate(self.plans):
            if not plan.possible(low, runs):
                continue
            if not plan.anchors:
                found.append((0, len(text), i))
                continue
            best = min(plan.anchors, key=lambda a: sum(map(counts.__getitem__, a.runs & runs)))
            for run in best.runs & runs:
                around.setdefault(run, []).append((i, best))
        if around:
            parts = _WHITESPACE.split(text)  # chunk, space, chunk, ..., chunk
            bounds = list(accumulate(map(len, parts), initial=0))
            chunk_starts = bounds[0::2]
            anchor = re.compile(r"(?<![a-z])(?:" + "|".join(sorted(around, key=len, reverse=True)) + r")(?![a-z])")
            for hit in anchor.finditer(low):
                k = bisect_right(chunk_starts, hit.start()) - 1
                for i, a in around[hit.group()]:
                    start, end = _chunk_span(parts, bounds, k - a.before, k + a.after)
                    region = low[start:end]
                    if self.plans[i].possible(region, set(_LETTERS.findall(region))):
                        found.append((start, end, i))
        merged: list[tuple[int, int, set[int]]] = []
        for start, end, i in sorted(found):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]), merged[-1][2] | {i})
            else:
                merged.append((start, end, {i}))
        return [(start, end, tuple(sorted(ids))) for start, end, ids in merged]


def _chunk_span(parts: list[str], bounds: list[int], first: int, last: int) -> tuple[int, int]:
    """Character span of chunks ``first`` to ``last``, with the whitespace tokens around them.

    spaCy gives a run of whitespace after a chunk as one token, less a first plain space (which
    is the chunk's trailing space), and a run at the very start of the text as one token.
    """
    first, last = max(0, first), min(len(parts) // 2, last)
    start = 0
    if first > 0:
        space = 2 * first - 1
        start = bounds[space] + (1 if parts[space][0] == " " and bounds[space] > 0 else 0)
    return start, bounds[min(2 * last + 2, len(parts))]


_TABLES: dict[tuple[int, ...], _Table] = {}


def _table(rules: tuple[ConfusionRule, ...]) -> _Table:
    """The compiled table of ``rules``, built once per rule set (rules are not hashable; the table
    keeps them, so their ids stay theirs)."""
    key = tuple(id(r) for r in rules)
    if key not in _TABLES:
        if len(_TABLES) >= 64:
            _TABLES.clear()
        _TABLES[key] = _Table(rules)
    return _TABLES[key]


def apply_confusions(text: str, rules: Sequence[ConfusionRule] | None = None) -> list[Edit]:
    """Replace real-word errors matched by the confusion table ("lie to your back").

    >>> text = "Lie to your back and you could of done it"
    >>> [(e.before, e.after, e.rule) for e in apply_confusions(text)]
    [('to', 'on', 'confusion.lie-to-your-back'), ('of', 'have', 'confusion.could-of')]
    """
    rules = resources.confusions() if rules is None else tuple(rules)
    if not rules:
        return []
    table = _table(rules)
    found: dict[int, tuple[str, list[ConfusionRule]]] = {}  # token offset -> (token, rules hitting it)
    for start, end, ids in table.spans(text):
        doc = _nlp().make_doc(text[start:end])
        for match_id, first, _end, align in table.matcher(ids)(doc, with_alignments=True):
            rule = table.rules[int(_nlp().vocab.strings[match_id])]
            if rule.target in align:
                tok = doc[first + align.index(rule.target)]
                found.setdefault(start + tok.idx, (tok.text, []))[1].append(rule)
    edits: list[Edit] = []
    for at, (word, hits) in sorted(found.items()):
        replacements = {r.replacement.lower() for r in hits}
        if len(replacements) != 1 or is_name(text, at, word):
            continue
        rule = hits[0]
        edits.append(
            make_edit(
                text,
                at,
                at + len(word),
                match_case(word, rule.replacement),
                f"confusion.{rule.id}",
                CONFUSION_SCORE,
                rule.reason,
            )
        )
    return edits
