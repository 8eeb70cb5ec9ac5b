"""The spaCy pipeline: the one place its components and their order are written."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher

from . import resources, tokenizer

EXERCISE_KEY = "exercises"
_HYPHEN = {"ORTH": {"IN": ["-", "–", "‐"]}, "OP": "?"}
_APOSTROPHE_S = {"LOWER": {"IN": ["'s", "’s", "s"]}}


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


def alias_pattern(nlp: Language, alias: str) -> list[dict]:
    """A token pattern for one alias: case-insensitive, optional hyphens, plural last word."""
    words = [t.lower_ for t in nlp.make_doc(alias) if t.text not in {"-", "–", "‐"}]
    pattern: list[dict] = []
    for i, word in enumerate(words):
        if i:
            pattern.append(dict(_HYPHEN))
        if word in {"'s", "’s"}:
            pattern.append(dict(_APOSTROPHE_S))
        elif word == "and":
            pattern.append({"LOWER": {"IN": ["and", "&", "n", "'n'"]}})
        elif i == len(words) - 1 and word.isalpha() and len(word) > 2:
            pattern.append({"LOWER": {"IN": sorted({word, plural(word)})}})
        else:
            pattern.append({"LOWER": word})
    return pattern


def exercise_patterns(nlp: Language) -> list[dict]:
    """SpanRuler patterns for every lexicon name and alias; the pattern id is the exercise id."""
    out = []
    for entry in resources.exercises():
        for alias in sorted({entry.name.lower(), *entry.aliases}):
            out.append({"label": "EXERCISE", "pattern": alias_pattern(nlp, alias), "id": entry.id})
    return out


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
            "validate": True,
            "spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
        },
    )
    ruler.add_patterns(exercise_patterns(nlp))
    return nlp


@cache
def cue_matcher() -> Matcher:
    """Matcher over description cues (``patterns/exercise_cues.jsonl``); match id = exercise id."""
    nlp = build_nlp()
    matcher = Matcher(nlp.vocab, validate=True)
    known = resources.exercise_index()
    for i, entry in enumerate(resources.patterns("exercise_cues")):
        if entry.id not in known:
            from .errors import data_error

            raise data_error("pipeline/patterns/exercise_cues.jsonl", i + 1, f"unknown exercise id {entry.id!r}")
        matcher.add(f"{entry.id}#{i}", [entry.pattern])
    return matcher
