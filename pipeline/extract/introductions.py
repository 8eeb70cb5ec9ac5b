"""Introductions: a name the lexicon may not know, introduced by the words before it.

Speech introduces an exercise before describing it ("you're going to do fist pumps", "this one is
called the clamshell") and a stretch by the muscle it works ("the muscle we're going to target is
the upper trapezius"). The cue patterns are data (``pipeline/patterns/introductions.jsonl``,
labels INTRO and TARGET); the name is read from the words after the cue, up to a word that
cannot belong to it. An introduced name counts when it names a movement (``names_a_movement``),
a body part's exercises ('some elbow exercises'), or, after a TARGET cue, a muscle.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

from .. import resources
from ..names import is_activity, is_topic, names_a_movement, normalize_name
from ..nlp import pattern_matcher, text_of

MAX_NAME_WORDS = 4
# Words a name does not run into: 'fist pumps and ...', 'the upper trapezius so we'.
_STOP = frozenset(
    """and or but so which that where who we you i they he she it to for with is are was were be
    then now because here there just like on in at by from as if when while this these those okay
    ok um uh again also very really nice good right left both each every one two your our my
    their its not no out up down over into onto off all some any first next last today the a an
    before after during until""".split()
)
_GROUP_NOUNS = frozenset({"exercise", "exercises", "stretch", "stretches", "movement", "movements", "drills"})


@dataclass(frozen=True)
class Introduced:
    """A name read after an introduction, in character offsets of the analysed text."""

    start: int
    end: int
    text: str
    kind: str  # exercise | muscle
    rule: str


@cache
def _labels() -> dict[str, str]:
    return {entry.id: entry.label for entry in resources.patterns("introductions")}


def _body_words() -> frozenset[str]:
    return resources.domain_terms()["body_parts"]


def introductions(sdoc: Doc) -> list[Introduced]:
    """Every introduced name in ``sdoc``, in text order."""
    labels = _labels()
    by_end: dict[int, tuple[int, str]] = {}  # the longest cue ending at each token
    for match_id, start, end in pattern_matcher("introductions", key="id")(sdoc):
        rule = sdoc.vocab.strings[match_id]
        if end not in by_end or start < by_end[end][0]:
            by_end[end] = (start, rule)
    out: list[Introduced] = []
    for end, (_, rule) in sorted(by_end.items()):
        words = []
        i = end
        while i < len(sdoc) and len(words) < MAX_NAME_WORDS:
            tok = sdoc[i]
            if not (tok.is_alpha or tok.text == "-" and words) or tok.lower_ in _STOP or tok.like_num:
                break
            words.append(tok)
            i += 1
        while words and words[-1].text == "-":
            words.pop()
        if not words:
            continue
        start_char, end_char = words[0].idx, words[-1].idx + len(words[-1].text)
        text = text_of(sdoc)[start_char:end_char]
        kind = "muscle" if labels[rule] == "TARGET" else "exercise"
        if _counts(text, kind):
            out.append(Introduced(start_char, end_char, text, kind, rule))
    return out


def _counts(text: str, kind: str) -> bool:
    """An introduced phrase is a name: a movement, a body part's exercises, or a muscle."""
    words = normalize_name(text).split()
    body = _body_words()
    if kind == "muscle":
        return any(w in body for w in words)
    if is_activity(text):
        return False
    if words and words[-1] in _GROUP_NOUNS:
        return len(words) >= 2 and all(w in body for w in words[:-1])  # 'elbow exercises'
    return names_a_movement(text) and not is_topic(text)
