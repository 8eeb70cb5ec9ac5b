"""Command line: ``python -m pipeline extract`` runs everything; one subcommand per stage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .errors import PipelineError


def _progress(quiet: bool):
    def say(line: str) -> None:
        if not quiet:
            print(line, file=sys.stderr)

    return say


def cmd_extract(args: argparse.Namespace) -> int:
    from .workflow import run_all

    summary = run_all(args.raw, args.out, use_cache=not args.no_cache, progress=_progress(args.quiet))
    for message in summary.failed:
        print(f"Error: {message}", file=sys.stderr)
    print(summary.paragraph(), file=sys.stderr)
    return 1 if summary.failed else 0


def cmd_stage(args: argparse.Namespace) -> int:
    """Run the per-document stages up to ``args.stage`` and print that stage's records as JSONL."""
    from . import cache, workflow

    store = cache.StageCache(args.out / paths.CACHE if not args.no_cache else None)
    upto = {"ingest": "ingest", "normalize": "normalize", "claims": "extract"}[args.stage]
    runs, errors = workflow.process_documents(args.raw, root=args.raw.resolve().parent, store=store, upto=upto)
    pick = {"ingest": lambda r: r.document, "normalize": lambda r: r.normalized, "claims": lambda r: r.result}[
        args.stage
    ]
    out = sys.stdout if args.output is None else args.output.open("w", encoding="utf-8")
    try:
        for run in runs:
            out.write(pick(run).model_dump_json() + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    for err in errors:
        print(f"Error: {err}", file=sys.stderr)
    return 1 if errors else 0


def cmd_merge(args: argparse.Namespace) -> int:
    """Run everything up to the merge and print the dataset (no file is written)."""
    from . import cache, merge, workflow

    store = cache.StageCache(args.out / paths.CACHE if not args.no_cache else None)
    runs, errors = workflow.process_documents(args.raw, root=args.raw.resolve().parent, store=store)
    resolutions = merge.load_resolutions(args.out / paths.REPORTS / paths.RESOLUTIONS)
    dataset, _ = merge.merge([r.document for r in runs], [r.result for r in runs if r.result], resolutions=resolutions)
    print(dataset.model_dump_json(indent=2))
    for err in errors:
        print(f"Error: {err}", file=sys.stderr)
    return 1 if errors else 0


def cmd_schemas(args: argparse.Namespace) -> int:
    from . import report

    report.write_schemas(args.out / paths.SCHEMAS)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Turn exercise transcripts and articles into a traceable exercise dataset.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--raw", type=Path, default=paths.RAW_DIR, help="folder of raw documents (default: raw/)")
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
    p.add_argument("--quiet", action="store_true", help="print only errors and the summary")
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
    p.set_defaults(func=cmd_merge)
    p = sub.add_parser(
        "schemas",
        help="write JSON Schema files generated from the pydantic models",
        description="Write schemas/*.json generated from pipeline/models.py.",
    )
    p.add_argument(
        "--out", type=Path, default=paths.ROOT, help="folder that receives schemas/ (default: the repository root)"
    )
    p.set_defaults(func=cmd_schemas)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; outputs left as they were.", file=sys.stderr)
        return 130
