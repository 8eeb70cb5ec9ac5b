"""Per-document stage results on disk, keyed by input content and the pipeline's own code.

One file per stage and document: a header line ``{"key": ..., "sha256": ...}`` and the record's
JSON. An entry is trusted only when its header names the key it is read under and the record's
bytes hash to the header's sha256; anything else (a torn write, a file copied or edited by
hand, another record) is a miss and is recomputed. That check is what makes a write without
fsync safe: a power loss can only produce an entry that fails it. ``prune`` deletes the entries
the run did not use, so the cache holds one run's worth.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .publish import write_bytes

M = TypeVar("M", bound=BaseModel)
_PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = ("spacy", "rapidfuzz", "wordfreq", "ftfy", "jellyfish", "pydantic", "pdfminer.six", "python-docx")


@cache
def code_fingerprint() -> str:
    """Hash of every source and data file of the package and the versions of its libraries."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".json", ".jsonl", ".txt"} and "__pycache__" not in path.parts:
            h.update(path.relative_to(_PACKAGE).as_posix().encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}=={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}==none".encode())
    return h.hexdigest()


def key(*parts: str) -> str:
    """A cache key from its parts (always including the code fingerprint)."""
    return hashlib.sha256("\0".join((code_fingerprint(), *parts)).encode()).hexdigest()[:32]


class StageCache:
    """One folder per stage; one file per document result. ``None`` disables caching.

    ``hits``, ``misses`` and ``rejected`` (entries present but not trusted) count the lookups.
    """

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hits = 0
        self.misses = 0
        self.rejected = 0
        self._used: set[Path] = set()

    def _path(self, stage: str, k: str) -> Path:
        assert self.root is not None
        return self.root / stage / f"{k}.json"

    def get(self, stage: str, k: str, model: type[M]) -> M | None:
        """The record stored under ``k``, or None (counted as a miss) when absent or not trusted."""
        if self.root is None:
            return None
        path = self._path(stage, k)
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        record = _unpack(data, k, model)
        if record is None:
            self.misses += 1
            self.rejected += 1
            return None
        self.hits += 1
        self._used.add(path)
        return record

    def put(self, stage: str, k: str, record: BaseModel) -> None:
        """Store ``record`` under ``k`` (atomic rename; no fsync, see the module docstring)."""
        if self.root is None:
            return
        path = self._path(stage, k)
        write_bytes(path, _pack(k, record), durable=False)
        self._used.add(path)

    def prune(self) -> int:
        """Delete every entry (and stray temporary file) this cache did not read or write.

        RETURNS (int): How many files were deleted.
        """
        if self.root is None or not self.root.is_dir():
            return 0
        removed = 0
        for path in self.root.glob("*/*"):
            if path.is_file() and path not in self._used:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def _pack(k: str, record: BaseModel) -> bytes:
    payload = record.model_dump_json().encode("utf-8")
    header = json.dumps({"key": k, "sha256": hashlib.sha256(payload).hexdigest()}).encode()
    return header + b"\n" + payload


def _unpack(data: bytes, k: str, model: type[M]) -> M | None:
    header, _, payload = data.partition(b"\n")
    try:
        meta = json.loads(header)
        if meta["key"] != k or meta["sha256"] != hashlib.sha256(payload).hexdigest():
            return None
        return model.model_validate_json(payload)
    except (ValueError, KeyError, TypeError, ValidationError):
        return None
