"""Readers for binary formats: PDF and Word (DOCX) files → the text the pipeline reads.

Evidence cannot be a slice of a binary file, so for these formats ``Document.raw_text`` is the
text a reader extracted, and every offset points into it; the run publishes it beside the
dataset (``extracted/texts/<doc_id>.txt``). Extraction is deterministic for a given file and
library version. It renders structure as the Markdown-like lines the rest of the pipeline reads:
'# ' headings, '- ' and '1. ' items, pipe-table rows under a '| --- |' rule. What a reader only
*drops* (hyphens at line ends, running headers and footers) stays in the extracted text and is
taken out by the clean view (``markup.hyphens``, ``markup.running_lines``), so a curator sees it.

- **PDF** (pdfminer.six): the text lines of each page with their positions and font sizes, read
  in order (``reading_order``: a column gutter is read column by column, rows of aligned short
  cells as a table), a blank line where the gap between lines says a paragraph ends, lines in a
  larger type than the body as headings, pages separated by a form feed. Lines repeated at the
  top or bottom of the pages, or holding only the page's number, are marked ``running``.
- **DOCX** (python-docx): body paragraphs and tables in order; heading and title styles become
  '#' lines, list paragraphs (by style or numbering) '-' or numbered items, table rows pipe rows.
  Headers, footers, footnotes, comments and text boxes are not read.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .errors import describe, input_error
from .models import Page, TextLine

# --------------------------------------------------------------------------- PDF

MIN_GUTTER = 8.0
"""Narrowest gap (points) between two columns of text; word gaps are far narrower."""
MIN_COLUMN_ROWS = 3
"""Rows a column gutter must run through before the two sides read as columns."""
PROSE_WORDS = 3.0
"""Mean words per line from which a side of a gutter is running text (a column), not table cells."""
PARAGRAPH_GAP = 0.7
"""A vertical gap above this share of the line height ends a paragraph (a blank line)."""
SECTION_GAP = 2.5
"""A vertical gap above this many line heights, across the page, ends a stretch of columns."""
HEADING_SIZE = 1.2
"""Type this many times the body size (or more) marks a heading."""
HEADING_WORDS = 12
"""A heading has at most this many words."""
MARGIN_BAND = 0.12
"""Share of the page height at the top and at the bottom where running headers and footers sit."""
RUNNING_SHARE = 0.6
"""Share of the pages (and at least two) on which a line must repeat to be a running header or footer."""
UNMAPPED_SHARE = 0.3
"""Share of characters without a Unicode mapping ('(cid:12)') above which the text layer is unusable."""

_SPACES = re.compile(r"[ \t]{2,}")
_CID = re.compile(r"\(cid:\d+\)")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"^(?:page|p\.|pg\.?)?\s*[-–—(]?\s*(\d{1,4})\s*[-–—)]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
"""A line holding only a page number: '3', 'Page 3', '3 of 5', '- 3 -', 'p. 3/5'."""


@dataclass(frozen=True)
class Fragment:
    """A run of text on one line of a page (pdfminer's text line), in points from the top left."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def height(self) -> float:
        return max(1.0, self.bottom - self.top)


@dataclass(frozen=True)
class Extracted:
    """What a reader made of a binary file: the text and, for a PDF, its pages."""

    text: str
    pages: list[Page]


def read_pdf(data: bytes, where: str) -> Extracted:
    """The text of a PDF in reading order, with its pages and line positions.

    Raises ``InputError`` for a file that is not a readable PDF, is encrypted with a password, has
    no text layer (a scan) or a text layer without Unicode mapping.
    """
    pages = list(_pdf_pages(data, where))
    chars = sum(len(f.text) for _, _, frags in pages for f in frags)
    if not any(f.text.strip() for _, _, frags in pages for f in frags):
        raise input_error(
            where,
            f"the PDF has no text layer ({len(pages)} page(s) of images, e.g. a scan); text is not recognised (no OCR)",
            "Export the document as a PDF with text, or run OCR on it (e.g. ocrmypdf) and add the result",
        )
    unmapped = sum(len(m.group()) for _, _, frags in pages for f in frags for m in _CID.finditer(f.text))
    if unmapped > UNMAPPED_SHARE * chars:
        raise input_error(
            where,
            "the PDF's fonts have no Unicode mapping, so its text layer reads as '(cid:..)' codes",
            "Export it again from the program that made it (or print it to a new PDF) and replace it",
        )
    body = _body_size([f for _, _, frags in pages for f in frags])
    heading_levels = _heading_levels([f for _, _, frags in pages for f in frags], body)
    rows_per_page = [reading_order(frags) for _, _, frags in pages]
    running = _running_rows(rows_per_page, [h for _, h, _ in pages])

    out: list[str] = []
    length = 0
    records: list[Page] = []
    for number, ((width, height, _), rows) in enumerate(zip(pages, rows_per_page, strict=True), start=1):
        if number > 1:
            out.append("\n\f\n")
            length += 3
        start = length
        lines: list[TextLine] = []
        for text, frags, is_running in _render(rows, body, heading_levels, running[number - 1]):
            if text is None:  # paragraph break
                out.append("\n")
                length += 1
                continue
            if lines or length > start:
                out.append("\n")
                length += 1
            x0, top = min(f.x0 for f in frags), min(f.top for f in frags)
            x1, bottom = max(f.x1 for f in frags), max(f.bottom for f in frags)
            lines.append(
                TextLine(
                    start=length,
                    end=length + len(text),
                    x0=round(x0, 1),
                    top=round(top, 1),
                    x1=round(x1, 1),
                    bottom=round(bottom, 1),
                    running=is_running,
                )
            )
            out.append(text)
            length += len(text)
        records.append(
            Page(number=number, start=start, end=length, width=round(width, 1), height=round(height, 1), lines=lines)
        )
    return Extracted(text="".join(out) + "\n", pages=records)


def _pdf_pages(data: bytes, where: str) -> Iterator[tuple[float, float, list[Fragment]]]:
    """(width, height, text fragments) of every page; errors of the library are ``InputError``."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    fix = "Check that it opens in a PDF viewer, export or print it to a new PDF, and replace it"
    device = PDFPageAggregator(PDFResourceManager(), laparams=LAParams(all_texts=True))
    interpreter = PDFPageInterpreter(device.rsrcmgr, device)
    try:
        for page in PDFPage.get_pages(io.BytesIO(data), check_extractable=False):
            interpreter.process_page(page)
            layout = device.get_result()
            yield layout.width, layout.height, _fragments(layout)
    except PDFPasswordIncorrect:
        raise input_error(
            where,
            "the PDF is encrypted with a password, so its text cannot be read",
            "Open it with its password and save or print it as a PDF without one, then replace it",
        ) from None
    except RecursionError:
        raise input_error(where, "the PDF is nested too deeply to be read", fix) from None
    except Exception as err:  # noqa: BLE001 - any failure of the parser on this file is a bad file
        raise input_error(where, f"the file cannot be read as a PDF ({describe(err)})", fix) from None


def _fragments(layout) -> list[Fragment]:
    """pdfminer's horizontal text lines anywhere on the page (figures included), as fragments."""
    from pdfminer.layout import LTChar, LTContainer, LTTextLineHorizontal

    out: list[Fragment] = []
    stack = [layout]
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextLineHorizontal):
            text = _SPACES.sub(" ", item.get_text().replace("\n", " ").replace("\f", " ")).strip()
            sizes = Counter(round(c.size, 1) for c in item if isinstance(c, LTChar))
            if text:
                size = max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0] if sizes else item.height
                h = layout.height
                out.append(Fragment(text, item.x0, h - item.y1, item.x1, h - item.y0, size))
        elif isinstance(item, LTContainer):
            stack.extend(item)
    return sorted(out, key=lambda f: (round(f.top, 1), f.x0))


