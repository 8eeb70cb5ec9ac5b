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


# --------------------------------------------------------------------------- normalize

#: A small lexicon for the repair tests: names and aliases as curators write them.
NORMALIZE_NAMES = [
    "Knee to chest stretch",
    "knee to chest",
    "knees to chest",
    "double knee to chest stretch",
    "Pelvic tilt",
    "pelvic tilting",
    "Hamstring stretch",
    "hamstring stretch with towel",
    "Glute bridge",
    "bridge",
    "Child's pose",
    "balasana",
    "Cat cow",
    "Legs up the wall",
    "Hip flexor stretch",
    "psoas stretch",
    "Piriformis stretch",
    "figure four stretch",
    "Pigeon pose",
    "Downward dog",
    "adho mukha svanasana",
    "Clamshell",
    "Side plank",
    "Seated twist",
    "Calf stretch",
    "Thread the needle",
]
#: Domain terms by kind, as in ``pipeline/data/domain_terms.json``.
NORMALIZE_TERMS = {
    "body_parts": """knee knees chest spine glute glutes hamstring hamstrings pelvis hip hips back
        leg legs arm arms calf calves shoulder shoulders neck psoas thigh thighs heel heels foot feet
        toes ankle wrist core tailbone forearm forearms""".split()
    + ["lower back"],
    "equipment": "towel strap block chair mat cushion band bolster wall".split(),
    "positions": "supine prone kneeling seated standing".split(),
    "movement_words": "stretch hold bend lift tilt twist rotate squeeze".split(),
}


@pytest.fixture(scope="session")
def vocab():
    """The repair vocabulary of the small test lexicon."""
    from pipeline.normalize import Vocabulary

    return Vocabulary.from_names(NORMALIZE_NAMES, NORMALIZE_TERMS)


@pytest.fixture(scope="session")
def rules():
    """The shipped confusion table."""
    from pipeline import resources

    return resources.confusions()


def apply_edits(text: str, edits) -> str:
    """``text`` with the edits (in its offsets) applied."""
    from pipeline import alignment

    return alignment.apply(text, [(e.start, e.end, e.after) for e in edits])[0]


@pytest.fixture(scope="session")
def edited():
    """``edited(text, edits)``: the text with the edits applied."""
    return apply_edits


@pytest.fixture(scope="session")
def text_document():
    """``text_document(text, sections=, raw=, pieces=)``: a Document without ingest (text is the input)."""
    from pipeline.models import Document

    def make(text: str, *, sections=None, raw: str | None = None, pieces=None) -> Document:
        return Document(
            doc_id="t.txt",
            path="raw/t.txt",
            sha256="0" * 64,
            format="text",
            kind="article",
            kind_reason="test",
            title=None,
            raw_text=text if raw is None else raw,
            text=text,
            alignment=pieces or [],
            sections=sections or [],
        )

    return make
