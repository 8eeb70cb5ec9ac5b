"""Tokenizer rules that split dosage notation into the tokens the dosage grammar matches.

spaCy's English tokenizer already splits "8-10" into 8, -, 10 and "5m" into 5, m. These rules add
the rest of the notation used in exercise texts, each as an affix rule (the text is never edited):

- an en or em dash between numbers: "3–5" → 3, –, 5;
- a unit glued to a number: "30s", "30sec", "5min", "10reps", "15times" → number, unit;
- a dash glued to the next number: "10 -20 times" → 10, -, 20 (a range, not a negative number);
- the multiplication sign in all its spellings: "10x", "x10", "3x10", "3×10", "2x/day";
- a bracket typed without its space: "leg(Later", "Stretch(also called" → leg, (, Later.

A bare "s" is split off a number of at most three digits that stands alone, so "1990s" and "MP3s"
stay whole. Words that merely contain an x or a dash ("x-ray", "T-shape", "COVID-19") tokenize as
before. spaCy's special cases "m.", "s." and "x." (a letter and a period, as in a lettered list)
are dropped: they would glue a sentence-final period back onto a split unit ("hold 30s.").
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

# Units and the multiplication sign that may be written glued to a number. Longest first, so
# that the alternation takes "secs" before "s". Case-insensitive through a scoped flag, since a
# global flag cannot sit inside spaCy's combined affix regex.
_UNITS = "repetitions|repetition|reps|rep|seconds|second|secs|sec|minutes|minute|mins|min|times|breaths"
_TIMES = "[x×]"

SUFFIXES = [
    # "30sec", "5min", "10reps": a unit word straight after a digit.
    rf"(?<=[0-9])(?i:{_UNITS})",
    # "10x", "3X": the multiplication sign after a digit.
    rf"(?<=[0-9])(?i:{_TIMES})",
    # "30s" but not "1990s" or "MP3s": a bare s after a number of one to three digits that stands
    # alone (at the start of the string or after a non-alphanumeric character such as a dash).
    r"(?:" + "|".join(f"(?<=^[0-9]{{{n}}})|(?<=[^A-Za-z0-9][0-9]{{{n}}})" for n in (1, 2, 3)) + r")(?i:s)",
]
PREFIXES = [
    # "x10", "X10", "×10": the multiplication sign before a digit.
    rf"(?i:{_TIMES})(?=[0-9])",
    # "10 -20 times": a dash before a number is a range's dash, not a minus sign.
    r"[-–—](?=[0-9])",
]
INFIXES = [
    # "3–5", "3—5": dashes between numbers (spaCy already splits the ASCII hyphen).
    r"(?<=[0-9])[–—](?=[0-9])",
    # "3x10", "3×10": the multiplication sign between numbers.
    rf"(?<=[0-9])(?i:{_TIMES})(?=[0-9])",
    # "2x/day", "30sec/side": a glued unit before a slash (infix pieces get no suffix pass).
    rf"(?<=[0-9])(?i:{_TIMES}|{_UNITS}|s)(?=/)",
    # "leg(Later on", "Stretch(also called": a bracket typed without its space.
    r"(?<=[A-Za-z])[(\[](?=[A-Za-z])",
    r"(?<=[A-Za-z])[)\]](?=[A-Za-z])",
]
# Special cases that would re-merge a split unit with the period after it.
DROPPED_SPECIAL_CASES = frozenset({"m.", "s.", "x."})


def customize(nlp: Language) -> None:
    """Add the dosage affix rules to ``nlp``'s tokenizer, keeping spaCy's own rules, and accept
    every text ingest accepts (spaCy's default limit guards parsers this pipeline does not have)."""
    from .ingest import MAX_BYTES

    nlp.max_length = MAX_BYTES + 1
    defaults = nlp.Defaults
    nlp.tokenizer.prefix_search = compile_prefix_regex(PREFIXES + list(defaults.prefixes or ())).search
    nlp.tokenizer.suffix_search = compile_suffix_regex(SUFFIXES + list(defaults.suffixes or ())).search
    nlp.tokenizer.infix_finditer = compile_infix_regex(INFIXES + list(defaults.infixes or ())).finditer
    rules = nlp.tokenizer.rules or {}
    nlp.tokenizer.rules = {k: v for k, v in rules.items() if k not in DROPPED_SPECIAL_CASES}


@cache
def build_tokenizer_nlp() -> Language:
    """Blank English with the dosage tokenizer and no pipeline components; built once.

    >>> [t.text for t in build_tokenizer_nlp()("hold 20–30s, 3x10")]
    ['hold', '20', '–', '30', 's', ',', '3', 'x', '10']
    """
    nlp = spacy.blank("en")
    customize(nlp)
    return nlp
