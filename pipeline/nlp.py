"""The spaCy pipeline: the one place its components and their order are written."""

from __future__ import annotations

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


@cache
def pattern_matcher(name: str, key: str = "label") -> Matcher:
    """A Matcher over ``patterns/<name>.jsonl`` on the pipeline's vocab.

    Each match id is the pattern's ``label``, its ``id``, or with ``key="rule"`` ``"<id>#<line>"``
    (unique per pattern, for counting distinct rules).
    """
    matcher = Matcher(build_nlp().vocab, validate=True)
    for i, entry in enumerate(resources.patterns(name)):
        match_id = {"label": entry.label, "id": entry.id, "rule": f"{entry.id}#{i}"}[key]
        matcher.add(match_id, [entry.pattern])
    return matcher


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
