"""Tokens glued at punctuation, capitals and digits.

- a full stop, "!" or "?" with no space after it: "today.So", "knees.Gently", "forward.the";
- a lower-case word glued to a capitalized one: "soI'm", "imageBridge";
- a number glued to a word: "with10", "10reps", "10-15times", "REPS: 10SETS: 3", "1Cervical";
- a function word glued to the end of a spoken URL: "example.com/blogand today";
- a missing sentence break before a capitalized sentence adverb: "hollow it Literally, if".

Abbreviations ("e.g.", "i.e.", "U.S."), decimals, URLs, e-mail addresses, file names, units
("30s", "2nd", "5kg"), codes ("COVID-19", "L5") and camelCase names with several humps or a
one-letter head ("iPhone", "myFitnessPal") are left alone.
"""

from __future__ import annotations

import re

from ..models import Edit
from .text import (
    NAME_SUFFIXES,
    SHORT_WORDS,
    TITLES,
    make_edit,
    non_overlapping,
    protected_spans,
    wordset,
)
from .vocabulary import Vocabulary, is_word, zipf

DIGIT_SPLIT_SCORE = 0.9
PUNCT_SPLIT_SCORE = 0.9
CAMEL_SPLIT_SCORE = 0.85
URL_TAIL_SCORE = 0.8
SENTENCE_BREAK_SCORE = 0.75

#: Letter suffixes that belong to a number: "30s", "2nd", "10x", "5kg", "10am".
UNIT_SUFFIXES = wordset("""
    s x st nd rd th sec secs min mins m km kg lb lbs mm cm hr hrs h am pm k d ish deg
    p hz ml yo
""")
#: Lower-case words that start a sentence glued after a full stop ("forward.the"); none is a
#: top-level domain or a file extension.
SENTENCE_STARTERS = wordset("""
    the and but then this that these those they you your we our he she his her there when which
    what now if or as for with from after before because while once next also keep try
""")
#: Sentence adverbs that, capitalized after a lower-case word and before a comma, open a new
#: sentence whose full stop is missing ("hollow it Literally, if ...").
SENTENCE_ADVERBS = wordset("""
    literally basically actually obviously honestly essentially again now so okay alright also
    then next finally remember otherwise instead however anyway
""")
#: Function words that speech-to-text glues onto the end of a spoken URL.
URL_TAIL_WORDS = ("and", "or", "the", "to", "if", "so", "but", "for", "then", "where", "which")

_WORD_DIGITS = re.compile(r"(?<![\w.'’-])([A-Za-z]+)(\d+)(?![\w'’-]|[.,]\d)")
_DIGITS_WORD = re.compile(r"(?<![\w.'’-])(\d+(?:[-–]\d+)?)([A-Za-z]+)(?![\w'’-])")
#: A field label glued to the value before it: "REPS: 10SETS: 3".
_DIGITS_LABEL = re.compile(r"(?<![\w.'’-])(\d+)([A-Z]{3,})(?=[ \t]*:)")
#: A list number glued to a capitalized heading word: "1Cervical Retraction".
_LIST_NUMBER = re.compile(r"(?m)^([ \t]*)(\d{1,2})([A-Z][a-z]{2,})\b")
_PUNCT_GLUE = re.compile(r"(?<![\w.'’@/-])([A-Za-z]{2,}|I)([.!?])([A-Z]?[a-z]+|I)\b(?![.@/]\w)")
_CAMEL_GLUE = re.compile(r"(?<![\w.'’#@/-])([a-z]{2,})([A-Z][a-z]+|I(?=['’]|\b))((?:['’][a-z]+)?)\b(?![\w(.=]|['’]\w)")
_SENTENCE_BREAK = re.compile(r"(?<=[a-z])( )([A-Z][a-z]+)(?=,)")


def _common(word: str, words: frozenset[str]) -> bool:
    return word.lower() in SHORT_WORDS or is_word(word, words)


def split_digits(text: str, vocab: Vocabulary | None = None) -> list[Edit]:
    """Separate a number glued to a word; units, ordinals, "3x10" and codes stay.

    >>> text = "start with10 then 10reps, 10-15times, 3x10, 30s, x10, 2nd, COVID-19, L5"
    >>> [e.after for e in split_digits(text)]
    ['with 10', '10 reps', '10-15 times']
    >>> [e.after for e in split_digits("REPS: 10SETS: 3HOLD: 2\\n1Cervical Retraction, 3D, 4K, 10AM")]
    ['10 SETS', '3 HOLD', '1 Cervical']
    """
    words = vocab.words if vocab else frozenset()
    edits: list[Edit] = []
    # (pattern, group holding the word, where the word stands relative to the number)
    for pattern, group, side in ((_WORD_DIGITS, 1, "before"), (_DIGITS_WORD, 2, "after")):
        for m in pattern.finditer(text):
            word = m.group(group)
            if not word.islower():
                continue
            if side == "before" and len(word) < 3 and word not in SHORT_WORDS:
                continue
            if side == "after" and (word in UNIT_SUFFIXES or len(word) < 3):  # "30s", "10x" stay
                continue
            if is_word(word, words):
                edits.append(
                    _space(text, m, 1, "split.digits", DIGIT_SPLIT_SCORE, f"number glued to the word {side} it")
                )
    for m in _DIGITS_LABEL.finditer(text):
        if _common(m.group(2), words):
            edits.append(
                _space(text, m, 1, "split.digits", DIGIT_SPLIT_SCORE, "field label glued to the value before it")
            )
    for m in _LIST_NUMBER.finditer(text):
        if _common(m.group(3), words):
            edits.append(_space(text, m, 2, "split.digits", DIGIT_SPLIT_SCORE, "list number glued to its heading"))
    return sorted(edits, key=lambda e: e.start)


