"""The dosage grammar: hold times, repetitions, sets, side and frequency found in a spaCy Doc.

The rules are data (``pipeline/patterns/dosage.jsonl``, spaCy Matcher token patterns). Three kinds
of label live there:

- positive labels say where a value is stated: HOLD, REPS, SETS, SIDE, FREQUENCY, and
  BOTH_SIDES_TOGETHER, an explicit "not per side" ("don't alternate", "both knees together");
- negative labels mark numbers that are no dosage (TEMPO, REST, COUNTDOWN, AGE, PERCENT, ORDINAL,
  NOT_DURATION, ROUTINE, MULTIPLIER, CONTEXT); a positive match that overlaps one is dropped, which
  also lets a negative pattern act as a look-ahead ("the other side" but not "the other side of
  the room");
- GENERIC marks a sentence that gives guidance for every exercise ("hold each stretch ...").

Two token attributes, computed here, let the patterns look past a token without taking more into
the match: ``token._.dosage_item_label`` marks a ":" or dash after a short name that starts a line
or list item ("Down dog - 45s", "- Pigeon: 1 min"), and ``token._.dosage_phrase_end`` a token after
which the phrase ends (end of text or line, punctuation, "and", "then", "each side", ...).

The patterns only say *where*; the values are read from the matched tokens by the pure functions
below, by role: a number before a time unit is a hold, before "reps"/"times" a repetition count,
before "sets"/"rounds" a set count, and around an "x" the sets and the reps ("3 x 10"). A match
whose numbers cannot all be given a role, or whose values are implausible, is dropped: a missed
value is better than a wrong one.

Conventions: ranges are inclusive; "up to N" and "at least N" are recorded as {N, N} (the stated
number, since neither bound is given); "a couple of", "a few" and "several" give no value; "a
minute" is 60 only inside a hold phrase (the patterns only read it there); a bare "m" is a minute
only when written straight after the number ("5m"); a breath count ("5 deep breaths") is no hold;
"once", "twice" and "thrice" are repetitions (1, 2, 3) unless a period follows ("twice a day"); the
same duration stated for both sides ("30s left, 30s right") is one hold.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from spacy.errors import MatchPatternError
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab
from text_to_num import text2num

from . import resources
from .errors import data_error
from .models import Dosage, FieldName, Frequency, Range

PATTERNS = "dosage"
RESOURCE = "pipeline/patterns/dosage.jsonl"

FIELDS: dict[str, FieldName] = {
    "HOLD": "hold_seconds",
    "REPS": "reps",
    "SETS": "sets",
    "SIDE": "per_side",
    "BOTH_SIDES_TOGETHER": "per_side",
    "FREQUENCY": "frequency",
}
NEGATIVE = frozenset(
    {
        "TEMPO",
        "REST",
        "COUNTDOWN",
        "AGE",
        "PERCENT",
        "ORDINAL",
        "NOT_DURATION",
        "ROUTINE",
        "MULTIPLIER",
        "CONTEXT",
    }
)
GENERIC = "GENERIC"
# A progression stated in the same sentence as a starting dose: "start with 6, progressing to
# twelve" reads as the range 6-12 (the starting value alone would also be defensible).
PROGRESS = "PROGRESS"
LABELS = frozenset(FIELDS) | NEGATIVE | {GENERIC, PROGRESS}

# Plausible values; a match outside them is dropped (a hold of 3 hours is a recipe or a film).
LIMITS: dict[str, tuple[int, int]] = {"hold_seconds": (1, 1800), "reps": (1, 200), "sets": (1, 20)}
TIMES_LIMIT = (1, 30)
_FIELD_ORDER = {name: i for i, name in enumerate(("hold_seconds", "reps", "sets", "per_side", "frequency"))}

SECONDS_PER_UNIT = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    '"': 1, "″": 1, "”": 1, "'": 60, "′": 60, "’": 60,
}  # fmt: skip
# Units that count only written straight after the number: "5m", '30"' (seconds), "1'" (minutes).
GLUED_UNITS = frozenset({"m", '"', "″", "”", "'", "′", "’"})
REP_WORDS = frozenset({"rep", "reps", "repetition", "repetitions", "times", "time"})
SET_WORDS = frozenset({"set", "sets", "round", "rounds", "circuit", "circuits"})
TIMES_SIGNS = frozenset({"x", "×"})
CONNECTORS = frozenset({"-", "–", "—", "to", "or"})
ONCE_WORDS = {"once": 1, "twice": 2, "thrice": 3}
PERIOD_WORDS = {
    "day": "day", "days": "day", "daily": "day", "nightly": "day", "everyday": "day",
    "morning": "day", "evening": "day", "night": "day",
    "week": "week", "weeks": "week", "weekly": "week",
    "month": "month", "months": "month", "monthly": "month",
}  # fmt: skip
_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")
# After these words "one" is a pronoun, not a count: "each one", "the other one".
_ONE_AS_PRONOUN = frozenset({"each", "every", "this", "that", "the", "which", "other", "another", "any", "no"})
# Before these words "one" picks a limb, not a count: "pull one knee to your chest".
_ONE_LIMB = frozenset({"knee", "leg", "arm", "foot", "hand", "side", "hip", "shoulder", "elbow", "heel", "ankle"})

# ``token._.dosage_item_label``: a separator after a short name that starts a line or list item.
ITEM_SEPARATORS = frozenset({":", "):", "-", "–", "—"})
LIST_MARKERS = frozenset({"-", "–", "—", "*", "+", "•", "·", "▪", "◦", "‣", "○", "●", "►", "→", ">"})
NAME_MARKS = frozenset({"(", ")", "'s", "’s", "'", "’", "/", "&", "*", "**", "_", "__"})
MAX_NAME_WORDS = 6
# A name does not start with these, nor hold a pronoun or auxiliary: "and now - 30 seconds",
# "you get: 10 minutes" are speech, not list items.
_NOT_NAME_START = frozenset(
    {"and", "but", "or", "so", "then", "now", "okay", "ok", "um", "uh", "well", "just", "only",
     "about", "for", "in", "on", "at", "after", "before", "with", "to", "here", "there", "when",
     "while", "if", "because", "what", "which", "who", "like", "yeah", "yes", "no", "not", "wait",
     "let's", "lets", "maybe", "also", "again"}
)  # fmt: skip
_NOT_NAME_WORDS = frozenset(
    {"i", "you", "we", "he", "she", "they", "it", "is", "was", "are", "were", "will", "be", "have",
     "has", "had", "do", "does", "did", "can", "should", "must", "'m", "'re", "'ll", "'ve", "n't"}
)  # fmt: skip
# ``token._.dosage_phrase_end``: words that may follow a finished dosage phrase ("ten of these,
# then rest", "twice per side", "45s x3"), and the side words after "on each", "a", "the other".
PHRASE_FOLLOWERS = frozenset(
    {"and", "then", "before", "after", "each", "per", "every", "either", "x", "×", "hold",
     "holding", "left", "right", "&", "plus"}
)  # fmt: skip
_SIDE_NOUNS = frozenset({"side", "sides", "leg", "legs", "arm", "arms", "knee", "foot", "hip", "direction", "way"})
_SIDE_LEADS = frozenset({"on", "to", "for", "in", "with"})
_SIDE_QUANTIFIERS = frozenset({"each", "every", "either", "both"})
_PLACE_NOUNS = frozenset({"top", "bottom", "end"})


# Words after a bare number that leave it a value ('10 of these', '5 on each side', '3 each').
_COUNTED_AFTER = frozenset({"of", "on", "per", "each", "a", "for", "with", "to", "or", "and", "in", "ea", "every"})


class Tok(NamedTuple):
    """A token as the value functions see it: lower-case text, and no space before it."""

    text: str
    glued: bool


@dataclass(frozen=True)
class Amount:
    """A number or range read from tokens ``start:end``, with the unit that followed it.

    ``unit`` is "s" for a duration (values already in seconds), "rep", "set", or None.
    """

    lo: float
    hi: float
    unit: str | None
    start: int
    end: int


# --------------------------------------------------------------------------- token attributes


def _lower(doc: Doc, i: int) -> str:
    return doc[i].lower_ if 0 <= i < len(doc) else ""


def _is_line_break(tok: Token) -> bool:
    return tok.is_space and "\n" in tok.text


def item_label(tok: Token) -> bool:
    """A ":" or dash that ends a short name at the start of a line or list item.

    The name is one to ``MAX_NAME_WORDS`` words (with parentheses, apostrophes, glued hyphens and
    Markdown emphasis); before it only a list marker ("-", "•", "1.", "a)") may stand on the line.
    A Markdown heading ("# Core Circuit - 12 Minutes") names a routine, not an exercise.

    >>> from pipeline.tokenizer import build_tokenizer_nlp
    >>> doc = build_tokenizer_nlp()("Hi\\n- Savasana (corpse pose): 5 min\\n# Core Circuit - 9 min")
    >>> [t.i for t in doc if item_label(t)]
    [7]
    """
    doc = tok.doc
    if tok.text not in ITEM_SEPARATORS:
        return False
    if tok.text == "-" and tok.i > 0 and not doc[tok.i - 1].whitespace_ and not tok.whitespace_:
        return False  # a hyphen inside a word: "cat-cow"
    words, i, first = 0, tok.i - 1, ""
    while i >= 0:
        t = doc[i]
        if t.lower_ in _NOT_NAME_WORDS:
            return False
        glued_hyphen = t.text == "-" and i > 0 and not doc[i - 1].whitespace_ and not t.whitespace_
        if t.is_alpha and not t.like_num or t.lower_ in {"'s", "’s"}:
            words += 1
            first = t.lower_
        elif t.text in NAME_MARKS or glued_hyphen or (t.is_space and not _is_line_break(t)):
            pass
        else:
            break
        i -= 1
    if not 1 <= words <= MAX_NAME_WORDS or first in _NOT_NAME_START:
        return False
    # Before the name: a list marker ("-", "•", "1.", "a)") or nothing, then the line start.
    while i >= 0 and not _is_line_break(doc[i]):
        t = doc[i]
        numbered = (
            t.text in {".", ")"}
            and i > 0
            and (doc[i - 1].like_num or len(doc[i - 1].text) == 1 and doc[i - 1].is_alpha)
        )
        if numbered:
            i -= 2
        elif t.text in LIST_MARKERS or t.is_space:
            i -= 1
        else:
            return False
    return True


def phrase_end(tok: Token) -> bool:
    """The dosage phrase can end after ``tok``: nothing, a line break or punctuation follows, or
    a word that starts the next part ("and", "then", "per side", "on each leg", "x3").

    >>> from pipeline.tokenizer import build_tokenizer_nlp
    >>> doc = build_tokenizer_nlp()("ten of these then 30s per side with 20 apples here")
    >>> [t.text for t in doc if t.is_alpha and phrase_end(t)]
    ['these', 's', 'here']
    """
    doc, i = tok.doc, tok.i + 1
    if i >= len(doc):
        return True
    nxt = doc[i]
    if nxt.is_space or nxt.is_punct:
        return True
    word, second, third = nxt.lower_, _lower(doc, i + 1), _lower(doc, i + 2)
    if word in PHRASE_FOLLOWERS or nxt.is_alpha and second in {":", "="}:
        return True  # ...or the next field's label: "HOLD: 2 DAILY: 1"
    if word in {"to", "or"} and (  # a range goes on: "Pigeon: 30 seconds to a minute"
        second in {"a", "an", "half"} or (i + 1 < len(doc) and doc[i + 1].like_num)
    ):
        return True
    if word in _SIDE_LEADS and second in _SIDE_QUANTIFIERS:
        return True
    if word in _SIDE_LEADS and second in {"the", "your"}:
        return third in {"other", "opposite", "left", "right"}
    if word == "a":
        return second in _SIDE_NOUNS
    if word == "at":
        return second == "the" and third in _PLACE_NOUNS
    return False


def _register_token_attributes() -> None:
    """``token._.dosage_item_label`` and ``token._.dosage_phrase_end``, read by the patterns."""
    for name, getter in (("dosage_item_label", item_label), ("dosage_phrase_end", phrase_end)):
        if not Token.has_extension(name):
            Token.set_extension(name, getter=getter)


_register_token_attributes()

# The two computed attributes are stored once per doc in attributes spaCy compares in C (the blank
# pipeline has no tagger, and nothing reads a separator's norm): a pattern's
# ``{"_": {"dosage_phrase_end": true}}`` is compiled to ``{"TAG": PHRASE_END}``; the last token
# of a doc always ends a phrase, so a doc with tokens always has TAG annotation. A ``_`` predicate
# would call its getter for every token of every span the matcher is run on.
PHRASE_END = "DOSAGE_PHRASE_END"
ITEM_LABEL = "DOSAGE_ITEM_LABEL"
_COMPILED_ATTRS = {"dosage_phrase_end": ("TAG", PHRASE_END), "dosage_item_label": ("NORM", ITEM_LABEL)}


def mark(doc: Doc) -> None:
    """Store ``phrase_end`` and ``item_label`` of every token of ``doc`` for the compiled patterns."""
    if doc.user_data.get("dosage_marked"):
        return
    for tok in doc:
        if phrase_end(tok):
            tok.tag_ = PHRASE_END
        if tok.text in ITEM_SEPARATORS and item_label(tok):
            tok.norm_ = ITEM_LABEL
    doc.user_data["dosage_marked"] = True


def compiled(pattern: list[dict]) -> list[dict]:
    """A pattern with its computed-attribute predicates in the attributes ``mark`` fills.

    >>> compiled([{"LIKE_NUM": True, "_": {"dosage_phrase_end": True}}])
    [{'LIKE_NUM': True, 'TAG': 'DOSAGE_PHRASE_END'}]
    """
    out = []
    for spec in pattern:
        ext = spec.get("_")
        if isinstance(ext, dict) and all(ext.get(name) is True for name in ext) and set(ext) <= set(_COMPILED_ATTRS):
            spec = {k: v for k, v in spec.items() if k != "_"}
            for name in ext:
                attr, value = _COMPILED_ATTRS[name]
                spec[attr] = value
        out.append(spec)
    return out


# --------------------------------------------------------------------------- rules


@cache
def pattern_labels() -> dict[str, str]:
    """Label of every dosage pattern, by pattern id; ids unique, labels known."""
    labels: dict[str, str] = {}
    for n, entry in enumerate(resources.patterns(PATTERNS), start=1):
        if entry.id in labels:
            raise data_error(
                RESOURCE,
                None,
                f"pattern {n}: duplicate id {entry.id!r}",
                "Give every pattern its own id",
            )
        if entry.label not in LABELS:
            raise data_error(
                RESOURCE, None, f"pattern {entry.id!r}: unknown label {entry.label!r}",
                f"Use one of {', '.join(sorted(LABELS))}",
            )  # fmt: skip
        if isinstance(entry.pattern, str):
            raise data_error(RESOURCE, None, f"pattern {entry.id!r} is a phrase", "Write it as a token pattern")
        labels[entry.id] = entry.label
    return labels


@cache
def matcher(vocab: Vocab):
    """A validating matcher over every dosage pattern, built once per vocab; key = pattern id.

    An ``AnchoredMatcher``: each pattern runs only around its rarest obligatory token.
    """
    from .nlp import AnchoredMatcher

    pattern_labels()  # checks ids and labels first
    entries = resources.patterns(PATTERNS)
    for entry in entries:
        try:
            Matcher(vocab, validate=True).add(entry.id, [entry.pattern])  # type: ignore[list-item]
        except MatchPatternError as err:
            detail = " ".join(str(err).split())
            raise data_error(RESOURCE, None, f"pattern {entry.id!r} is invalid: {detail}") from None
    compiled_entries = [entry.model_copy(update={"pattern": compiled(entry.pattern)}) for entry in entries]
    return DosageMatcher(AnchoredMatcher(vocab, compiled_entries, lambda _i, entry: entry.id))


class DosageMatcher:
    """The compiled dosage patterns; a call first stores the computed token attributes (``mark``)."""

    def __init__(self, matcher) -> None:
        self.matcher = matcher

    def __len__(self) -> int:
        return len(self.matcher)

    def __call__(self, doclike) -> list[tuple[int, int, int]]:
        mark(doclike.doc if isinstance(doclike, Span) else doclike)
        return self.matcher(doclike)


# --------------------------------------------------------------------------- values


def words(text: str) -> list[Tok]:
    """Tokens of ``text`` as the dosage tokenizer splits them (for examples and tests).

    >>> words("3x10")
    [Tok(text='3', glued=False), Tok(text='x', glued=True), Tok(text='10', glued=True)]
    """
    from .tokenizer import build_tokenizer_nlp

    return toks(build_tokenizer_nlp()(text))


def toks(span: Span | Doc) -> list[Tok]:
    """The value functions' view of a span."""
    doc = span.doc if isinstance(span, Span) else span
    return [Tok(t.lower_, t.i > 0 and not doc[t.i - 1].whitespace_) for t in span]