def _body_size(frags: Sequence[Fragment]) -> float:
    """The type size most of the text is set in."""
    weights = Counter[float]()
    for f in frags:
        weights[f.size] += len(f.text)
    return max(weights.items(), key=lambda kv: (kv[1], -kv[0]))[0] if weights else 0.0


def _heading_levels(frags: Sequence[Fragment], body: float) -> dict[float, int]:
    """Type size → heading level (the largest is 1), for sizes that mark headings."""
    sizes = sorted({f.size for f in frags if body and f.size >= HEADING_SIZE * body}, reverse=True)
    return {size: min(level, 6) for level, size in enumerate(sizes, start=1)}


# --------------------------------------------------------------------------- reading order

Row = list[Fragment]


def _rows(frags: Sequence[Fragment]) -> list[Row]:
    """Fragments grouped into rows (they overlap vertically by half the smaller height), top down."""
    rows: list[Row] = []
    for f in sorted(frags, key=lambda f: (f.top, f.x0)):
        if rows:
            last = rows[-1]
            top, bottom = min(g.top for g in last), max(g.bottom for g in last)
            overlap = min(bottom, f.bottom) - max(top, f.top)
            if overlap >= 0.5 * min(f.height, bottom - top):
                last.append(f)
                continue
        rows.append([f])
    return [sorted(r, key=lambda f: f.x0) for r in rows]


