"""Ingest: raw files → ``Document`` records (decoded text, clean view, sections, kind).

The clean view (``Document.text``) is the raw text with markup removed and caption line breaks
unwrapped; every change is a replacement recorded in ``Document.alignment`` so that any span of
the clean view maps back to the raw text.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError

from . import alignment, paths
from .errors import InputError, PipelineWarning, input_error
from .models import Document, InputWarning, Kind, Section, SourceMeta
from .resources import read_text

MAX_BYTES = 5_000_000
FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".srt": "srt",
    ".vtt": "vtt",
}
META_SUFFIX = ".meta.json"

Replacement = tuple[int, int, str]


# --------------------------------------------------------------------------- decoding


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 (a BOM is allowed) or plain UTF-16; anything else is an ``InputError`` with a fix.

    UTF-16 is recognised by its byte order mark or, without one, when it is plainly UTF-16 (see
    ``utf16_order``). NUL characters anywhere are an error: they mean a binary or damaged file.

    >>> decode("caf\u00e9".encode(), "a.txt"), decode("caf\u00e9".encode("utf-16-le"), "a.txt")
    ('café', 'café')
    """
    where = path
    if not data.strip():
        raise input_error(where, "the file is empty", "Remove it from the raw folder or add its text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    order = utf16_order(data)
    if order is not None:
        text = data.decode(order).removeprefix("\ufeff")
    elif b"\x00" in data[:8192] or _control_ratio(data[:8192]) > 0.05:
        raise input_error(where, "the file is binary, not text", "Export it as plain text, Markdown, HTML, SRT or VTT")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            guess = "Windows-1252" if _decodes(data, "cp1252") else "an unknown encoding"
            raise input_error(
                where,
                f"the file is not valid UTF-8 (byte {err.start}; it looks like {guess})",
                f"Convert it to UTF-8, e.g. iconv -f CP1252 -t UTF-8 '{path}' > fixed.txt, and replace it",
            ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise input_error(
            where,
            f"the file contains NUL characters (the first on line {line}), so it is binary or damaged",
            "Export the text again, or remove the NUL characters (e.g. tr -d '\\000')",
        )
    if not text.strip():
        raise input_error(where, "the file is empty", "Remove it from the raw folder or add its text")
    return text


UTF16_ZERO_SHARE = 0.3
"""Share of code units whose high byte is zero above which BOM-less bytes read as UTF-16."""


def utf16_order(data: bytes) -> str | None:
    """``'utf-16'`` (with a BOM), ``'utf-16-le'`` or ``'utf-16-be'`` when the bytes are plainly
    UTF-16, else None.

    Without a BOM the bytes are plainly UTF-16 when their length is even, at least
    ``UTF16_ZERO_SHARE`` of the code units in the first 8 kB have a zero high byte and none a zero
    low byte (Latin text), and the whole decodes strictly.

    >>> utf16_order("Hold 5 s".encode("utf-16-le")), utf16_order("Hold 5 s".encode("utf-16-be"))
    ('utf-16-le', 'utf-16-be')
    >>> utf16_order(b"Hold 5 s"), utf16_order(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR") is None
    (None, True)
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        order = "utf-16"
    else:
        if len(data) < 2 or len(data) % 2:
            return None
        head = data[:8192]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        units = len(head) // 2
        if odd >= UTF16_ZERO_SHARE * units and even == 0:
            order = "utf-16-le"
        elif even >= UTF16_ZERO_SHARE * units and odd == 0:
            order = "utf-16-be"
        else:
            return None
    return order if _decodes(data, order) else None


def _control_ratio(data: bytes) -> float:
    control = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    return control / max(1, len(data))


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


# --------------------------------------------------------------------------- clean views

_LINE = re.compile(r"[^\n]*(?:\n|$)")


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every line, end excluding the newline and a trailing carriage return."""
    for m in _LINE.finditer(text):
        if m.start() == len(text):
            break
        end = m.end() - (1 if m.group().endswith("\n") else 0)
        if end > m.start() and text[end - 1] == "\r":
            end -= 1
        yield m.start(), end


_LIST_MARK = re.compile(r"^\s*(?:[-*+•‣◦·▪]|\d{1,2}[.)])\s+")
_HEADING_MARK = re.compile(r"^\s*#{1,6}\s+")
_END_PUNCT = re.compile(r"[.!?;,]['\")\]]*\s*$")


def _is_title_like(line: str) -> bool:
    """A short line without closing punctuation, most words capitalised (a title)."""
    words = re.findall(r"[A-Za-z][\w'’]*", line)
    if not words or len(line) > 90 or _END_PUNCT.search(line):
        return False
    small = {"a", "an", "and", "the", "of", "for", "to", "in", "on", "with", "or", "at", "by"}
    big = [w for w in words if w.lower() not in small]
    return bool(big) and sum(w[0].isupper() for w in big) / len(big) >= 0.7


def _is_heading_line(line: str) -> bool:
    """A line standing alone that reads as a heading: a title, a short label, or 'Label:'."""
    stripped = line.strip()
    if stripped.endswith(":") and len(stripped) <= 90:
        return True
    words = stripped.split()
    short_label = len(stripped) <= 60 and len(words) <= 8 and stripped[0].isupper() and not _END_PUNCT.search(stripped)
    return short_label or _is_title_like(stripped)


def caption_layout(text: str) -> bool:
    """True when the text is caption lines: many short lines, most ending mid-sentence."""
    lines = [text[s:e].strip() for s, e in _lines(text)]
    lines = [ln for ln in lines if ln]
    if lines and _is_title_like(lines[0]):
        lines = lines[1:]
    if len(lines) < 8:
        return False
    short = sum(len(ln) <= 60 for ln in lines) / len(lines)
    open_ended = sum(not _END_PUNCT.search(ln) for ln in lines) / len(lines)
    return short >= 0.8 and open_ended >= 0.5


def unwrap_captions(text: str) -> list[Replacement]:
    """Join caption lines into running text; a title-like first line stays on its own.

    >>> t = "Title Line\\n\\nso you lie\\n\\non your back\\n"
    >>> alignment.apply(t, unwrap_captions(t))[0]
    'Title Line\\n\\nso you lie on your back\\n'
    """
    spans = [(s, e) for s, e in _lines(text) if text[s:e].strip()]
    out: list[Replacement] = []
    for i, ((_, e1), (s2, _)) in enumerate(zip(spans, spans[1:], strict=False)):
        if i == 0 and _is_title_like(text[spans[0][0] : e1]):
            continue
        out.append((e1, s2, " "))
    return out


def unwrap_soft_breaks(text: str) -> list[Replacement]:
    """Join hard-wrapped lines of one paragraph (a single newline inside running text).

    >>> t = "A long line of running text that was wrapped by an editor at\\nsome column.\\n"
    >>> alignment.apply(t, unwrap_soft_breaks(t))[0]
    'A long line of running text that was wrapped by an editor at some column.\\n'
    """
    out: list[Replacement] = []
    spans = list(_lines(text))
    for (s1, e1), (s2, e2) in zip(spans, spans[1:], strict=False):
        prev, nxt = text[s1:e1], text[s2:e2]
        if not prev.strip() or not nxt.strip() or len(prev.strip()) < 40:
            continue
        if prev.rstrip().endswith(":") or _HEADING_MARK.match(prev) or _HEADING_MARK.match(nxt):
            continue
        if _LIST_MARK.match(nxt) or _is_title_like(nxt) or _FIELD.match(nxt) or "|" in prev or "|" in nxt:
            continue
        out.append((e1, s2, " "))
    return out


_TIMESTAMP_LINE = re.compile(r"^\s*[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?\s*$")
_ANNOTATION = re.compile(
    r"[\[(](?:music|applause|laughter|laughs|laughing|inaudible|silence|no audio|background music|"
    r"cheering|crosstalk|sighs|coughs)[\])]",
    re.I,
)


def strip_timestamps(text: str) -> list[Replacement]:
    r"""Drop timestamp lines ('0:04', '[01:02:03]') and sound annotations ('[Music]') of pasted
    video transcripts; only when there are at least three timestamp lines.

    >>> t = "0:00\nhello there\n0:04\n[Music]\n0:06\nbye\n"
    >>> alignment.apply(t, strip_timestamps(t))[0]
    'hello there\nbye\n'
    """
    stamps = [(s, e) for s, e in _lines(text) if _TIMESTAMP_LINE.match(text[s:e])]
    if len(stamps) < 3:
        return []
    out: list[Replacement] = []
    for s, e in _lines(text):
        line = text[s:e]
        if _TIMESTAMP_LINE.match(line) or (_ANNOTATION.fullmatch(line.strip() or "x")):
            nl = e + (2 if text[e : e + 2] == "\r\n" else 1 if text[e : e + 1] == "\n" else 0)
            out.append((s, nl, ""))
        else:
            out.extend((s + m.start(), s + m.end(), "") for m in _ANNOTATION.finditer(line))
    return out


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_NAME_COLUMN = re.compile(r"exercise|name|movement|stretch|pose|drill|move", re.I)
_SKIP_COLUMN = re.compile(r"^(?:#|no\.?|number|order|step|)$", re.I)


def _cells(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """(start, end) of each cell's content on a pipe-table line."""
    bars = [s + m.start() for m in re.finditer(r"\|", text[s:e])]
    line = text[s:e].strip()
    edges = ([s - 1] if not line.startswith("|") else []) + bars + ([e] if not line.endswith("|") else [])
    cells = []
    for a, b in zip(edges, edges[1:], strict=False):
        cs, ce = a + 1, b
        while cs < ce and text[cs].isspace():
            cs += 1
        while ce > cs and text[ce - 1].isspace():
            ce -= 1
        cells.append((cs, ce))
    return cells


def tables(text: str) -> list[Replacement]:
    r"""Turn Markdown pipe tables into list items of 'Header: value' fields.

    The header row and rule go; each body row becomes '- <name>. <Header>: <cell>. ...', the
    header words standing in for the cell borders, so a value still maps to its own cell.

    >>> t = "| Exercise | Sets | Hold |\n|---|---|---|\n| Bridge | 2 | 5 s |\n"
    >>> alignment.apply(t, tables(t))[0]
    '\n\n- Bridge. Sets: 2. Hold: 5 s.\n'
    """
    lines = list(_lines(text))
    out: list[Replacement] = []
    i = 0
    while i + 1 < len(lines):
        hs, he = lines[i]
        rs, re_ = lines[i + 1]
        if "|" not in text[hs:he] or not _TABLE_RULE.match(text[rs:re_]):
            i += 1
            continue
        headers = [text[a:b].strip() for a, b in _cells(text, hs, he)]
        keep = [k for k, h in enumerate(headers) if not _SKIP_COLUMN.match(h)]
        name_col = next((k for k in keep if _NAME_COLUMN.search(headers[k])), keep[0] if keep else None)
        out += [(hs, he, ""), (rs, re_, "")]
        j = i + 2
        while j < len(lines) and "|" in text[lines[j][0] : lines[j][1]]:
            ls, le = lines[j]
            cells = _cells(text, ls, le)
            order = [name_col] + [k for k in keep if k != name_col] if name_col is not None else keep
            order = [k for k in order if k < len(cells)]
            pos = ls
            for k in order:
                cs, ce = cells[k]
                if ce == cs:
                    continue
                label = "- " if pos == ls else (f". {headers[k]}: " if headers[k] else ". ")
                out.append((pos, cs, label))
                pos = ce
            out.append((pos, le, "." if pos > ls else ""))
            j += 1
        i = j
    return out


_CARRIAGE = re.compile(r"\r(?=\n)")


def _through(inner: list, rep: Replacement) -> Replacement:
    """A replacement on a derived text, moved to the source it was derived from."""
    s, e = alignment.to_source(inner, rep[0], rep[1])
    return s, e, rep[2]


def strip_carriage_returns(text: str) -> list[Replacement]:
    r"""Drop the CR of CRLF line ends.

    >>> strip_carriage_returns("a\r\nb")
    [(1, 2, '')]
    """
    return [(m.start(), m.end(), "") for m in _CARRIAGE.finditer(text)]


# Captions ------------------------------------------------------------------

_TIMESTAMP = re.compile(r"^\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}")
# A timing line gone wrong: starts like a time, has an arrow or a dash ('00:00:04,000 -> 00:00:08,000').
_TIMING_LIKE = re.compile(r"^\s*\d{1,2}[:;.,]\d{2}\S*\s*(?:-+>?|[=>→–—]+)")
_CUE_TAG = re.compile(r"<[^>\n]{0,40}>")
_TIMING_FIX = "Write the timing as '00:00:04,000 --> 00:00:08,000' (SRT) or '00:04.000 --> 00:08.000' (VTT)"


class Captions(NamedTuple):
    """``caption_cues``' result: replacements to running text, and problems found on the way."""

    replacements: list[Replacement]
    warnings: list[InputWarning]


def caption_cues(text: str, fmt: str) -> Captions:
    """Replacements that turn an SRT/VTT file into running text.

    Cue numbers, timestamps, the WEBVTT header, NOTE/STYLE/REGION blocks and inline tags go;
    a line repeating the previous cue's line (rolling captions) goes; cue lines are joined
    with single spaces. A cue whose timing is malformed or missing keeps its text, with a warning
    naming the line. Raises ``ValueError`` when no cue has a timing (not a caption file).

    >>> srt = "1\\n00:00:01,000 --> 00:00:02,000\\nhold it\\n\\n"
    >>> srt += "2\\n00:00:02,000 -> 00:00:03,000\\nfor <i>30</i> seconds\\n"
    >>> cues = caption_cues(srt, "srt")
    >>> alignment.apply(srt, cues.replacements)[0], [(w.line, w.what[:25]) for w in cues.warnings]
    ('hold it for 30 seconds', [(6, 'malformed caption timing ')])
    """
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for s, e in _lines(text):
        if text[s:e].strip():
            current.append((s, e))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)

    keep: list[tuple[int, int]] = []  # text lines kept, in order
    warnings: list[InputWarning] = []
    timed = False
    previous_line = None
    for block in blocks:
        first = text[block[0][0] : block[0][1]].strip()
        if fmt == "vtt" and (first.startswith("WEBVTT") or first.split(" ")[0] in {"NOTE", "STYLE", "REGION"}):
            continue
        ts = next((i for i, (s, e) in enumerate(block) if _TIMESTAMP.match(text[s:e])), None)
        if ts is not None:
            timed = True
        else:
            ts = _untimed_start(text, block, fmt, warnings)
            if ts is None:
                continue
        for s, e in block[ts + 1 :]:
            visible = _CUE_TAG.sub("", text[s:e]).strip()
            if not visible or visible == previous_line:
                continue
            keep.append((s, e))
            previous_line = visible
    if not timed:
        raise ValueError("no caption timing found ('00:00:01,000 --> 00:00:02,000')")
    if not keep:
        raise ValueError("the captions contain no text")

    out: list[Replacement] = [(0, keep[0][0], "")] if keep[0][0] > 0 else []
    for i, (s, e) in enumerate(keep):
        # Inline tags inside a kept line.
        out.extend((s + m.start(), s + m.end(), "") for m in _CUE_TAG.finditer(text[s:e]))
        nxt = keep[i + 1][0] if i + 1 < len(keep) else len(text)
        if nxt > e:
            out.append((e, nxt, " " if i + 1 < len(keep) else ""))
    return Captions(_merge_touching(out), warnings)


def _untimed_start(text: str, block: list[tuple[int, int]], fmt: str, warnings: list[InputWarning]) -> int | None:
    """For a cue block without a valid timing: the index of its last non-text line (-1: none),
    or None to skip the block (a bare cue number). Adds the warning."""
    lines = [text[s:e].strip() for s, e in block]
    bad = next((i for i, line in enumerate(lines[:2]) if _TIMING_LIKE.match(line)), None)
    if bad is not None:
        what = f"malformed caption timing {lines[bad][:60]!r}; the cue's text is kept"
        warnings.append(InputWarning(line=_line_number(text, block[bad][0]), what=what, fix=_TIMING_FIX))
        return bad
    if len(lines) == 1 and lines[0].isdigit():
        return None  # a cue number without a cue
    skip = 0 if not (fmt == "srt" and lines[0].isdigit()) else 1
    what = "caption cue without a timing line; its text is kept"
    warnings.append(InputWarning(line=_line_number(text, block[0][0]), what=what, fix=_TIMING_FIX))
    return skip - 1


def _line_number(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _merge_touching(reps: list[Replacement]) -> list[Replacement]:
    """Sort replacements and fuse the ones that touch, so none overlap."""
    merged: list[Replacement] = []
    for s, e, new in sorted(reps):
        if merged and s <= merged[-1][1]:
            ps, pe, pnew = merged[-1]
            if s < pe:  # overlapping: keep the wider one
                merged[-1] = (ps, max(pe, e), pnew if pe >= e else new)
            else:
                merged[-1] = (ps, e, pnew + new)
        else:
            merged.append((s, e, new))
    return merged


# HTML ----------------------------------------------------------------------

_HTML_TOKEN = re.compile(
    r"<!--.*?-->|<(script|style|head|noscript|template)\b[^>]*>.*?</\1\s*>|<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);|\s+",
    re.S | re.I,
)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "ul",
    "ol",
    "table",
    "tr",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "br",
    "hr",
    "body",
    "html",
}
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.S | re.I)


def html_view(text: str) -> list[Replacement]:
    """Replacements that turn HTML into Markdown-like text (headings '#', items '-', '1.').

    >>> page = "<h2>Bridge</h2><p>Hold&nbsp;for 5 seconds.</p><ol><li>Lift</li></ol>"
    >>> alignment.apply(page, html_view(page))[0]
    '## Bridge\\n\\nHold for 5 seconds.\\n\\n1. Lift\\n\\n'
    """
    out: list[Replacement] = []
    lists: list[list[int]] = []  # stack of [is_ordered, counter]
    at_line_start = True
    last_end = 0
    for m in _HTML_TOKEN.finditer(text):
        tok = m.group()
        if m.start() > last_end:  # visible text since the previous token
            at_line_start = False
        last_end = m.end()
        if tok.startswith("&"):
            out.append((m.start(), m.end(), html.unescape(tok).replace("\xa0", " ")))
            at_line_start = False
            continue
        if tok[0].isspace():
            out.append((m.start(), m.end(), "" if at_line_start else " "))
            continue
        name_m = _TAG_NAME.match(tok)
        if not name_m or m.group(1):  # comment, script/style/head block, doctype
            out.append((m.start(), m.end(), ""))
            continue
        closing, name = name_m.group(1) == "/", name_m.group(2).lower()
        new = ""
        if re.fullmatch(r"h[1-6]", name):
            new = "\n\n" if closing else "\n\n" + "#" * int(name[1]) + " "
        elif name in ("ol", "ul"):
            if closing and lists:
                lists.pop()
            elif not closing:
                lists.append([name == "ol", 0])
            new = "\n\n"
        elif name == "li" and not closing:
            if lists:
                lists[-1][1] += 1
                mark = f"{lists[-1][1]}. " if lists[-1][0] else "- "
            else:
                mark = "- "
            new = "\n" + mark
        elif name in _BLOCK:
            new = "\n\n"
        out.append((m.start(), m.end(), new))
        at_line_start = new.endswith((" ", "\n")) if new else at_line_start
    return _tidy_newlines(text, out)


_WS_RUN = re.compile(r"[ \t]*\n\s*|[ \t]{2,}")


def _collapse(s: str) -> str:
    """Whitespace runs with two newlines become a blank line, with one a newline."""
    return _WS_RUN.sub(lambda m: "\n\n" if m.group().count("\n") >= 2 else ("\n" if "\n" in m.group() else " "), s)


def _tidy_newlines(text: str, reps: list[Replacement]) -> list[Replacement]:
    """Fuse touching replacements so adjacent block tags give one clean break."""
    fused: list[Replacement] = []
    for s, e, new in reps:
        if fused and fused[-1][1] == s:
            ps, _, pnew = fused[-1]
            fused[-1] = (ps, e, _collapse(pnew + new))
        else:
            fused.append((s, e, new))
    if fused and fused[0][0] == 0:
        s, e, new = fused[0]
        fused[0] = (s, e, new.lstrip())
    return fused


def html_title(text: str) -> str | None:
    """The page's <title>, unescaped."""
    m = _TITLE.search(text)
    return html.unescape(re.sub(r"\s+", " ", m.group(1))).strip() or None if m else None


# --------------------------------------------------------------------------- sections

_FIELD = re.compile(
    r"^\s*(?:sets?|reps?|repetitions?|hold(?: time)?|frequency|rest|duration|sides?|time|tempo|"
    r"equipment|position|how often|how long|dosage)\s*:",
    re.I,
)
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+")
# "Exercise 3:", "Stretch 2 [fig. 5]", "Step 4 -": a label line on top of a block of text.
_LABEL_LINE = re.compile(
    r"^\s*(?:(?:exercise|stretch|pose|move|movement|drill|step|position|part)\s*#?\d{1,2}\b.{0,40}|[^.!?]{1,60}:)\s*$",
    re.I,
)
_BULLET = re.compile(r"^\s*[-*+•‣◦·▪]\s+")


@cache
def _cue_regex() -> re.Pattern[str]:
    lines = [ln.strip() for ln in read_text("data", "spoken_cues.txt").splitlines()]
    alternatives = [ln for ln in lines if ln and not ln.startswith("#")]
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")", re.I)