@cache
def number(phrase: str) -> int | None:
    """Integer value of a cardinal number in digits or English words, else None.

    Words go through text2num, which validates compounds ("twenty five" but not "five twenty").

    >>> [number(w) for w in ["12", "three", "twenty five", "ninety", "hundred"]]
    [12, 3, 25, 90, 100]
    >>> [number(w) for w in ["second", "few", "1/2", "five twenty"]]
    [None, None, None, None]
    """
    if phrase.isdigit():
        return int(phrase)
    if len(phrase) < 3 or not phrase.replace(" ", "").isalpha():
        return None
    try:
        return text2num(phrase, "en")
    except ValueError:
        return None


def value_at(tokens: Sequence[Tok], i: int) -> tuple[float, int] | None:
    """The number that starts at token ``i`` and the index after it, or None.

    Reads digits ("12", "1.5"), number words and their compounds ("twenty five", "twenty-five"),
    "half a", "a"/"a full" before "minute", and a trailing "and a half".

    >>> t = words("hold for one and a half minutes")
    >>> value_at(t, 2)
    (1.5, 6)
    >>> value_at(words("twenty-five reps"), 0), value_at(words("a few reps"), 0)
    ((25.0, 3), None)
    """
    n = len(tokens)
    if not 0 <= i < n:
        return None
    text = tokens[i].text
    value: float
    if text == "half" and i + 1 < n and tokens[i + 1].text in {"a", "an"}:
        return 0.5, i + 2
    if text in {"a", "an"}:
        j = i + 1
        if j < n and tokens[j].text in {"full", "whole", "good"}:
            j += 1
        if j < n and tokens[j].text in {"minute", "min"}:  # "a second" is no duration
            return 1.0, j
        return None
    if _DIGITS.match(text):
        value, j = float(text), i + 1
    else:
        # Collect number words, joined by spaces or by a hyphen written without spaces.
        run: list[tuple[str, int]] = []
        j = i
        while j < n and number(tokens[j].text) is not None and not tokens[j].text.isdigit():
            run.append((tokens[j].text, j + 1))
            if j + 2 < n and tokens[j + 1].text == "-" and tokens[j + 1].glued and tokens[j + 2].glued:
                j += 2
            else:
                j += 1
        found = None
        for m in range(len(run), 0, -1):
            parsed = number(" ".join(w for w, _ in run[:m]))
            if parsed is not None:
                found = (float(parsed), run[m - 1][1])
                break
        if found is None:
            return None
        value, j = found
    if [t.text for t in tokens[j : j + 3]] == ["and", "a", "half"]:
        value, j = value + 0.5, j + 3
    return value, j


