"""The whole run: raw folder in, dataset and reports out.

The per-document stages (``stages.process``) run wherever the executor puts them (this process,
``--jobs`` worker processes, a Dask cluster) and return one compact ``DocumentRecord`` per file,
cached by the file's bytes and the code; the merge and the reports read only records. A rerun with
nothing changed stops at the manifest (``manifest``) before loading anything.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel
from tqdm import tqdm

from . import cache as cache_mod
from . import executors, ingest, manifest, merge, paths, publish, report, resources
from .errors import InputError, OutputError, PipelineError, PipelineWarning
from .models import CorrectionReport, Dataset, DocumentRecord, OrphanedResolution


@dataclass
class Summary:
    """What a run did, for the closing paragraph and the tests."""

    documents: int = 0
    exercises: int = 0
    unknown: int = 0  # exercises whose name matched no lexicon entry (flagged for review)
    conflicts: dict[str, int] = field(default_factory=dict)
    edits: int = 0
    suggestions: int = 0
    failed: list[str] = field(default_factory=list)  # one message per file that failed
    warnings: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)  # ids of decisions that no longer apply
    cache_hits: int = 0
    cache_misses: int = 0
    cache_pruned: int = 0
    unchanged: bool = False  # nothing changed since the last run: nothing was redone

    def paragraph(self) -> str:
        """One paragraph for people."""
        conflicts = ", ".join(f"{n} {k}" for k, n in sorted(self.conflicts.items())) or "none"
        failed = f"{len(self.failed)} file(s) failed (see the errors above)" if self.failed else "no file failed"
        warned = f"; {len(self.warnings)} warning(s) above" if self.warnings else ""
        orphaned = (
            f" {len(self.orphaned)} decision(s) no longer apply: {', '.join(self.orphaned)} "
            "(listed first in reports/conflicts.md)."
            if self.orphaned
            else ""
        )
        unknown = f" ({self.unknown} not in the lexicon, flagged for review)" if self.unknown else ""
        if self.unchanged:
            tail = " Nothing changed since the last run: the outputs are up to date."
        else:
            pruned = f", {self.cache_pruned} unused entries pruned" if self.cache_pruned else ""
            tail = f" Cache: {self.cache_hits} hit(s), {self.cache_misses} miss(es){pruned}."
        return (
            f"Processed {self.documents} document(s) into {self.exercises} exercise(s){unknown}; "
            f"conflicts: {conflicts}; {self.edits} text repair(s) applied, {self.suggestions} suggested; "
            f"{failed}{warned}.{orphaned}{tail}"
        )


Progress = Callable[[str], None]
Notify = Callable[[PipelineError], None]


def _quiet(_: object) -> None:
    return None


@dataclass(frozen=True)
class Options:
    """Where the per-document stages run."""

    jobs: int = 1
    executor: str = "local"  # one of executors.EXECUTORS
    scheduler: str | None = None  # Dask scheduler address; None: a local Dask cluster


@dataclass
class Batch:
    """The per-document stages over one raw folder: what came through, what was left out."""

    records: list[DocumentRecord] = field(default_factory=list)
    errors: list[PipelineError] = field(default_factory=list)  # one per file left out
    warnings: list[PipelineWarning] = field(default_factory=list)


def process_documents(
    raw_dir: Path,
    *,
    root: Path,
    store: cache_mod.StageCache,
    options: Options = Options(),
    progress: Progress = _quiet,
    notify: Notify = _quiet,
) -> Batch:
    """Every raw file through the per-document stages, or from the cache, in file order.

    A file that fails (bad input: ``InputError``; an unexpected exception in a stage:
    ``StageError``, traceback kept) is left out and the others go on. ``notify`` hears every error
    and warning, in file order whatever the executor.
    """
    found = ingest.discover(raw_dir, root)
    batch = Batch(errors=[*found.errors], warnings=[*found.warnings])
    for problem in [*found.errors, *found.warnings]:
        notify(problem)
    slots: list[DocumentRecord | PipelineError | str] = []  # a str: the cache key of a task
    tasks: list[executors.Task] = []
    for f in found.files:
        try:
            task = _task(f)
        except PipelineError as err:
            slots.append(err)
            continue
        k = cache_mod.key("record", task.doc_id, task.rel_path, task.sha256, task.meta.model_dump_json())
        cached = store.get("record", k, DocumentRecord)
        slots.append(cached if cached is not None else k)
        if cached is None:
            tasks.append(task)
    outcomes = _outcomes(tasks, options)
    bar = tqdm(total=len(tasks), desc="documents", unit="doc", disable=None, delay=1.0, file=sys.stderr, leave=False)
    with bar:
        for slot in slots:
            if isinstance(slot, str):
                outcome = next(outcomes)
                bar.update()
                if isinstance(outcome, DocumentRecord):
                    store.put("record", slot, outcome)
                slot = outcome
            if isinstance(slot, PipelineError):
                batch.errors.append(slot)
                notify(slot)
                continue
            batch.records.append(slot)
            where = paths.shown(Path(root, slot.path))
            for w in slot.warnings:
                warning = PipelineWarning(w.what, where=f"{where}:{w.line}", fix=w.fix)
                batch.warnings.append(warning)
                notify(warning)
    progress(f"documents: {len(batch.records)} processed, {len(batch.errors)} failed")
    return batch


def _task(f: ingest.RawFile) -> executors.Task:
    """The task of one raw file: read once here for its digest (the cache key)."""
    where = paths.shown(f.path)
    try:
        data = f.path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot be read ({err.strerror})", where=where, fix="Check its permissions") from None
    return executors.Task(
        doc_id=f.doc_id,
        rel_path=f.rel_path,
        path=str(f.path),
        where=where,
        sha256=hashlib.sha256(data).hexdigest(),
        meta=ingest.read_meta(f.path),
    )


def _outcomes(tasks: list[executors.Task], options: Options) -> Iterator[executors.Outcome]:
    if options.executor == "dask":
        return executors.dask(tasks, options.scheduler)
    return executors.local(tasks, options.jobs)


def stage_records(raw_dir: Path, *, root: Path, upto: str, notify: Notify = _quiet) -> Iterator[BaseModel]:
    """The records of one stage ('ingest', 'normalize' or 'extract') for every raw file, in
    file order, uncached (for inspecting a stage); a file that fails is notified and skipped."""
    from . import extract, normalize, stages

    found = ingest.discover(raw_dir, root)
    for problem in [*found.errors, *found.warnings]:
        notify(problem)
    for f in found.files:
        try:
            with stages.guarded(paths.shown(f.path)) as stage:
                out = doc = ingest.ingest_file(f)
                if upto != "ingest":
                    stage.name = "normalize"
                    out = normalized = normalize.normalize_document(doc)
                if upto == "extract":
                    stage.name = "extract"
                    out = extract.extract_document(doc, normalized)
        except PipelineError as err:
            notify(err)
            continue
        yield out


def corrections(records: list[DocumentRecord]) -> CorrectionReport:
    """Every applied edit and suggestion, in raw offsets, sorted."""
    order = lambda c: (c.doc_id, c.start, c.end, c.rule)  # noqa: E731
    return CorrectionReport(
        corrections=sorted((c for r in records for c in r.corrections), key=order),
        suggestions=sorted((c for r in records for c in r.suggestions), key=order),
    )


def run_all(
    raw_dir: Path,
    out_dir: Path,
    *,
    use_cache: bool = True,
    allow_empty: bool = False,
    options: Options = Options(),
    progress: Progress = _quiet,
    notify: Notify = _quiet,
) -> Summary:
    """The whole pipeline, holding the output folder's lock; the outputs replace the previous
    ones as one set, only after everything succeeded (``publish``).

    allow_empty (bool): Let a run without any usable document replace a non-empty dataset with
        an empty one; otherwise that run fails with ``OutputError`` and writes nothing.
    options (Options): Where the per-document stages run (``--jobs``, ``--executor``).
    notify (Callable): Hears every per-document error and every warning as it happens.
    """
    if not raw_dir.is_dir():
        raise PipelineError(
            f"raw folder {paths.shown(raw_dir)} does not exist", fix="Pass --raw with a folder of documents"
        )
    with publish.locked(out_dir):
        finished = publish.recover(out_dir, list(report.OUTPUTS.values()))
        if finished:
            progress(f"finished the outputs of an interrupted run ({len(finished)} file(s))")
        current = manifest.snapshot(raw_dir, out_dir)
        if use_cache and (stored := manifest.unchanged(out_dir, current)) is not None:
            summary = Summary(**{**stored, "unchanged": True})
            for line in summary.failed:
                notify(PipelineError(line))
            for line in summary.warnings:
                notify(PipelineWarning(line))
            return summary
        manifest.forget(out_dir)
        summary, names = _run_locked(
            raw_dir,
            out_dir,
            use_cache=use_cache,
            allow_empty=allow_empty,
            options=options,
            progress=progress,
            notify=notify,
        )
        if use_cache:
            stored = dataclasses.asdict(summary)
            for k in ("cache_hits", "cache_misses", "cache_pruned", "unchanged"):
                stored.pop(k)
            manifest.write(out_dir, current, names, stored)
        return summary


def _run_locked(
    raw_dir: Path,
    out_dir: Path,
    *,
    use_cache: bool,
    allow_empty: bool,
    options: Options,
    progress: Progress,
    notify: Notify,
) -> tuple[Summary, list[str]]:
    root = raw_dir.resolve().parent
    store = cache_mod.StageCache(out_dir / paths.CACHE if use_cache else None)
    decisions = merge.read_resolutions(out_dir / paths.REPORTS / paths.RESOLUTIONS)
    dataset_path = out_dir / paths.EXTRACTED / "exercises.json"
    previous = _previous(dataset_path)
    known = [e.id for e in resources.exercises()] + [e.id for e in (previous.exercises if previous else ())]
    merge.check_resolutions(decisions, known)  # a wrong value type fails before any document is processed

    batch = process_documents(raw_dir, root=root, store=store, options=options, progress=progress, notify=notify)
    records = batch.records
    if not records and not allow_empty and (held := _sources_in(dataset_path)):
        raise OutputError(
            f"no usable document ({len(batch.errors)} file(s) failed), so this run would replace the dataset "
            f"of {held} source(s) in {paths.shown(dataset_path)} with an empty one; nothing was written",
            fix="Fix the errors above and rerun, or pass --allow-empty to empty the dataset",
        )
    dataset, conflict_report = merge.merge(records, previous=previous, resolutions=decisions)
    for o in conflict_report.orphaned:
        warning = _orphan_warning(o, decisions.where.get(o.resolution.conflict, ""))
        batch.warnings.append(warning)
        notify(warning)
    correction_report = corrections(records)
    progress("merge: done")
    files = report.render_all(
        dataset, conflict_report, correction_report, records, source_text=source_text(records, root)
    )
    publish.replace_all(out_dir, files, owned=[paths.TEXTS])
    progress("report: written")
    pruned = store.prune()

    summary = Summary(
        documents=len(records),
        exercises=len(dataset.exercises),
        unknown=sum(e.review for e in dataset.exercises),
        edits=len(correction_report.corrections),
        suggestions=len(correction_report.suggestions),
        failed=[str(e) for e in batch.errors],
        warnings=[str(w) for w in batch.warnings],
        cache_hits=store.hits,
        cache_misses=store.misses,
        cache_pruned=pruned,
        orphaned=[o.resolution.conflict for o in conflict_report.orphaned],
    )
    for c in conflict_report.conflicts:
        key = f"{c.status} {c.kind}"
        summary.conflicts[key] = summary.conflicts.get(key, 0) + 1
    return summary, list(files)


def source_text(records: list[DocumentRecord], root: Path) -> Callable[[str], str | None]:
    """A document's raw text by doc_id, read again from its file when asked (the records hold no
    texts): the quotes' context on the review page. None when the file changed since the run."""
    by_id = {r.doc_id: r for r in records}

    @functools.lru_cache(maxsize=16)
    def read(doc_id: str) -> str | None:
        record = by_id.get(doc_id)
        if record is None:
            return None
        if record.extracted_text is not None:
            return record.extracted_text
        try:
            data = (root / record.path).read_bytes()
            if hashlib.sha256(data).hexdigest() != record.sha256:
                return None
            return ingest.decode(data, record.path)
        except (OSError, PipelineError):
            return None

    return read


def _sources_in(path: Path) -> int:
    """How many sources the dataset file at ``path`` lists (0 when absent or unreadable)."""
    try:
        sources = json.loads(path.read_text(encoding="utf-8")).get("sources")
    except (OSError, ValueError, AttributeError):
        return 0
    return len(sources) if isinstance(sources, list) else 0


def _orphan_warning(o: OrphanedResolution, where: str) -> PipelineWarning:
    r = o.resolution
    if o.exercise_id is None:
        return PipelineWarning(
            f"conflict {r.conflict} matches no exercise field, so the decision is not applied",
            where=where,
            fix="Check the id against reports/conflicts.md, or delete the entry",
        )
    return PipelineWarning(
        f"the decision on {r.conflict} ({o.exercise_id} {o.field} = {merge.format_value(r.value)}) no longer "
        f"applies: {o.reason}; the field is now {merge.format_value(o.current)}",
        where=where,
        fix="Review it at the top of reports/conflicts.md; delete the entry or keep it for when the conflict returns",
    )


def _previous(path: Path) -> Dataset | None:
    """The last committed dataset, for stable and retired ids; None when absent or unreadable."""
    try:
        return Dataset.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
