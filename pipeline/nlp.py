"""The spaCy pipeline: the one place its components and their order are written."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from itertools import product

import spacy
from spacy.language import Language
from spacy.matcher import Matcher

from . import resources, tokenizer
from .errors import data_error

EXERCISE_KEY = "exercises"


def plural(word: str) -> str:
    """English plural of an exercise head noun.

    >>> [plural(w) for w in ["stretch", "tilt", "pose", "press", "fly", "dog"]]
    ['stretches', 'tilts', 'poses', 'presses', 'flies', 'dogs']
    """
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


PARTICLES = frozenset({"up", "down", "out", "over", "off", "in"})
"""Second halves of hyphenated names built on a verb ('push-up', 'step-down'): spaced and singular,
'push up' or 'sit up' is an instruction in prose, so only the hyphenated and the plural forms match."""


def alias_variants(alias: str, max_joins: int = 4) -> list[str]:
    """Spellings of one alias that writers use: words joined by spaces or hyphens, the last
    word plural, 'and' as '&', a typographic apostrophe.

    >>> alias_variants("cat and cow")[:4]
    ['cat and cow', 'cat & cow', 'cat and-cow', 'cat-and cow']
    >>> "child’s-poses" in alias_variants("child's pose")
    True
    >>> alias_variants("push-up")
    ['push-up', 'push ups', 'push-ups']
    """
    words: list[str] = []
    verb_joins: set[int] = set()  # joins that stay hyphens in the singular ('push-up')
    for part in alias.split():
        for k, piece in enumerate(part.split("-")):
            if k and piece in PARTICLES:
                verb_joins.add(len(words) - 1)
            words.append(piece)
    heads = [words[-1]]
    if words[-1].isalpha() and (len(words[-1]) > 2 or len(words) - 2 in verb_joins):
        heads.append(plural(words[-1]))
    out: list[str] = []
    for head in heads:
        body = [*words[:-1], head]
        joins = [
            ["-"] if i in verb_joins and head == words[-1] else [" ", "-"] if i < max_joins else [" "]
            for i in range(len(words) - 1)
        ]
        for seps in product(*joins):
            text = body[0] + "".join(sep + w for sep, w in zip(seps, body[1:], strict=True))
            out.append(text)
            if " and " in text:
                out.append(text.replace(" and ", " & "))
            if "'" in text:
                out.append(text.replace("'", "’"))
    return list(dict.fromkeys(out))


def exercise_patterns() -> list[dict]:
    """SpanRuler phrase patterns for every lexicon name and alias; the id is the exercise id."""
    owner = {
        variant: entry.id
        for entry in resources.exercises()
        for alias in sorted({entry.name.lower(), *entry.aliases})
        for variant in alias_variants(alias)
    }
    return [{"label": "EXERCISE", "pattern": text, "id": entry_id} for text, entry_id in owner.items()]


@cache
def build_nlp() -> Language:
    """Blank English with the dosage tokenizer, a sentencizer and the exercise span ruler."""
    nlp = spacy.blank("en")
    tokenizer.customize(nlp)
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe(
        "span_ruler",
        name="exercise_ruler",
        config={
            "spans_key": EXERCISE_KEY,
            "phrase_matcher_attr": "LOWER",
            "validate": True,
            "spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
        },
    )
    ruler.add_patterns(exercise_patterns())
    return nlp


def text_of(doc) -> str:
    """``doc.text``, built once per Doc: spaCy joins every token's text on each access, which a
    loop over a long document's sections would make quadratic."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


# --------------------------------------------------------------------------- anchored matching

# Share of English running text a LIKE_NUM token stands for, to compare with word frequencies.
NUMBER_SHARE = 0.02


@dataclass(frozen=True)
class Anchor:
    """The obligatory token a pattern is run around: a number, or one of a set of words."""

    words: frozenset[str] | None  # None: a number-like token
    before: int  # at most this many tokens of a match stand before the anchor
    after: int  # ... and after it


def _bounds(op: str) -> tuple[int | None, int | None]:
    """(least, most) repetitions of a token operator; most None = unbounded; (None, None) unknown.

    >>> [_bounds(o) for o in ["?", "*", "+", "{2}", "{0,3}", "{1,}", "!"]]
    [(0, 1), (0, None), (1, None), (2, 2), (0, 3), (1, None), (None, None)]
    """
    fixed = {"?": (0, 1), "*": (0, None), "+": (1, None)}
    if op in fixed:
        return fixed[op]
    if op.startswith("{") and op.endswith("}"):
        parts = op[1:-1].split(",")
        if len(parts) == 1 and parts[0].isdigit():
            return int(parts[0]), int(parts[0])
        if len(parts) == 2 and (parts[0] or "0").isdigit() and (not parts[1] or parts[1].isdigit()):
            return int(parts[0] or 0), int(parts[1]) if parts[1] else None
    return None, None


def _width(spec: dict) -> tuple[int, int] | None:
    """(least, most) tokens a token spec stands for; None for an unbounded repetition."""
    op = spec.get("OP")
    if op is None:
        return 1, 1
    if op == "!":
        return 1, 1
    low, high = _bounds(op)
    return None if low is None or high is None else (low, high)


def _anchor_words(spec: dict) -> frozenset[str] | None:
    for key in ("LOWER", "ORTH", "TEXT"):  # looked up by the lower-case form of a token
        value = spec.get(key)
        if isinstance(value, str):
            return frozenset({value.lower()})
        if isinstance(value, dict) and set(value) == {"IN"}:
            return frozenset(str(v).lower() for v in value["IN"])
    return None


