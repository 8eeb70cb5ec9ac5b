"""Command line: ``python -m pipeline extract`` runs everything; one subcommand per stage.

Every failure reaches the user as ``Error: ...`` lines (what, where, how to fix) and exit code 1;
no traceback, unless ``--debug`` is given or ``PIPELINE_DEBUG=1`` is set.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from tqdm import tqdm

from . import paths
from .errors import PipelineError, PipelineWarning, StageError, describe
from .executors import EXECUTORS

DEBUG_ENV = "PIPELINE_DEBUG"


class Console:
    """Messages for people on stderr: errors and warnings one line each, traces on request."""

    def __init__(self, *, quiet: bool = False, debug: bool = False) -> None:
        self.quiet, self.debug = quiet, debug

    def say(self, line: str) -> None:
        """A progress line (not shown with --quiet)."""
        if not self.quiet:
            self._print(line)

    def problem(self, err: PipelineError) -> None:
        """An error or a warning, as one line; with --debug, the traceback of an unexpected one."""
        self._print(f"{'Warning' if isinstance(err, PipelineWarning) else 'Error'}: {err}")
        if self.debug and isinstance(err, StageError):
            self._print(err.trace.rstrip())

    def _print(self, text: str) -> None:
        tqdm.write(text, file=sys.stderr)  # keeps a progress bar intact


def _out_dir(path: Path) -> Path:
    """``--out``, checked: a folder or nothing yet."""
    if path.exists() and not path.is_dir():
        raise PipelineError(f"--out {paths.shown(path)} is a file, not a folder", fix="Pass a folder (it is created)")
    return path


def cmd_extract(args: argparse.Namespace, console: Console) -> int:
    from .workflow import run_all

    summary = run_all(
        args.raw,
        _out_dir(args.out),
        use_cache=not args.no_cache,
        allow_empty=args.allow_empty,
        options=_options(args),
        progress=console.say,
        notify=console.problem,
    )
    print(summary.paragraph(), file=sys.stderr)
    return 1 if summary.failed else 0


def _options(args: argparse.Namespace):
    from .executors import default_jobs
    from .workflow import Options

    if args.jobs is not None and args.jobs < 1:
        raise PipelineError(f"--jobs {args.jobs} is not a number of processes", fix="Pass 1 or more")
    if args.scheduler and args.executor != "dask":
        raise PipelineError("--scheduler is an address for the Dask executor", fix="Add --executor dask")
    return Options(jobs=args.jobs or default_jobs(), executor=args.executor, scheduler=args.scheduler)


def cmd_stage(args: argparse.Namespace, console: Console) -> int:
    """Run the per-document stages up to ``args.stage`` and print that stage's records as JSONL."""
    from . import workflow

    failed: list[PipelineError] = []

    def problem(err: PipelineError) -> None:
        if not isinstance(err, PipelineWarning):
            failed.append(err)
        console.problem(err)

    upto = {"ingest": "ingest", "normalize": "normalize", "claims": "extract"}[args.stage]
    out = sys.stdout if args.output is None else args.output.open("w", encoding="utf-8")
    try:
        for record in workflow.stage_records(args.raw, root=args.raw.resolve().parent, upto=upto, notify=problem):
            out.write(record.model_dump_json() + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 1 if failed else 0


def cmd_merge(args: argparse.Namespace, console: Console) -> int:
    """Run everything up to the merge and print the dataset (no file is written)."""
    from . import cache, merge, workflow

    store = cache.StageCache(_out_dir(args.out) / paths.CACHE if not args.no_cache else None)
    resolutions = merge.read_resolutions(args.out / paths.REPORTS / paths.RESOLUTIONS)
    batch = workflow.process_documents(
        args.raw, root=args.raw.resolve().parent, store=store, options=_options(args), notify=console.problem
    )
    dataset, _ = merge.merge(batch.records, resolutions=resolutions)
    print(dataset.model_dump_json(indent=2))
    return 1 if batch.errors else 0


def cmd_schemas(args: argparse.Namespace, console: Console) -> int:
    from . import report

    report.write_schemas(_out_dir(args.out))
    return 0


def cmd_decide(args: argparse.Namespace, console: Console) -> int:
    from .decide import decide
    from .merge import format_value

    done = decide(
        _out_dir(args.out), args.conflict, value=args.value, accept_suggestion=args.accept_suggestion, note=args.note
    )
    c = done.conflict
    print(
        f"{'Updated' if done.replaced else 'Added'} the decision on {c.id} ({c.exercise_id} {c.field} = "
        f"{format_value(done.resolution.value)}) at {done.where}. Run `make extract` to apply it."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Turn exercise transcripts and articles into a traceable exercise dataset.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def debug(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--debug",
            action="store_true",
            help=f"print the traceback of unexpected failures (or set {DEBUG_ENV}=1)",
        )

    def jobs(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--jobs",
            type=int,
            metavar="N",
            help="worker processes for the per-document stages (default: the machine's cores)",
        )
        p.add_argument(
            "--executor",
            choices=EXECUTORS,
            default="local",
            help="run the per-document stages here (local) or on a Dask cluster (dask)",
        )
        p.add_argument(
            "--scheduler",
            metavar="ADDRESS",
            help="with --executor dask: the scheduler, e.g. tcp://10.0.0.5:8786 (default: a cluster on this machine)",
        )

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--raw", type=Path, default=paths.RAW_DIR, help="folder of raw documents (default: raw/)")
        debug(p)

    def outputs(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--out",
            type=Path,
            default=paths.ROOT,
            help="folder that receives extracted/, reports/, schemas/ and the .cache/ (default: the repository root)",
        )
        p.add_argument("--no-cache", action="store_true", help="recompute every document, ignoring the cache")

    p = sub.add_parser(
        "extract",
        help="run every stage and write the dataset and reports",
        description="Run ingest, normalize, extract, merge and report; write extracted/, reports/ and schemas/.",
    )
    common(p)
    outputs(p)
    p.add_argument("--quiet", action="store_true", help="print only errors, warnings and the summary")
    jobs(p)
    p.add_argument(
        "--allow-empty",
        action="store_true",
        help="let a run with no usable document replace a non-empty dataset with an empty one",
    )
    p.set_defaults(func=cmd_extract)
    for name, text in (
        ("ingest", "decode raw files and split them into sections; print Document records"),
        ("normalize", "repair transcription and typing errors; print NormalizedDocument records"),
        ("claims", "find exercises and dosage; print DocumentResult records (the extract stage)"),
    ):
        p = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + " as JSONL.")
        common(p)
        p.add_argument("-o", "--output", type=Path, help="write JSONL here instead of standard output")
        p.set_defaults(func=cmd_stage, stage=name)
    p = sub.add_parser(
        "merge",
        help="map names to canonical exercises and merge sources; print the dataset",
        description="Merge claims into canonical exercises and print the dataset JSON (writes nothing).",
    )
    common(p)
    outputs(p)
    jobs(p)
    p.set_defaults(func=cmd_merge)
    p = sub.add_parser(
        "decide",
        help="record a decision on a conflict in reports/resolutions.yaml",
        description="Write or update the entry for a conflict in reports/resolutions.yaml, with the conflict's "
        "fingerprint from the last run's reports/conflicts.json; other entries and comments are kept. "
        "Run extract again to apply it.",
    )
    p.add_argument("conflict", metavar="CONFLICT_ID", help="the conflict's id, as reports/review.html shows it")
    choice = p.add_mutually_exclusive_group(required=True)
    choice.add_argument(
        "--value", help="the decided value as the reports show it: 30, 20-30, yes, no, 2x/day, 1-2x/week, none"
    )
    choice.add_argument("--accept-suggestion", action="store_true", help="decide the suggested value")
    p.add_argument("--note", help="why (default: the note of the entry being updated, or none)")
    p.add_argument(
        "--out",
        type=Path,
        default=paths.ROOT,
        help="output folder of the last run, holding reports/ (default: the repository root)",
    )
    debug(p)
    p.set_defaults(func=cmd_decide)
    p = sub.add_parser(
        "schemas",
        help="write JSON Schema files generated from the pydantic models",
        description="Write schemas/*.json generated from pipeline/models.py.",
    )
    p.add_argument(
        "--out", type=Path, default=paths.ROOT, help="folder that receives schemas/ (default: the repository root)"
    )
    debug(p)
    p.set_defaults(func=cmd_schemas)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug = args.debug or os.environ.get(DEBUG_ENV, "") not in ("", "0")
    console = Console(quiet=getattr(args, "quiet", False), debug=debug)
    try:
        return args.func(args, console)
    except PipelineError as err:
        console.problem(err)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the next run completes or undoes an update of the outputs left half done.", file=sys.stderr)
        return 130
    except OSError as err:
        where = f"{paths.shown(err.filename)}: " if err.filename else ""
        print(f"Error: {where}{err.strerror or describe(err)}. Check the path and its permissions.", file=sys.stderr)
        if debug:
            traceback.print_exc()
        return 1
    except Exception as err:  # noqa: BLE001 - no traceback reaches the user unless asked for
        print(
            f"Error: internal error ({describe(err)}). Report it with the command you ran "
            f"(run with --debug for the traceback).",
            file=sys.stderr,
        )
        if debug:
            traceback.print_exc()
        return 1