def amounts(tokens: Sequence[Tok]) -> list[Amount]:
    """Every number or range in ``tokens`` with the unit after it; durations in seconds.

    >>> [(a.lo, a.hi, a.unit) for a in amounts(words("hold it about three to five seconds"))]
    [(3.0, 5.0, 's')]
    >>> [(a.lo, a.hi, a.unit) for a in amounts(words("2 sets of 10-12 reps"))]
    [(2.0, 2.0, 'set'), (10.0, 12.0, 'rep')]
    >>> [(a.lo, a.hi, a.unit) for a in amounts(words("between 20 and 30 s or 30 s to a minute"))]
    [(20.0, 30.0, 's'), (30.0, 60.0, 's')]
    >>> [(a.lo, a.hi, a.unit) for a in amounts(words("hold 5m, or 5 m"))]
    [(300.0, 300.0, 's'), (5.0, 5.0, None)]
    >>> [(a.lo, a.hi, a.unit) for a in amounts(words("repeat once or twice"))]
    [(1, 2, 'rep')]
    >>> [(a.lo, a.hi) for a in amounts(words("between 30 s and a minute, or 30 s or 5 breaths"))]
    [(30.0, 60.0), (30.0, 30.0), (5.0, 5.0)]
    """
    n = len(tokens)
    found: list[Amount] = []
    i = 0
    while i < n:
        if tokens[i].text in ONCE_WORDS:  # "repeat twice", "once or twice"
            lo = hi = ONCE_WORDS[tokens[i].text]
            j = i + 1
            if j + 1 < n and tokens[j].text in CONNECTORS and tokens[j + 1].text in ONCE_WORDS:
                hi, j = ONCE_WORDS[tokens[j + 1].text], j + 2
            found.append(Amount(lo, hi, "rep", i, j))
            i = j
            continue
        first = value_at(tokens, i)
        if (
            first is not None
            and tokens[i].text == "one"
            and ((i > 0 and tokens[i - 1].text in _ONE_AS_PRONOUN) or (i + 1 < n and tokens[i + 1].text in _ONE_LIMB))
        ):
            first = None  # "hold each one for 10 seconds", "pull one knee in for 20 seconds"
        if first is None:
            i += 1
            continue
        lo, j = first
        hi = lo
        between = i > 0 and tokens[i - 1].text == "between"
        if j < n and (tokens[j].text in CONNECTORS or tokens[j].text == "," or (between and tokens[j].text == "and")):
            second = value_at(tokens, j + 1)
            # "20, 30 seconds" is a spoken range; "3, 2, 1" counts down and is no range.
            if second is not None and (tokens[j].text != "," or second[0] > lo):
                hi, j = second
        k = j + 1 if j + 1 < n and tokens[j].text == "-" and tokens[j + 1].text in SECONDS_PER_UNIT else j
        unit: str | None = None
        if k < n and _is_time_unit(tokens, k):
            factor = SECONDS_PER_UNIT[tokens[k].text]
            lo, hi, j, unit = lo * factor, hi * factor, k + 1, "s"
            if [t.text for t in tokens[j : j + 3]] == ["and", "a", "half"]:
                lo, hi, j = lo + factor / 2, hi + factor / 2, j + 3
            joined = j < n and (tokens[j].text in CONNECTORS or (between and tokens[j].text == "and"))
            if joined and lo == hi:
                upper = value_at(tokens, j + 1)
                if upper is not None and upper[1] < n and _is_time_unit(tokens, upper[1]):
                    hi, j = upper[0] * SECONDS_PER_UNIT[tokens[upper[1]].text], upper[1] + 1
                elif (
                    upper is not None
                    and tokens[j].text == "or"
                    and upper[0] * factor > lo
                    and (upper[1] >= n or not tokens[upper[1]].text.isalpha())
                ):  # "a minute or two", but not "30 seconds or 5 breaths"
                    hi, j = upper[0] * factor, upper[1]
        elif k < n and tokens[k].text in REP_WORDS:
            unit, j = "rep", k + 1
        elif k < n and tokens[k].text in SET_WORDS:
            unit, j = "set", k + 1
        found.append(Amount(lo, hi, unit, i, j))
        i = j
    return found