def _gaps(row: Row) -> list[tuple[float, float]]:
    """Gaps at least ``MIN_GUTTER`` wide between the fragments of a row."""
    return [(a.x1, b.x0) for a, b in zip(row, row[1:], strict=False) if b.x0 - a.x1 >= MIN_GUTTER]


def _column_run(rows: Sequence[Row], i: int) -> tuple[int, float] | None:
    """A column gutter starting at row ``i``: (the row after the last it runs through, its x), or None.

    The gutter is a gap of row ``i`` that stays free of text in the rows below, up to a gap of
    ``SECTION_GAP`` line heights; it makes columns when it runs through
    ``MIN_COLUMN_ROWS`` rows and the text on both sides is running text (table cells are
    short), so that a table is read row by row.
    """
    best: tuple[int, float] | None = None
    for a, b in _gaps(rows[i]):
        j = i + 1
        while j < len(rows) and not _section_break(rows[j - 1], rows[j]):
            lo, hi = a, b
            for f in rows[j]:
                if f.x0 < hi and f.x1 > lo:
                    if f.x1 - lo < hi - f.x0:
                        lo = max(lo, f.x1)
                    else:
                        hi = min(hi, f.x0)
            if hi - lo < MIN_GUTTER:
                break
            a, b = lo, hi
            j += 1
        if j - i < MIN_COLUMN_ROWS:
            continue
        x = (a + b) / 2
        section = [f for r in rows[i:j] for f in r]
        left, right = [f for f in section if f.x1 <= x], [f for f in section if f.x0 >= x]
        prose = _words_per_line(left) >= PROSE_WORDS and _words_per_line(right) >= PROSE_WORDS
        if prose and (best is None or j > best[0]):
            best = (j, x)
    return best


def _words_per_line(frags: Sequence[Fragment]) -> float:
    return statistics.fmean(len(f.text.split()) for f in frags) if frags else 0.0


def reading_order(frags: Sequence[Fragment]) -> list[Row]:
    """The rows of a page in reading order: top down, a stretch of columns column by column.

    A row that spans a gutter (a title, a footer) ends the stretch of columns above it.
    """
    rows = _rows(frags)
    out: list[Row] = []
    i = 0
    while i < len(rows):
        run = _column_run(rows, i)
        if run is None:
            out.append(rows[i])
            i += 1
            continue
        j, x = run
        section = [f for r in rows[i:j] for f in r]
        out += reading_order([f for f in section if f.x1 <= x])
        out += reading_order([f for f in section if f.x1 > x])
        i = j
    return out


def _aligned(row: Row, columns: Row) -> bool:
    """Each fragment of ``row`` sits under the fragment of the same column in ``columns``."""
    return len(row) == len(columns) and all(
        f.x0 < c.x1 + MIN_GUTTER and c.x0 < f.x1 + MIN_GUTTER for f, c in zip(row, columns, strict=True)
    )


