"""The whole run: raw folder in, dataset and reports out, per-document stages cached."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from . import cache as cache_mod
from . import ingest, merge, paths, publish, report, resources
from .errors import InputError, OutputError, PipelineError, PipelineWarning, StageError
from .models import (
    Correction,
    CorrectionReport,
    Dataset,
    Document,
    DocumentResult,
    NormalizedDocument,
    OrphanedResolution,
)


@dataclass
class DocumentRun:
    """One document through the per-document stages."""

    document: Document
    normalized: NormalizedDocument | None = None
    result: DocumentResult | None = None


@dataclass
class Summary:
    """What a run did, for the closing paragraph and the tests."""

    documents: int = 0
    exercises: int = 0
    conflicts: dict[str, int] = field(default_factory=dict)
    edits: int = 0
    suggestions: int = 0
    failed: list[str] = field(default_factory=list)  # one message per file that failed
    warnings: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)  # ids of decisions that no longer apply
    cache_hits: int = 0
    cache_misses: int = 0
    cache_pruned: int = 0

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
        pruned = f", {self.cache_pruned} unused entries pruned" if self.cache_pruned else ""
        return (
            f"Processed {self.documents} document(s) into {self.exercises} exercise(s); "
            f"conflicts: {conflicts}; {self.edits} text repair(s) applied, {self.suggestions} suggested; "
            f"{failed}{warned}.{orphaned} Cache: {self.cache_hits} hit(s), {self.cache_misses} miss(es){pruned}."
        )


Progress = Callable[[str], None]
Notify = Callable[[PipelineError], None]


def _quiet(_: object) -> None:
    return None


@dataclass
class Batch:
    """The per-document stages over one raw folder: what came through, what was left out."""

    runs: list[DocumentRun] = field(default_factory=list)
    errors: list[PipelineError] = field(default_factory=list)  # one per file left out
    warnings: list[PipelineWarning] = field(default_factory=list)


def process_documents(
    raw_dir: Path,
    *,
    root: Path,
    store: cache_mod.StageCache,
    upto: str = "extract",
    progress: Progress = _quiet,
    notify: Notify = _quiet,
) -> Batch:
    """Ingest, normalize and extract every raw file (cached per stage and document).

    Each file runs under one guard: bad input (``InputError``) or an unexpected exception in any
    stage (``StageError``, traceback kept) leaves that file out and the others go on.
    ``notify`` hears every error and warning as it happens.
    """
    found = ingest.discover(raw_dir, root)
    batch = Batch(errors=[*found.errors], warnings=[*found.warnings])
    for problem in [*found.errors, *found.warnings]:
        notify(problem)
    bar = tqdm(found.files, desc="documents", unit="doc", disable=None, delay=1.0, file=sys.stderr, leave=False)
    for f in bar:
        try:
            run = _process_file(f, store, upto)
        except PipelineError as err:
            batch.errors.append(err)
            notify(err)
            continue
        batch.runs.append(run)
        where = paths.shown(f.path)
        for w in run.document.warnings:
            warning = PipelineWarning(w.what, where=f"{where}:{w.line}", fix=w.fix)
            batch.warnings.append(warning)
            notify(warning)
    progress(f"documents: {len(batch.runs)} processed, {len(batch.errors)} failed")
    return batch


def _process_file(f: ingest.RawFile, store: cache_mod.StageCache, upto: str) -> DocumentRun:
    """One file through the stages up to ``upto``; any failure is a ``PipelineError`` naming it."""
    from . import extract, normalize  # spaCy is imported only when a document needs it

    where = paths.shown(f.path)
    stage = "ingest"
    try:
        try:
            data = f.path.read_bytes()
        except OSError as err:
            raise InputError(f"cannot be read ({err.strerror})", where=where, fix="Check its permissions") from None
        meta = ingest.read_meta(f.path)
        digest = hashlib.sha256(data).hexdigest()
        k_ingest = cache_mod.key("ingest", f.doc_id, f.rel_path, digest, meta.model_dump_json())
        doc = store.get("ingest", k_ingest, Document)
        if doc is None:
            doc = ingest.build_document(data, doc_id=f.doc_id, path=f.rel_path, meta=meta, where=where)
            store.put("ingest", k_ingest, doc)
        run = DocumentRun(document=doc)
        if upto == "ingest":
            return run
        stage = "normalize"
        k_norm = cache_mod.key("normalize", k_ingest)
        run.normalized = store.get("normalize", k_norm, NormalizedDocument)
        if run.normalized is None:
            run.normalized = normalize.normalize_document(doc)
            store.put("normalize", k_norm, run.normalized)
        if upto == "normalize":
            return run
        stage = "extract"
        k_extract = cache_mod.key("extract", k_norm)
        run.result = store.get("extract", k_extract, DocumentResult)
        if run.result is None:
            run.result = extract.extract_document(doc, run.normalized)
            store.put("extract", k_extract, run.result)
        return run
    except PipelineError:
        raise
    except Exception as exc:  # noqa: BLE001 - fault isolation: one document's failure stays its own
        raise StageError(stage, where, exc) from exc


def corrections(runs: list[DocumentRun]) -> CorrectionReport:
    """Every applied edit and suggestion, in raw offsets, sorted."""
    from . import normalize

    applied: list[Correction] = []
    suggested: list[Correction] = []
    for run in runs:
        if run.normalized is None:
            continue
        a, s = normalize.to_corrections(run.document, run.normalized)
        applied.extend(a)
        suggested.extend(s)
    order = lambda c: (c.doc_id, c.start, c.end, c.rule)  # noqa: E731
    return CorrectionReport(corrections=sorted(applied, key=order), suggestions=sorted(suggested, key=order))


def run_all(
    raw_dir: Path,
    out_dir: Path,
    *,
    use_cache: bool = True,
    allow_empty: bool = False,
    progress: Progress = _quiet,
    notify: Notify = _quiet,
) -> Summary:
    """The whole pipeline, holding the output folder's lock; the outputs replace the previous
    ones as one set, only after everything succeeded (``publish``).

    allow_empty (bool): Let a run without any usable document replace a non-empty dataset with
        an empty one; otherwise that run fails with ``OutputError`` and writes nothing.
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
        return _run_locked(
            raw_dir, out_dir, use_cache=use_cache, allow_empty=allow_empty, progress=progress, notify=notify
        )