def _is_time_unit(tokens: Sequence[Tok], k: int) -> bool:
    """A time unit at ``k``; "m" and the quote marks only when glued to the number before it
    ("5m", '30"', "1'"; not "5 m" or a closing quote after a space)."""
    text = tokens[k].text
    return text in SECONDS_PER_UNIT and (text not in GLUED_UNITS or tokens[k].glued)


def values(label: str, tokens: Sequence[Tok]) -> dict[str, Range] | None:
    """The hold/reps/sets values a HOLD, REPS or SETS match states, or None when it is no dosage.

    Every number must get a role and every value must be plausible (``LIMITS``, whole numbers,
    min <= max); the label's own field must be among them.

    >>> def show(label, text):
    ...     got = values(label, words(text))
    ...     return got and {k: (v.min, v.max) for k, v in got.items()}
    >>> show("SETS", "2 sets of 10"), show("SETS", "3 x 8-12")
    ({'sets': (2, 2), 'reps': (10, 10)}, {'sets': (3, 3), 'reps': (8, 12)})
    >>> show("HOLD", "hold for half a minute"), show("HOLD", "2 x 30 seconds")
    ({'hold_seconds': (30, 30)}, {'sets': (2, 2), 'hold_seconds': (30, 30)})
    >>> show("REPS", "x10"), show("REPS", "do 5 on each side"), show("HOLD", "for a count of five")
    ({'reps': (10, 10)}, {'reps': (5, 5)}, {'hold_seconds': (5, 5)})
    >>> show("HOLD", "hold for 10 hours"), show("REPS", "do 5000 reps"), show("HOLD", "hold 2.5 s")
    (None, None, None)
    >>> show("HOLD", "30s left, 30s right"), show("HOLD", "30s left, 45s right")
    ({'hold_seconds': (30, 30)}, None)
    >>> show("REPS", "do it twice"), show("REPS", "repeat once or twice")
    ({'reps': (2, 2)}, {'reps': (1, 2)})
    """
    found = amounts(tokens)
    # A count of things beside a stated dosage is no value: "alternate between these 2 stances
    # 5 times" (2 stances, 5 times).
    if any(a.unit for a in found):
        found = [
            a
            for a in found
            if a.unit
            or a.end >= len(tokens)
            or not tokens[a.end].text.isalpha()
            or tokens[a.end].text in TIMES_SIGNS
            or tokens[a.end].text in _COUNTED_AFTER
        ]
    out: dict[str, tuple[float, float]] = {}
    for idx, amount in enumerate(found):
        before = tokens[amount.start - 1].text if amount.start > 0 else ""
        after = tokens[amount.end].text if amount.end < len(tokens) else ""
        following = found[idx + 1] if idx + 1 < len(found) else None
        role: str | None
        if amount.unit == "s":
            role = "hold_seconds"
        elif amount.unit == "rep":
            role = "reps"
        elif amount.unit == "set":
            role = "sets"
        elif after in TIMES_SIGNS and following is not None and following.start == amount.end + 1:
            role = "sets"  # "3 x 10" and "3 x 30 s" are both N sets of M
        elif after in TIMES_SIGNS or before in TIMES_SIGNS:
            role = "reps"
        elif before in {"of", "to"} and amount.start >= 2 and tokens[amount.start - 2].text == "count":
            role = "hold_seconds"
        elif before == "of" and "sets" in out:
            role = "reps"
        elif label == "HOLD" and before in {":", "="}:
            role = "hold_seconds"  # a hold field without a unit: "HOLD: 2" is read as seconds
        else:
            role = {"REPS": "reps", "SETS": "sets"}.get(label)
        if role is None or (role in out and out[role] != (amount.lo, amount.hi)):
            return None  # "30s left, 30s right" states one hold; "30s left, 45s right" none
        out[role] = (amount.lo, amount.hi)
    if FIELDS[label] not in out:
        return None
    ranges: dict[str, Range] = {}
    for role, (lo, hi) in out.items():
        low, high = LIMITS[role]
        if not low <= lo <= hi <= high or lo != int(lo) or hi != int(hi):
            return None
        ranges[role] = Range(min=int(lo), max=int(hi))
    return ranges


