"""Format views: replacements that take markup out of a raw text and leave its words.

Every function here returns sorted, non-overlapping ``(start, end, new)`` replacements on the
text it is given (see ``alignment.apply``), so the clean view always maps back to the raw text.
They know formats, not layout: HTML becomes Markdown-like text (``#`` headings, ``-`` and ``1.``
items, pipe tables), Markdown loses its inline markup, pasted transcripts lose their timestamps
and speaker labels, and pipe tables become one item per row. ``layout`` reads what is left.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache

Replacement = tuple[int, int, str]

_LINE = re.compile(r"[^\n]*(?:\n|$)")


def lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every line, end excluding the newline and a trailing carriage return."""
    for m in _LINE.finditer(text):
        if m.start() == len(text):
            break
        end = m.end() - (1 if m.group().endswith("\n") else 0)
        if end > m.start() and text[end - 1] == "\r":
            end -= 1
        yield m.start(), end


def merge_touching(reps: list[Replacement]) -> list[Replacement]:
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


_CARRIAGE = re.compile(r"\r(?=\n)")


def carriage_returns(text: str) -> list[Replacement]:
    r"""Drop the CR of CRLF line ends.

    >>> carriage_returns("a\r\nb")
    [(1, 2, '')]
    """
    return [(m.start(), m.end(), "") for m in _CARRIAGE.finditer(text)]


_INNER_SPACES = re.compile(
    r"(?<=\S)[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}(?=\S)|[\u00a0\u2000-\u200a\u202f\u205f\u3000]"
)
_ODD_HYPHENS = re.compile(r"[\u2010\u2011\u00ad]")


def spaces(text: str) -> list[Replacement]:
    r"""One plain space where a line has a run of spaces or an odd space (no-break, thin), and a
    plain hyphen for a non-breaking one; indentation stays (it says how deep an item is).

    >>> from pipeline import alignment
    >>> t = "  - hold\u00a030  seconds\nknee\u2011to\u2011chest"
    >>> alignment.apply(t, spaces(t))[0]
    '  - hold 30 seconds\nknee-to-chest'
    """
    out = [(m.start(), m.end(), " ") for m in _INNER_SPACES.finditer(text)]
    out += [(m.start(), m.end(), "-" if m.group() != "\u00ad" else "") for m in _ODD_HYPHENS.finditer(text)]
    return merge_touching(out)


# --------------------------------------------------------------------------- pasted transcripts

_TIMESTAMP_LINE = re.compile(r"^\s*[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?\s*$")
_ANNOTATION = re.compile(
    r"[\[(](?:music|applause|laughter|laughs|laughing|inaudible|silence|no audio|background music|"
    r"cheering|crosstalk|sighs|coughs)[\])]",
    re.I,
)
# "Speaker 1: 00:46 ", "[00:46] ", "(1:02:03) ", ">> ": labels of a machine transcript inside the
# speech. A speaker name alone is kept ("Coach: ..." is also how a handout labels a field).
_SPEAKER_LABEL = re.compile(
    r"(?:(?<=\s)|^)(?:(?:speaker|spk|voice)\s*\d{1,2}\s*:\s*[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?"
    r"|[\[(]\d{1,2}:\d{2}(?::\d{2})?[\])]|>>)[ \t]*",
    re.I | re.M,
)


def timestamps(text: str) -> list[Replacement]:
    r"""Drop timestamp lines ('0:04', '[01:02:03]') and sound annotations ('[Music]') of pasted
    video transcripts (only when there are at least three timestamp lines), and speaker labels
    with a time ('Speaker 1: 00:46') anywhere.

    >>> from pipeline import alignment
    >>> t = "0:00\nhello there\n0:04\n[Music]\n0:06\nbye\n"
    >>> alignment.apply(t, timestamps(t))[0]
    'hello there\nbye\n'
    >>> t = "Speaker 1: 00:00 Today we do a bridge. Speaker 1: 00:46 Now hold it."
    >>> alignment.apply(t, timestamps(t))[0]
    'Today we do a bridge. Now hold it.'
    """
    out: list[Replacement] = [(m.start(), m.end(), "") for m in _SPEAKER_LABEL.finditer(text)]
    stamps = [(s, e) for s, e in lines(text) if _TIMESTAMP_LINE.match(text[s:e])]
    if len(stamps) < 3:
        return merge_touching(out)
    for s, e in lines(text):
        line = text[s:e]
        if _TIMESTAMP_LINE.match(line) or (_ANNOTATION.fullmatch(line.strip() or "x")):
            nl = e + (2 if text[e : e + 2] == "\r\n" else 1 if text[e : e + 1] == "\n" else 0)
            out.append((s, nl, ""))
        else:
            out.extend((s + m.start(), s + m.end(), "") for m in _ANNOTATION.finditer(line))
    return merge_touching(out)


