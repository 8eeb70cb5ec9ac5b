"""End to end: golden fixture corpus, committed outputs, cache, bad input, atomic outputs."""

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import DOCUMENT_NAMES, any_document_text, blank_pdf
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import cli, merge, paths, publish, workflow
from pipeline import report as report_mod
from pipeline.bench import long_handout
from pipeline.errors import InputError, ResolutionError, StageError
from pipeline.models import ConflictReport, Dataset

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/fixtures"

OUTPUT_DIRS = ("extracted", "reports")


def tree(folder: Path) -> dict[str, bytes]:
    """Relative path → bytes for every output file under ``folder`` (the cache excluded)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for d in (*OUTPUT_DIRS, "schemas")
        for p in sorted((folder / d).rglob("*"))
        if p.is_file()
    }


def test_workflow_golden_fixture_corpus(tmp_path):
    """The fixture corpus gives exactly the reviewed golden outputs (regenerate: make golden)."""
    workflow.run_all(FIXTURES / "raw", tmp_path, use_cache=False)
    got = {k: v for k, v in tree(tmp_path).items() if not k.startswith("schemas/")}
    assert got == tree(ROOT / "tests/golden")


def test_workflow_reproduces_committed_outputs(tmp_path):
    """A rerun on raw/ reproduces extracted/, reports/ and schemas/ byte for byte."""
    for keep in ("reports/resolutions.yaml", "extracted/exercises.json"):  # curator input, id history
        if (ROOT / keep).exists():
            (tmp_path / keep).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / keep, tmp_path / keep)
    workflow.run_all(ROOT / "raw", tmp_path, use_cache=False)
    assert tree(tmp_path) == tree(ROOT)


def test_workflow_rerun_is_byte_identical(tmp_path):
    first = tmp_path / "a"
    second = tmp_path / "b"
    workflow.run_all(FIXTURES / "raw", first)
    workflow.run_all(FIXTURES / "raw", second)
    assert tree(first) == tree(second)


def test_workflow_cache_skips_unchanged_documents(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    out = tmp_path / "out"
    cold = workflow.run_all(raw, out)
    n_docs = cold.documents
    assert cold.cache_hits == 0

    # Nothing changed: no spaCy work at all.
    import spacy

    def no_spacy(*args, **kwargs):
        raise AssertionError("spaCy was used on a cached rerun")

    monkeypatch.setattr(spacy, "blank", no_spacy)
    monkeypatch.setattr("pipeline.extract.build_nlp", no_spacy)
    warm = workflow.run_all(raw, out)
    assert warm.unchanged and (warm.cache_hits, warm.cache_misses) == (0, 0)  # stopped at the manifest
    assert warm.paragraph().startswith(cold.paragraph().split(" Cache:")[0])
    assert "Nothing changed since the last run" in warm.paragraph()

    # A file touched but not changed: a run, every document from the cache.
    os.utime(raw / "recipe.txt", ns=(1, 1))
    touched = workflow.run_all(raw, out)
    assert not touched.unchanged and (touched.cache_hits, touched.cache_misses) == (n_docs, 0)
    monkeypatch.undo()

    # One changed file: only it is processed again.
    (raw / "recipe.txt").write_text("Bridge\n\nLie on your back, lift your hips and hold for 5 seconds.\n")
    changed = workflow.run_all(raw, out)
    assert (changed.cache_hits, changed.cache_misses) == (n_docs - 1, 1)


@pytest.mark.parametrize(
    "change",
    ["edit a raw file", "add a raw file", "add a metadata file", "edit an output", "delete an output", "decide"],
)
def test_workflow_manifest_reruns_when_anything_changed(tmp_path, change):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    out = tmp_path / "out"
    workflow.run_all(raw, out)
    assert workflow.run_all(raw, out).unchanged
    dataset = out / paths.EXTRACTED / "exercises.json"
    if change == "edit a raw file":
        (raw / "recipe.txt").write_text("Bridge: hold 5 seconds.\n")
    elif change == "add a raw file":
        (raw / "new.txt").write_text("Clamshell: 10 reps.\n")
    elif change == "add a metadata file":
        (raw / "recipe.txt.meta.json").write_text('{"kind": "article"}')
    elif change == "edit an output":
        dataset.write_text(dataset.read_text() + " ")
    elif change == "delete an output":
        dataset.unlink()
    else:
        (out / paths.REPORTS / paths.RESOLUTIONS).write_text("[]\n")
    again = workflow.run_all(raw, out)
    assert not again.unchanged
    assert workflow.run_all(raw, out).unchanged
    json.loads(dataset.read_text())  # a complete output again


def test_workflow_without_cache_always_runs(tmp_path):
    out = tmp_path / "out"
    workflow.run_all(FIXTURES / "raw", out, use_cache=False)
    again = workflow.run_all(FIXTURES / "raw", out, use_cache=False)
    assert not again.unchanged and again.cache_hits == 0


def test_workflow_unchanged_outputs_are_not_rewritten(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    out = tmp_path / "out"
    workflow.run_all(raw, out)
    times = lambda: {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.glob("[!.]*/*.*")}  # noqa: E731
    before = times()
    (raw / "extra.txt").write_text("A note with no exercise in it at all.\n")
    workflow.run_all(raw, out)  # a new source: the dataset and the summary of sources change
    changed = sorted(k for k, t in times().items() if t != before.get(k))
    assert changed == ["extracted/exercises.json", "reports/conflicts.md", "reports/review.html"]


def test_workflow_never_modifies_raw(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.iterdir()}
    workflow.run_all(raw, tmp_path / "out")
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.iterdir()} == before


BAD_FILES = {
    "empty.txt": b"",
    "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
    "windows.txt": "Bridge: hold 5 seconds \u2013 each side".encode("cp1252"),
    "nul.txt": b"Bridge: hold 5 seconds.\n" * 400 + b"\x00",
    "notes.docx": b"PK\x03\x04",  # a Word file cut short
    "notes.odt": b"PK\x03\x04",
    "scan.pdf": blank_pdf(),
}


def test_cli_bad_files_fail_alone(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FIXTURES / "raw/clinic_handout.md", raw)
    for name, data in BAD_FILES.items():
        (raw / name).write_bytes(data)
    code = cli.main(["extract", "--raw", str(raw), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert sorted(errors) == [
        "Error: raw/empty.txt: the file is empty. Remove it from the raw folder or add its text.",
        "Error: raw/image.txt: the file is binary, not text. "
        "Export it as one of .txt, .md, .html, .srt, .vtt, .json3, .srv3, .ttml, .pdf or .docx.",
        "Error: raw/notes.docx: the file cannot be read as a Word document (BadZipFile: File is not a zip file). "
        "Check that it opens in Word or LibreOffice, save it again as .docx, and replace it.",
        "Error: raw/notes.odt: unknown file type '.odt'. Save or export it as .txt, .md, .html, .srt, .vtt, "
        ".json3, .srv3, .ttml, .pdf or .docx, or move it out of the raw folder.",
        "Error: raw/nul.txt: the file contains NUL characters (the first on line 401), so it is binary or damaged. "
        "Export the text again, or remove the NUL characters (e.g. tr -d '\\000').",
        "Error: raw/scan.pdf: the PDF has no text layer (1 page(s) of images, e.g. a scan); text is not "
        "recognised (no OCR). Export the document as a PDF with text, or run OCR on it (e.g. ocrmypdf) and add "
        "the result.",
        "Error: raw/windows.txt: the file is not valid UTF-8 (byte 23; it looks like Windows-1252). Convert it "
        "to UTF-8, e.g. iconv -f CP1252 -t UTF-8 'raw/windows.txt' > fixed.txt, and replace it.",
    ]
    assert "7 file(s) failed" in err
    dataset = (tmp_path / "out/extracted/exercises.json").read_text()
    assert '"doc_id": "clinic_handout.md"' in dataset  # the good file was still processed
    assert "empty.txt" not in dataset


def test_cli_long_document_among_bad_files(tmp_path, capsys, monkeypatch):
    """Real documents, a handout over spaCy's default 1,000,000-character limit, a caption file
    with a broken timing and a file with NUL bytes: every good document is in the dataset (the
    long one with its exercises and exact offsets), the bad one has one error line, exit 1."""
    monkeypatch.chdir(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FIXTURES / "raw/clinic_handout.md", raw)
    text, holds = long_handout(1_050_000)
    assert len(text) > 1_000_000
    (raw / "long.md").write_text(text)
    video = (FIXTURES / "raw/physio_video.srt").read_text()
    (raw / "clip.srt").write_text(video.replace("00:00:16,000 --> 00:00:19,000", "00:00:16,000 -> 00:00:19,000"))
    (raw / "nul.txt").write_bytes(b"Bridge: hold 5 seconds.\n" * 400 + b"\x00")
    code = cli.main(["extract", "--raw", str(raw), "--out", str(tmp_path / "out"), "--quiet", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert [line.split(":")[1].strip() for line in err.splitlines() if line.startswith("Error: ")] == ["raw/nul.txt"]
    assert "Warning: raw/clip.srt:" in err
    data = json.loads((tmp_path / "out/extracted/exercises.json").read_text())
    assert sorted(s["doc_id"] for s in data["sources"]) == ["clinic_handout.md", "clip.srt", "long.md"]
    found = {
        e["id"]: c["hold_seconds"]["min"]
        for e in data["exercises"]
        for c in e["claims"]
        if c["doc_id"] == "long.md" and c["hold_seconds"]
    }
    assert sum(found.get(k) == v for k, v in holds.items()) >= 0.98 * len(holds)
    for e in data["exercises"]:
        for c in e["claims"]:
            if c["doc_id"] == "long.md":
                assert all(text[ev["start"] : ev["end"]] == ev["quote"] for ev in c["evidence"])


def test_cli_warnings_name_file_and_line(tmp_path, capsys, monkeypatch):
    """A malformed caption timing and stray metadata: warnings with file:line, the text kept, exit 0."""
    monkeypatch.chdir(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    video = (FIXTURES / "raw/physio_video.srt").read_text()
    (raw / "clip.srt").write_text(video.replace("00:00:16,000 --> 00:00:19,000", "00:00:16,000 -> 00:00:19,000"))
    (raw / "gone.md.meta.json").write_text('{"title": "Gone"}')
    code = cli.main(["extract", "--raw", "raw", "--out", "out", "--quiet"])
    err = capsys.readouterr().err
    assert code == 0
    assert [line for line in err.splitlines() if line.startswith(("Warning", "Error"))] == [
        "Warning: raw/gone.md.meta.json: metadata for 'gone.md', which is not in the raw folder. "
        "Rename it after its document (<file>.meta.json) or delete it.",
        "Warning: raw/clip.srt:22: malformed caption timing '00:00:16,000 -> 00:00:19,000'; the cue's text is kept. "
        "Write the timing as '00:00:04,000 --> 00:00:08,000' (SRT) or '00:04.000 --> 00:08.000' (VTT).",
    ]
    assert "2 warning(s) above" in err
    assert '"quote": "do fifteen of those"' in (tmp_path / "out/extracted/exercises.json").read_text()


def test_cli_missing_raw_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = cli.main(["extract", "--raw", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert code == 1
    assert capsys.readouterr().err == "Error: raw folder nope does not exist. Pass --raw with a folder of documents.\n"


def crash_on(doc_id: str, exc: Exception):
    """A replacement for extract.extract_document that raises ``exc`` for one document."""
    from pipeline import extract

    real = extract.extract_document

    def extract_document(doc, ndoc):
        if doc.doc_id == doc_id:
            raise exc
        return real(doc, ndoc)

    return extract_document


@pytest.mark.parametrize("debug", [False, True])
def test_cli_unexpected_failure_leaves_one_document_out(tmp_path, capsys, monkeypatch, debug):
    """An exception in a stage for one document: one Error line, the rest is written, exit 1."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "raw", tmp_path / "raw")
    monkeypatch.setattr("pipeline.extract.extract_document", crash_on("recipe.txt", IndexError("list index")))
    args = ["extract", "--raw", "raw", "--out", "out", "--quiet", "--no-cache"] + (["--debug"] if debug else [])
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 1
    assert [line for line in err.splitlines() if line.startswith("Error")] == [
        "Error: raw/recipe.txt: the extract stage failed (IndexError: list index); the document is left out. "
        "Report it with this file (run with --debug for the traceback)."
    ]
    assert ("Traceback (most recent call last)" in err) is debug
    dataset = (tmp_path / "out/extracted/exercises.json").read_text()
    assert '"doc_id": "clinic_handout.md"' in dataset and '"doc_id": "recipe.txt"' not in dataset


