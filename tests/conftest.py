"""Shared fixtures: paths, a document factory, the blank-English pipeline (no downloaded model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import build_document
from pipeline.models import Document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import build_nlp

    return build_nlp()


def make_document(text: str, name: str = "doc.txt", kind: str | None = None) -> Document:
    """A Document built from text by the real ingest stage."""
    from pipeline.models import SourceMeta

    return build_document(text.encode("utf-8"), doc_id=name, path=f"raw/{name}", meta=SourceMeta(kind=kind))


@pytest.fixture
def document():
    return make_document


@pytest.fixture(scope="session")
def seed_runs(tmp_path_factory):
    """The seeds through ingest, normalize and extract (cached in a temp folder)."""
    from pipeline import cache, workflow

    store = cache.StageCache(tmp_path_factory.mktemp("cache"))
    runs, errors = workflow.process_documents(ROOT / "raw", root=ROOT, store=store)
    assert not errors
    return runs
