"""Segments: stretches of the repaired text, each about one exercise, one group, or nothing.

The outline comes first. A heading, a list item, a table row or a 'Name:' field line that reads
as a name starts an exercise segment when its name is one the lexicon knows (by alias,
composition or a close spelling) or, unknown to the lexicon, names a movement and is followed by
instructions or dosage. A heading that names several exercises, or a topic ('Warm-up', 'Core
exercises'), starts a group; its dosage applies to the exercises below it (section scope). A
heading that only labels part of a description ('Setup', 'Tips', any heading the document
repeats) changes nothing, nor does a subtitle right under an exercise heading.

Prose then adds what structure does not show. Outside any exercise section (a transcript, an
introduction, a group) a lexicon mention starts a segment at the start of its clause, unless it
is a reference ('the same as the bridge', 'lift into a bridge position'), part of a list of
names (an overview), or a single common word ('squat', 'plank') without a dosage or an
introduction in its sentence. Inside an exercise section only a paragraph that opens with
another exercise's name starts one. A section whose name was lost ('2. Stretch:') is inferred
from its description by the cue patterns.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from spacy.tokens import Doc, Span

from .. import resources
from ..layout import vocabulary as layout_vocabulary
from ..models import Dosage, Section
from ..names import NameIndex, is_activity, is_topic, names_a_movement, normalize_name, reduce, vocabulary
from ..nlp import cue_matcher, pattern_matcher, text_of
from .introductions import Introduced

# Inference: the best exercise needs this many distinct cue rules and this lead over the next.
INFER_MIN_CUES = 2
INFER_MARGIN = 1
# Added to (or taken from) an exercise's cue count when the text's starting position matches
# (or contradicts) the lexicon's position for it.
POSITION_WEIGHT = 0.5
# A sentence naming this many different exercises is an overview, not an introduction.
OVERVIEW_SIZE = 3
# Words that say nothing about which exercise a heading names ("1. stretch:", "Exercise 3").
_GENERIC_HEADING_WORDS = frozenset(
    """
    exercise exercises stretch stretches stretching pose poses movement movements technique
    techniques position for back pain relief the a an to perform how do lower upper your and of
    with step steps part number no instructions this that one routine workout two three four
    five six seven eight nine ten eleven twelve first second third fourth fifth sixth seventh
    eighth ninth tenth next last final see photo picture fig figure
    """.split()
)
# Words that open a new step in speech; in unpunctuated captions they stand in for commas.
_DISCOURSE = frozenset({"now", "next", "okay", "ok", "alright", "then", "first", "finally", "lastly"})
_CLAUSE_MARKS = frozenset({",", ";", ":", "—", "–", "+", "|", "(", ")"})
# A mention right after these words sets up a position, it does not prescribe: "lift into a bridge".
_INTO = frozenset({"into", "in", "onto"})
_POSITION_NOUNS = frozenset({"position", "positions", "posture", "stance", "shape"})
# Words before a mention that introduce it in running text ("do 10 squats", "try the plank").
_INTRODUCERS = frozenset(
    """do doing does try trying perform performing start starting begin beginning next called
    demonstrating demonstrate focusing focus show showing practise practice practising practicing
    add adding finish finishing complete completing continue continuing called named go going
    gonna move moving come coming into onto with""".split()
)


@dataclass
class Segment:
    """A stretch of the repaired text about one exercise, a group, or nothing."""

    start: int
    how: str = "none"  # heading | item | row | lead | mention | inferred | unnamed | overview | group | none
    exercise_id: str | None = None
    level: int = 0
    mentions: list[Span] = field(default_factory=list)
    heading: str | None = None  # the heading or item text as written
    name: str | None = None  # the name as written (cleaned), for structural segments
    name_span: tuple[int, int] | None = None
    new_name: str | None = None  # a name the lexicon does not know
    mapping: tuple[str, float] = ("alias", 100.0)
    marker: str | None = None  # the item's number as written: separately numbered items are separate exercises
    cue_spans: list[tuple[int, int, str]] = field(default_factory=list)
    section_end: int = 0
    listed: list[Span] = field(default_factory=list)  # exercises a group item lists

    @property
    def is_exercise(self) -> bool:
        return self.exercise_id is not None or self.new_name is not None

    @property
    def instance(self) -> str | None:
        """Which written instance of its exercise a structural segment is ('Hip Flexion' #4 and
        #8 are two); None for segments found in prose, which join the instance before them."""
        if self.name is None:
            return None
        return f"{' '.join(normalize_name(self.name).split())}#{self.marker}"


# --------------------------------------------------------------------------- names


def clean_name(text: str, number: int | None = None) -> str:
    """A written name without numbering, list marks, a lead-in or trailing punctuation
    (``number``: the item's number, also dropped when written bare before the name).

    >>> clean_name("## 3. Thoracic opener:"), clean_name("Pick one from Pull-up Progression.")
    ('Thoracic opener', 'Pull-up Progression')
    >>> clean_name("1 Cervical Retraction", number=1)
    'Cervical Retraction'
    """
    text = re.sub(r"^\s*#*\s*(?:\(?\d{1,2}[a-z]?[.)]\s*)?", "", text)
    if number is not None:
        text = re.sub(rf"^{number}[a-z]?\s+(?=[A-Za-z])", "", text)
    text = text.strip().strip("*_`\"'“”‘’ ").rstrip(":.;,-–— ").strip()
    low = text.lower()
    for lead in layout_vocabulary().lead_ins:
        if low.startswith(lead + " ") and len(text) > len(lead) + 2:
            text = text[len(lead) :].strip()
            break
    return text


def heading_name(text: str) -> str:
    """A heading without numbering, markup and trailing colon.

    >>> heading_name("## 3. Thoracic opener:")
    'Thoracic opener'
    """
    text = re.sub(r"^\s*#*\s*(?:\d{1,2}[.)]\s*)?", "", text)
    text = re.sub(r"^(?:to perform|how to do|how to)\s+(?:the\s+|a\s+)?", "", text, flags=re.I)
    return text.strip().rstrip(":").strip(" -–")


def lost_name(heading: str) -> bool:
    """True when a heading holds no name, only generic words ('1. stretch:', '4. pose exercise').

    >>> lost_name("4. pose exercise for back pain relief:"), lost_name("3. Thoracic opener:")
    (True, False)
    """
    words = re.findall(r"[a-z]+", heading.lower())
    return not [w for w in words if w not in _GENERIC_HEADING_WORDS]


@dataclass(frozen=True)
class Verdict:
    """What a name in a heading, item or row is."""

    kind: str  # exercise | new | group | lost | none
    exercise_id: str | None = None
    mapping: tuple[str, float] = ("alias", 100.0)


def judge(index: NameIndex, name: str, mentions: Sequence[Span], has_body: bool) -> Verdict:
    """Exercise (known id), new (a movement the lexicon does not know), group, lost or none."""
    if not name or is_activity(name):
        return Verdict("none")
    ids = list(dict.fromkeys(m.id_ for m in mentions))
    if len(ids) >= 2:
        return Verdict("group")  # 'First Pair: Pullups & Squats'
    found = index.match(name)
    if found.exercise_id is not None:
        return Verdict("exercise", found.exercise_id, (found.mapping, found.score))
    if ids and _equipment_name(name, mentions[0]):
        return Verdict("none")  # the name of a thing: 'Pull-up bar', 'Squat rack'
    if ids and _covers(name, mentions[0]):
        return Verdict("exercise", ids[0], ("mention", 90.0))
    if lost_name(name):
        return Verdict("lost")
    if is_topic(name):
        return Verdict("group")
    if names_a_movement(name) and (has_body or ids):
        return Verdict("new")  # 'Lunges with a twist': a movement, and the lexicon knows its base
    return Verdict("none")


def _equipment_name(name: str, mention: Span) -> bool:
    """The name is an exercise's name followed by a piece of equipment: 'Pull-up bar'."""
    words, named = reduce(name).split(), reduce(mention.text).split()
    rest = words[len(named) :]
    return words[: len(named)] == named and bool(rest) and all(w in vocabulary().equipment_words for w in rest)


def _covers(name: str, mention: Span) -> bool:
    """The mention is the name, but for words that do not change the exercise (equipment,
    filler, position implied)."""
    vocab = vocabulary()
    rest = reduce(name).split()
    for word in reduce(mention.text).split():
        if word in rest:
            rest.remove(word)
    return all(w in vocab.filler_words or w in vocab.equipment_words or w in vocab.neutral_words for w in rest)


# --------------------------------------------------------------------------- mentions


def reference_mentions(sdoc: Doc, mentions: Sequence[Span]) -> set[int]:
    """Start tokens of mentions that introduce nothing: a comparison or reference ("the same as
    the bridge"), a position being set up ("lift into a bridge position"), or a name whose first
    word belongs to the phrase before it ("to one side bend that knee" is not a side bend)."""
    labels = sdoc.vocab.strings
    refs_end, splits = set(), set()
    for match_id, _start, end in pattern_matcher("mention_context")(sdoc):
        if labels[match_id] == "SPLIT":
            splits.add(end - 1)
        else:
            refs_end.add(end)
    out = set()
    for m in mentions:
        before = [t.lower_ for t in sdoc[max(0, m.start - 2) : m.start]]
        after = sdoc[m.end].lower_ if m.end < len(sdoc) else ""
        into = bool(before) and before[-1] in _INTO or len(before) == 2 and before[0] in _INTO
        if m.start in refs_end or m.start in splits or after in _POSITION_NOUNS and into:
            out.add(m.start)
    return out


def overview_mentions(mentions: Sequence[Span], max_gap: int = 3) -> set[int]:
    """Start tokens of mentions that form a list ('the pelvic tilt, knee to chest, and the
    bridge'): a run of ``OVERVIEW_SIZE`` or more different exercises, each at most ``max_gap``
    tokens after the previous one. A list names exercises; it does not introduce one."""
    out: set[int] = set()
    run: list[Span] = []
    for m in [*mentions, None]:
        if m is not None and run and m.start - run[-1].end <= max_gap:
            run.append(m)
            continue
        if len({r.id_ for r in run}) >= OVERVIEW_SIZE:
            out.update(r.start for r in run)
        run = [m] if m is not None else []
    return out


def clause_start(sdoc: Doc, span: Span) -> int:
    """Character offset where the clause (or spoken step) containing ``span`` begins."""
    sent = span.sent if sdoc.has_annotation("SENT_START") else sdoc[:]
    for tok in reversed(sdoc[sent.start : span.start]):
        if tok.text in _CLAUSE_MARKS or tok.is_space and "\n" in tok.text:
            return tok.idx + len(tok.text)
        if tok.lower_ in _DISCOURSE or tok.is_sent_start:
            return tok.idx
    return sent.start_char


def is_lead(sdoc: Doc, mention: Span, start: int) -> bool:
    """True when a mention opens the paragraph starting at ``start`` ('Bird dog. Kneel...').

    Only markup, articles and numbering may stand before it.
    """
    before = sdoc.char_span(start, mention.start_char, alignment_mode="expand")
    if before is None:
        return mention.start_char == start
    return all(t.is_punct or t.is_space or t.lower_ in {"the", "a", "an", "next"} or t.like_num for t in before)


def introduced(sdoc: Doc, mention: Span, outline: Outline) -> bool:
    """The sentence prescribes the mentioned exercise: it states a dosage, or a word such as
    'do', 'try', 'next' or 'called' stands shortly before the name."""
    sent = mention.sent if sdoc.has_annotation("SENT_START") else sdoc[:]
    if outline.states_values(sent.start_char, sent.end_char):
        return True
    return any(t.lower_ in _INTRODUCERS for t in sdoc[max(sent.start, mention.start - 4) : mention.start])


# --------------------------------------------------------------------------- inference


def infer_exercise(
    sdoc: Doc, start: int, end: int, exclude: Sequence[Span] = (), *, min_cues: int = INFER_MIN_CUES
) -> tuple[str | None, list[tuple[int, int, str]]]:
    """The exercise a description clearly matches, and the cue spans that say so.

    Counts distinct cue rules per exercise in ``[start, end)`` (characters), ignoring tokens
    inside ``exclude`` (named mentions); the best needs ``INFER_MIN_CUES`` and a lead of
    ``INFER_MARGIN`` over the runner-up.
    """
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None, []
    blocked = {i for m in exclude for i in range(m.start, m.end)}
    rules: dict[str, set[str]] = defaultdict(set)
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for match_id, s, e in cue_matcher()(span):
        s += span.start
        e += span.start
        if any(i in blocked for i in range(s, e)):
            continue
        rule = sdoc.vocab.strings[match_id]
        ex_id = rule.split("#", 1)[0]
        rules[ex_id].add(rule)
        spans[ex_id].append((sdoc[s].idx, sdoc[e - 1].idx + len(sdoc[e - 1]), rule))
    if not rules:
        return None, []
    # The starting position the text describes breaks ties between similar movements.
    positions = {sdoc.vocab.strings[mid] for mid, _, _ in pattern_matcher("positions")(span)}
    index = resources.exercise_index()

    def score(ex_id: str) -> float:
        bonus = 0.0
        if positions:
            bonus = POSITION_WEIGHT if index[ex_id].position in positions else -POSITION_WEIGHT
        return len(rules[ex_id]) + bonus

    ranked = sorted(rules, key=lambda ex_id: (-score(ex_id), ex_id))
    best = ranked[0]
    margin = score(best) - (score(ranked[1]) if len(ranked) > 1 else 0.0)
    if len(rules[best]) >= min_cues and margin >= INFER_MARGIN:
        return best, sorted(spans[best])
    return None, []


# --------------------------------------------------------------------------- outline


@dataclass
class Outline:
    """What ``build_segments`` works with: the document, its sections and what was found."""

    sdoc: Doc
    sections: Sequence[Section]
    mentions: Sequence[Span]
    refs: set[int]
    dosages: Sequence[Dosage]
    index: NameIndex
    title: str | None = None
    introduced: Sequence[Introduced] = ()

    def __post_init__(self) -> None:
        # Sorted start offsets, so that what lies in a section is found by bisection: a loop over
        # every mention for every section would make a long document quadratic.
        self._mention_starts = [m.start_char for m in self.mentions]
        self._dosage_starts = [d.start for d in self.dosages]
        self._first_numbered = next(
            (k for k, s in enumerate(self.sections) if s.kind == "item" and s.number is not None and s.title),
            len(self.sections),
        )

    def mentions_in(self, start: int, end: int) -> Sequence[Span]:
        """Mentions starting in ``[start, end)`` that are not references, in text order."""
        i, j = bisect_left(self._mention_starts, start), bisect_left(self._mention_starts, end)
        return [m for m in self.mentions[i:j] if m.start not in self.refs]

    def dosages_in(self, start: int, end: int) -> Sequence[Dosage]:
        """Dosages starting in ``[start, end)``, in text order."""
        return self.dosages[bisect_left(self._dosage_starts, start) : bisect_left(self._dosage_starts, end)]

    def states_values(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` states a value of its own (guidance for every exercise aside)."""
        return any(not d.generic for d in self.dosages_in(start, end))

    def numbered_before(self, k: int) -> bool:
        """Whether a numbered, titled item comes before section ``k``."""
        return self._first_numbered < k


_BODY_WORDS_CACHE: dict[str, bool] = {}


def _instructions(sdoc: Doc, start: int, end: int) -> bool:
    """The text reads as exercise instructions: it names body parts or positions."""
    terms = resources.domain_terms()
    words = terms["body_parts"] | terms["positions"]
    span = sdoc.char_span(start, end, alignment_mode="expand")
    return span is not None and sum(t.lower_ in words for t in span) >= 2


def _titled(sec: Section) -> bool:
    """A heading, item, row or field whose first words are a name."""
    titled = sec.kind in ("heading", "item", "row") or sec.kind == "field" and sec.role is None
    return bool(titled and sec.title and sec.name_start is not None and sec.name_end is not None)


class Judged(NamedTuple):
    """A titled section's name, the mentions in it, the end of its body and what the name is."""

    name: str
    in_name: list[Span]
    end: int
    verdict: Verdict
    has_body: bool


def siblings_of_exercises(secs: Sequence[Section], judged: dict[int, Judged]) -> list[int]:
    """Titled sections that name nothing the lexicon or the vocabulary knows ('Knee Over') but
    give instructions or values, among siblings (same kind and level, no parent heading between)
    of which at least two, and more than those unknown, are exercises: a list of exercises goes on
    naming exercises. They become new exercises, named by their heading, for review.
    """
    runs: dict[tuple[str, int], list[int]] = defaultdict(list)
    out: list[int] = []

    def close(key: tuple[str, int]) -> None:
        run = runs.pop(key, [])
        verdicts = [judged[k].verdict.kind for k in run]
        known = sum(v in ("exercise", "new") for v in verdicts)
        unknown = [
            k for k in run if judged[k].verdict.kind == "none" and judged[k].has_body and _may_name(judged[k].name)
        ]
        if known >= 2 and known > verdicts.count("none"):
            out.extend(unknown)

    for k, sec in enumerate(secs):
        if sec.kind == "heading" and sec.role is None:
            for key in [key for key in runs if key[0] != "heading" or key[1] > sec.level]:
                close(key)  # a parent heading ends the lists under it
        if k in judged:
            runs[(sec.kind, sec.level)].append(k)
    for key in list(runs):
        close(key)
    return sorted(out)


def _may_name(name: str) -> bool:
    """A few words that may be an exercise's name: no activity ('Rest'), no sentence.

    >>> _may_name("Knee Over"), _may_name("Rest"), _may_name("It works as follows"), _may_name("Why?")
    (True, False, False, False)
    """
    words = name.split()
    return 0 < len(words) <= MAX_NAME_WORDS and not is_activity(name) and not re.search(r"[?!.;]$", name)


MAX_NAME_WORDS = 3
"""Most words a heading the lexicon does not know may have to count as an exercise's name only for
standing among exercises (a longer one reads as a sentence: 'It works as follows')."""


def build_segments(outline: Outline) -> list[Segment]:
    """Cut the repaired text into segments, each about one exercise, a group, or nothing."""
    sdoc, secs = outline.sdoc, outline.sections
    text = text_of(sdoc)
    segments = [Segment(start=0)]
    structural = False  # the document names an exercise in its structure

    def current() -> Segment:
        return segments[-1]

    def start(seg: Segment) -> None:
        if seg.start <= current().start and (len(segments) > 1 or seg.start == current().start):
            segments[-1] = seg
        else:
            segments.append(seg)

    def body_end(k: int) -> int:
        """End of the body under section ``k``: the next section of its kind or a heading, past
        subtitles (headings right under it)."""
        sec = secs[k]
        adjacent = True
        for later in secs[k + 1 :]:
            if later.kind == "heading" and later.role is None:
                if adjacent and sec.kind == "heading":
                    adjacent = False  # one subtitle right under the heading
                    continue
                return later.start
            adjacent = False
            if sec.kind != "heading" and later.kind == sec.kind and later.title:
                return later.start
        return len(text)

    judged: dict[int, Judged] = {}
    for k, sec in enumerate(secs):
        if _titled(sec) and not (sec.kind == "heading" and sec.role is not None):
            assert sec.name_start is not None and sec.name_end is not None
            name = clean_name(text[sec.name_start : sec.name_end], sec.number)
            named = outline.mentions_in(sec.start, sec.end)
            in_name = [m for m in named if sec.name_start <= m.start_char and m.end_char <= sec.name_end + 1]
            end = body_end(k)
            has_body = outline.states_values(sec.start, end) or _instructions(sdoc, sec.name_end, end)
            judged[k] = Judged(name, in_name, end, judge(outline.index, name, in_name, has_body), has_body)
    for k in siblings_of_exercises(secs, judged):
        judged[k] = judged[k]._replace(verdict=Verdict("new"))

    previous: Section | None = None
    for k, sec in enumerate(secs):
        named = outline.mentions_in(sec.start, sec.end)
        if sec.kind == "heading" and sec.role is not None:
            previous = sec
            continue  # a label ('Setup', 'Tips') or a progression heading: part of the exercise
        if k in judged:
            assert sec.name_start is not None and sec.name_end is not None
            raw_name = text[sec.name_start : sec.name_end]
            name, in_name, end, verdict, _ = judged[k]
            is_title = sec.kind == "heading" and k == 0 and outline.title is not None and name == outline.title
            if (
                sec.kind == "heading"
                and verdict.kind in ("exercise", "new")
                and _holds_others(outline, k, end, verdict, name)
            ):
                verdict = Verdict("group")  # '## Hamstrings' over a standing and a seated hamstring stretch
            if verdict.kind == "exercise":
                verdict = by_position(outline, verdict, name, sec.name_end, end)
            if is_title and verdict.kind in ("none", "lost"):
                start(Segment(start=sec.start, how="none", level=0))
                previous = sec
                continue
            level = sec.level if sec.kind == "heading" else 10 + sec.level
            how = {"heading": "heading", "row": "row"}.get(sec.kind, "item")
            if verdict.kind in ("exercise", "new"):
                structural = True
                if (
                    verdict.exercise_id is not None
                    and verdict.exercise_id == current().exercise_id
                    and (sec.kind == "heading" and current().how == "heading")
                ):
                    current().mentions.extend(in_name[:1])  # the same exercise named again
                else:
                    name_start = sec.name_start + raw_name.find(name) if name in raw_name else sec.name_start
                    start(
                        Segment(
                            start=sec.start,
                            how=how,
                            exercise_id=verdict.exercise_id,
                            level=level,
                            mentions=in_name[:1],
                            heading=text[sec.start : sec.end].strip(),
                            name=name,
                            name_span=(name_start, name_start + len(name)),
                            new_name=name if verdict.kind == "new" else None,
                            mapping=verdict.mapping,
                            marker=sec.marker,
                        )
                    )
                _after_name(outline, current(), sec, named, in_name)
                previous = sec
                continue
            if sec.kind == "heading" or verdict.kind in ("group", "lost"):
                subtitle = (
                    sec.kind == "heading"
                    and previous is not None
                    and previous.kind == "heading"
                    and current().is_exercise
                    and current().how == "heading"
                    and verdict.kind in ("none", "group")
                )
                if subtitle:
                    previous = sec
                    continue  # 'Bottom to heels stretch' / 'Stretches and mobilises the spine'
                unnamed = verdict.kind == "lost" or verdict.kind == "none" and sec.kind == "heading"
                heading = text[sec.start : sec.end].strip()
                start(Segment(start=sec.start, how="unnamed" if unnamed else "group", level=level, heading=heading))
                if verdict.kind == "group" and sec.kind != "heading":
                    _list_names(outline, current(), sec, named, in_name)
                previous = sec
                continue
            # A name that is no exercise ('Rest', 'Light stretching') ends a sibling's section.
            sibling = current().how in ("item", "row") and level <= current().level
            if sec.kind == "row" or sibling:
                start(Segment(start=sec.start, how="none", level=level))
                previous = sec
                continue
            named = [m for m in named if m not in in_name]  # judged already: 'Pull-up bar'
        if sec.kind == "field" and sec.role is not None:
            previous = sec
            continue
        _prose(outline, segments, start, sec, named, structural)
        previous = sec
    _finish(outline, segments)
    return segments


def by_position(outline: Outline, verdict: Verdict, name: str, start: int, end: int) -> Verdict:
    """The variant of an exercise that the description's starting position picks: 'Hip
    Abduction' described 'while standing' is the standing hip abduction, 'lying on your bed' the
    supine one. Only for an exercise whose position varies, when the name states none and one
    variant has the described position."""
    base = resources.exercise_index().get(verdict.exercise_id or "")
    children = resources.variants().get(verdict.exercise_id or "", ())
    if base is None or base.position is not None or not children:
        return verdict
    if any(w in _POSITION_NAMES for w in normalize_name(name).split()):
        return verdict
    span = outline.sdoc.char_span(start, min(end, start + 300), alignment_mode="expand")
    if span is None:
        return verdict
    matches = sorted(pattern_matcher("positions")(span), key=lambda m: m[1])
    found = [outline.sdoc.vocab.strings[mid] for mid, _, _ in matches]
    if not found:
        return verdict
    chosen = [c for c in children if c.position == found[0]]
    if len(chosen) != 1:
        return verdict
    return Verdict("exercise", chosen[0].id, ("position", 90.0))


_POSITION_NAMES = frozenset("standing seated sitting supine prone lying kneeling sidelying quadruped".split())


def _holds_others(outline: Outline, k: int, end: int, verdict: Verdict, name: str) -> bool:
    """The section under heading ``k`` names other exercises in its own structure: titled items,
    rows or deeper headings, or paragraphs that open with another exercise's name."""
    sdoc, heading = outline.sdoc, outline.sections[k]
    # Inside a numbered list the numbered items are the heading's siblings, not its children.
    numbered = outline.numbered_before(k)
    own = name.lower()
    for sec in outline.sections[k + 1 :]:
        if sec.start >= end or numbered and sec.kind == "item" and sec.number is not None:
            break
        if sec.kind == "heading" and sec.level <= heading.level:
            continue
        inside = outline.mentions_in(sec.start, sec.end)
        if not inside or inside[0].id_ == verdict.exercise_id or inside[0].text.lower() in own:
            continue
        if sec.title and sec.name_start is not None and sec.name_end is not None:
            if sec.name_start <= inside[0].start_char < sec.name_end:
                return True
        elif sec.kind == "paragraph" and is_lead(sdoc, inside[0], sec.start):
            return True
    return False


def _after_name(outline: Outline, seg: Segment, sec: Section, named: Sequence[Span], in_name: Sequence[Span]) -> None:
    """Mentions after the name on the same line of the same exercise stay with it."""
    seg.mentions.extend(m for m in named if m not in in_name and m.id_ == seg.exercise_id)


def _list_names(outline: Outline, seg: Segment, sec: Section, named: Sequence[Span], in_name: Sequence[Span]) -> None:
    """A group item lists exercises after its name ('Warm up (5 min): jogging, jumping jacks')."""
    seg.listed.extend(m for m in named if m not in in_name and not is_activity(m.text))


def _prose(
    outline: Outline,
    segments: list[Segment],
    start,
    sec: Section,
    named: list[Span],
    structural: bool,
    with_intros: bool = True,
) -> None:
    """Paragraphs, cues and steps: lexicon mentions in running text."""
    sdoc = outline.sdoc
    current = segments[-1]
    # A heading that lost its name ('3. Stretch:') scopes its body; one that names nothing ('The
    # basic process works as follows:') does not, so the exercises its body names are found.
    unnamed = current.how == "unnamed" and (
        current.exercise_id is not None or lost_name(heading_name(current.heading or ""))
    )
    scoped = current.is_exercise and current.how in ("heading", "item", "row", "lead") or unnamed
    lead = named[0] if named else None
    if scoped and lead and lead.id_ != current.exercise_id and is_lead(sdoc, lead, sec.start):
        level = current.level + (0 if current.how == "lead" else 1)
        start(Segment(start=sec.start, exercise_id=lead.id_, how="lead", level=level, mentions=[lead]))
        segments[-1].mentions.extend(m for m in named[1:] if m.id_ == lead.id_)
        return
    intros = [
        x
        for x in outline.introduced
        if with_intros
        and sec.start <= x.start < sec.end
        and not any(m.start_char < x.end and x.start < m.end_char for m in named)
    ]
    if intros and not scoped:
        _introduced(outline, segments, start, sec, named, intros, structural)
        return
    if named and not scoped:
        if not current.is_exercise:  # a description before the first name: 'squeeze your glutes, hold 10 s'
            first = clause_start(sdoc, named[0])
            if outline.states_values(sec.start, first):
                inferred, cues = infer_exercise(sdoc, sec.start, first, min_cues=1)
                if inferred and inferred != named[0].id_:
                    seg = Segment(start=sec.start, exercise_id=inferred, how="inferred", cue_spans=cues)
                    seg.level = current.level
                    start(seg)
        listed = overview_mentions(named)
        if listed:
            start(
                Segment(
                    start=min(sdoc[i].idx for i in listed),
                    how="overview",
                    level=current.level,
                    mentions=[m for m in named if m.start in listed],
                )
            )
        for m in named:
            cur = segments[-1]
            if m.start in listed or is_activity(m.text):
                continue
            if m.id_ == cur.exercise_id:
                cur.mentions.append(m)
                continue
            single = sum(t.is_alpha for t in m) < 2
            if (structural or single) and not (introduced(sdoc, m, outline) or is_lead(sdoc, m, sec.start)):
                continue  # a passing mention in a structured text, or a bare common word
            prev_end = cur.mentions[-1].end_char if cur.mentions else cur.start
            # A value stated between the previous exercise and this one, not right before this
            # name, still belongs to the previous exercise.
            before = [d.end for d in outline.dosages_in(prev_end, m.start_char - 20) if d.end <= m.start_char - 20]
            boundary = max(clause_start(sdoc, m), sec.start, prev_end, *before)
            level = cur.level + 1 if cur.how == "group" else cur.level  # a group's dosage reaches it
            # A paragraph that opens with the name is about it, as a heading would be.
            lead = boundary == sec.start and sec.kind == "paragraph" and is_lead(sdoc, m, sec.start)
            how = "lead" if lead else "mention"
            start(Segment(start=boundary, exercise_id=m.id_, how=how, level=level, mentions=[m]))
        return
    if named:
        current.mentions.extend(m for m in named if m.id_ == current.exercise_id)
        return
    if (
        not scoped
        and (not structural or current.how in ("none", "inferred", "overview"))
        and sec.kind
        in (
            "paragraph",
            "cue",
        )
    ):
        min_cues = 1 if outline.states_values(sec.start, sec.end) else INFER_MIN_CUES
        inferred, cues = infer_exercise(sdoc, sec.start, sec.end, min_cues=min_cues)
        if inferred and inferred != current.exercise_id:
            start(Segment(start=sec.start, exercise_id=inferred, how="inferred", level=current.level, cue_spans=cues))


def _introduced(
    outline: Outline,
    segments: list[Segment],
    start,
    sec: Section,
    named: list[Span],
    intros: list[Introduced],
    structural: bool,
) -> None:
    """Running text with introduced names: mentions and introductions in text order."""
    sdoc = outline.sdoc
    cut = sec.start
    for intro in intros:
        before = [m for m in named if cut <= m.start_char < intro.start]
        if before:  # the mentions before this introduction, as any mention in running text
            _prose(outline, segments, start, _part(sec, cut, intro.start), before, structural, with_intros=False)
        cut = intro.start
        found = outline.index.match(intro.text if intro.kind == "exercise" else f"{intro.text} stretch")
        cur = segments[-1]
        if found.exercise_id is not None and found.exercise_id == cur.exercise_id:
            continue
        span = sdoc.char_span(intro.start, intro.end, alignment_mode="expand")
        boundary = max(clause_start(sdoc, span) if span is not None else intro.start, sec.start)
        if cur.mentions:
            boundary = max(boundary, cur.mentions[-1].end_char)
        start(
            Segment(
                start=boundary,
                how="mention",
                exercise_id=found.exercise_id,
                level=cur.level + 1 if cur.how == "group" else cur.level,
                name=intro.text,
                name_span=(intro.start, intro.end),
                new_name=None if found.exercise_id else intro.text,
                mapping=(found.mapping, found.score) if found.exercise_id else ("unmatched", 0.0),
            )
        )
    rest = [m for m in named if m.start_char >= cut]
    if rest:
        _prose(outline, segments, start, _part(sec, cut, sec.end), rest, structural, with_intros=False)


def _part(sec: Section, start: int, end: int) -> Section:
    return sec.model_copy(update={"start": start, "end": end})


def _finish(outline: Outline, segments: list[Segment]) -> None:
    """Section ends; unnamed headings inferred from their description or dropped."""
    sdoc = outline.sdoc
    text = text_of(sdoc)
    for i, seg in enumerate(segments):
        end = segments[i + 1].start if i + 1 < len(segments) else len(text)
        seg.section_end = end
        if seg.how == "unnamed" and seg.exercise_id is None:
            has_values = outline.states_values(seg.start, end)
            if lost_name(heading_name(seg.heading or "")):
                inferred, cues = infer_exercise(
                    sdoc, seg.start, end, exclude=outline.mentions, min_cues=1 if has_values else INFER_MIN_CUES
                )
                if inferred:
                    seg.exercise_id, seg.cue_spans = inferred, cues
                    continue
            if not has_values:
                seg.how = "none"  # a topic heading: nothing to review


def name_words(name: str) -> set[str]:
    """Normalized words of a name (for comparing a heading with the document title)."""
    return set(normalize_name(name).split())