def _tables(rows: Sequence[Row]) -> list[tuple[int, int]]:
    """(first, end) row index ranges of tables: two or more rows of as many aligned cells."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(rows):
        j = i + 1
        if len(rows[i]) >= 2:
            while j < len(rows) and _aligned(rows[j], rows[i]):
                j += 1
        if j - i >= 2:
            out.append((i, j))
        i = j
    return out


def _running_rows(pages: Sequence[Sequence[Row]], heights: Sequence[float]) -> list[set[int]]:
    """Per page, the indices of rows that are running headers, footers or page numbers.

    A row in the top or bottom band of its page is running when, with its numbers masked, it
    repeats in that band on ``RUNNING_SHARE`` of the pages (at least two), or when it holds only
    the page's own number ('3', 'Page 3 of 5', '- 3 -').
    """

    def band_rows(k: int) -> list[int]:
        h = heights[k]
        return [i for i, r in enumerate(pages[k]) if r[0].top < MARGIN_BAND * h or r[0].bottom > (1 - MARGIN_BAND) * h]

    def key(row: Row) -> str:
        return _DIGITS.sub("#", " ".join(" ".join(f.text for f in row).lower().split()))

    seen = Counter[str]()
    for k in range(len(pages)):
        seen.update({key(pages[k][i]) for i in band_rows(k)})
    needed = max(2, RUNNING_SHARE * len(pages))
    out: list[set[int]] = []
    for k in range(len(pages)):
        running = set()
        for i in band_rows(k):
            text = " ".join(f.text for f in pages[k][i]).strip()
            number = _PAGE_NUMBER.match(text)
            if seen[key(pages[k][i])] >= needed or (number and int(number.group(1)) == k + 1):
                running.add(i)
        out.append(running)
    return out


def _render(
    rows: Sequence[Row], body: float, headings: dict[float, int], running: set[int]
) -> Iterator[tuple[str | None, Row, bool]]:
    """(line text, its fragments, running) for each line of a page; (None, [], False) for a blank line."""
    tables = dict(_tables([r for i, r in enumerate(rows) if i not in running]))
    kept = [i for i in range(len(rows)) if i not in running]
    table_of: dict[int, tuple[int, int]] = {}
    for first, end in tables.items():
        for k in range(first, end):
            table_of[kept[k]] = (kept[first], kept[end - 1])
    previous: Row | None = None
    for i, row in enumerate(rows):
        in_table = table_of.get(i)
        if previous is not None and not (in_table and i != in_table[0]) and _paragraph_break(previous, row):
            yield None, [], False
        if in_table:
            yield "| " + " | ".join(f.text.replace("|", "/") for f in row) + " |", row, False
            if i == in_table[0]:
                yield "|" + " --- |" * len(row), row, False
        else:
            text = " ".join(f.text for f in row)
            level = headings.get(row[0].size) if len(row) == 1 and i not in running else None
            if level and len(text.split()) <= HEADING_WORDS:
                text = "#" * level + " " + text
            yield text, row, i in running
        previous = row


def _gap(above: Row, below: Row) -> float:
    """The vertical gap between two rows, in line heights (negative: ``below`` starts higher)."""
    bottom = max(f.bottom for f in above)
    top = min(f.top for f in below)
    height = min(statistics.fmean(f.height for f in above), statistics.fmean(f.height for f in below))
    return (top - bottom) / height


def _paragraph_break(above: Row, below: Row) -> bool:
    """The vertical gap between two rows read one after the other ends a paragraph."""
    return _gap(above, below) > PARAGRAPH_GAP


def _section_break(above: Row, below: Row) -> bool:
    """The vertical gap between two rows ends a stretch of columns."""
    return _gap(above, below) > SECTION_GAP


# --------------------------------------------------------------------------- DOCX

_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre|título)\s*(\d)$", re.I)
_LIST_STYLE = re.compile(r"^list\s+(bullet|number|continue|paragraph)(?:\s+(\d))?$", re.I)
_NUMBERED_FORMATS = frozenset({"decimal", "decimalZero", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman"})


def read_docx(data: bytes, where: str) -> Extracted:
    """The body of a Word document as Markdown-like text (headings, items, pipe tables).

    Raises ``InputError`` for a file that is not a readable DOCX.
    """
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        numbering = _numbering_formats(document)
        blocks: list[tuple[str, str]] = []  # (kind, text): kind 'item' lines stay together
        counters: dict[tuple[str, int], int] = {}
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                blocks.append(("table", _docx_table(block)))
                continue
            text = " ".join(block.text.replace("\t", " ").split("\n")).strip()
            text = " ".join(text.split())
            if text:
                blocks.append(_docx_paragraph(block, text, numbering, counters))
    except Exception as err:  # noqa: BLE001 - any failure of the reader on this file is a bad file
        raise input_error(
            where,
            f"the file cannot be read as a Word document ({describe(err)})",
            "Check that it opens in Word or LibreOffice, save it again as .docx, and replace it",
        ) from None
    out: list[str] = []
    for k, (kind, text) in enumerate(blocks):
        if k:
            out.append("\n" if kind == "item" and blocks[k - 1][0] == "item" else "\n\n")
        out.append(text)
    return Extracted(text="".join(out) + "\n" if out else "", pages=[])


def _docx_paragraph(
    paragraph, text: str, numbering: dict[tuple[str, int], str], counters: dict[tuple[str, int], int]
) -> tuple[str, str]:
    """A paragraph as (kind, line): '#' for heading styles, '-' or 'n.' for list items."""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower() == "title":
        return "heading", "# " + text
    if m := _HEADING_STYLE.match(style):
        return "heading", "#" * min(6, max(1, int(m.group(1)))) + " " + text
    num = _numbering_of(paragraph)
    list_style = _LIST_STYLE.match(style)
    if num is None and not list_style:
        return "paragraph", text
    if num is not None:
        num_id, level = num
        numbered = numbering.get((num_id, level), "bullet") in _NUMBERED_FORMATS
    else:
        num_id, level = f"style:{style.lower()}", int(list_style.group(2) or 1) - 1
        numbered = list_style.group(1).lower() == "number"
    for key in [k for k in counters if k[0] == num_id and k[1] > level]:
        del counters[key]  # a higher item restarts the numbering below it
    indent = "  " * level
    if not numbered:
        return "item", f"{indent}- {text}"
    counters[(num_id, level)] = counters.get((num_id, level), 0) + 1
    return "item", f"{indent}{counters[(num_id, level)]}. {text}"


def _numbering_of(paragraph) -> tuple[str, int] | None:
    """(numbering id, level) of a paragraph in a list, from its own properties or its style's."""
    from docx.oxml.ns import qn

    for holder in (paragraph._p.pPr, getattr(paragraph.style, "element", None)):
        ppr = holder if holder is None or holder.tag == qn("w:pPr") else holder.find(qn("w:pPr"))
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num_pr is None:
            continue
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        if num_id is None or num_id.get(qn("w:val")) in (None, "0"):
            return None  # numbering switched off
        return num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
    return None


def _numbering_formats(document) -> dict[tuple[str, int], str]:
    """(numbering id, level) → number format ('decimal', 'bullet'...) from the numbering part."""
    from docx.oxml.ns import qn

    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}
    abstract = {}
    for a in root.findall(qn("w:abstractNum")):
        levels = {}
        for lvl in a.findall(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            levels[int(lvl.get(qn("w:ilvl"), "0"))] = fmt.get(qn("w:val")) if fmt is not None else "decimal"
        abstract[a.get(qn("w:abstractNumId"))] = levels
    out = {}
    for num in root.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        levels = abstract.get(ref.get(qn("w:val")) if ref is not None else None, {})
        for level, fmt in levels.items():
            out[(num.get(qn("w:numId")), level)] = fmt
    return out


def _docx_table(table) -> str:
    """A table as pipe rows, the first row as the header; merged cells count once."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()).replace("|", "/"))
        if any(cells):
            rows.append(cells)
    if not rows:
        return ""
    if len(rows) == 1:
        return " | ".join(c for c in rows[0] if c)
    width = max(len(r) for r in rows)
    lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
    return "\n".join([lines[0], "|" + " --- |" * width, *lines[1:]])
