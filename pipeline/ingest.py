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
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from . import alignment, layout, markup
from .errors import input_error
from .markup import Replacement, lines, merge_touching
from .models import Document, Kind, Section, SourceMeta
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


# --------------------------------------------------------------------------- decoding


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 bytes (a BOM is allowed); anything else is an ``InputError`` with a fix.

    >>> decode("caf\\u00e9".encode(), "a.txt")
    'café'
    """
    where = path
    if not data.strip():
        raise input_error(where, "the file is empty", "Remove it from the raw folder or add its text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise input_error(
            where,
            "the file is UTF-16 encoded",
            f"Convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8 '{path}' > fixed.txt, and replace it",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:8192] or _control_ratio(data[:8192]) > 0.05:
        raise input_error(where, "the file is binary, not text", "Export it as plain text, Markdown, HTML, SRT or VTT")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        guess = "Windows-1252" if _decodes(data, "cp1252") else "an unknown encoding"
        raise input_error(
            where,
            f"the file is not valid UTF-8 (byte {err.start}; it looks like {guess})",
            f"Convert it to UTF-8, e.g. iconv -f CP1252 -t UTF-8 '{path}' > fixed.txt, and replace it",
        ) from None


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
_CUE_TAG = re.compile(r"<[^>\n]{0,40}>")


def caption_cues(text: str, fmt: str) -> list[Replacement]:
    """Replacements that turn an SRT/VTT file into running text.

    Cue numbers, timestamps, the WEBVTT header, NOTE/STYLE/REGION blocks and inline tags go;
    a line repeating the previous cue's line (rolling captions) goes; cue lines are joined
    with single spaces.

    >>> srt = "1\\n00:00:01,000 --> 00:00:02,000\\nhold it\\n\\n"
    >>> srt += "2\\n00:00:02,000 --> 00:00:03,000\\nfor <i>30</i> seconds\\n"
    >>> alignment.apply(srt, caption_cues(srt, "srt"))[0]
    'hold it for 30 seconds'
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
    if not blocks:
        raise ValueError("no caption cues found")

    keep: list[tuple[int, int]] = []  # text lines kept, in order
    previous_line = None
    for block in blocks:
        first = text[block[0][0] : block[0][1]].strip()
        if fmt == "vtt" and (first.startswith("WEBVTT") or first.split(" ")[0] in {"NOTE", "STYLE", "REGION"}):
            continue
        cue_lines = list(block)
        # Drop an optional cue identifier line and the timing line.
        ts = next((i for i, (s, e) in enumerate(cue_lines) if _TIMESTAMP.match(text[s:e])), None)
        if ts is None:
            if fmt == "srt" and first.isdigit():
                continue
            raise ValueError(f"caption block without a timestamp: {first[:40]!r}")
        for s, e in cue_lines[ts + 1 :]:
            visible = _CUE_TAG.sub("", text[s:e]).strip()
            if not visible or visible == previous_line:
                continue
            keep.append((s, e))
            previous_line = visible
    if not keep:
        raise ValueError("the captions contain no text")

    out: list[Replacement] = [(0, keep[0][0], "")] if keep[0][0] > 0 else []
    for i, (s, e) in enumerate(keep):
        # Inline tags inside a kept line.
        out.extend((s + m.start(), s + m.end(), "") for m in _CUE_TAG.finditer(text[s:e]))
        nxt = keep[i + 1][0] if i + 1 < len(keep) else len(text)
        if nxt > e:
            out.append((e, nxt, " " if i + 1 < len(keep) else ""))
    return merge_touching(out)


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
    if fmt in ("srt", "vtt"):
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


def discover(raw_dir: Path, root: Path) -> list[RawFile]:
    """Every document file below ``raw_dir`` (dot files and ``*.meta.json`` excluded), sorted."""
    files = []
    for p in sorted(raw_dir.rglob("*")):
        rel = p.relative_to(raw_dir)
        if not p.is_file() or any(part.startswith(".") for part in rel.parts) or p.name.endswith(META_SUFFIX):
            continue
        try:
            rel_path = p.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            rel_path = p.as_posix()
        files.append(RawFile(path=p, doc_id=rel.as_posix(), rel_path=rel_path))
    return files


def read_meta(path: Path) -> SourceMeta:
    """The optional ``<file>.meta.json`` beside a raw file."""
    meta_path = path.with_name(path.name + META_SUFFIX)
    if not meta_path.exists():
        return SourceMeta()
    try:
        return SourceMeta.model_validate_json(meta_path.read_bytes())
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or "file"
        raise input_error(
            str(meta_path),
            f"malformed metadata ({loc}: {first['msg']})",
            'Use a JSON object with optional "title", "kind" (transcript or article) and "url"',
        ) from None


def clean_view(raw: str, fmt: str) -> tuple[str, list, list[Section], bool]:
    """The clean text, its alignment to ``raw``, its sections, and whether it read as captions.

    Raises ``ValueError`` for a malformed caption file.
    """
    view = markup.carriage_returns(raw)
    if fmt in ("srt", "vtt"):
        view += caption_cues(raw, fmt)
    elif fmt == "html":
        view += markup.html_view(raw)
    else:
        view += markup.timestamps(raw) + markup.markdown(raw)
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
    return text, alignment.chain(p3, alignment.chain(p2, p1)), secs, wrapped


def build_document(data: bytes, *, doc_id: str, path: str, meta: SourceMeta | None = None) -> Document:
    """Decode, clean and section one raw file. Raises ``InputError`` for unusable input."""
    meta = meta or SourceMeta()
    suffix = Path(doc_id).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise input_error(
            path,
            f"unknown file type {suffix or '(no extension)'!r}",
            "Rename it to .txt, .md, .html, .srt or .vtt, or move it out of the raw folder",
        )
    if len(data) > MAX_BYTES:
        raise input_error(
            path,
            f"the file is {len(data):,} bytes, over the {MAX_BYTES:,} byte limit",
            "Split it into smaller documents",
        )
    raw = decode(data, path)
    try:
        text, pieces, secs, wrapped = clean_view(raw, fmt)
    except ValueError as err:
        raise input_error(path, f"malformed {fmt.upper()} file: {err}", "Check the file's format") from None
    if not text.strip():
        raise input_error(path, "the file has no text after removing markup", "Check the file's content")
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
    )


def ingest_file(file: RawFile) -> Document:
    """Read and build one document (I/O wrapper around ``build_document``)."""
    try:
        data = file.path.read_bytes()
    except OSError as err:
        raise input_error(file.rel_path, f"cannot be read ({err.strerror})", "Check its permissions") from None
    return build_document(data, doc_id=file.doc_id, path=file.rel_path, meta=read_meta(file.path))
