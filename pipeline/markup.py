"""Format views: replacements that take markup out of a raw text and leave its words.

Every function here returns sorted, non-overlapping ``(start, end, new)`` replacements on the
text it is given (see ``alignment.apply``), so the clean view always maps back to the raw text.
They know formats, not layout: HTML becomes Markdown-like text (``#`` headings, ``-`` and ``1.``
items, pipe tables), Markdown loses its inline markup, pasted transcripts lose their timestamps
and speaker labels, and pipe tables become one item per row. ``layout`` reads what is left.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

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
