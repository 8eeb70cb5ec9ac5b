"""Tests for pipeline.executors: the same outcomes in the same order wherever the stages run."""

from __future__ import annotations

import hashlib
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from pipeline import cli, executors, workflow
from pipeline.errors import InputError, PipelineError, PipelineWarning, StageError
from pipeline.models import DocumentRecord, SourceMeta


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] not in (".cache", ".publish")
    }


def task(tmp_path: Path, name: str, data: bytes) -> executors.Task:
    path = tmp_path / name
    path.write_bytes(data)
    return executors.Task(
        doc_id=name,
        rel_path=f"raw/{name}",
        path=str(path),
        where=f"raw/{name}",
        sha256=hashlib.sha256(data).hexdigest(),
        meta=SourceMeta(),
    )


@pytest.mark.parametrize(
    "err",
    [
        PipelineError("bad", where="a.txt", fix="Fix it"),
        InputError("the file is empty", where="raw/a.txt", fix="Delete it"),
        PipelineWarning("odd", where="raw/a.txt:3"),
        StageError("extract", "raw/a.txt", ValueError("boom")),
    ],
)
def test_executors_errors_cross_process_boundaries(err):
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err) and str(back) == str(err) and back.where == err.where
    if isinstance(err, StageError):
        assert back.stage == "extract" and "ValueError: boom" in back.trace


@pytest.mark.parametrize(
    "data, outcome",
    [
        (b"Bridge\nHold 5 seconds, 10 times.\n", DocumentRecord),
        (b"", InputError),
        (b"\x00\x01\x02 binary", InputError),
    ],
)
def test_executors_run_task_returns_the_record_or_the_error(tmp_path, data, outcome):
    result = executors.run_task(task(tmp_path, "a.txt", data))
    assert isinstance(result, outcome)
    if isinstance(result, PipelineError):
        assert "raw/a.txt" in str(result)


def test_executors_run_task_notices_a_file_changed_since_it_was_hashed(tmp_path):
    t = task(tmp_path, "a.txt", b"Bridge: hold 5 seconds.\n")
    Path(t.path).write_bytes(b"Bridge: hold 9 seconds.\n")
    result = executors.run_task(t)
    assert isinstance(result, InputError) and "changed while the run was reading it" in str(result)


def test_executors_local_keeps_task_order_with_workers(tmp_path):
    texts = [b"Bridge\nHold 5 seconds.\n", b"", b"Clamshell\nDo 10 reps on each side.\n", b"Plank: 30 seconds.\n"]
    tasks = [task(tmp_path, f"{i}.txt", t) for i, t in enumerate(texts)]
    serial = list(executors.local(tasks, 1))
    parallel = list(executors.local(tasks, 2))
    assert [type(o) for o in parallel] == [DocumentRecord, InputError, DocumentRecord, DocumentRecord]
    assert [o.model_dump_json() if isinstance(o, DocumentRecord) else str(o) for o in parallel] == [
        o.model_dump_json() if isinstance(o, DocumentRecord) else str(o) for o in serial
    ]


@pytest.fixture
def raw_with_a_bad_file(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    (raw / "broken.txt").write_bytes(b"")
    return raw


def test_executors_jobs_give_byte_identical_outputs(tmp_path, raw_with_a_bad_file, capsys):
    outs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        code = cli.main(["extract", "--raw", str(raw_with_a_bad_file), "--out", str(out), "--jobs", str(jobs)])
        assert code == 1  # broken.txt
        outs[jobs] = (tree(out), capsys.readouterr().err)
    assert outs[1] == outs[2]
    assert "broken.txt: the file is empty" in outs[1][1]


def test_executors_dask_local_cluster_gives_the_local_outputs(tmp_path, raw_with_a_bad_file):
    distributed = pytest.importorskip("distributed")
    local = workflow.run_all(raw_with_a_bad_file, tmp_path / "local", options=workflow.Options(jobs=1))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        options = workflow.Options(executor="dask", scheduler=cluster.scheduler_address)
        remote = workflow.run_all(raw_with_a_bad_file, tmp_path / "dask", options=options)
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
    assert remote.failed == local.failed and len(remote.failed) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--jobs", "0"], "--jobs 0 is not a number of processes"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler is an address for the Dask executor"),
    ],
)
def test_executors_cli_rejects_bad_options(tmp_path, capsys, args, message):
    code = cli.main(["extract", "--raw", str(FIXTURES / "raw"), "--out", str(tmp_path), *args])
    assert code == 1
    assert message in capsys.readouterr().err
