"""Per-document stage results on disk, keyed by input content and the pipeline's own code."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .publish import write_text

M = TypeVar("M", bound=BaseModel)
_PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = ("spacy", "rapidfuzz", "wordfreq", "ftfy", "jellyfish", "pydantic")


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
    """One folder per stage; one JSON file per document result. ``None`` disables caching."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hits = 0
        self.misses = 0

    def get(self, stage: str, k: str, model: type[M]) -> M | None:
        if self.root is None:
            return None
        path = self.root / stage / f"{k}.json"
        try:
            record = model.model_validate_json(path.read_bytes())
        except (OSError, ValidationError):
            self.misses += 1
            return None
        self.hits += 1
        return record

    def put(self, stage: str, k: str, record: BaseModel) -> None:
        if self.root is not None:
            write_text(self.root / stage / f"{k}.json", record.model_dump_json())
