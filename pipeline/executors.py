"""Where the per-document stages run: this process, worker processes, or a Dask cluster.

Every executor takes the same ``Task`` list and yields one outcome per task *in task order*
(a ``DocumentRecord``, or the ``PipelineError`` that left the file out), so a run's messages and
outputs do not depend on how many workers there were or which finished first.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, PipelineError
from .models import DocumentRecord, SourceMeta

EXECUTORS = ("local", "dask")
Outcome = DocumentRecord | PipelineError


@dataclass(frozen=True)
class Task:
    """One raw file to process. ``data`` travels only to executors without the raw folder."""

    doc_id: str
    rel_path: str
    path: str
    where: str
    sha256: str
    meta: SourceMeta
    data: bytes | None = None


def run_task(task: Task) -> Outcome:
    """The per-document stages on one task; never raises (the error is the outcome)."""
    from . import stages

    try:
        data = task.data
        if data is None:
            try:
                data = Path(task.path).read_bytes()
            except OSError as err:
                raise InputError(
                    f"cannot be read ({err.strerror})", where=task.where, fix="Check its permissions"
                ) from None
        if hashlib.sha256(data).hexdigest() != task.sha256:
            raise InputError("changed while the run was reading it", where=task.where, fix="Run again")
        return stages.process(data, doc_id=task.doc_id, path=task.rel_path, meta=task.meta, where=task.where)
    except PipelineError as err:
        return err


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def local(tasks: Sequence[Task], jobs: int) -> Iterator[Outcome]:
    """In this process (``jobs`` 1, or a single task), else in ``jobs`` worker processes."""
    jobs = min(jobs, len(tasks))
    if jobs <= 1:
        yield from map(run_task, tasks)
        return
    if "fork" in multiprocessing.get_all_start_methods():
        _warm()  # loaded once here, then shared by the forked workers (copy on write)
        context, initializer = multiprocessing.get_context("fork"), None
    else:
        context, initializer = multiprocessing.get_context("spawn"), _warm
    with context.Pool(jobs, initializer=initializer) as pool:
        yield from pool.imap(run_task, tasks, chunksize=1)


def dask(tasks: Sequence[Task], scheduler: str | None, window: int = 8) -> Iterator[Outcome]:
    """On a Dask cluster (``dask.distributed``) at ``scheduler``, or on a local cluster when None.

    The file bytes travel with each task (the workers need not see the raw folder); at most
    ``window`` tasks per worker are in flight, so memory stays flat however many files there are.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise PipelineError(
            "--executor dask needs the dask.distributed package",
            fix="Install it with: pip install 'dask[distributed]'",
        ) from None
    if scheduler:
        client = Client(scheduler, timeout="30s")
        cluster = None
    else:
        cluster = LocalCluster(n_workers=default_jobs(), threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        pending: deque = deque()
        for task in tasks:
            pending.append(client.submit(run_task, _with_data(task), pure=False))
            if len(pending) >= window * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _with_data(task: Task) -> Task:
    try:
        data = Path(task.path).read_bytes()
    except OSError:
        return task  # the worker reports it
    return Task(**{**task.__dict__, "data": data})


def _warm() -> None:
    """Load the language pipeline, lexicons and vocabularies (all loaded on first use) by running
    the stages on one short text, so the workers start ready."""
    from . import stages

    stages.process(WARM_UP, doc_id="warm-up.txt", path="warm-up.txt", meta=SourceMeta(), where="warm-up")


WARM_UP = b"Bridge\nLie on your back and lift your hips. Hold 5 seconds; repeat 10 times on each side.\n"