def spoken_cues(text: str, start: int, end: int) -> list[int]:
    """Offsets in ``text[start:end]`` where a spoken cue starts a new part.

    >>> t = "Hold it. Next you're going to do a bridge."
    >>> spoken_cues(t, 0, len(t))
    [9]
    """
    return [start + m.start() for m in _cue_regex().finditer(text[start:end]) if m.start() > 0]


def sections(text: str, kind: Kind) -> list[Section]:
    """Split the clean view into headings, list items, field lines, paragraphs and cues."""
    out: list[Section] = []
    block: list[tuple[int, int]] = []

    def flush() -> None:
        if not block:
            return
        s, e = block[0][0], block[-1][1]
        parts = [s, *spoken_cues(text, s, e)] if kind == "transcript" else [s]
        for i, ps in enumerate(parts):
            pe = parts[i + 1] if i + 1 < len(parts) else e
            out.append(Section(kind="paragraph" if i == 0 else "cue", start=ps, end=pe))
        block.clear()

    spans = list(_lines(text))
    for idx, (s, e) in enumerate(spans):
        line = text[s:e]
        if not line.strip():
            flush()
            continue
        lead = len(line) - len(line.lstrip())
        s_stripped = s + lead
        nxt = text[spans[idx + 1][0] : spans[idx + 1][1]] if idx + 1 < len(spans) else ""
        alone = not block and (not nxt.strip() or bool(_LIST_MARK.match(nxt)))
        if m := _HEADING_MARK.match(line):
            flush()
            out.append(Section(kind="heading", start=s_stripped, end=e, level=len(m.group().strip())))
        elif m := _NUMBERED.match(line):
            flush()
            out.append(Section(kind="item", start=s_stripped, end=e, number=int(m.group(1)), level=1))
        elif _BULLET.match(line):
            flush()
            out.append(Section(kind="item", start=s_stripped, end=e, level=1 + lead // 2))
        elif _FIELD.match(line):
            flush()
            out.append(Section(kind="field", start=s_stripped, end=e))
        elif (alone and _is_heading_line(line)) or (not block and nxt.strip() and _LABEL_LINE.match(line)):
            flush()
            out.append(Section(kind="heading", start=s_stripped, end=e, level=2))
        else:
            block.append((s_stripped, e))
    flush()
    return out


# --------------------------------------------------------------------------- kind and title

_SPEECH = re.compile(
    r"\b(?:i['’]m going to show you|i am going to show you|hey (?:everybody|everyone|guys)|let['’]s get started|"
    r"let us get started|you['’]re going to|you are going to|we['’]re going to|so now|alright|okay so|"
    r"thanks for watching|subscribe|in this video|be safe|we['’]re doing|we['’]ll do|we['’]ll|let['’]s|gonna|"
    r"go ahead and|first up|all right|alright so|okay now|here we go)\b",
    re.I,
)


def detect_kind(text: str, fmt: str, secs: list[Section], *, wrapped: bool = False) -> tuple[Kind, str]:
    """Transcript or article, with the reason (``wrapped``: the raw text had caption layout)."""
    if fmt in ("srt", "vtt"):
        return "transcript", f"{fmt} caption file"
    if wrapped:
        return "transcript", "caption line layout"
    speech = len(_SPEECH.findall(text))
    words = max(1, len(text.split()))
    structure = sum(1 for s in secs if s.kind in ("heading", "item", "field"))
    per_k = 1000 * speech / words
    if speech >= 3 and per_k >= 4 and structure <= 2:
        return "transcript", f"spoken style ({speech} speech markers, {structure} headings or items)"
    return "article", f"written style ({structure} headings or items, {speech} speech markers)"


def detect_title(text: str, secs: list[Section]) -> str | None:
    """The first heading when the document opens with one."""
    if secs and secs[0].kind == "heading":
        return re.sub(r"^#+\s*", "", text[secs[0].start : secs[0].end]).strip().rstrip(":") or None
    return None


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class RawFile:
    """A file found in the raw folder."""

    path: Path
    doc_id: str
    rel_path: str


@dataclass
class Discovery:
    """What ``discover`` found: the documents, the entries refused, the stray metadata files."""

    files: list[RawFile] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[PipelineWarning] = field(default_factory=list)


def discover(raw_dir: Path, root: Path) -> Discovery:
    """Every document file below ``raw_dir``, sorted; dot files and folders are skipped.

    A link is followed only to a file inside ``raw_dir``; a link leaving it, a broken link and
    anything that is not a regular file is refused (an error naming it). A ``*.meta.json`` whose
    document is missing is a warning. ``rel_path`` is the path relative to ``root`` (the raw
    folder's parent), through links, never an absolute path.
    """
    found = Discovery()
    base = raw_dir.resolve()
    metas: list[Path] = []
    for folder, dirs, names in os.walk(raw_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names + [d for d in dirs if os.path.islink(os.path.join(folder, d))]):
            if name.startswith("."):
                continue
            p = Path(folder, name)
            problem = _entry_problem(p, base)
            if problem is not None:
                found.errors.append(input_error(paths.shown(p), *problem))
            elif p.is_dir():
                continue  # a link to a folder inside the raw folder: its files are found there
            elif name.endswith(META_SUFFIX):
                metas.append(p)
            else:
                rel = p.relative_to(raw_dir).as_posix()
                try:
                    rel_path = (base / rel).relative_to(root.resolve()).as_posix()
                except ValueError:
                    rel_path = rel
                found.files.append(RawFile(path=p, doc_id=rel, rel_path=rel_path))
    refused = {e.where for e in found.errors}
    found.files = [f for f in found.files if paths.shown(_meta_path(f.path)) not in refused]
    documents = {f.path for f in found.files}
    for meta in metas:
        if meta.with_name(meta.name.removesuffix(META_SUFFIX)) not in documents:
            found.warnings.append(
                PipelineWarning(
                    f"metadata for {meta.name.removesuffix(META_SUFFIX)!r}, which is not in the raw folder",
                    where=paths.shown(meta),
                    fix="Rename it after its document (<file>.meta.json) or delete it",
                )
            )
    found.files.sort(key=lambda f: f.doc_id)
    return found


def _entry_problem(p: Path, base: Path) -> tuple[str, str] | None:
    """Why a raw-folder entry is refused, as (what, fix); None when it can be read."""
    try:
        p.name.encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not valid UTF-8", "Rename it (ids and reports are UTF-8 text)"
    if p.is_symlink():
        target = p.resolve()
        if not target.exists():
            return "is a broken link", "Remove the link or restore its target"
        if not target.is_relative_to(base):
            return (
                f"is a link to {paths.shown(target)}, outside the raw folder; links that leave it are refused",
                "Copy the file into the raw folder instead of linking to it",
            )
    if not (p.is_file() or p.is_dir()):
        return "is not a regular file (a pipe, socket or device)", "Remove it from the raw folder"
    return None


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + META_SUFFIX)


def read_meta(path: Path) -> SourceMeta:
    """The optional ``<file>.meta.json`` beside a raw file (UTF-8, a BOM allowed)."""
    meta_path = _meta_path(path)
    if not meta_path.exists():
        return SourceMeta()
    where = paths.shown(meta_path)
    fix = 'Use a JSON object with optional "title", "kind" (transcript or article) and "url", in UTF-8'
    try:
        text = meta_path.read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise input_error(where, f"metadata cannot be read ({err.strerror})", "Check its permissions") from None
    except UnicodeDecodeError as err:
        raise input_error(where, f"metadata is not valid UTF-8 (byte {err.start})", fix) from None
    try:
        return SourceMeta.model_validate_json(text)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or "file"
        raise input_error(where, f"malformed metadata ({loc}: {first['msg']})", fix) from None


def build_document(
    data: bytes, *, doc_id: str, path: str, meta: SourceMeta | None = None, where: str | None = None
) -> Document:
    """Decode, clean and section one raw file. Raises ``InputError`` for unusable input.

    doc_id (str): Path relative to the raw folder.
    path (str): Path relative to the raw folder's parent (``Document.path``).
    where (str): The file as error messages name it. Defaults to ``path``.
    """
    meta = meta or SourceMeta()
    path_shown = where or path
    suffix = Path(doc_id).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise input_error(
            path_shown,
            f"unknown file type {suffix or '(no extension)'!r}",
            "Rename it to .txt, .md, .html, .srt or .vtt, or move it out of the raw folder",
        )
    if len(data) > MAX_BYTES:
        raise input_error(
            path_shown,
            f"the file is {len(data):,} bytes, over the {MAX_BYTES:,} byte limit",
            "Split it into smaller documents",
        )
    raw = decode(data, path_shown)
    base = strip_carriage_returns(raw)
    warnings: list[InputWarning] = []
    try:
        if fmt in ("srt", "vtt"):
            cues = caption_cues(raw, fmt)
            reps, warnings = _merge_touching(base + cues.replacements), cues.warnings
        elif fmt == "html":
            reps = _merge_touching(base + html_view(raw))
        else:
            reps = base
    except ValueError as err:
        raise input_error(path_shown, f"malformed {fmt.upper()} file: {err}", "Check the file's format") from None
    wrapped = False
    if fmt in ("text", "markdown"):
        stamps = strip_timestamps(raw)
        if stamps:  # unwrap what is left once the timestamp lines are gone
            stripped, inner = alignment.apply(raw, _merge_touching(base + stamps))
            wrapped = caption_layout(stripped)
            joins = unwrap_captions(stripped) if wrapped else unwrap_soft_breaks(stripped)
            reps = _merge_touching(base + stamps + [_through(inner, r) for r in joins])
        else:
            wrapped = fmt == "text" and caption_layout(raw)
            reps = _merge_touching(base + (unwrap_captions(raw) if wrapped else unwrap_soft_breaks(raw)))
        reps = _merge_touching(reps + tables(raw))
    text, pieces = alignment.apply(raw, reps)
    if not text.strip():
        raise input_error(path_shown, "the file has no text after removing markup", "Check the file's content")
    provisional = sections(text, "article")
    kind, reason = detect_kind(text, fmt, provisional, wrapped=wrapped)
    if meta.kind:
        kind, reason = meta.kind, "metadata"
    secs = sections(text, kind) if kind == "transcript" else provisional
    title = meta.title or (html_title(raw) if fmt == "html" else None) or detect_title(text, secs)
    return Document(
        doc_id=doc_id,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        kind=kind,
        kind_reason=reason,
        title=title,
        url=meta.url,
        raw_text=raw,
        text=text,
        alignment=pieces,
        sections=secs,
        warnings=warnings,
    )


def ingest_file(file: RawFile) -> Document:
    """Read and build one document (I/O wrapper around ``build_document``)."""
    where = paths.shown(file.path)
    try:
        data = file.path.read_bytes()
    except OSError as err:
        raise input_error(where, f"cannot be read ({err.strerror})", "Check its permissions") from None
    return build_document(data, doc_id=file.doc_id, path=file.rel_path, meta=read_meta(file.path), where=where)
