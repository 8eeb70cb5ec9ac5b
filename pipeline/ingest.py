"""Ingest: raw files → ``Document`` records (decoded text, clean view, sections, kind).

The clean view (``Document.text``) is built in three derivations, each a list of replacements:
the format view (``markup``: captions, HTML, Markdown, timestamps out), tables and glued field
labels, then the layout's joins where a sentence continues over a line break (``layout``). The
three are chained into ``Document.alignment``, so any span of the clean view maps back to the
raw text. Sections come from the layout of each line; the kind (transcript or article) is
metadata and switches nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError

from . import alignment, layout, markup, paths, readers
from .errors import InputError, PipelineWarning, input_error
from .markup import Replacement, lines, merge_touching
from .models import BINARY_FORMATS, CAPTION_FORMATS, Document, Format, InputWarning, Kind, Page, Section, SourceMeta
from .resources import read_text

MAX_BYTES = 5_000_000
"""Largest text file, and largest text extracted from a PDF or DOCX (in characters)."""
MAX_BINARY_BYTES = 50_000_000
"""Largest PDF or DOCX file (images make them far larger than their text)."""
FORMATS: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".srt": "srt",
    ".vtt": "vtt",
    ".json3": "json3",
    ".srv1": "srv3",
    ".srv2": "srv3",
    ".srv3": "srv3",
    ".ttml": "ttml",
    ".dfxp": "ttml",
    ".xml": "ttml",  # TTML or YouTube timedtext, told apart by the root element
    ".pdf": "pdf",
    ".docx": "docx",
}
ACCEPTED = ".txt, .md, .html, .srt, .vtt, .json3, .srv3, .ttml, .pdf or .docx"
META_SUFFIX = ".meta.json"


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
        raise input_error(where, "the file is binary, not text", f"Export it as one of {ACCEPTED}")
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


# --------------------------------------------------------------------------- captions


_TIMESTAMP = re.compile(r"^\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}")
# A timing line gone wrong: starts like a time, has an arrow or a dash ('00:00:04,000 -> 00:00:08,000').
_TIMING_LIKE = re.compile(r"^\s*\d{1,2}[:;.,]\d{2}\S*\s*(?:-+>?|[=>→–—]+)")
_CUE_TAG = re.compile(r"<[^>\n]{0,40}>")
_TIMING_FIX = "Write the timing as '00:00:04,000 --> 00:00:08,000' (SRT) or '00:04.000 --> 00:08.000' (VTT)"


class Captions(NamedTuple):
    """``caption_cues``' result: replacements to running text, problems found on the way, and
    where each kept caption line starts (where a speaker label would be)."""

    replacements: list[Replacement]
    warnings: list[InputWarning]
    starts: list[int]


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
    for s, e in lines(text):
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
    return Captions(merge_touching(out), warnings, [s for s, _ in keep])


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


# --------------------------------------------------------------------------- spoken cues


@cache
def _cue_regex() -> re.Pattern[str]:
    lines_ = [ln.strip() for ln in read_text("data", "spoken_cues.txt").splitlines()]
    alternatives = [ln for ln in lines_ if ln and not ln.startswith("#")]
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")", re.I)


def spoken_cues(text: str) -> list[int]:
    """Offsets where a spoken cue starts a new part ('Next you're going to do a bridge').

    >>> spoken_cues("Hold it. Next you're going to do a bridge.")
    [9]
    """
    return [m.start() for m in _cue_regex().finditer(text) if m.start() > 0]


# --------------------------------------------------------------------------- kind and title

_SPEECH = re.compile(
    r"\b(?:i['’]m going to show you|i am going to show you|hey (?:everybody|everyone|guys)|let['’]s get started|"
    r"let us get started|you['’]re going to|you are going to|we['’]re going to|so now|alright|okay so|"
    r"thanks for watching|subscribe|in this video|be safe|we['’]re doing|we['’]ll do|we['’]ll|let['’]s|gonna|"
    r"go ahead and|first up|all right|alright so|okay now|here we go)\b",
    re.I,
)


def detect_kind(text: str, fmt: str, secs: list[Section], *, wrapped: bool = False) -> tuple[Kind, str]:
    """Transcript or article, with the reason (``wrapped``: most lines were joined as captions).

    Metadata only: nothing downstream switches on it.
    """
    if fmt in CAPTION_FORMATS:
        return "transcript", f"{fmt} caption file"
    speech = len(_SPEECH.findall(text))
    words = max(1, len(text.split()))
    structure = sum(1 for s in secs if s.kind in ("heading", "item", "field", "row"))
    per_k = 1000 * speech / words
    if wrapped and structure <= 2:
        return "transcript", f"caption line layout ({structure} headings or items)"
    if speech >= 3 and per_k >= 4 and structure <= 2:
        return "transcript", f"spoken style ({speech} speech markers, {structure} headings or items)"
    return "article", f"written style ({structure} headings or items, {speech} speech markers)"


def detect_title(text: str, secs: list[Section]) -> str | None:
    """The first heading when the document opens with one."""
    if secs and secs[0].kind == "heading" and secs[0].name_start is not None:
        return text[secs[0].name_start : secs[0].name_end].strip().rstrip(":") or None
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


def clean_view(
    raw: str, fmt: str, pages: Sequence[Page] = ()
) -> tuple[str, list, list[Section], bool, list[InputWarning]]:
    """The clean text, its alignment to ``raw``, its sections, whether it read as captions, and
    the warnings about its caption cues. ``pages``: a PDF's pages (``readers.read_pdf``).

    Raises ``ValueError`` for a malformed caption file.
    """
    view = markup.carriage_returns(raw)
    warnings: list[InputWarning] = []
    if fmt in ("srt", "vtt"):
        cues = caption_cues(raw, fmt)
        view += cues.replacements + markup.speakers(raw, cues.starts, captions=True)
        warnings = cues.warnings
    elif fmt == "json3":
        reps, starts = markup.json3_view(raw)
        view += reps + markup.speakers(raw, starts, captions=True)
    elif fmt in ("srv3", "ttml"):
        reps, starts = markup.caption_xml_view(raw)
        view += reps + markup.speakers(raw, starts, captions=True)
    elif fmt == "html":
        view += markup.html_view(raw)
    else:
        view += markup.timestamps(raw) + markup.markdown(raw)
        if fmt in ("text", "markdown"):
            view += markup.speakers(raw, [s for s, _ in lines(raw)], captions=False)
        if fmt == "pdf":
            view += markup.hyphens(raw) + markup.running_lines(raw, pages)
    if fmt != "html":  # the HTML view collapses its own whitespace
        view += markup.spaces(raw)
    first, p1 = alignment.apply(raw, merge_touching(view))
    table_reps, rows = markup.tables(first)
    second, p2 = alignment.apply(first, table_reps)
    row_names = {
        alignment.forward(p2, r): (alignment.forward(p2, n), alignment.forward(p2, m)) for r, n, m in rows
    }
    read = layout.read(second, row_names)
    joins = layout.joins(second, read)
    text, p3 = alignment.apply(second, joins)
    secs = layout.sections(text, read, p3, spoken_cues(text))
    prose = sum(1 for ln in read if ln.kind == "prose")
    wrapped = len(joins) >= 5 and len(joins) >= 0.5 * prose
    return text, alignment.chain(p3, alignment.chain(p2, p1)), secs, wrapped, warnings


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
            f"Save or export it as {ACCEPTED}, or move it out of the raw folder",
        )
    limit = MAX_BINARY_BYTES if fmt in BINARY_FORMATS else MAX_BYTES
    if len(data) > limit:
        raise input_error(
            path_shown,
            f"the file is {len(data):,} bytes, over the {limit:,} byte limit",
            "Split it into smaller documents",
        )
    pages: list[Page] = []
    if fmt in BINARY_FORMATS:
        extracted = (readers.read_pdf if fmt == "pdf" else readers.read_docx)(data, path_shown)
        raw, pages = extracted.text, extracted.pages
        if not raw.strip():
            raise input_error(path_shown, "the document has no text", "Check the file's content")
        if len(raw) > MAX_BYTES:
            raise input_error(
                path_shown,
                f"its text is {len(raw):,} characters, over the {MAX_BYTES:,} limit",
                "Split it into smaller documents",
            )
    else:
        raw = decode(data, path_shown)
    try:
        if fmt == "ttml" or fmt == "srv3":
            fmt = markup.caption_xml_dialect(raw)
        text, pieces, secs, wrapped, warnings = clean_view(raw, fmt, pages)
    except ValueError as err:
        raise input_error(path_shown, f"malformed {fmt.upper()} file: {err}", "Check the file's format") from None
    if not text.strip():
        raise input_error(path_shown, "the file has no text after removing markup", "Check the file's content")
    kind, reason = detect_kind(text, fmt, secs, wrapped=wrapped)
    if meta.kind:
        kind, reason = meta.kind, "metadata"
    title = meta.title or (markup.html_title(raw) if fmt == "html" else None) or detect_title(text, secs)
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
        pages=pages,
    )


def ingest_file(file: RawFile) -> Document:
    """Read and build one document (I/O wrapper around ``build_document``)."""
    where = paths.shown(file.path)
    try:
        data = file.path.read_bytes()
    except OSError as err:
        raise input_error(where, f"cannot be read ({err.strerror})", "Check its permissions") from None
    return build_document(data, doc_id=file.doc_id, path=file.rel_path, meta=read_meta(file.path), where=where)


def page_of(doc: Document, offset: int) -> int | None:
    """The number of the PDF page holding ``offset`` of ``doc.raw_text``; None for other formats.

    >>> from pipeline.models import Page
    >>> doc = Document.model_construct(pages=[Page(number=1, start=0, end=9, width=1, height=1, lines=[]),
    ...                                       Page(number=2, start=12, end=20, width=1, height=1, lines=[])])
    >>> page_of(doc, 3), page_of(doc, 12), page_of(doc, 10), page_of(Document.model_construct(pages=[]), 3)
    (1, 2, 1, None)
    """
    if not doc.pages:
        return None
    k = bisect_right([p.start for p in doc.pages], offset) - 1
    return doc.pages[max(0, k)].number