def frequency(tokens: Sequence[Tok]) -> Frequency | None:
    """How often a FREQUENCY match says to train, or None.

    >>> def show(text):
    ...     f = frequency(words(text))
    ...     return f and (f.times.min, f.times.max, f.period)
    >>> show("twice a day"), show("3-4 times per week"), show("once or twice daily")
    ((2, 2, 'day'), (3, 4, 'week'), (1, 2, 'day'))
    >>> show("Frequency: 2x/day"), show("do these stretches daily"), show("3 days a week")
    ((2, 2, 'day'), (1, 1, 'day'), (3, 3, 'week'))
    """
    periods = [PERIOD_WORDS[t.text] for t in tokens if t.text in PERIOD_WORDS]
    if not periods:
        return None
    once = [ONCE_WORDS[t.text] for t in tokens if t.text in ONCE_WORDS]
    if once:
        lo, hi = min(once), max(once)
    else:
        counted = [a for a in amounts(tokens) if a.unit != "s"]
        if len(counted) > 1:
            return None
        lo, hi = (counted[0].lo, counted[0].hi) if counted else (1.0, 1.0)
    low, high = TIMES_LIMIT
    if not low <= lo <= hi <= high or lo != int(lo) or hi != int(hi):
        return None
    return Frequency(times=Range(min=int(lo), max=int(hi)), period=periods[-1])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class _Candidate:
    label: str
    rule: str
    start: int
    end: int
    dosages: tuple[tuple[str, Range | Frequency | bool], ...]
    extended: bool = False  # its end was moved over a range tail (``_range_end``)


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop punctuation and whitespace at both ends: no dosage span starts or ends with them,
    but for a quote mark that is a unit ('30"', "1'")."""
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space) and not _quote_unit(doc, end - 1):
        end -= 1
    return start, end


def _quote_unit(doc: Doc, i: int) -> bool:
    """A quote mark written straight after a number: seconds ('30"') or minutes ("1'"), unless
    it closes a quotation opened earlier in the line ("he said 'hold 30' and left")."""
    tok = doc[i]
    if tok.text not in GLUED_UNITS or i == 0 or not doc[i - 1].like_num or doc[i - 1].whitespace_:
        return False
    for j in range(i - 2, max(-1, i - 12), -1):
        prev = doc[j]
        if prev.is_space and "\n" in prev.text:
            break
        opens = prev.text == tok.text or (prev.text, tok.text) in {("“", "”"), ("‘", "’")}
        if opens and not prev.whitespace_ and (j == 0 or doc[j - 1].whitespace_ or doc[j - 1].is_punct):
            return False
    return True


def _cut_off(doc: Doc, start: int, end: int) -> bool:
    """True when a span is a piece of a longer expression.

    That is "10 reps" of "8-10 reps", "x 10" of "x 10 seconds", "repeat 3x" of "repeat 3x10", or
    "Reps: 3" of "Sets/Reps: 3 x 10".
    """
    if start >= 2 and doc[start].like_num and doc[start - 1].lower_ in CONNECTORS and doc[start - 2].like_num:
        return True
    if end == len(doc):
        return False
    last, after = doc[end - 1], doc[end]
    if last.like_num and after.lower_ in SECONDS_PER_UNIT:
        return True
    if last.like_num and after.lower_ in TIMES_SIGNS:
        return end + 1 < len(doc) and doc[end + 1].like_num
    return last.lower_ in TIMES_SIGNS and after.like_num


def _range_end(doc: Doc, start: int, end: int, blocked: set[int]) -> int:
    """End of a duration range that goes on past a match, else ``end``.

    A hold phrase may end at its first unit while the range goes on: "stay here for 30 seconds"
    + "to a minute", "a minute" + "or two". The range is read as ``amounts`` reads it; it is taken
    only when it rises and its added tokens overlap no negative match ("10 s - 20 s rest").
    """
    if end >= len(doc) or doc[end - 1].lower_ not in SECONDS_PER_UNIT:
        return end
    window = toks(doc[start : min(len(doc), end + 7)])
    for amount in amounts(window):
        last = start + amount.end
        if amount.unit == "s" and start + amount.start < end < last and amount.lo <= amount.hi:
            return end if any(i in blocked for i in range(end, last)) else last
    return end


def _parse(label: str, span: Span) -> tuple[tuple[str, Range | Frequency | bool], ...] | None:
    if FIELDS.get(label) == "per_side":
        return (("per_side", label == "SIDE"),)
    if label == "FREQUENCY":
        freq = frequency(toks(span))
        return None if freq is None else (("frequency", freq),)
    ranges = values(label, toks(span))
    if ranges is None:
        return None
    return tuple(sorted(ranges.items(), key=lambda kv: _FIELD_ORDER[kv[0]]))


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Longest disjoint matches; frequency first ("3 times a week" is no reps), side apart; of
    equal spans, one the pattern matched whole before one extended over a range tail.

    Side phrases compete only with each other, so "do not switch sides" (not per side) wins over
    the "switch sides" inside it.
    """
    chosen: list[_Candidate] = []
    taken: dict[bool, set[int]] = {True: set(), False: set()}
    order = sorted(
        candidates,
        key=lambda c: (c.label != "FREQUENCY", -(c.end - c.start), c.extended, c.start, c.rule),
    )
    for cand in order:
        used = taken[FIELDS[cand.label] == "per_side"]
        tokens = range(cand.start, cand.end)
        if any(i in used for i in tokens):
            continue
        used.update(tokens)
        chosen.append(cand)
    return chosen