def _space(text: str, m: re.Match[str], group: int, rule: str, score: float, reason: str) -> Edit:
    """Insert a space after ``m.group(group)``, as an edit of the whole match."""
    cut = m.end(group) - m.start()
    s = m.group()
    return make_edit(text, m.start(), m.end(), f"{s[:cut]} {s[cut:]}", rule, score, reason)


def split_punctuation(text: str, vocab: Vocabulary | None = None) -> list[Edit]:
    """Add the space missing after a sentence's full stop, "!" or "?".

    >>> text = "bend your knees.Gently turn, lean forward.the end. Visit jo.com, e.g.So, U.S.Army, 2.5kg"
    >>> [e.after for e in split_punctuation(text)]
    ['knees. Gently', 'forward. the']
    """
    words = vocab.words if vocab else frozenset()
    protected = protected_spans(text)
    edits: list[Edit] = []
    for m in _PUNCT_GLUE.finditer(text):
        left, mark, right = m.groups()
        if left.lower() in TITLES or (left.isupper() and len(left) > 1) or protected.covers(m.start(), m.end()):
            continue
        if not _common(left, words):
            continue
        if right[0].isupper():  # a two-letter word must be a function word: "So", not "Js"
            ok = right == "I" or (_common(right, words) and (len(right) > 2 or right.lower() in SHORT_WORDS))
        else:
            ok = mark == "." and right in SENTENCE_STARTERS and right not in NAME_SUFFIXES
        if ok:
            edits.append(_space(text, m, 2, "split.punctuation", PUNCT_SPLIT_SCORE, f"no space after {mark!r}"))
    return edits


def split_camel(text: str, vocab: Vocabulary | None = None) -> list[Edit]:
    """Separate a lower-case word glued to a capitalized one ("soI'm", "imageBridge").

    >>> text = "soI'm here. imageBridge pose. iPhone, YouTube, myFitnessPal, macOS, onClick(), #legDay"
    >>> [e.after for e in split_camel(text)]
    ["so I'm", 'image Bridge']
    """
    words = vocab.words if vocab else frozenset()
    protected = protected_spans(text)
    edits: list[Edit] = []
    for m in _CAMEL_GLUE.finditer(text):
        left, right, _tail = m.groups()
        if protected.covers(m.start(), m.end()) or not _common(left, words):
            continue
        if right == "I" or _common(right, words):
            edits.append(
                _space(text, m, 1, "split.camel", CAMEL_SPLIT_SCORE, "lower-case word glued to a capitalized one")
            )
    return edits


def split_url_tail(text: str) -> list[Edit]:
    """Separate a function word that speech-to-text glued to the end of a spoken URL.

    >>> [e.after for e in split_url_tail("go to endyourpain.com/blogand today, or jo.com/brand")]
    ['blog and']
    """
    edits: list[Edit] = []
    for start, end in protected_spans(text).spans:
        url = text[start:end]
        slash = url.rfind("/")
        tail = url[slash + 1 :]
        if slash < 0 or not tail.isalpha() or not tail.islower() or zipf(tail) >= 1.0:
            continue
        for word in URL_TAIL_WORDS:
            head = tail[: -len(word)]
            if tail.endswith(word) and len(head) >= 3 and is_word(head):
                at = start + slash + 1
                reason = f"{word!r} glued to the end of a URL"
                edits.append(make_edit(text, at, end, f"{head} {word}", "split.url_tail", URL_TAIL_SCORE, reason))
                break
    return edits


def break_sentences(text: str) -> list[Edit]:
    """Add the full stop missing before a capitalized sentence adverb ("hollow it Literally, if").

    >>> [(e.before, e.after) for e in break_sentences("don't hollow it Literally, if you. Say Now, Jo")]
    [('', '.')]
    """
    edits: list[Edit] = []
    for m in _SENTENCE_BREAK.finditer(text):
        at = m.start(1)
        prev = re.search(r"[A-Za-z'’]+$", text[max(0, at - 30) : at])
        if m.group(2).lower() in SENTENCE_ADVERBS and prev and prev.group().islower():
            edits.append(
                make_edit(
                    text, at, at, ".", "split.sentence", SENTENCE_BREAK_SCORE, "sentence adverb opens a new sentence"
                )
            )
    return edits


def split_glued(text: str, vocab: Vocabulary | None = None) -> list[Edit]:
    """Every glue repair of this module, overlaps resolved by score.

    >>> [e.after for e in split_glued("REPS: 10SETS: 3 today.So soI'm with10 friends")]
    ['10 SETS', 'today. So', "so I'm", 'with 10']
    """
    edits = [
        *split_digits(text, vocab),
        *split_punctuation(text, vocab),
        *split_camel(text, vocab),
        *split_url_tail(text),
        *break_sentences(text),
    ]
    return non_overlapping(edits)
