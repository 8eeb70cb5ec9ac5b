"""The per-document stages as one pure function: a raw file's bytes in, a ``DocumentRecord`` out.

This is what a worker process or a Dask task runs; the record it returns is all the merge and the
reports need of the document (claims, corrections, shingles), so the texts never travel back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from . import families, ingest
from .errors import PipelineError, StageError
from .models import BINARY_FORMATS, Document, DocumentRecord, DocumentResult, NormalizedDocument, SourceMeta


class Stage:
    """The stage a ``guarded`` block is in, for the error that names it."""

    def __init__(self) -> None:
        self.name = "ingest"


@contextmanager
def guarded(where: str) -> Iterator[Stage]:
    """Run per-document stages: a ``PipelineError`` passes through; any other exception becomes a
    ``StageError`` naming the file and the stage (set ``.name`` as the block goes on), traceback
    kept, so a caller can leave the file out and go on."""
    stage = Stage()
    try:
        yield stage
    except PipelineError:
        raise
    except Exception as exc:  # noqa: BLE001 - fault isolation: one document's failure stays its own
        raise StageError(stage.name, where, exc) from exc


def process(data: bytes, *, doc_id: str, path: str, meta: SourceMeta, where: str) -> DocumentRecord:
    """Ingest, normalize and extract one file. Raises ``InputError`` on bad input and
    ``StageError`` on an unexpected exception (see ``guarded``)."""
    with guarded(where) as stage:
        doc = ingest.build_document(data, doc_id=doc_id, path=path, meta=meta, where=where)
        from . import extract, normalize  # spaCy is imported only when a document needs it

        stage.name = "normalize"
        normalized = normalize.normalize_document(doc)
        stage.name = "extract"
        return record(doc, normalized, extract.extract_document(doc, normalized))


def record(
    doc: Document, normalized: NormalizedDocument | None = None, result: DocumentResult | None = None
) -> DocumentRecord:
    """The record of a document: its source facts, shingles, corrections in raw offsets and claims
    (no normalized text or result: no corrections or claims)."""
    from .normalize import to_corrections

    applied, suggested = to_corrections(doc, normalized) if normalized is not None else ([], [])
    order = lambda c: (c.start, c.end, c.rule)  # noqa: E731
    return DocumentRecord(
        doc_id=doc.doc_id,
        path=doc.path,
        sha256=doc.sha256,
        kind=doc.kind,
        title=doc.title,
        url=doc.url,
        format=doc.format,
        extracted_text=doc.raw_text if doc.format in BINARY_FORMATS else None,
        shingles=families.pack(families.shingle_hashes(doc.text)),
        result=result if result is not None else DocumentResult(doc_id=doc.doc_id, claims=[], unnamed=[]),
        corrections=sorted(applied, key=order),
        suggestions=sorted(suggested, key=order),
        warnings=doc.warnings,
    )
