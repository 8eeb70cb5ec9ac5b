"""Layout: what each line of a clean text is, which lines are one sentence, and the sections.

The layout is read line by line and block by block, never switched for a whole document: a
handout of short lines (numbered headings, ``Sets: 2``) and a caption file wrapped at forty
characters go through the same rules. Each line is one of

- ``heading``: a Markdown heading, or a short line standing alone that reads as a title;
- ``item``: a bulleted, numbered or lettered line ("1.", "2a)", "•", "Exercise 3 -", "1Bridge");
- ``field``: a ``Label: value`` line ("Sets: 2", "Target Repetitions = 5", "REPS: 10");
- ``row``: a table row (rows come from ``markup.tables``);
- ``prose``: anything else; ``blank``.

Lines are joined into one only where a sentence continues: the first line does not end a
sentence and the next is running text (it starts in lower case, or the first is a long wrapped
line). The vocabulary (field labels and their roles, labels of a description's parts, words that
lead into a name) is package data: ``pipeline/data/layout.json``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from . import alignment
from .markup import Replacement, lines
from .models import Piece, Section
from .resources import read_text

# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Vocabulary:
    """The layout reader's words, from ``pipeline/data/layout.json``."""

    field_labels: dict[str, str]
    label_headings: frozenset[str]
    lead_ins: tuple[str, ...]
    level_words: frozenset[str]


ROLES = frozenset({"hold", "reps", "sets", "dose", "frequency", "rest", "tempo", "side", "progression", "info", "name"})


@cache
def vocabulary() -> Vocabulary:
    """The layout vocabulary, validated: every role known, lead-ins longest first."""
    from .errors import data_error

    data = json.loads(read_text("data", "layout.json"))
    labels = {" ".join(k.lower().split()): v for k, v in data["field_labels"].items()}
    for label, role in labels.items():
        if role not in ROLES:
            raise data_error("pipeline/data/layout.json", None, f"field label {label!r}: unknown role {role!r}")
    return Vocabulary(
        field_labels=labels,
        label_headings=frozenset(" ".join(h.lower().split()) for h in data["label_headings"]),
        lead_ins=tuple(sorted({" ".join(w.lower().split()) for w in data["lead_ins"]}, key=lambda s: (-len(s), s))),
        level_words=frozenset(w.lower() for w in data["level_words"]),
    )


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class Line:
    """One line of a text and what it is. Offsets are into the text that was read."""

    start: int  # first character after the indentation
    end: int  # end without trailing spaces
    kind: str  # blank | heading | item | field | row | prose
    indent: int = 0
    level: int = 0  # heading level; item depth (1 = top)
    number: int | None = None  # the number of a numbered item
    marker: str | None = None  # the number or letter as written ('2a')
    body: int = 0  # where the content starts after a marker ('1. ', '- ', '## ')
    title: bool = False  # the line (or its name part) reads as a name, not a sentence
    name_end: int = 0  # end of the name part ('Squats' in 'Squats: 3 x 10')
    role: str | None = None  # a field's role (see ``ROLES``)
    value: int = 0  # where a field's value starts


_HEADING_MARK = re.compile(r"(#{1,6})\s+")
_BULLET = re.compile(r"[-*+•‣◦·▪●○►→✓✔]\s+")
_NUMBER = re.compile(r"\(?(\d{1,2})([a-z])?[.)]\s+(?=\S)")
_WORD_NUMBER = re.compile(
    r"(?:exercise|stretch|step|pose|move|movement|drill|no\.|number|#)\s*#?\s*(\d{1,2})[a-z]?\b\s*"
    r"(?:[:.)\-–—]\s*|(?=[A-Za-z]))",
    re.I,
)
_LETTER = re.compile(r"([A-Za-z])[.)]\s+(?=[A-Za-z])")
_GLUED_NUMBER = re.compile(r"(\d{1,2})(?=[A-Z][a-z])")
_LABEL = re.compile(r"([A-Za-z][\w'’/&() \-]{0,38}?)\s*(?::(?!//)|=)(?=\s|$|\d)")
# Figure and media labels ('Fig:01', 'Image 3', '7786 image') caption a picture; they name nothing.
_FIGURE = re.compile(
    r"(?:fig(?:ure)?|image|img|photo|picture|video|diagram|illustration)\b\.?\s*[:#]?\s*\d|\d+\s+image\b", re.I
)
_FIGURE_REF = re.compile(r"[\[(][^\])]*[\])]")
# Words of a dosage or schedule line ('Every second day', 'Once daily; 5x a week'): not a title.
_DOSAGE_WORDS = re.compile(
    r"\b(?:daily|weekly|every|times|once|twice|reps?|repetitions?|sets?|seconds?|secs?|minutes?|mins?|"
    r"hours?|breaths?|per|x\d+|\d+x)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?…]['\"”’)\]]*$")