def _progressions(
    doc: Doc,
    chosen: list[_Candidate],
    progress: list[tuple[str, str, int, int]],
    starts: list[int],
    blocked: set[int],
) -> list[_Candidate]:
    """Widen a repetition or hold to the number a later 'progressing to N' in its sentence gives."""
    out = list(chosen)
    for _, rule, start, end in progress:
        if any(i in blocked for i in range(start, end)):
            continue
        upper = [a for a in amounts(toks(doc[start:end])) if a.unit in (None, "rep", "s")]
        if len(upper) != 1:
            continue
        sentence = bisect_right(starts, start) - 1
        before = [
            (k, c)
            for k, c in enumerate(out)
            if c.end <= start and bisect_right(starts, c.start) - 1 == sentence and c.label in ("REPS", "HOLD")
        ]
        if not before:
            continue
        k, cand = before[-1]
        field = "hold_seconds" if cand.label == "HOLD" else "reps"
        if upper[0].unit not in (None, {"hold_seconds": "s", "reps": "rep"}[field]):
            continue
        values = dict(cand.dosages)
        low = values.get(field)
        high = int(upper[0].hi)
        if not isinstance(low, Range) or high <= low.max or high > LIMITS[field][1]:
            continue
        values[field] = Range(min=low.min, max=high)
        # The progression's own number, read again by another pattern, is the same value.
        echoes = [c for c in out if c is not cand and c.label == cand.label and c.start < end and start < c.end]
        stop = max([end, *(c.end for c in echoes)])
        widened = _Candidate(cand.label, f"{cand.rule}+{rule}", cand.start, stop, tuple(values.items()), True)
        out = [widened if c is cand else c for c in out if c not in echoes]
    return out


