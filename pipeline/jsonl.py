"""JSONL of pydantic records: one model per line, errors name the file and line."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .errors import PipelineError

M = TypeVar("M", bound=BaseModel)


def write_records(path: Path, records: Iterable[BaseModel]) -> None:
    """Write one JSON record per line, atomically (temp file, then rename)."""
    atomic_write(path, "".join(r.model_dump_json() + "\n" for r in records))


def read_records(path: Path, model: type[M]) -> list[M]:
    """Read and validate every line of a JSONL file."""
    out: list[M] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                out.append(model.model_validate_json(line))
            except ValidationError as err:
                raise PipelineError(
                    f"not a valid {model.__name__} record ({err.errors()[0]['msg']})",
                    where=f"{path}:{lineno}",
                    fix="Regenerate the file with the stage that writes it",
                ) from None
    return out


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
