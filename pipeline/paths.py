"""Default locations, relative to the repository root, and how paths are shown in messages."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "raw"
EXTRACTED = "extracted"
REPORTS = "reports"
SCHEMAS = "schemas"
CACHE = ".cache"
RESOLUTIONS = "resolutions.yaml"
TEXTS = "extracted/texts"
"""Where the text extracted from each PDF and DOCX source is published (the evidence offsets point into it)."""


def extracted_text(doc_id: str) -> str:
    """The published text of a binary source, relative to the output folder.

    >>> extracted_text("clinic/handout.pdf")
    'extracted/texts/clinic/handout.pdf.txt'
    """
    return f"{TEXTS}/{doc_id}.txt"


def shown(path: str | os.PathLike[str]) -> str:
    """A path as messages write it: relative to the folder the command was run from; bytes of a
    name that is not UTF-8 as backslash escapes.

    >>> shown(Path.cwd() / "raw" / "a.txt") == os.path.join("raw", "a.txt")
    True
    >>> shown(Path.cwd() / os.fsdecode(b"caf\\xe9.txt"))
    'caf\\\\xe9.txt'
    """
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        rel = os.fspath(path)
    return os.fsencode(rel).decode("utf-8", "backslashreplace")
