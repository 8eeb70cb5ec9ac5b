"""Tests for pipeline.publish: single files written atomically, output sets, the lock, recovery."""

from __future__ import annotations

import json
import os

import pytest

from pipeline import publish
from pipeline.errors import OutputError
from pipeline.publish import write_text

# --------------------------------------------------------------------------- single files


@pytest.mark.parametrize("text", ["plain\n", "ünïcode ✓ and\r\nCRLF kept\n", ""])
def test_publish_write_text_round_trips(tmp_path, text):
    path = tmp_path / "deep" / "folder" / "out.md"
    write_text(path, text)
    assert path.read_bytes() == text.encode("utf-8")
    assert os.listdir(path.parent) == ["out.md"]


@pytest.mark.parametrize("fail_at", ["fsync", "replace"])
def test_publish_interrupted_write_leaves_old_file(tmp_path, monkeypatch, fail_at):
    path = tmp_path / "conflicts.json"
    path.write_text("old contents\n", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, fail_at, boom)
    with pytest.raises(OSError, match="disk full"):
        write_text(path, "new contents that never land\n" * 1000)
    assert path.read_text(encoding="utf-8") == "old contents\n"
    assert os.listdir(tmp_path) == ["conflicts.json"]  # no temporary file left behind


@pytest.mark.parametrize("mode", [0o640])
def test_publish_write_keeps_file_mode(tmp_path, mode):
    path = tmp_path / "a.json"
    write_text(path, "x")
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(mode)
    write_text(path, "y")
    assert path.stat().st_mode & 0o777 == mode


# --------------------------------------------------------------------------- output sets

FILES = {"extracted/a.json": b"new a\n", "reports/b.md": b"new b\n", "schemas/c.json": b"new c\n"}


def old_set(out):
    for rel in FILES:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(b"old\n")


def contents(out):
    return {rel: (out / rel).read_bytes() for rel in FILES}


def state_files(out):
    return sorted(p.relative_to(out).as_posix() for p in (out / publish.STATE).rglob("*") if p.is_file())


def test_publish_replace_all_swaps_the_set_and_leaves_nothing(tmp_path):
    old_set(tmp_path)
    (tmp_path / "reports/b.md").chmod(0o640)
    written = publish.write_set(tmp_path, FILES)
    assert written == [tmp_path / rel for rel in FILES]
    assert contents(tmp_path) == FILES
    assert (tmp_path / "reports/b.md").stat().st_mode & 0o777 == 0o640  # mode kept
    assert state_files(tmp_path) == [".publish/lock"]


@pytest.mark.parametrize("moved", [0, 1, 2])
def test_publish_recover_rolls_an_interrupted_swap_forward(tmp_path, moved):
    """A journal on disk: the new set was complete, so recovery moves the rest of it in place."""
    old_set(tmp_path)
    staging = tmp_path / publish.STATE / publish.STAGING
    for rel, data in FILES.items():
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (staging / rel).write_bytes(data)
    (tmp_path / publish.STATE / publish.JOURNAL).write_text(json.dumps(list(FILES)))
    for rel in list(FILES)[:moved]:
        os.replace(staging / rel, tmp_path / rel)
    with publish.locked(tmp_path):
        assert publish.recover(tmp_path) == list(FILES)[moved:]
    assert contents(tmp_path) == FILES
    assert state_files(tmp_path) == [".publish/lock"]


def test_publish_recover_rolls_back_a_staging_without_journal(tmp_path):
    old_set(tmp_path)
    staged = tmp_path / publish.STATE / publish.STAGING / "extracted/a.json"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(b"half writ")
    stray = tmp_path / "extracted/.a.json.x1y2.tmp"
    stray.write_bytes(b"x" * 100)
    with publish.locked(tmp_path):
        assert publish.recover(tmp_path, list(FILES)) == []
    assert set(contents(tmp_path).values()) == {b"old\n"}
    assert not stray.exists() and state_files(tmp_path) == [".publish/lock"]


def test_publish_lock_refuses_a_second_holder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with publish.locked(tmp_path / "out"):
        with pytest.raises(OutputError) as info, publish.locked(tmp_path / "out"):
            pass
        assert str(info.value) == (
            f"another run (process {os.getpid()}) is writing to out. Wait for it to finish, or pass another --out."
        )
    with publish.locked(tmp_path / "out"):  # released
        pass


@pytest.mark.parametrize("exc", [KeyboardInterrupt, OSError])
@pytest.mark.parametrize("at, expected", [(0, b"old\n"), (2, b"new")])
def test_publish_interrupted_in_process_leaves_one_set_at_once(tmp_path, monkeypatch, exc, at, expected):
    """Ctrl-C or an error while staging (at=0: the journal's rename) or swapping (at=2): no
    recovery needed afterwards, the set is whole and nothing is left behind."""
    old_set(tmp_path)
    real, calls = os.replace, []

    def replace(src, dst):
        calls.append(src)
        if len(calls) == at + 1:
            raise exc
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(exc):
        publish.write_set(tmp_path, FILES)
    monkeypatch.undo()
    assert {data[:3] for data in contents(tmp_path).values()} == {expected[:3]}
    assert state_files(tmp_path) == [".publish/lock"]


def test_publish_replace_all_prunes_what_owned_folders_no_longer_hold(tmp_path):
    publish.write_set(tmp_path, {"texts/a.pdf.txt": b"a", "texts/sub/b.pdf.txt": b"b", "other/keep.txt": b"k"})
    with publish.locked(tmp_path):
        publish.replace_all(tmp_path, {"texts/a.pdf.txt": b"A"}, owned=["texts"])
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == [".publish/lock", "other/keep.txt", "texts/a.pdf.txt"]
    assert not (tmp_path / "texts/sub").exists()