_CLAUSE_END = re.compile(r"[,;]['\"”’)\]]*$")
_WORD = re.compile(r"[A-Za-z][\w'’\-]*")
_SMALL = frozenset("a an and the of for to in on with or at by from vs".split())
_PRONOUNS = frozenset("i you we he she they it me us them".split())  # subjects and objects: a sentence
_INSTRUCTION_VERBS = frozenset(
    """lie lay sit stand kneel place put hold keep bring lift raise lower pull push press bend
    straighten tighten squeeze relax return repeat turn tilt move rotate roll slide reach step walk
    breathe inhale exhale make try do start begin avoid use wash apply open insert wet mix add cover
    stir preheat bake shape score check see wait let allow look take find get go rest stop draw
    extend cross drop sink hinge engage brace tuck clasp grab hug interlock point flex alternate stay
    continue change switch remain""".split()
)
_FOLLOWERS = frozenset(
    """your the a an one both this these that it them on in into onto with up down back forward
    for from over out off against until slowly gently each every all any some my his her their
    our yourself between""".split()
)
_FUNCTION_WORDS = frozenset(
    "the a an of for to in on at with by from before after until as or and your my their this that".split()
)
_FUNCTION_END = frozenset(
    """a an the and or but to of in on at for with from by as that which who your my our their
    his her its this these those is are was were be been being i you we they he she it if when
    while so then than not no into onto over under about like just really very""".split()
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


# Where a dosage follows a name on its line: 'Glute bridge 3x12', 'Bird dog — 10 each side',
# 'Happy baby 60s', 'Cat-cow x10', 'Clamshells 2×15 ea'.
_DOSAGE_TAIL = re.compile(
    r"\s+(?:[-–—]\s+|\(?(?=[x×]\s?\d|\d+(?:\s*[-–—]\s*\d+)?\s*(?:[x×/\"'′″]|s\b|secs?\b|seconds?\b|mins?\b|"
    r"minutes?\b|reps?\b|repetitions?\b|sets?\b|times\b|breaths?\b|ea\b|each\b|per\b|rounds?\b|on\b)))",
    re.I,
)


def name_end(text: str, start: int, end: int) -> int:
    """Where the name that starts a line ends, before a dosage written after it.

    >>> t = "Glute bridge 3x12"
    >>> t[: name_end(t, 0, len(t))], "Warrior 2"[: name_end("Warrior 2", 0, 9)]
    ('Glute bridge', 'Warrior 2')
    """
    m = _DOSAGE_TAIL.search(text, start, end)
    return m.start() if m and m.start() > start else end


def reads_as_name(text: str) -> bool:
    """A short phrase that names something, not a sentence or an instruction.

    >>> [reads_as_name(t) for t in ["Knee hugs", "Sit to Stand with Weighted Bag", "Pelvic tilts:"]]
    [True, True, True]
    >>> [reads_as_name(t) for t in ["Lie on your back.", "Pull your toes up", "You will feel it"]]
    [False, False, False]
    """
    t = text.strip().rstrip(":").strip()
    words = _words(t)
    if not words or len(t) > 90 or len(words) > 10 or _SENTENCE_END.search(t) and not t.endswith(")"):
        return False
    lower = [w.lower() for w in words]
    if any(re.split(r"['’]", w)[0] in _PRONOUNS for w in lower):
        return False
    if _FIGURE.match(t) or sum(w in _FUNCTION_WORDS for w in lower) > 3:
        return False  # 'Charge the device for a minimum of eight hours before' is a sentence
    return not (lower[0] in _INSTRUCTION_VERBS and any(w in _FOLLOWERS for w in lower[1:3]))


def _title_case(text: str) -> bool:
    words = [w for w in _words(text) if w.lower() not in _SMALL]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.7


def _label(text: str, pos: int, end: int) -> tuple[str, int, int] | None:
    """A 'Label:' or 'Label =' at ``pos``: (label, label end, value start), or None."""
    m = _LABEL.match(text, pos, end)
    if not m:
        return None
    label = " ".join(m.group(1).split())
    if len(label.split()) > 5 or label[-1].isdigit():
        return None
    value = m.end()
    while value < end and text[value] in " \t":
        value += 1
    return label, pos + len(m.group(1).rstrip()), value


def _marker(text: str, s: int, e: int) -> tuple[str, int, int | None, str | None] | None:
    """An item marker at ``s``: (kind of marker, where the content starts, number, marker text)."""
    for kind, pattern in (("bullet", _BULLET), ("number", _NUMBER), ("word", _WORD_NUMBER), ("letter", _LETTER)):
        m = pattern.match(text, s, e)
        if m:
            number = int(m.group(1)) if kind in ("number", "word") else None
            label = None if kind == "bullet" else m.group(1) + (m.group(2) or "" if kind == "number" else "")
            return kind, m.end(), number, label
    m = _GLUED_NUMBER.match(text, s, e)
    if m and reads_as_name(text[m.end() : e]):
        return "number", m.end(), int(m.group(1)), m.group(1)
    return None


def read(text: str, rows: dict[int, tuple[int, int]] | None = None) -> list[Line]:
    """Every line of ``text`` and what it is. ``rows``: table-row lines, by start offset, with
    the span of their name cell (empty when the row names nothing)."""
    vocab = vocabulary()
    rows = rows or {}
    raw = list(lines(text))
    out: list[Line] = []
    for s, e in raw:
        line = text[s:e]
        stripped = line.strip()
        if not stripped:
            out.append(Line(start=s, end=s, kind="blank"))
            continue
        indent = len(line) - len(line.lstrip())
        cs, ce = s + indent, s + len(line.rstrip())
        if s in rows:
            cell_start, cell_end = rows[s]
            title = cell_end > cell_start and reads_as_name(text[cell_start:cell_end])
            out.append(Line(cs, ce, "row", indent, level=1, body=cell_start, title=title, name_end=cell_end))
            continue
        if m := _HEADING_MARK.match(text, cs, ce):
            out.append(Line(cs, ce, "heading", indent, level=len(m.group(1)), body=m.end(), title=True, name_end=ce))
            continue
        marker = _marker(text, cs, ce)
        body = marker[1] if marker else cs
        if marker and marker[0] == "word" and not _words(_FIGURE_REF.sub("", text[body:ce])):
            body = cs  # 'Exercise 3:', 'Stretch 2 [fig. 5]': the label is all the name there is
        label = _label(text, body, ce)
        role = vocab.field_labels.get(label[0].lower()) if label else None
        if label and role and label[2] < ce:
            level = 1 + indent // 2
            out.append(Line(cs, ce, "field", indent, level, body=body, name_end=label[1], role=role, value=label[2]))
            continue
        if marker:
            if label and not role:  # 'Squats: 3 sets of 12', 'Warm up (5 min): jogging...'
                name_stop = label[1]
            else:
                name_stop = name_end(text, body, ce)
            title = reads_as_name(text[body:name_stop]) and not _SENTENCE_END.search(text[body:ce])
            level = 1 + indent // 2
            number, written = marker[2], marker[3]
            out.append(Line(cs, ce, "item", indent, level, number, written, body, title, name_stop, role))
            continue
        if label and not role and label[2] < ce and reads_as_name(label[0]):
            level = 1 + indent // 2
            out.append(Line(cs, ce, "field", indent, level, body=cs, title=True, name_end=label[1], value=label[2]))
            continue
        out.append(Line(cs, ce, "prose", indent, body=cs))
    return _headings(text, out, vocab)


def _headings(text: str, out: list[Line], vocab: Vocabulary) -> list[Line]:
    """Promote prose lines that stand alone and read as titles to headings, and set levels."""
    content = [i for i, ln in enumerate(out) if ln.kind != "blank"]
    result = list(out)
    for pos, i in enumerate(content):
        ln = out[i]
        if ln.kind != "prose" and not (ln.kind == "field" and ln.role is None):
            continue
        t = text[ln.start : ln.end]
        prev = result[content[pos - 1]] if pos else None
        nxt = out[content[pos + 1]] if pos + 1 < len(content) else None
        blank_before = prev is None or content[pos - 1] < i - 1
        blank_after = nxt is None or content[pos + 1] > i + 1
        if _is_heading(text, t, prev, nxt, blank_before, blank_after):
            result[i] = replace(ln, kind="heading", level=0, body=ln.start, title=True, name_end=ln.end, role=None)
        elif ln.kind == "field" and t.rstrip().endswith(":"):
            result[i] = replace(ln, kind="heading", level=0, body=ln.start, title=True, name_end=ln.end)
    # Levels: a plain heading sits one below the last Markdown heading; a label heading one
    # below that ('Setup', 'Tips', or any heading text the document repeats).
    texts = Counter(_heading_key(text, ln) for ln in result if ln.kind == "heading")
    deepest = 1
    for j, ln in enumerate(result):
        if ln.kind != "heading":
            continue
        key = _heading_key(text, ln)
        words = re.findall(r"[a-z0-9]+", key)
        levels = bool(words) and all(w in vocab.level_words for w in words)  # 'Beginner Intermediate Advanced'
        label = key in vocab.label_headings or texts[key] > 1 or levels
        role = vocab.field_labels.get(key)
        role = role if role in ("progression", "rest", "tempo") else "label" if label else None
        if ln.level:  # Markdown
            deepest = ln.level
            level = ln.level
        else:
            level = min(deepest + 1, 6)
        result[j] = replace(ln, level=level + (1 if label and not ln.level else 0), role=role)
    return result


def _heading_key(text: str, ln: Line) -> str:
    return " ".join(text[ln.body : ln.end].lower().split()).rstrip(" :-–")


def _is_heading(text: str, t: str, prev: Line | None, nxt: Line | None, blank_before: bool, blank_after: bool) -> bool:
    """A prose line that stands alone and reads as a title."""
    words = _words(t)
    first_alpha = next((c for c in t if c.isalpha()), "")
    if not words or len(t) > 90 or len(words) > 10 or not first_alpha.isupper():
        return False
    if _SENTENCE_END.search(t) and not t.endswith(")") or _CLAUSE_END.search(t):
        return False
    if not reads_as_name(t.rstrip(":")) and not t.endswith(":") or _DOSAGE_WORDS.search(t):
        return False
    prev_ends = (
        blank_before
        or prev is None
        or prev.kind in ("heading", "item", "field", "row")
        or bool(_SENTENCE_END.search(text[prev.start : prev.end]))
    )
    if not prev_ends:
        return False
    goes_on = nxt is not None and nxt.kind == "prose" and text[nxt.start : nxt.start + 1].islower()
    if goes_on and not (blank_after and len(words) >= 2 and _title_case(t)):
        return False  # the sentence goes on
    if not (blank_before or blank_after or nxt is None or nxt.kind != "prose" or len(words) <= 6):
        return False
    return _title_case(t) or len(words) <= 6 or t.endswith(":") or t.isupper()


# --------------------------------------------------------------------------- joins


def joins(text: str, read_lines: Sequence[Line]) -> list[Replacement]:
    r"""Join lines where a sentence continues: the gap becomes one space.

    >>> t = "so today we are\n\ngoing to lie on\nyour back\nBridge\n\nLift your hips.\nHold it.\n"
    >>> from pipeline import alignment
    >>> alignment.apply(t, joins(t, read(t)))[0]
    'so today we are going to lie on your back\nBridge\n\nLift your hips.\nHold it.\n'
    """
    out: list[Replacement] = []
    prev: Line | None = None
    blank = False
    for ln in read_lines:
        if ln.kind == "blank":
            blank = prev is not None
            continue
        if prev is not None and _continues(text, prev, ln, blank):
            out.append((prev.end, ln.start, " "))
        prev, blank = ln, False
    return out


def _continues(text: str, prev: Line, ln: Line, blank: bool) -> bool:
    if ln.kind != "prose" or prev.kind in ("heading", "row") or prev.title and prev.kind == "item":
        return False
    if prev.kind == "field" and prev.end - prev.value < 30:
        return False  # 'Target Repetitions = 5' ends where its line ends
    before, after = text[prev.start : prev.end], text[ln.start : ln.end]
    if _SENTENCE_END.search(before) or before.endswith(":"):
        return False
    last = before.split()[-1].lower() if before.split() else ""
    starts_low = after[:1].islower() or after[:1] in "(\"'“‘"
    if blank:
        return starts_low or bool(_CLAUSE_END.search(before)) or last in _FUNCTION_END
    return (
        starts_low
        or after[:1].isdigit()
        or len(before) >= 30
        or bool(_CLAUSE_END.search(before))
        or (last in _FUNCTION_END)
    )


# --------------------------------------------------------------------------- sections


def sections(
    text: str,
    read_lines: Sequence[Line],
    pieces: Sequence[Piece] = (),
    cues: Iterable[int] = (),
) -> list[Section]:
    """Sections of the joined text from the lines read before joining (``pieces``: the joins).

    Consecutive prose lines make one paragraph; a prose line joined to an item, or indented
    under it, belongs to the item; a paragraph is split where a spoken cue starts (``cues``:
    offsets in the joined text).
    """

    def fwd(offset: int, is_end: bool = False) -> int:
        return alignment.forward(pieces, offset, is_end=is_end) if pieces else offset

    joined_to_prev = {p.raw_end for p in pieces}  # a line whose start a join reaches
    cue_points = sorted(set(cues))
    out: list[Section] = []
    paragraph: list[int] | None = None  # [start, end] in the joined text
    prev: Line | None = None
    blank = False

    def flush() -> None:
        nonlocal paragraph
        if paragraph is None:
            return
        s, e = paragraph
        points = [s, *(c for c in cue_points if s < c < e)]
        for k, ps in enumerate(points):
            pe = points[k + 1] if k + 1 < len(points) else e
            out.append(Section(kind="paragraph" if k == 0 else "cue", start=ps, end=pe))
        paragraph = None

    for ln in read_lines:
        if ln.kind == "blank":
            blank = True
            continue
        s, e = fwd(ln.start), fwd(ln.end, is_end=True)
        if ln.kind == "prose":
            joined = ln.start in joined_to_prev
            under_item = paragraph is None and out and out[-1].kind in ("item", "field", "row")
            indented = prev is not None and not blank and ln.indent > prev.indent
            if under_item and (joined or indented):
                last = out[-1]
                out[-1] = last.model_copy(update={"end": max(last.end, e)})
            elif paragraph is not None and (joined or not blank):
                paragraph[1] = e
            else:
                flush()
                paragraph = [s, e]
            prev, blank = ln, False
            continue
        flush()
        name_start = fwd(ln.body) if ln.kind != "field" or ln.role is None else None
        name_end = fwd(ln.name_end, is_end=True) if name_start is not None else None
        out.append(
            Section(
                kind=ln.kind,  # type: ignore[arg-type]
                start=s,
                end=e,
                level=ln.level,
                number=ln.number,
                marker=ln.marker,
                title=ln.title,
                name_start=name_start,
                name_end=name_end,
                role=ln.role,
                value_start=fwd(ln.value) if ln.kind == "field" else None,
            )
        )
        prev, blank = ln, False
    flush()
    return out