# --------------------------------------------------------------------------- Markdown

_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\((?:[^()\n]|\([^()\n]*\))*\)")
_MD_WIKI = re.compile(r"\[\[(?:[^\]|\n]*\|)?([^\]\n]+)\]\]")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)([^\n]*?\S)\1")
_MD_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=[^\s*_])([^\n*_]*?[^\s*_])\1(?![\w*])")
_MD_CODE = re.compile(r"`([^`\n]+)`")
_MD_CHECKBOX = re.compile(r"^([ \t]*(?:[-*+]|\d{1,2}[.)])[ \t]+)\[[ xX/\-]\][ \t]*", re.M)
_MD_QUOTE = re.compile(r"^[ \t]*>[ \t]?", re.M)
_MD_RULE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,}|={3,})[ \t]*$", re.M)
_MD_TAG = re.compile(r"[ \t]+#[A-Za-z][\w-]*(?=\s|$)")
_URL_LINE = re.compile(r"^[ \t]*<?(?:https?://|www\.)\S+>?[ \t]*$", re.M)


def markdown(text: str) -> list[Replacement]:
    r"""Inline Markdown out, words kept: links and wiki links keep their text, images go,
    emphasis and code marks go, task-list boxes, quote marks, rules, '#tags' and lines holding
    only a URL go.

    >>> from pipeline import alignment
    >>> t = "- [x] _High knees_ #warmup\n- Pick one from [[Squat Progression]]\n| 5 |[Dead bug](http://x.y/(a)) |"
    >>> alignment.apply(t, markdown(t))[0]
    '- High knees\n- Pick one from Squat Progression\n| 5 |Dead bug |'
    >>> alignment.apply("**Plank:** hold *30 s*", markdown("**Plank:** hold *30 s*"))[0]
    'Plank: hold 30 s'
    >>> alignment.apply("snake_case and 2*3*4 stay", markdown("snake_case and 2*3*4 stay"))[0]
    'snake_case and 2*3*4 stay'
    """
    out: list[Replacement] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    def drop(s: int, e: int) -> None:
        out.append((s, e, ""))
        taken.append((s, e))

    for m in _URL_LINE.finditer(text):
        drop(m.start(), m.end())
    for m in _MD_IMAGE.finditer(text):
        if free(m.start(), m.end()):
            drop(m.start(), m.end())
    for pattern in (_MD_WIKI, _MD_LINK):
        for m in pattern.finditer(text):
            if free(m.start(), m.end()):
                out.append((m.start(), m.start(1), ""))
                out.append((m.end(1), m.end(), ""))
                taken.extend([(m.start(), m.start(1)), (m.end(1), m.end())])
    for m in _MD_CHECKBOX.finditer(text):
        if free(m.end(1), m.end()):
            drop(m.end(1), m.end())
    for pattern in (_MD_STRONG, _MD_EMPHASIS, _MD_CODE):
        for m in pattern.finditer(text):
            inner_s, inner_e = m.start(2 if pattern is not _MD_CODE else 1), m.end(2 if pattern is not _MD_CODE else 1)
            if free(m.start(), inner_s) and free(inner_e, m.end()):
                drop(m.start(), inner_s)
                drop(inner_e, m.end())
    for pattern in (_MD_QUOTE, _MD_RULE, _MD_TAG):
        for m in pattern.finditer(text):
            if m.end() > m.start() and free(m.start(), m.end()):
                drop(m.start(), m.end())
    return merge_touching(out)


# --------------------------------------------------------------------------- pipe tables