@pytest.mark.parametrize(
    "stage, target",
    [("ingest", "pipeline.ingest.build_document"), ("normalize", "pipeline.normalize.normalize_document")],
)
def test_workflow_guard_names_the_stage(tmp_path, monkeypatch, stage, target):
    def broken(*args, **kwargs):
        raise ValueError("boom\nsecond line")

    monkeypatch.setattr(target, broken)
    seen = []
    summary = workflow.run_all(FIXTURES / "raw", tmp_path, use_cache=False, notify=seen.append)
    assert summary.documents == 0 and len(summary.failed) == len(seen) == 4
    assert all(f"the {stage} stage failed (ValueError: boom)" in m for m in summary.failed)


def test_cli_paths_in_messages_are_relative_to_the_working_folder(tmp_path, capsys, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/empty.txt").write_bytes(b"")
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    code = cli.main(["extract", "--raw", str(tmp_path / "docs"), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 1
    assert "Error: ../docs/empty.txt: the file is empty." in capsys.readouterr().err


@pytest.mark.parametrize("command", ["extract", "merge", "schemas"])
def test_cli_out_pointing_at_a_file(tmp_path, capsys, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("x")
    args = [command, "--out", "file"] + ([] if command == "schemas" else ["--raw", str(FIXTURES / "raw")])
    code = cli.main(args)
    assert code == 1
    assert capsys.readouterr().err == "Error: --out file is a file, not a folder. Pass a folder (it is created).\n"


def test_cli_internal_error_prints_no_traceback(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("merge crashed")

    monkeypatch.setattr(merge, "merge", broken)
    code = cli.main(["extract", "--raw", str(FIXTURES / "raw"), "--out", str(tmp_path), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.endswith(
        "Error: internal error (RuntimeError: merge crashed). Report it with the command you ran "
        "(run with --debug for the traceback).\n"
    )
    assert "Traceback" not in err


def test_workflow_failed_run_leaves_outputs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    workflow.run_all(FIXTURES / "raw", out)
    before = tree(out)

    def broken(*args, **kwargs):
        raise RuntimeError("merge crashed")

    monkeypatch.setattr(merge, "merge", broken)
    with pytest.raises(RuntimeError):
        workflow.run_all(FIXTURES / "raw", out, use_cache=False)
    assert tree(out) == before
    assert not [p for p in out.rglob("*.tmp")]


class Killed(BaseException):
    """Stands for SIGKILL: nothing in the pipeline may catch it or clean up after it."""


def kill_after(monkeypatch, n: int, *, during: str):
    """Make the n-th os.replace of a file of ``.publish/`` named like ``during`` kill the run
    before it renames ('staging': a staged output over its target; 'journal': the commit point)."""
    real, seen = os.replace, []

    def replace(src, dst, *args, **kwargs):
        src = os.fspath(src)
        if f"/{publish.STATE}/" in src and during in src.split(f"/{publish.STATE}/", 1)[1]:
            seen.append(src)
            if len(seen) == n:
                raise Killed
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def leftovers(out: Path) -> list[str]:
    """Files a run left that are not outputs, cache entries or the lock."""
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file()
        and p.relative_to(out).parts[0] not in (*OUTPUT_DIRS, "schemas", paths.CACHE)
        and p.name != publish.LOCK
        or p.name.endswith(".tmp")
    )


def two_output_sets(tmp_path: Path) -> tuple[Path, Path, dict, dict]:
    """raw/ and out/ holding the outputs of the fixtures ('old'); then recipe.txt is deleted
    from raw/, and 'new' is what a clean run on it gives."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    out = tmp_path / "out"
    workflow.run_all(raw, out)
    old = tree(out)
    (raw / "recipe.txt").unlink()
    workflow.run_all(raw, tmp_path / "clean")
    new = tree(tmp_path / "clean")
    assert new != old
    return raw, out, old, new


@pytest.mark.parametrize(
    "during, n, expected",
    [
        ("journal", 1, "old"),  # every file staged, the journal not yet written: rolled back
        ("staging", 1, "new"),  # journal written, no file moved yet: rolled forward
        ("staging", 2, "new"),  # all but the last of the two changed files moved: rolled forward
    ],
)
def test_workflow_kill_during_publication_leaves_one_output_set(tmp_path, monkeypatch, during, n, expected):
    """Killed while publishing: the outputs are never a mix; the next run completes or undoes it."""
    raw, out, old, new = two_output_sets(tmp_path)
    kill_after(monkeypatch, n, during=during)
    with pytest.raises(Killed):
        workflow.run_all(raw, out)
    monkeypatch.undo()
    with publish.locked(out):
        publish.recover(out, list(report_mod.OUTPUTS.values()))
    assert tree(out) == {"old": old, "new": new}[expected]
    assert leftovers(out) == []


def test_workflow_kill_between_renames_is_finished_by_the_next_run(tmp_path, monkeypatch):
    raw, out, old, new = two_output_sets(tmp_path)
    kill_after(monkeypatch, 2, during="staging")
    with pytest.raises(Killed):
        workflow.run_all(raw, out)
    monkeypatch.undo()
    mixed = tree(out)
    differ = {k for k in old if old[k] != new[k]}
    assert {k for k in differ if mixed[k] == new[k]} and {k for k in differ if mixed[k] == old[k]}  # a mix on disk...
    assert (out / publish.STATE / publish.JOURNAL).exists()  # ...that the journal knows about
    messages = []
    workflow.run_all(raw, out, progress=messages.append)
    assert any(m.startswith("finished the outputs of an interrupted run") for m in messages)
    assert tree(out) == new
    assert leftovers(out) == []


def test_workflow_stray_temp_files_are_removed(tmp_path):
    out = tmp_path / "out"
    workflow.run_all(FIXTURES / "raw", out)
    stray = out / "extracted/.exercises.json.k2j3h4.tmp"  # what a killed single-file write left
    stray.write_bytes(b"x" * 1000)
    workflow.run_all(FIXTURES / "raw", out)
    assert not stray.exists() and leftovers(out) == []


def test_cli_second_run_at_once_stops(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with publish.locked(tmp_path / "out"):
        code = cli.main(["extract", "--raw", str(FIXTURES / "raw"), "--out", "out", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == (
        f"Error: another run (process {os.getpid()}) is writing to out. Wait for it to finish, or pass another --out.\n"
    )
    assert not (tmp_path / "out/extracted").exists()


@pytest.mark.parametrize("raw_files", [{}, {"bad.txt": b""}, {"bad.txt": b"\x00" * 10, "worse.docx": b"PK"}])
def test_cli_refuses_to_empty_the_dataset(tmp_path, capsys, monkeypatch, raw_files):
    monkeypatch.chdir(tmp_path)
    workflow.run_all(FIXTURES / "raw", tmp_path / "out")
    before = tree(tmp_path / "out")
    (tmp_path / "raw").mkdir()
    for name, data in raw_files.items():
        (tmp_path / "raw" / name).write_bytes(data)
    code = cli.main(["extract", "--raw", "raw", "--out", "out", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert (
        f"Error: no usable document ({len(raw_files)} file(s) failed), so this run would replace the dataset of 4 "
        "source(s) in out/extracted/exercises.json with an empty one; nothing was written. Fix the errors above "
        "and rerun, or pass --allow-empty to empty the dataset.\n"
    ) in err
    assert tree(tmp_path / "out") == before
    assert cli.main(["extract", "--raw", "raw", "--out", "out", "--quiet", "--allow-empty"]) == (1 if raw_files else 0)
    assert '"sources": []' in (tmp_path / "out/extracted/exercises.json").read_text()


def test_cli_malformed_resolutions_change_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    workflow.run_all(FIXTURES / "raw", out)
    before = tree(out)
    (out / "reports/resolutions.yaml").write_text("- conflict: c-0000000000\n  value: {min: 1, max\n")
    code = cli.main(["extract", "--raw", str(FIXTURES / "raw"), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Error: out/reports/resolutions.yaml:3: not valid YAML")
    after = tree(out)
    after.pop("reports/resolutions.yaml")
    assert after == before


def snippet_of(report_md: str, conflict_id: str) -> str:
    """The YAML entry conflicts.md offers for one conflict."""
    section = report_md.split(f"`{conflict_id}`", 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_cli_decision_applied_stale_then_orphaned(tmp_path, capsys, monkeypatch):
    """The curator's loop on real files: decide, rerun (applied), edit the deciding sentence
    (stale: the snippet keeps the decided value), delete that source (named: no longer applies)."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "raw", tmp_path / "raw")
    extract = ["extract", "--raw", "raw", "--out", "out", "--quiet"]
    assert cli.main(extract) == 0
    cid = merge.conflict_id("bridge", "reps")
    decided = snippet_of((tmp_path / "out/reports/conflicts.md").read_text(), cid).replace(
        'note: ""', 'note: "the handout is newer"'
    )
    assert "value: {min: 10, max: 15}" in decided
    (tmp_path / "out/reports/resolutions.yaml").write_text(decided)

    assert cli.main(extract) == 0
    conflicts = ConflictReport.model_validate_json((tmp_path / "out/reports/conflicts.json").read_text())
    assert [(c.id, c.status) for c in conflicts.conflicts if c.id == cid] == [(cid, "resolved")]

    handout = tmp_path / "raw/clinic_handout.md"
    handout.write_text(handout.read_text().replace("2 sets of 10", "2 sets of 12"))
    assert cli.main(extract) == 0
    conflicts = ConflictReport.model_validate_json((tmp_path / "out/reports/conflicts.json").read_text())
    assert [(c.id, c.status) for c in conflicts.conflicts if c.id == cid] == [(cid, "stale")]
    offered = snippet_of((tmp_path / "out/reports/conflicts.md").read_text(), cid)
    assert (
        'value: {min: 10, max: 15}\n  note: "the handout is newer"\n' in offered
    )  # the curator's, not the new suggestion
    assert (tmp_path / "out/reports/resolutions.yaml").read_text() == decided  # the decision is kept

    capsys.readouterr()
    handout.unlink()
    assert cli.main(extract) == 0
    err = capsys.readouterr().err
    assert (
        f"Warning: out/reports/resolutions.yaml:1: the decision on {cid} (bridge reps = 10-15) no longer applies: "
        "only one source gives this field now; the field is now 15. Review it at the top of reports/conflicts.md"
    ) in err
    assert f"1 decision(s) no longer apply: {cid} (listed first in reports/conflicts.md)." in err
    md = (tmp_path / "out/reports/conflicts.md").read_text()
    assert md.index("## Decisions that no longer apply") < md.index("## Knee to chest stretch")
    assert f"| {cid} | Bridge | reps | 10-15 | 15 | only one source gives this field now | the handout is newer |" in md


def test_workflow_wrong_value_type_fails_before_any_document(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out/reports").mkdir(parents=True)
    (tmp_path / "out/reports/resolutions.yaml").write_text(
        f"# decisions\n- conflict: {merge.conflict_id('bridge', 'reps')}\n  value: true\n  fingerprint: {'0' * 16}\n"
    )

    def never(*args, **kwargs):
        raise AssertionError("a document was processed")

    monkeypatch.setattr(workflow, "process_documents", never)
    with pytest.raises(ResolutionError) as info:
        workflow.run_all(FIXTURES / "raw", tmp_path / "out")
    cid = merge.conflict_id("bridge", "reps")
    assert str(info.value).startswith(f"out/reports/resolutions.yaml:2: value yes of {cid} does not fit field reps")


def test_cli_unknown_conflict_id_is_a_warning_naming_the_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out/reports").mkdir(parents=True)
    (tmp_path / "out/reports/resolutions.yaml").write_text(
        f"\n- conflict: c-0123456789\n  value: 5\n  fingerprint: {'0' * 16}\n"
    )
    assert cli.main(["extract", "--raw", str(FIXTURES / "raw"), "--out", "out", "--quiet"]) == 0
    assert (
        "Warning: out/reports/resolutions.yaml:2: conflict c-0123456789 matches no exercise field, so the decision "
        "is not applied. Check the id against reports/conflicts.md, or delete the entry.\n"
    ) in capsys.readouterr().err


@pytest.mark.parametrize("command", ["extract", "ingest", "normalize", "claims", "merge", "schemas"])
def test_cli_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: python -m pipeline {command}")
    assert len(out.splitlines()) > 4


@pytest.mark.parametrize("stage, key", [("ingest", '"sections"'), ("normalize", '"edits"'), ("claims", '"claims"')])
def test_cli_stage_commands_print_jsonl(stage, key, tmp_path, capsys):
    code = cli.main([stage, "--raw", str(FIXTURES / "raw")])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert len(lines) == 4 and all(key in line for line in lines)


def test_workflow_committed_dataset_honours_the_contract():
    """What downstream apps rely on, checked on the committed extracted/exercises.json."""
    import json
    import re

    data = json.loads((ROOT / "extracted/exercises.json").read_text(encoding="utf-8"))
    texts = {}
    for source in data["sources"]:
        raw = (ROOT / source["path"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == source["sha256"]
        assert source["kind"] in ("transcript", "article")
        if source["text"] is not None:  # a PDF or DOCX: offsets point into the text extracted from it
            raw = (ROOT / source["text"]).read_bytes()
        texts[source["doc_id"]] = raw.decode("utf-8")
    ids = [e["id"] for e in data["exercises"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    quotes = 0
    for exercise in data["exercises"]:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", exercise["id"])
        for key in ("hold_seconds", "reps", "sets", "per_side", "claims", "aliases", "name"):
            assert key in exercise
        for claim in exercise["claims"]:
            for key in ("doc_id", "name_as_written", "hold_seconds", "reps", "sets", "per_side", "evidence"):
                assert key in claim
            for ev in claim["evidence"]:
                assert texts[claim["doc_id"]][ev["start"] : ev["end"]] == ev["quote"]
                quotes += 1
            backed = {ev["field"] for ev in claim["evidence"]}
            for key in ("hold_seconds", "reps", "sets", "per_side"):
                assert claim[key] is None or key in backed, (claim["doc_id"], exercise["id"], key)
    assert quotes >= sum(len(e["claims"]) for e in data["exercises"]) > 0
    corrections = json.loads((ROOT / "reports/corrections.json").read_text(encoding="utf-8"))
    for c in corrections["corrections"]:
        assert texts[c["doc_id"]][c["start"] : c["end"]] == c["before"]


# --------------------------------------------------------------------------- hostile input


HUGE = "1" + "0" * 400  # a float overflows to infinity


@pytest.mark.parametrize(
    "text, name",
    [  # found by hypothesis
        (f"Bridge: hold for {HUGE} seconds, 10 reps.", "a.txt"),
        (f"Bridge\n\nDo {HUGE} reps twice a day.", "a.md"),
        (f"Bridge\n\nDo 10 reps {HUGE} times a day.", "a.md"),
        ("# ", "a.txt"),
    ],
)
def test_workflow_stages_on_found_cases(text, name):
    run_stages(text, name)


@given(
    text=any_document_text,
    name=DOCUMENT_NAMES,
)
def test_workflow_stages_on_hostile_text_fail_only_as_input_errors(text, name):
    run_stages(text, name)


def run_stages(text: str, name: str) -> None:
    """Every per-document stage, unguarded: bad input is an InputError, never anything else."""
    from pipeline import extract, ingest, normalize

    try:
        doc = ingest.build_document(text.encode("utf-8", "surrogatepass"), doc_id=name, path=f"raw/{name}")
    except InputError:
        return
    result = extract.extract_document(doc, normalize.normalize_document(doc))
    for item in result.claims:
        for ev in [*item.claim.evidence, *(e for alt in item.claim.alternatives for e in alt.evidence)]:
            assert doc.raw_text[ev.start : ev.end] == ev.quote


@settings(max_examples=max(15, settings.default.max_examples // 20))  # each example is a whole run
@given(docs=st.lists(st.tuples(DOCUMENT_NAMES, any_document_text), min_size=1, max_size=3))
def test_workflow_whole_run_on_hostile_documents(tmp_path_factory, docs):
    """Every stage, merge and report included, on a folder of hostile files: the bad ones are
    InputErrors, nothing else fails, and the outputs honour their models."""
    folder = tmp_path_factory.mktemp("run")
    (folder / "raw").mkdir()
    for i, (name, text) in enumerate(docs):
        (folder / "raw" / f"{i}{name}").write_bytes(text.encode("utf-8", "surrogatepass"))
    seen = []
    summary = workflow.run_all(folder / "raw", folder / "out", use_cache=False, allow_empty=True, notify=seen.append)
    assert not [e for e in seen if isinstance(e, StageError)]
    assert summary.documents + len(summary.failed) == len(docs)
    ConflictReport.model_validate_json((folder / "out/reports/conflicts.json").read_text(encoding="utf-8"))
    dataset = Dataset.model_validate_json((folder / "out/extracted/exercises.json").read_text(encoding="utf-8"))
    assert len(dataset.sources) == summary.documents


def test_workflow_binary_sources_publish_their_text(tmp_path):
    """A PDF's evidence points into the text published for it, with pages; a removed PDF's text goes."""
    import json

    from conftest import handout_docx, handout_pdf

    raw = tmp_path / "raw"
    (raw / "clinic").mkdir(parents=True)
    (raw / "clinic/handout.pdf").write_bytes(handout_pdf())
    (raw / "handout.docx").write_bytes(handout_docx())
    workflow.run_all(raw, tmp_path / "out", use_cache=False)
    data = json.loads((tmp_path / "out/extracted/exercises.json").read_text(encoding="utf-8"))
    sources = {s["doc_id"]: s["text"] for s in data["sources"]}
    assert sources == {
        "clinic/handout.pdf": "extracted/texts/clinic/handout.pdf.txt",
        "handout.docx": "extracted/texts/handout.docx.txt",
    }
    texts = {d: (tmp_path / "out" / t).read_text(encoding="utf-8") for d, t in sources.items()}
    pages = set()
    for exercise in data["exercises"]:
        for claim in exercise["claims"]:
            for ev in claim["evidence"]:
                assert texts[claim["doc_id"]][ev["start"] : ev["end"]] == ev["quote"]
                if claim["doc_id"].endswith(".pdf"):
                    pages.add((exercise["id"], ev["page"]))
                else:
                    assert ev["page"] is None
    assert ("cat-cow", 2) in pages and ("bridge", 1) in pages
    (raw / "clinic/handout.pdf").unlink()
    workflow.run_all(raw, tmp_path / "out", use_cache=False)
    assert sorted(p.name for p in (tmp_path / "out/extracted/texts").rglob("*")) == ["handout.docx.txt"]
