"""Write files safely: one file atomically, or one run's outputs as one set.

A run's outputs (dataset, claims, reports, schemas) must never be seen half old, half new, so
they are published as one set through a staging folder and a journal, all under the output
folder's ``.publish/``:

1. **Lock.** ``.publish/lock`` is held with ``fcntl.flock`` for the whole run; a second run on
   the same output folder stops at once with a message (the lock dies with its process, so a
   killed run never leaves a stale lock).
2. **Stage.** Every new file is written in full under ``.publish/staging/`` and fsynced.
3. **Commit.** ``.publish/journal.json`` (the list of files) is written atomically: from here on
   the new set is complete and wins.
4. **Swap.** Each staged file is ``os.replace``\\ d over its target, then the journal and the
   staging folder are removed.

``recover`` runs first in every run, under the lock: a journal left by a run killed during the
swap means the swap is finished (roll forward: every staged file is complete); a staging folder
without a journal is a run killed while writing it, and is deleted (roll back: nothing was
replaced yet). Temporary files of single-file writes that a kill left beside the outputs are
deleted too. An exception or Ctrl-C inside the run does the same at once.

The outputs stay ordinary files at fixed paths (committed to git, read by other tools), which
rules out a versioned folder behind a symlink.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from . import paths
from .errors import OutputError

STATE = ".publish"
"""Folder under the output folder that holds the lock, the staging folder and the journal."""
LOCK = "lock"
STAGING = "staging"
JOURNAL = "journal.json"


# --------------------------------------------------------------------------- single files


def write_bytes(path: str | Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically: temporary file in the same folder, then rename.

    durable (bool): fsync the file before the rename, so a power loss cannot leave an empty
        file in its place. Defaults to True.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: str | Path, text: str, *, durable: bool = True) -> None:
    """Write UTF-8 text atomically (no newline translation)."""
    write_bytes(path, text.encode("utf-8"), durable=durable)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- output sets


@contextlib.contextmanager
def locked(out_dir: str | Path) -> Iterator[None]:
    """Hold the output folder's lock; another holder makes this raise ``OutputError`` at once."""
    state = Path(out_dir) / STATE
    state.mkdir(parents=True, exist_ok=True)
    fd = os.open(state / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutputError(
                f"another run (process {holder}) is writing to {paths.shown(out_dir)}",
                fix="Wait for it to finish, or pass another --out",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def recover(out_dir: str | Path, names: Iterator[str] | list[str] = ()) -> list[str]:
    """Finish or undo a publication a killed run left behind (call it holding the lock).

    names: Output paths (relative) whose stray temporary files are removed.
    RETURNS (list[str]): The files the interrupted swap still had to move, now moved.
    """
    out = Path(out_dir)
    state = out / STATE
    journal = state / JOURNAL
    finished: list[str] = []
    if journal.exists():
        for rel in json.loads(journal.read_text(encoding="utf-8")):
            staged = state / STAGING / rel
            if staged.exists():
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, out / rel)
                finished.append(rel)
        journal.unlink()
    shutil.rmtree(state / STAGING, ignore_errors=True)
    for rel in names:
        target = out / rel
        for stray in target.parent.glob(f".{target.name}.*.tmp"):
            stray.unlink(missing_ok=True)
    return finished


def replace_all(out_dir: str | Path, files: Mapping[str, bytes], *, owned: Sequence[str] = ()) -> list[Path]:
    """Publish ``files`` (relative path → bytes) under ``out_dir`` as one set (hold the lock).

    An exception (or Ctrl-C) while staging removes the staging folder and leaves the previous
    set; one during the swap finishes the swap if it can. Only a kill leaves work for
    ``recover``.

    owned (Sequence[str]): Folders (relative) that hold only outputs of the set: after the swap,
        a file in them that the set does not list (left by an earlier run) is deleted.

    A file that already holds its new bytes is left alone (not rewritten, its time unchanged).

    RETURNS (list[Path]): The files written, in the order given.
    """
    out = Path(out_dir)
    state = out / STATE
    staging = state / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    everything, files = files, {rel: data for rel, data in files.items() if not _holds(out / rel, data)}
    if not files:
        _prune(out, owned, everything)
        return []
    try:
        _stage(staging, out, files)
        write_text(state / JOURNAL, json.dumps(list(files), indent=1) + "\n")  # the commit point
        _fsync_dir(state)
    except (Exception, KeyboardInterrupt):
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        for rel in files:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, out / rel)
    except (Exception, KeyboardInterrupt):
        with contextlib.suppress(Exception):
            recover(out)
        raise
    for folder in {(out / rel).parent for rel in files}:
        _fsync_dir(folder)
    (state / JOURNAL).unlink()
    shutil.rmtree(staging, ignore_errors=True)
    _prune(out, owned, everything)
    return [out / rel for rel in files]


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a file holding exactly ``data`` (then it is not rewritten)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _prune(out: Path, owned: Sequence[str], files: Mapping[str, bytes]) -> None:
    """Delete what the owned folders hold beyond ``files``, then their emptied subfolders."""
    keep = {(out / rel).resolve() for rel in files}
    for folder in owned:
        root = out / folder
        if not root.is_dir() or root.is_symlink():
            continue
        for path in sorted(root.rglob("*"), reverse=True):  # children before their folders
            if path.is_dir() and not path.is_symlink():
                with contextlib.suppress(OSError):
                    path.rmdir()  # only when empty
            elif path.resolve() not in keep:
                path.unlink(missing_ok=True)


def _stage(staging: Path, out: Path, files: Mapping[str, bytes]) -> None:
    """Write every file in full under ``staging``, durably, with its target's mode."""
    for rel, data in files.items():
        staged = staging / rel
        staged.parent.mkdir(parents=True, exist_ok=True)
        with open(staged, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        target = out / rel
        if target.exists():
            os.chmod(staged, target.stat().st_mode & 0o777)
    for folder in {(staging / rel).parent for rel in files}:
        _fsync_dir(folder)


def write_set(out_dir: str | Path, files: Mapping[str, bytes]) -> list[Path]:
    """Lock, recover, publish ``files`` as one set, unlock (for callers that hold no lock)."""
    with locked(out_dir):
        recover(out_dir, list(files))
        return replace_all(out_dir, files)