def _run_locked(
    raw_dir: Path, out_dir: Path, *, use_cache: bool, allow_empty: bool, progress: Progress, notify: Notify
) -> Summary:
    root = raw_dir.resolve().parent
    store = cache_mod.StageCache(out_dir / paths.CACHE if use_cache else None)
    decisions = merge.read_resolutions(out_dir / paths.REPORTS / paths.RESOLUTIONS)
    dataset_path = out_dir / paths.EXTRACTED / "exercises.json"
    previous = _previous(dataset_path)
    known = [e.id for e in resources.exercises()] + [e.id for e in (previous.exercises if previous else ())]
    merge.check_resolutions(decisions, known)  # a wrong value type fails before any document is processed

    batch = process_documents(raw_dir, root=root, store=store, progress=progress, notify=notify)
    runs = batch.runs
    if not runs and not allow_empty and (held := _sources_in(dataset_path)):
        raise OutputError(
            f"no usable document ({len(batch.errors)} file(s) failed), so this run would replace the dataset "
            f"of {held} source(s) in {paths.shown(dataset_path)} with an empty one; nothing was written",
            fix="Fix the errors above and rerun, or pass --allow-empty to empty the dataset",
        )
    results = [r.result for r in runs if r.result is not None]
    dataset, conflict_report = merge.merge(
        [r.document for r in runs], results, previous=previous, resolutions=decisions
    )
    for o in conflict_report.orphaned:
        warning = _orphan_warning(o, decisions.where.get(o.resolution.conflict, ""))
        batch.warnings.append(warning)
        notify(warning)
    correction_report = corrections(runs)
    progress("merge: done")
    raw_texts = {r.document.doc_id: r.document.raw_text for r in runs}  # the review page's quote context
    publish.replace_all(out_dir, report.render_all(dataset, conflict_report, correction_report, raw_texts.get))
    progress("report: written")
    pruned = store.prune()

    summary = Summary(
        documents=len(runs),
        exercises=len(dataset.exercises),
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
    return summary


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
