"""Tests for pipeline.cache: entries are trusted only under their own key, unused ones pruned."""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import FIXTURES

from pipeline import workflow
from pipeline.cache import StageCache
from pipeline.models import Range

A, B = "a" * 32, "b" * 32


def test_cache_round_trip(tmp_path):
    store = StageCache(tmp_path)
    store.put("ingest", A, Range(min=1, max=2))
    assert store.get("ingest", A, Range) == Range(min=1, max=2)
    assert (store.hits, store.misses, store.rejected) == (1, 0, 0)
    assert store.get("ingest", B, Range) is None
    assert (store.hits, store.misses, store.rejected) == (1, 1, 0)


def entry(tmp_path, k=A):
    return tmp_path / "ingest" / f"{k}.json"


@pytest.mark.parametrize(
    "damage",
    [
        "copied",  # another entry's file under this key: valid, but not this key's record
        "edited",  # the record changed after it was written
        "torn",  # a write cut short
        "empty",  # what a power loss can leave without fsync
        "legacy",  # a bare record with no header (the old format)
    ],
)
def test_cache_entry_that_does_not_match_its_key_is_recomputed(tmp_path, damage):
    store = StageCache(tmp_path)
    store.put("ingest", A, Range(min=1, max=2))
    store.put("ingest", B, Range(min=7, max=9))
    data = entry(tmp_path).read_bytes()
    damaged = {
        "copied": entry(tmp_path, B).read_bytes(),
        "edited": data.replace(b'"max":2', b'"max":3'),
        "torn": data[: len(data) // 2],
        "empty": b"",
        "legacy": Range(min=1, max=3).model_dump_json().encode(),
    }[damage]
    entry(tmp_path).write_bytes(damaged)
    fresh = StageCache(tmp_path)
    assert fresh.get("ingest", A, Range) is None
    assert (fresh.misses, fresh.rejected) == (1, 1)


def test_cache_writes_without_fsync(tmp_path, monkeypatch):
    def no_fsync(fd):
        raise AssertionError("the cache fsynced")

    monkeypatch.setattr(os, "fsync", no_fsync)
    StageCache(tmp_path).put("ingest", A, Range(min=1, max=1))
    assert StageCache(tmp_path).get("ingest", A, Range) == Range(min=1, max=1)


def test_cache_prune_keeps_only_what_the_run_used(tmp_path):
    old = StageCache(tmp_path)
    for k in (A, B):
        old.put("ingest", k, Range(min=1, max=1))
    (tmp_path / "extract").mkdir()
    (tmp_path / "extract" / ".x.json.abc123.tmp").write_bytes(b"half")  # left by a killed write
    run = StageCache(tmp_path)
    assert run.get("ingest", A, Range) is not None
    run.put("normalize", A, Range(min=2, max=2))
    assert run.prune() == 2
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        f"ingest/{A}.json",
        f"normalize/{A}.json",
    ]
    assert StageCache(None).prune() == 0


def test_cache_workflow_prunes_entries_of_removed_documents(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    out = tmp_path / "out"
    first = workflow.run_all(raw, out)
    entries = lambda: sorted((out / ".cache" / "record").glob("*.json"))  # noqa: E731
    assert len(entries()) == first.documents and first.cache_pruned == 0
    (raw / "recipe.txt").unlink()
    second = workflow.run_all(raw, out)
    assert second.cache_pruned == 1 and len(entries()) == second.documents
    assert "1 unused entries pruned" in second.paragraph()
