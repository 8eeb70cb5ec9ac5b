"""Names: what a written exercise name is, whether it names a movement, and which lexicon entry
it is.

A written name maps to a lexicon id in this order (``NameIndex.match``):

* **alias**: the name, lower-cased with its last word singular, is a name or alias of one entry;
* **composition**: the name reduced to its parts is an entry's name or alias reduced the same way.
  Reducing applies the synonyms of ``pipeline/data/naming.json`` (gluteal = glute, heel raise =
  calf raise, four-point = quadruped, press-up = push-up...), drops articles, the word
  'exercise', slot words ('Squat Progression'), a parenthesis ('(LAQ)') and equipment phrases
  ('with Chair Support', 'on Bench'); a position word the entry implies may also go ('standing'
  single-leg calf raise). Modifiers that change the exercise (single/double, seated/standing,
  side-lying, isometric, banded, single-leg) are kept, so they never merge;
* **fuzzy**: ``FUZZY_SCORER`` at ``FUZZY_CUTOFF`` between modifier-compatible names;
* **unmatched**: the name is its own exercise, id = slug of the name, flagged for review.

Each mapping records its method and score (0-100).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from rapidfuzz import fuzz, process, utils

from .errors import data_error
from .models import LexiconEntry
from .resources import read_text

FUZZY_SCORER = fuzz.token_sort_ratio
"""Order-insensitive edit ratio: 'pelvis tilt' ~ 'pelvic tilt', 'clam shell' ~ 'clamshell'."""
FUZZY_CUTOFF = 86.0
"""Lowest fuzzy score (0-100) that maps a name; below it the name is its own exercise for review."""


_APOSTROPHES = re.compile(r"['’‘`´]")
_IRREGULAR = {"calves": "calf", "feet": "foot", "halves": "half"}
_FILLER = frozenset(
    {"a", "an", "the", "your", "of", "with", "and", "hold", "movement", "position", "pose"}
    | {"stretch", "stretches", "exercise", "exercises"}
)
# Multi-word modifiers, read before single words ('side lying' is a position, not 'side' + 'lying').
_MODIFIER_PHRASES: dict[tuple[str, str], tuple[str, str]] = {
    ("side", "lying"): ("position", "side-lying"),
    ("all", "fours"): ("position", "quadruped"),
    ("single", "leg"): ("limb", "single-leg"),
    ("single", "legged"): ("limb", "single-leg"),
    ("one", "leg"): ("limb", "single-leg"),
    ("one", "legged"): ("limb", "single-leg"),
    ("single", "arm"): ("limb", "single-arm"),
    ("one", "arm"): ("limb", "single-arm"),
}
_MODIFIER_WORDS: dict[str, tuple[str, str]] = {
    "single": ("count", "single"),
    "one": ("count", "single"),
    "double": ("count", "double"),
    "both": ("count", "double"),
    "two": ("count", "double"),
    "knees": ("count", "double"),  # 'knees to chest' is the double variant
    "legs": ("count", "double"),
    "sidelying": ("position", "side-lying"),
    "seated": ("position", "seated"),
    "sitting": ("position", "seated"),
    "standing": ("position", "standing"),
    "lying": ("position", "supine"),
    "supine": ("position", "supine"),
    "prone": ("position", "prone"),
    "kneeling": ("position", "kneeling"),
    "quadruped": ("position", "quadruped"),
    "upward": ("direction", "upward"),
    "up": ("direction", "upward"),
    "ups": ("direction", "upward"),
    "downward": ("direction", "downward"),
    "down": ("direction", "downward"),
    "forearm": ("forearm", "forearm"),
    "forearms": ("forearm", "forearm"),
    "elbow": ("forearm", "forearm"),
    "elbows": ("forearm", "forearm"),
    "side": ("side", "side"),
    "lateral": ("lateral", "lateral"),
    "reverse": ("reverse", "reverse"),
    "partial": ("partial", "partial"),
    "low": ("height", "low"),
    "high": ("height", "high"),
}

# Pure modifier words, left out of the fuzzy score (modifiers are compared on their own); nouns
# that carry a modifier ('knees', 'forearm', 'side') stay in.
_CORE_DROP = _FILLER | {
    word
    for word, (group, _) in _MODIFIER_WORDS.items()
    if group in {"count", "position", "direction", "reverse", "partial", "height", "lateral"}
} - {"knees", "legs"}
_DEFAULT_COUNT = ("count", "single")
"""A name without a count modifier is the single one: 'knee to chest' = 'single knee to chest'."""

Modifiers = frozenset[tuple[str, str]]


def normalize_name(name: str) -> str:
    """Lower-case words of a name, apostrophes dropped, punctuation as spaces.

    >>> normalize_name("  Child's Pose / Knee-to-chest ")
    'childs pose knee to chest'
    """
    return " ".join(utils.default_process(_APOSTROPHES.sub("", name)).split())


def singular(word: str) -> str:
    """English singular of a plural noun, by suffix rules (good enough for exercise names).

    >>> [singular(w) for w in ["stretches", "bridges", "tilts", "press", "calves", "ups", "squeezes"]]
    ['stretch', 'bridge', 'tilt', 'press', 'calf', 'up', 'squeeze']
    """
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zzes")):
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def name_key(name: str) -> str:
    """Lookup key of a name: normalized, last word singular ('Knees to chest' keeps 'knees').

    >>> name_key("Pelvic Tilts"), name_key("Knees to chest")
    ('pelvic tilt', 'knees to chest')
    """
    words = normalize_name(name).split()
    if words:
        words[-1] = singular(words[-1])
    return " ".join(words)


def slug(name: str) -> str:
    """Kebab-case id for a name the lexicon does not know.

    >>> slug("Wall Push-Ups!")
    'wall-push-up'
    """
    key = name_key(name)
    return "-".join(key.split()) or "unnamed-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


def modifiers(name: str) -> Modifiers:
    """The modifiers a name carries, as (group, value) pairs.

    >>> sorted(modifiers("Side-lying single leg raise"))
    [('count', 'single'), ('limb', 'single-leg'), ('position', 'side-lying')]
    >>> sorted(modifiers("knees to chest")), sorted(modifiers("Knee to chest"))
    ([('count', 'double')], [('count', 'single')])
    """
    words = normalize_name(name).split()
    found: set[tuple[str, str]] = set()
    i = 0
    while i < len(words):
        pair = tuple(words[i : i + 2])
        if len(pair) == 2 and pair in _MODIFIER_PHRASES:
            found.add(_MODIFIER_PHRASES[pair])  # type: ignore[index]
            i += 2
            continue
        if words[i] in _MODIFIER_WORDS:
            found.add(_MODIFIER_WORDS[words[i]])
        i += 1
    if not any(group == "count" for group, _ in found):
        found.add(_DEFAULT_COUNT)
    return frozenset(found)


def _core(key: str) -> str:
    """A name key without filler ('stretch', 'pose'...) or pure modifier words, for scoring.

    >>> _core("standing quad stretch"), _core("knees to chest")
    ('quad', 'knees to chest')
    """
    return " ".join(w for w in key.split() if w not in _CORE_DROP)


class NameMatch(NamedTuple):
    """Where a written name maps: the id (None when unmatched), the method and the score."""

    exercise_id: str | None
    mapping: str
    score: float


@dataclass(frozen=True)
class _Alias:
    entry_id: str
    core: str
    modifiers: Modifiers


class NameIndex:
    """Exact and modifier-aware fuzzy lookup of written names in the lexicon."""

    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        exact: dict[str, set[str]] = defaultdict(set)
        aliases: set[_Alias] = set()
        self.implied: dict[str, Modifiers] = {}
        for entry in sorted(entries, key=lambda e: e.id):
            # Modifiers the entry carries anyway: those in its name and id, and its position.
            self.implied[entry.id] = (
                modifiers(entry.name) | modifiers(entry.id.replace("-", " ")) | {("position", entry.position)}
            )
            for surface in (entry.name, *entry.aliases):
                key = name_key(surface)
                exact[key].add(entry.id)
                core = _core(key)
                if core:
                    aliases.add(_Alias(entry.id, core, modifiers(surface)))
        # A key two entries share is ambiguous: leave it to the fuzzy step's modifier check.
        self.exact = {key: next(iter(ids)) for key, ids in exact.items() if len(ids) == 1}
        self.aliases = sorted(aliases, key=lambda a: (a.entry_id, a.core, sorted(a.modifiers)))
        composed: dict[str, set[str]] = defaultdict(set)
        self.position: dict[str, str | None] = {}
        for entry in entries:
            self.position[entry.id] = entry.position
            for surface in (entry.name, *entry.aliases):
                composed[reduce(surface)].add(entry.id)
        self.composed = {key: next(iter(ids)) for key, ids in composed.items() if key and len(ids) == 1}
        self._cores = [utils.default_process(a.core) for a in self.aliases]  # processed once for the fuzzy step
        self._heads = [a.core.split()[-1] for a in self.aliases]
        self._memo: dict[str, NameMatch] = {}

    def compatible(self, written: Modifiers, alias: _Alias) -> bool:
        """True when the written name's modifiers are the alias's, plus ones its entry implies."""
        return alias.modifiers <= written and written - alias.modifiers <= self.implied[alias.entry_id]

    def compose(self, name: str) -> str | None:
        """The entry whose reduced name or alias equals the reduced ``name``; a position word the
        entry implies may be left out ('standing single leg heel raise')."""
        key = reduce(name)
        if not key:
            return None
        if key in self.composed:
            return self.composed[key]
        neutral = vocabulary().neutral_words
        plain = " ".join(w for w in key.split() if w not in neutral)  # 'Standard Lunge'
        if plain != key and plain in self.composed:
            return self.composed[plain]
        words = plain.split()
        for i, word in enumerate(words):
            position = _POSITION_WORDS.get(word)
            if position is None:
                continue
            found = self.composed.get(" ".join(words[:i] + words[i + 1 :]))
            if found is not None and self.position.get(found) in (position, None):
                return found
        return None

    def match(self, name: str) -> NameMatch:
        """Map a written name: exact alias, composition, compatible fuzzy match, else unmatched."""
        found = self._memo.get(name)
        if found is None:
            found = self._memo[name] = self._match(name)
        return found

    def _match(self, name: str) -> NameMatch:
        key = name_key(name)
        if key in self.exact:
            return NameMatch(self.exact[key], "alias", 100.0)
        composed = self.compose(name)
        if composed is not None:
            return NameMatch(composed, "composition", 100.0)
        credited = without_credit(name)
        if credited != name:
            found = self._match(credited)
            if found.mapping in ("alias", "composition"):
                return NameMatch(found.exercise_id, "composition", 100.0)
        core = _core(name_key(" ".join(reduce(name).split()) or name))
        if not core or not self.aliases:
            return NameMatch(None, "unmatched", 0.0)
        written = modifiers(name)
        # Only aliases at or above the cutoff can map the name: rapidfuzz drops the rest in C.
        scored = process.extract(
            utils.default_process(core),
            self._cores,
            scorer=FUZZY_SCORER,
            processor=None,
            score_cutoff=FUZZY_CUTOFF,
            limit=None,
        )
        best: tuple[float, str] | None = None
        head = core.split()[-1]
        for _choice, score, index in scored:
            alias = self.aliases[index]
            if not self.compatible(written, alias) or not _same_head(head, self._heads[index]):
                continue
            candidate = (-round(float(score), 2), alias.entry_id)
            if best is None or candidate < best:
                best = candidate
        if best is None:
            return NameMatch(None, "unmatched", 0.0)
        score, entry_id = -best[0], best[1]
        if score >= FUZZY_CUTOFF:
            return NameMatch(entry_id, "fuzzy", score)
        return NameMatch(None, "unmatched", score)


_CREDIT = re.compile(r"^\s*(?:[A-Z][\w-]*['’]s|[A-Z]{3,5})\s+(?=\S+\s+\S)")


def without_credit(name: str) -> str:
    """A name without the person or brand it credits ("Yuri's", "GMB"), when at least two words
    remain: the credit names who made an exercise up, not what moves. A one-word rest keeps its
    prefix, which may be what changes the exercise ('VMO squat').

    >>> without_credit("GMB Wrist Prep"), without_credit("McGill's curl up"), without_credit("VMO squat")
    ('Wrist Prep', 'curl up', 'VMO squat')
    >>> without_credit("Child's pose"), without_credit("SL glute bridge"), without_credit("PRONE PRESS UP")
    ("Child's pose", 'SL glute bridge', 'PRONE PRESS UP')
    """
    rest = _CREDIT.sub("", name, count=1)
    if rest != name and rest.split()[0].isupper():
        return name  # a name in capitals: 'PRONE PRESS-UP' holds no acronym
    return rest


def _same_head(written: str, alias: str) -> bool:
    """The head words (last words) of two names agree, but for a slip of spelling: a fuzzy match
    may mend 'pelvis tilt' but never turns 'yellow band' into 'band row'.

    >>> _same_head("tilts", "tilt"), _same_head("strech", "stretch"), _same_head("band", "row")
    (True, True, False)
    >>> _same_head("heel", "wheel")  # short words differ by one letter and mean other things
    False
    """
    if singular(written) == singular(alias):
        return True
    return min(len(written), len(alias)) >= 6 and fuzz.ratio(written, alias) >= HEAD_RATIO


HEAD_RATIO = 80.0
"""Lowest edit ratio between the head words of a written name and an alias for a fuzzy match."""


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Vocabulary:
    """Words of exercise names, from ``pipeline/data/naming.json``."""

    movement_words: frozenset[str]
    topic_words: frozenset[str]
    activities: frozenset[str]
    synonyms: dict[tuple[str, ...], tuple[str, ...]]
    slot_words: frozenset[str]
    equipment_words: frozenset[str]
    filler_words: frozenset[str]
    exercise_words: frozenset[str]
    neutral_words: frozenset[str]


_KEYS = (
    "movement_words",
    "topic_words",
    "activities",
    "synonyms",
    "slot_words",
    "equipment_words",
    "filler_words",
    "neutral_words",
)


@cache
def vocabulary() -> Vocabulary:
    """The naming vocabulary, validated on load."""
    resource = "pipeline/data/naming.json"
    data = json.loads(read_text("data", "naming.json"))
    missing = [k for k in (*_KEYS, "exercise_words") if k not in data]
    if missing:
        raise data_error(resource, None, f"missing keys {missing}")

    def words(key: str) -> frozenset[str]:
        return frozenset(normalize_name(w) for w in data[key] if normalize_name(w))

    synonyms = {}
    for written, meant in data["synonyms"].items():
        key = tuple(normalize_name(written).split())
        if not key:
            raise data_error(resource, None, f"synonym {written!r} has no words")
        synonyms[key] = tuple(normalize_name(meant).split())
    return Vocabulary(
        movement_words=words("movement_words"),
        topic_words=words("topic_words"),
        activities=words("activities"),
        synonyms=synonyms,
        slot_words=words("slot_words"),
        equipment_words=words("equipment_words"),
        filler_words=words("filler_words"),
        exercise_words=words("exercise_words"),
        neutral_words=words("neutral_words"),
    )


_PARENTHESIS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_POSITION_WORDS = {
    "standing": "standing",
    "seated": "seated",
    "supine": "supine",
    "prone": "prone",
    "kneeling": "kneeling",
    "quadruped": "quadruped",
    "side-lying": "side-lying",
}
_PREPOSITIONS = frozenset({"with", "on", "using", "against", "in", "at", "onto", "off", "from"})


def _synonyms(words: list[str], table: dict[tuple[str, ...], tuple[str, ...]]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in (4, 3, 2, 1):
            key = tuple(words[i : i + n])
            if len(key) < n:
                continue
            found = table.get(key) if key in table else table.get((*key[:-1], singular(key[-1])))
            if found is not None:
                out.extend(found)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


@cache
def reduce(name: str) -> str:
    """A name reduced to its parts for lookup: synonyms applied, a parenthesis, articles, the word
    'exercise', slot words and a trailing equipment phrase dropped, the last word singular.

    >>> reduce("Mini Squats with Chair Support"), reduce("Static Gluts"), reduce("Pull-up Progression")
    ('mini squat', 'static glute', 'pull up')
    >>> reduce("Standing Single Leg Heel Raise"), reduce("Seated Knee Extension (LAQ)")
    ('standing single leg calf raise', 'seated knee extension')
    >>> reduce("Four-point kneeling arm raise"), reduce("Glute Bridge")
    ('quadruped kneeling arm raise', 'glute bridge')
    >>> reduce("Stretching the Calves"), reduce("Stretching")
    ('calf stretch', 'stretching')
    """
    vocab = vocabulary()
    words = normalize_name(_PARENTHESIS.sub(" ", name)).replace("side lying", "side-lying").split()
    words = _synonyms(words, vocab.synonyms)
    if len(words) >= 2 and words[0] == "stretching" and "stretch" not in words:
        words = [*words[1:-1], singular(words[-1]), "stretch"]  # 'Stretching Calves' = calf stretch
    # A trailing equipment phrase: a preposition followed by equipment and filler words only.
    for i, word in enumerate(words):
        tail = words[i + 1 :]
        if (
            i > 0
            and word in _PREPOSITIONS
            and tail
            and all(w in vocab.equipment_words or w in vocab.filler_words for w in tail)
            and any(w in vocab.equipment_words for w in tail)
        ):
            words = words[:i]
            break
    words = [w for w in words if w not in vocab.slot_words and w not in {"a", "an", "the", "exercise"}]
    if words:
        words[-1] = singular(words[-1])
    return " ".join(words)


def names_a_movement(name: str) -> bool:
    """A name that says what moves ('Quad Clenches', 'Knee Marching', 'Median Nerve Slider'),
    not a topic ('Hip exercises', 'Pain relief'), an activity ('Light jogging') or a label.

    >>> [names_a_movement(n) for n in ["Quad Clenches", "Short Arcs", "Ankle Circumduction"]]
    [True, True, True]
    >>> [names_a_movement(n) for n in ["Pain relief", "Hip exercises", "Stationary bike", "Setup"]]
    [False, False, False, False]
    """
    vocab = vocabulary()
    words = normalize_name(_PARENTHESIS.sub(" ", name)).split()
    if not words or is_activity(name) or any(w in vocab.topic_words for w in words):
        return False
    return any(w in vocab.movement_words or singular(w) in vocab.movement_words for w in words)


def is_activity(name: str) -> bool:
    """A cardio or daily activity named as such ('Light jogging', 'Stationary bike'), not a name
    that only contains one ('Stretching calf', 'Walking lunges').

    >>> [is_activity(n) for n in ["Light jogging", "Stationary bike", "Stretching Calf", "Walking lunges"]]
    [True, True, False, False]
    """
    vocab = vocabulary()
    words = [w for w in normalize_name(_PARENTHESIS.sub(" ", name)).split() if w not in _ACTIVITY_ADJECTIVES]
    return " ".join(words) in vocab.activities


_ACTIVITY_ADJECTIVES = frozenset({"light", "gentle", "easy", "brisk", "moderate", "slow", "steady", "some", "a", "an"})


def is_topic(name: str) -> bool:
    """A heading about a topic or a group ('Warm-up (5 min)', 'Core exercises', 'Weekly Schedule')."""
    vocab = vocabulary()
    return any(w in vocab.topic_words for w in normalize_name(_PARENTHESIS.sub(" ", name)).split())