_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_NAME_COLUMN = re.compile(r"exercise|name|movement|stretch|pose|drill|move|activity", re.I)
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


def tables(text: str) -> tuple[list[Replacement], list[tuple[int, int, int]]]:
    r"""Turn pipe tables into list items of 'Header: value' fields, and say where the rows are.

    The header row and rule go; each body row becomes '- <Header>: <cell>. <name>. ...' in the
    order of its cells, the header words standing in for the cell borders, so a value still maps
    to its own cell; the cell of the name column (a header such as 'Exercise', else the first)
    carries no header. Returns the replacements and, for every body row, its start offset and
    the span of its name cell (in ``text``; the span is empty when the row has no name).

    >>> from pipeline import alignment
    >>> t = "| Sets | Exercise | Hold |\n|---|---|---|\n| 2 | Bridge | 5 s |\n"
    >>> reps, rows = tables(t)
    >>> alignment.apply(t, reps)[0], rows
    ('\n\n- Sets: 2. Bridge. Hold: 5 s.\n', [(41, 47, 53)])
    """
    spans = list(lines(text))
    out: list[Replacement] = []
    rows: list[tuple[int, int, int]] = []
    i = 0
    while i + 1 < len(spans):
        hs, he = spans[i]
        rs, re_ = spans[i + 1]
        if "|" not in text[hs:he] or not _TABLE_RULE.match(text[rs:re_]):
            i += 1
            continue
        headers = [text[a:b].strip() for a, b in _cells(text, hs, he)]
        keep = [k for k, h in enumerate(headers) if not _SKIP_COLUMN.match(h)]
        name_col = next((k for k in keep if _NAME_COLUMN.search(headers[k])), keep[0] if keep else None)
        out += [(hs, he, ""), (rs, re_, "")]
        j = i + 2
        while j < len(spans) and "|" in text[spans[j][0] : spans[j][1]]:
            ls, le = spans[j]
            cells = _cells(text, ls, le)
            pos, name = ls, (ls, ls)
            for k in (k for k in keep if k < len(cells)):
                cs, ce = cells[k]
                if ce == cs:
                    continue
                header = "" if k == name_col or not headers[k] else f"{headers[k]}: "
                out.append((pos, cs, ("- " if pos == ls else ". ") + header))
                pos = ce
                if k == name_col:
                    name = (cs, ce)
            out.append((pos, le, "." if pos > ls else ""))
            rows.append((ls, *name))
            j += 1
        i = j
    return out, rows


# --------------------------------------------------------------------------- HTML

_HTML_TOKEN = re.compile(
    r"<!--.*?-->|<(script|style|head|noscript|template)\b[^>]*>.*?</\1\s*>|<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);|\s+",
    re.S | re.I,
)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
_BLOCK = frozenset(
    "p div section article header footer main ul ol table blockquote pre figure figcaption dl dt dd br hr body html"
    " aside nav details summary".split()
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.S | re.I)


def html_view(text: str) -> list[Replacement]:
    """Replacements that turn HTML into Markdown-like text: headings '#', items '-' and '1.',
    table rows as pipe-table lines (the first row read as the header), blocks as paragraphs.

    >>> from pipeline import alignment
    >>> page = "<h2>Bridge</h2><p>Hold&nbsp;for 5 seconds.</p><ol><li>Lift</li></ol>"
    >>> alignment.apply(page, html_view(page))[0]
    '## Bridge\\n\\nHold for 5 seconds.\\n\\n1. Lift\\n\\n'
    >>> page = "<table><tr><th>Exercise</th><th>Reps</th></tr><tr><td>Squat</td><td>10</td></tr></table>"
    >>> alignment.apply(page, html_view(page))[0]
    '| Exercise | Reps |\\n| --- | --- |\\n| Squat | 10 |\\n\\n'
    """
    out: list[Replacement] = []
    lists: list[list[int]] = []  # stack of [is_ordered, counter]
    tables_: list[list[int]] = []  # stack of [rows seen, cells in the current row]
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
        if not name_m or m.group(1):  # comment, script/style/head block, doctype, <?php ... ?>
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
        elif name == "table":
            if closing and tables_:
                tables_.pop()
            elif not closing:
                tables_.append([0, 0])
            new = "\n\n"
        elif name == "tr" and tables_:
            row = tables_[-1]
            if not closing:
                row[1] = 0
                new = "\n| "
            else:
                new = " |"
                if row[0] == 0 and row[1]:
                    new += "\n|" + " --- |" * row[1]
                row[0] += 1
        elif name in ("td", "th") and tables_:
            if not closing:
                new = " | " if tables_[-1][1] else ""
                tables_[-1][1] += 1
        elif name in _BLOCK:
            new = "\n\n"
        out.append((m.start(), m.end(), new))
        at_line_start = new.endswith((" ", "\n")) if new else at_line_start
    return _tidy_newlines(out)