def anchor(pattern: list[dict]) -> Anchor | None:
    """The rarest obligatory token of a pattern (a number, or words by their frequency in English)
    and how far a match reaches around it; None when no token can anchor it.

    >>> a = anchor([{"LOWER": {"IN": ["hold", "stay"]}}, {"LOWER": "for", "OP": "?"}, {"LIKE_NUM": True},
    ...             {"LOWER": {"IN": ["seconds", "s"]}}])
    >>> sorted(a.words), a.before, a.after
    (['hold', 'stay'], 0, 3)
    """
    from wordfreq import word_frequency

    widths = [_width(spec) for spec in pattern]
    if any(w is None for w in widths):
        return None
    best: tuple[float, int, frozenset[str] | None] | None = None
    for i, spec in enumerate(pattern):
        if widths[i] != (1, 1):
            continue
        if spec.get("LIKE_NUM") is True:
            cost, words = NUMBER_SHARE, None
        else:
            words = _anchor_words(spec)
            if words is None:
                continue
            cost = sum(word_frequency(w, "en") for w in words)
        if best is None or cost < best[0]:
            best = (cost, i, words)
    if best is None:
        return None
    _, i, words = best
    return Anchor(words, sum(w[1] for w in widths[:i]), sum(w[1] for w in widths[i + 1 :]))  # type: ignore[index]


class AnchoredMatcher:
    """A Matcher that runs each pattern only around its anchor (see ``anchor``).

    spaCy's Matcher tries every pattern at every token (about 75 ns a pattern a token here,
    whatever the pattern), so a grammar of a few hundred patterns costs more than the rest of the
    pipeline. Patterns are grouped by anchor; one pass over the tokens finds the anchors, and each
    group's Matcher runs on the windows where a match of it could lie. The matches are exactly the
    plain Matcher's (a test compares them), without repeats, sorted.
    """

    def __init__(self, vocab, entries, match_id, *, validate: bool = True) -> None:
        found = [(match_id(i, entry), entry.pattern, anchor(entry.pattern)) for i, entry in enumerate(entries)]
        grouped: dict[object, list[tuple[str, list[dict]]]] = defaultdict(list)
        reach: dict[object, tuple[int, int]] = {}
        for name, pattern, found_anchor in found:
            if found_anchor is None:
                key: object = "always"
            else:
                key = found_anchor.words
                before, after = reach.get(key, (0, 0))
                reach[key] = (max(before, found_anchor.before), max(after, found_anchor.after))
            grouped[key].append((name, pattern))
        self.groups: dict[object, tuple[Matcher, int, int]] = {}
        for key, patterns in grouped.items():
            matcher = Matcher(vocab, validate=validate)
            for name, pattern in patterns:
                matcher.add(name, [pattern])
            self.groups[key] = (matcher, *reach.get(key, (0, 0)))
        self.by_word: dict[str, list[frozenset[str]]] = defaultdict(list)
        for key in self.groups:
            if isinstance(key, frozenset):
                for word in key:
                    self.by_word[word].append(key)

    def __len__(self) -> int:
        """The number of match ids (rules), as ``len`` of a spaCy Matcher."""
        return sum(len(matcher) for matcher, _, _ in self.groups.values())

    def __call__(self, doclike) -> list[tuple[int, int, int]]:
        """(match id, start, end) of every match in a Doc or Span, offsets as spaCy gives them."""
        doc = doclike.doc if hasattr(doclike, "doc") and doclike.doc is not doclike else doclike
        lo = getattr(doclike, "start", 0)
        hi = lo + len(doclike)
        anchors: dict[object, list[int]] = defaultdict(list)
        for tok in doclike:
            if tok.like_num:
                anchors[None].append(tok.i)
            for key in self.by_word.get(tok.lower_, ()):
                anchors[key].append(tok.i)
        found: set[tuple[int, int, int]] = set()
        for key, (matcher, before, after) in self.groups.items():
            if key == "always":
                found.update((m, s + lo, e + lo) for m, s, e in matcher(doclike))
                continue
            for start, end in _windows(anchors.get(key, ()), before, after, lo, hi):
                found.update((m, s + start, e + start) for m, s, e in matcher(doc[start:end]))
        return sorted(((m, s - lo, e - lo) for m, s, e in found), key=lambda x: (x[1], x[2], x[0]))


def _windows(points, before: int, after: int, lo: int, hi: int):
    """Merged token windows [point - before, point + after + 1) inside [lo, hi)."""
    start = end = None
    for p in points:
        s, e = max(lo, p - before), min(hi, p + after + 1)
        if end is not None and s <= end:
            end = max(end, e)
            continue
        if end is not None:
            yield start, end
        start, end = s, e
    if end is not None:
        yield start, end


@cache
def pattern_matcher(name: str, key: str = "label") -> AnchoredMatcher:
    """A Matcher over ``patterns/<name>.jsonl`` on the pipeline's vocab.

    Each match id is the pattern's ``label``, its ``id``, or with ``key="rule"`` ``"<id>#<line>"``
    (unique per pattern, for counting distinct rules).
    """

    def match_id(i: int, entry) -> str:
        return {"label": entry.label, "id": entry.id, "rule": f"{entry.id}#{i}"}[key]

    return AnchoredMatcher(build_nlp().vocab, resources.patterns(name), match_id)


@cache
def cue_matcher() -> Matcher:
    """Matcher over description cues (``patterns/exercise_cues.jsonl``); match id '<exercise id>#n'."""
    known = resources.exercise_index()
    for i, entry in enumerate(resources.patterns("exercise_cues")):
        if entry.id not in known:
            raise data_error(
                "pipeline/patterns/exercise_cues.jsonl", None, f"pattern {i + 1}: unknown exercise id {entry.id!r}"
            )
    return pattern_matcher("exercise_cues", key="rule")
