"""The last run's inputs and outputs, so a rerun with nothing changed stops at once.

``.cache/manifest.json`` holds what a run's outputs depend on (every file below the raw folder
by path, size and modification time; the code fingerprint; the curator decisions file) and what
it published (each output by size and modification time), with the run's summary. A rerun whose
snapshot equals it has nothing to do: it prints the same summary without loading any document,
model or language pipeline. Anything different (a file touched, an output edited or deleted, a
new version of the code) is a normal run, which still reuses the per-document cache.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import paths
from .cache import code_fingerprint

FILE = "manifest.json"
VERSION = 1


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def raw_files(raw_dir: Path) -> list[list]:
    """[relative path, size, mtime_ns] of every file below ``raw_dir`` (links followed), sorted."""
    out: list[list] = []
    seen: set[str] = set()
    for folder, dirs, names in os.walk(raw_dir, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:  # a link back into a folder already walked
            dirs.clear()
            continue
        seen.add(real)
        dirs.sort()
        for name in sorted(names):
            path = Path(folder, name)
            out.append([path.relative_to(raw_dir).as_posix(), *(_stat(path) or [-1, -1])])
    return out


def snapshot(raw_dir: Path, out_dir: Path) -> dict:
    """What a run's outputs depend on, now."""
    return {
        "version": VERSION,
        "code": code_fingerprint(),
        "raw": str(raw_dir.resolve()),
        "files": raw_files(raw_dir),
        "resolutions": _stat(out_dir / paths.REPORTS / paths.RESOLUTIONS),
    }


def outputs(out_dir: Path, names: list[str]) -> dict[str, list[int] | None]:
    """Size and mtime of each published output."""
    return {name: _stat(out_dir / name) for name in sorted(names)}


def unchanged(out_dir: Path, current: dict) -> dict | None:
    """The stored summary when ``current`` (a ``snapshot``) equals the last run's and every output
    is as that run left it; else None."""
    try:
        stored = json.loads((out_dir / paths.CACHE / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("inputs") != current:
        return None
    published = stored.get("outputs")
    if not isinstance(published, dict) or outputs(out_dir, list(published)) != published:
        return None
    summary = stored.get("summary")
    return summary if isinstance(summary, dict) else None


def write(out_dir: Path, current: dict, names: list[str], summary: dict) -> None:
    """Record a finished run (after its outputs were published)."""
    from .publish import write_text

    data = {"inputs": current, "outputs": outputs(out_dir, names), "summary": summary}
    write_text(out_dir / paths.CACHE / FILE, json.dumps(data, sort_keys=True) + "\n", durable=False)


def forget(out_dir: Path) -> None:
    """Drop the manifest (a run that did not finish, or one without the cache)."""
    (out_dir / paths.CACHE / FILE).unlink(missing_ok=True)