_WS_RUN = re.compile(r"[ \t]*\n\s*|[ \t]{2,}")


def _collapse(s: str) -> str:
    """Whitespace runs with two newlines become a blank line, with one a newline."""
    return _WS_RUN.sub(lambda m: "\n\n" if m.group().count("\n") >= 2 else ("\n" if "\n" in m.group() else " "), s)


def _tidy_newlines(reps: list[Replacement]) -> list[Replacement]:
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


# --------------------------------------------------------------------------- caption exports

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s"{}\[\]:,]+|\s+', re.S)
_JSON_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.")


def json3_view(text: str) -> tuple[list[Replacement], list[int]]:
    r"""Replacements that turn a YouTube ``json3`` caption export into running text, and where
    each caption event's text starts in ``text``.

    The text is in the ``utf8`` strings of each event's ``segs``: the segments of one event are
    joined as written, events with a space; escapes become their characters, line breaks spaces.
    Raises ``ValueError`` when the file is not JSON or has no caption text.

    >>> from pipeline import alignment
    >>> t = '{"events": [{"tStartMs": 0, "segs": [{"utf8": "hold"}, {"utf8": " it"}]},'
    >>> t += ' {"segs": [{"utf8": "\\n"}]}, {"segs": [{"utf8": "caf\\u00e9 \\"five\\""}]}]}'
    >>> reps, starts = json3_view(t)
    >>> alignment.apply(t, reps)[0], len(starts)
    ('hold it café "five"', 2)
    """
    json.loads(text)  # the whole file must be JSON
    keep: list[tuple[int, int, int, str]] = []  # (start, end, segs group, text) of caption strings
    group = 0
    key: str | None = None
    pending: str | None = None  # a string that may be a key
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        if tok[0].isspace():
            continue
        if tok == ":":
            key, pending = pending, None
            if key == "segs":
                group += 1
            continue
        if pending is not None:  # the string before was a value
            pending = None
        if tok[0] == '"':
            if key == "utf8":
                value = json.loads(tok)
                if value.strip():  # a bare line break between events is only a separator
                    keep.append((m.start() + 1, m.end() - 1, group, value))
                key = None
            else:
                pending = json.loads(tok)
        else:
            key = None
    if not keep:
        raise ValueError("no caption text ('utf8' segments) found")
    out: list[Replacement] = []
    pos = 0
    starts: list[int] = []
    for k, (s, e, g, value) in enumerate(keep):
        new_event = k == 0 or g != keep[k - 1][2]
        spaced = k == 0 or value[0].isspace() or keep[k - 1][3][-1].isspace()
        out.append((pos, s, "" if not new_event or spaced else " "))
        if new_event:
            starts.append(s)
        for esc in _JSON_ESCAPE.finditer(text, s, e):
            char = json.loads(f'"{esc.group()}"')
            out.append((esc.start(), esc.end(), " " if char in "\n\r\t" else char))
        pos = e
    out.append((pos, len(text), ""))
    return merge_touching(out), starts


_XML_TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[|\]\]>|<\?.*?\?>|<![^>]*>|<(/?)([\w:.-]+)(?:\s[^>]*?)?(/?)>"
    r"|&amp;(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]\w*);|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]\w*);|\s+",
    re.S,
)
_XML_CUES = {"tt": frozenset({"p"}), "timedtext": frozenset({"p", "text"}), "transcript": frozenset({"text"})}