def find(doc: Doc) -> list[Dosage]:
    """Every dosage stated in ``doc``, in text order; offsets are character offsets in ``doc.text``.

    A positive match is dropped when a negative one overlaps it; a hold match is extended over the
    rest of a duration range it stops inside ("stay here for 30 seconds" + " to a minute"); of
    overlapping positive matches the longest wins (a frequency before anything else; a side phrase
    competes only with side phrases, so "do not switch sides" beats "switch sides"). ``generic``
    is set when the sentence also holds a GENERIC cue; sentences are ``doc.sents`` when the doc
    has sentence boundaries, else the whole doc is one sentence.

    >>> from pipeline.tokenizer import build_tokenizer_nlp
    >>> [(d.field, d.value and (d.value.min, d.value.max), d.rule, d.generic)
    ...  for d in find(build_tokenizer_nlp()("Hold each stretch 8-10 seconds, then rest 30 s."))]
    [('hold_seconds', (8, 10), 'hold.verb_n_unit', True)]
    """
    labels = pattern_labels()
    matches = []
    for key, start, end in matcher(doc.vocab)(doc):
        rule = doc.vocab.strings[key]
        start, end = _trim(doc, start, end)
        if start < end:
            matches.append((labels[rule], rule, start, end))
    blocked = {i for label, _, s, e in matches if label in NEGATIVE for i in range(s, e)}
    starts = [s.start for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
    generic = {bisect_right(starts, s) - 1 for label, _, s, _ in matches if label == GENERIC}

    candidates = []
    for label, rule, start, end in matches:
        if label not in FIELDS or any(i in blocked for i in range(start, end)):
            continue
        if end > start and doc[end - 1].text in GLUED_UNITS and not _quote_unit(doc, end - 1):
            continue  # a closing quote, not a unit
        matched_end = end
        if label == "HOLD":
            end = _range_end(doc, start, end, blocked)
        if _cut_off(doc, start, end):
            continue
        parsed = _parse(label, doc[start:end])
        if parsed:
            candidates.append(_Candidate(label, rule, start, end, parsed, end != matched_end))

    chosen = _progressions(doc, _select(candidates), [m for m in matches if m[0] == PROGRESS], starts, blocked)
    found = []
    for cand in chosen:
        start_char = doc[cand.start].idx
        end_char = doc[cand.end - 1].idx + len(doc[cand.end - 1].text)
        is_generic = bisect_right(starts, cand.start) - 1 in generic
        for name, value in cand.dosages:
            found.append(
                Dosage(
                    field=name,  # type: ignore[arg-type]
                    value=value if isinstance(value, Range) else None,
                    per_side=value if isinstance(value, bool) else None,
                    frequency=value if isinstance(value, Frequency) else None,
                    start=start_char,
                    end=end_char,
                    rule=cand.rule,
                    generic=is_generic,
                )
            )
    return sorted(found, key=lambda d: (d.start, d.end, _FIELD_ORDER[d.field]))