def caption_xml_dialect(text: str) -> str:
    """'ttml' or 'srv3' (YouTube's timedtext, srv1 to srv3), by the root element of a well-formed
    XML caption file; ``ValueError`` otherwise.

    >>> caption_xml_dialect('<?xml version="1.0"?><tt xmlns="http://www.w3.org/ns/ttml"><body/></tt>')
    'ttml'
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as err:
        raise ValueError(f"not well-formed XML ({err})") from None
    name = root.tag.rsplit("}", 1)[-1]
    if name not in _XML_CUES:
        raise ValueError(f"root element <{name}> is not TTML (<tt>) or YouTube timedtext (<timedtext>, <transcript>)")
    return "ttml" if name == "tt" else "srv3"


def caption_xml_view(text: str) -> tuple[list[Replacement], list[int]]:
    """Replacements that turn TTML or YouTube timedtext (srv1, srv2, srv3) into running text, and
    where each cue's text starts.

    Only the text of cue elements (``<p>``, ``<text>``) is kept, with their spans (``<s>``,
    ``<span>``) joined as written; ``<br/>`` and cue boundaries become spaces; entities, also
    the doubly escaped ones of srv1 ('&amp;#39;'), become their characters. Raises ``ValueError``
    for a file that is not a caption XML file or has no caption text.

    >>> from pipeline import alignment
    >>> t = '<timedtext format="3"><head><pen id="1"/></head><body><p t="0"><s>hold</s><s> it</s></p>'
    >>> t += '<p t="9">for&#160;5<br/>seconds &amp;amp; breathe</p></body></timedtext>'
    >>> alignment.apply(t, caption_xml_view(t)[0])[0]
    'hold it for 5 seconds & breathe'
    """
    import html

    cues = _XML_CUES["tt" if caption_xml_dialect(text) == "ttml" else "timedtext"]
    out: list[Replacement] = []
    starts: list[int] = []
    depth = 0  # open cue elements
    cdata = False
    pos = 0
    for m in _XML_TOKEN.finditer(text):
        if m.start() > pos and not depth:
            out.append((pos, m.start(), ""))  # text outside any cue
        pos = m.end()
        tok = m.group()
        if tok[0].isspace():
            out.append((m.start(), m.end(), " " if depth else ""))
        elif tok.startswith("&"):
            value = html.unescape(html.unescape(tok)) if depth else ""
            out.append((m.start(), m.end(), value.replace("\xa0", " ")))
        elif tok in ("<![CDATA[", "]]>"):
            cdata = tok == "<![CDATA["
            out.append((m.start(), m.end(), ""))
        elif m.group(2) and not cdata:
            name = m.group(2).rsplit(":", 1)[-1]
            closing, empty = m.group(1) == "/", m.group(3) == "/"
            new = ""
            if name in cues and not empty:
                if not closing:
                    depth += 1
                    new = " " if starts else ""
                    starts.append(m.end())
                else:
                    depth = max(0, depth - 1)
            elif name == "br" and depth:
                new = " "
            out.append((m.start(), m.end(), new))
        else:
            out.append((m.start(), m.end(), ""))
    if pos < len(text) and not depth:
        out.append((pos, len(text), ""))
    view = merge_touching(out)
    from . import alignment

    if not alignment.apply(text, view)[0].strip():
        raise ValueError("no caption text found in its cues")
    return view, starts


# --------------------------------------------------------------------------- speaker labels

_TURN = re.compile(r"(?:-[ \t]+)?(?:>>+[ \t]*)?")
_NAME = r"(?:[A-Z][\w.'’-]*|\d{1,2})(?:[ \t](?:[A-Z][\w.'’-]*|\d{1,2})){0,2}"
_SPEAKER = re.compile(rf"[\[(]({_NAME})[\])][ \t]*:?[ \t]*|({_NAME})[ \t]*:[ \t]+(?=\S)")


def speakers(text: str, starts: list[int], *, captions: bool) -> list[Replacement]:
    r"""Drop speaker labels where speech starts (``starts``: cue or line starts) so that a name
    is never read as exercise text: '>>', '[Coach]', 'SARAH:', 'Speaker 2:'.

    A named label counts when it is not a word a handout labels its fields with ('Sets:',
    'Tip:') nor an exercise name, and it labels at least two turns, or, in a caption file, is
    written in capitals or brackets. The labels stay in the raw text.

    >>> from pipeline import alignment
    >>> t = "Jo: lie down\nSam: hold it 5 seconds\nJo: good\nSam: yes\nBridge: lift\nSets: 2\n"
    >>> starts = [s for s, _ in lines(t)]
    >>> alignment.apply(t, speakers(t, starts, captions=False))[0]
    'lie down\nhold it 5 seconds\ngood\nyes\nBridge: lift\nSets: 2\n'
    """
    found: list[tuple[int, int, str | None, bool]] = []  # (start, end, label or None for '>>', bracketed)
    for s in starts:
        while s < len(text) and text[s] in " \t":
            s += 1
        turn = _TURN.match(text, s)
        if ">" in turn.group():
            found.append((s, turn.end(), None, False))
        m = _SPEAKER.match(text, turn.end())
        if m:
            label = m.group(1) or m.group(2)
            found.append((m.start(), m.end(), " ".join(label.split()), m.group(1) is not None))
    counts = Counter(label.lower() for _, _, label, _ in found if label)
    out: list[Replacement] = []
    for s, e, label, bracketed in found:
        if label is None or _is_speaker(label, counts[label.lower()], captions and (bracketed or label.isupper())):
            out.append((s, e, ""))
    return merge_touching(out)


def _is_speaker(label: str, count: int, marked: bool) -> bool:
    """``marked``: a caption file writes the label in capitals or brackets."""
    from . import layout

    key = label.lower()
    vocab = layout.vocabulary()
    if key in vocab.field_labels or key in vocab.label_headings or key in _exercise_names():
        return False
    return count >= 2 or (marked and sum(c.isalpha() for c in label) >= 2)


@cache
def _exercise_names() -> frozenset[str]:
    from . import resources

    return frozenset(a for e in resources.exercises() for a in (e.name.lower(), *e.aliases))


# --------------------------------------------------------------------------- PDF text

_LINE_END_HYPHEN = re.compile(r"([A-Za-z]+)([-\u00ad])[ \t]*\n[ \t]*([a-z]+)")


def hyphens(text: str) -> list[Replacement]:
    r"""Undo hyphenation at line ends: the hyphen goes when the joined word is a word ('repe-' +
    'titions'), else only the line break goes ('knee-to-' + 'chest'); a soft hyphen always goes.

    >>> from pipeline import alignment
    >>> t = "Do 10 repe-\ntitions of the knee-to-\nchest stretch. Then Dead-\nBug."
    >>> alignment.apply(t, hyphens(t))[0]
    'Do 10 repetitions of the knee-to-chest stretch. Then Dead-\nBug.'
    """
    from .normalize.vocabulary import is_known

    out: list[Replacement] = []
    for m in _LINE_END_HYPHEN.finditer(text):
        joined = m.group(1) + m.group(3)
        soft = m.group(2) == "\u00ad"
        out.append((m.start(2), m.start(3), "" if soft or is_known(joined) else "-"))
    return out


def running_lines(text: str, pages) -> list[Replacement]:
    r"""Drop the lines a PDF reader marked as running headers, footers and page numbers, and
    the form feeds between pages (``pages``: ``Document.pages``).

    >>> from pipeline.models import Page, TextLine
    >>> t = "Hold 5 s.\nClinic 1\n\f\nLift.\nClinic 2\n"
    >>> line = lambda s, e, run: TextLine(start=s, end=e, x0=0, top=0, x1=1, bottom=1, running=run)
    >>> pages = [Page(number=1, start=0, end=18, width=1, height=1, lines=[line(0, 9, False), line(10, 18, True)])]
    >>> from pipeline import alignment
    >>> alignment.apply(t, running_lines(t, pages))[0]
    'Hold 5 s.\n\nLift.\nClinic 2\n'
    """
    out: list[Replacement] = [(m.start(), m.end(), "") for m in re.finditer(r"\f", text)]
    for page in pages:
        for ln in page.lines:
            if ln.running:
                out.append((ln.start, ln.end + (1 if text[ln.end : ln.end + 1] == "\n" else 0), ""))
    return merge_touching(out)
