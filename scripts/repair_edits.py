"""Fingerprint every repair edit and suggestion on the reference corpora; check them unchanged.

A change that only makes ``normalize`` faster must leave its output exactly as it was: the same
edits and suggestions (offsets, before, after, rule, score, reason) on every document. This
script runs ``normalize.normalize_document`` on

* ``raw/``, ``tests/corpus/dev/raw``, ``tests/corpus/holdout/raw`` and ``tests/corpus/clean``;
* the noisy copies of ``tests/corpus/clean`` that ``make bench-repair`` scores (every seed);
* ``../shared/corpus/real/raw`` when it is there (evaluation only: its text is never stored,
  only a digest of each document's edits),

and writes one line per document to ``tests/normalize/repair_edits.json``: the number of edits
and suggestions and a SHA-256 of their JSON. ``--check`` compares instead of writing (the test
``test_normalize_edits_unchanged_on_reference_corpora`` does the same), and ``--dump FILE``
writes every edit in full (JSON lines, not committed) so two runs can be diffed.

Usage: python scripts/repair_edits.py [--check] [--dump FILE] [--only PREFIX]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the package is the repository's

from pipeline import ingest, noise, normalize, repair_bench, resources  # noqa: E402
from pipeline.models import Document  # noqa: E402

OUT = ROOT / "tests" / "normalize" / "repair_edits.json"
#: Corpora by label prefix; ``real/`` is read only when the shared folder is beside the repository.
FOLDERS = {
    "raw": ROOT / "raw",
    "dev": ROOT / "tests" / "corpus" / "dev" / "raw",
    "holdout": ROOT / "tests" / "corpus" / "holdout" / "raw",
    "clean": repair_bench.CLEAN_DIR,
    "real": ROOT.parent / "shared" / "corpus" / "real" / "raw",
}


def documents(only: str = "") -> Iterator[tuple[str, Document]]:
    """(label, document) for every reference document whose label starts with ``only``."""
    for prefix, folder in FOLDERS.items():
        if not folder.is_dir() or not (prefix.startswith(only) or only.startswith(prefix)):
            continue
        for file in ingest.discover(folder, folder.parent).files:
            label = f"{prefix}/{file.doc_id}"
            if label.startswith(only):
                yield label, ingest.ingest_file(file)
    if "noise".startswith(only[:5]):
        yield from _noisy_documents(only)


def _noisy_documents(only: str) -> Iterator[tuple[str, Document]]:
    """The noisy documents of the repair benchmark, made exactly as ``repair_bench.evaluate`` does."""
    vocab = normalize.default_vocabulary()
    names = [n for e in resources.exercises() for n in (e.name, *e.aliases)]
    domain = sorted(w for w in vocab.words if len(w) >= 6)
    files = sorted(repair_bench.CLEAN_DIR.glob("*.txt"))
    for seed in repair_bench.SEEDS:
        for path in files:
            label = f"noise/{seed}/{path.name}"
            if not label.startswith(only):
                continue
            text = path.read_text(encoding="utf-8")
            is_captions = repair_bench.make_document(text, path.name).kind == "transcript"
            kinds = noise.KINDS if is_captions else tuple(k for k in noise.KINDS if k != "repeated_run")
            noisy, _ = noise.inject(text, seed=seed, rate=repair_bench.RATE, names=names, domain=domain, kinds=kinds)
            yield label, repair_bench.make_document(noisy, path.name)


def edits_of(doc: Document) -> list[dict]:
    """Every edit and suggestion of one document, as plain records."""
    ndoc = normalize.normalize_document(doc)
    return [{"kind": "edit", **e.model_dump()} for e in ndoc.edits] + [
        {"kind": "suggestion", **e.model_dump()} for e in ndoc.suggestions
    ]


def fingerprint(records: list[dict]) -> dict:
    """Counts and a digest of one document's records (the digest keeps no source text)."""
    blob = json.dumps(records, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return {
        "edits": sum(r["kind"] == "edit" for r in records),
        "suggestions": sum(r["kind"] == "suggestion" for r in records),
        "sha256": hashlib.sha256(blob).hexdigest(),
    }


def fingerprints(only: str = "", dump: Path | None = None) -> dict[str, dict]:
    """Fingerprints by label; with ``dump``, every record is also written there in full."""
    out: dict[str, dict] = {}
    sink = dump.open("w", encoding="utf-8") if dump else None
    try:
        for label, doc in documents(only):
            records = edits_of(doc)
            out[label] = fingerprint(records)
            if sink:
                for r in records:
                    sink.write(json.dumps({"doc": label, **r}, ensure_ascii=False) + "\n")
    finally:
        if sink:
            sink.close()
    return out


def compare(expected: dict[str, dict], got: dict[str, dict]) -> list[str]:
    """Differences between stored and fresh fingerprints, one line each."""
    lines = [f"{label}: missing from this run" for label in expected if label not in got and _present(label)]
    lines += [f"{label}: not in {OUT.name}" for label in got if label not in expected]
    lines += [
        f"{label}: {expected[label]} -> {got[label]}"
        for label in got
        if label in expected and got[label] != expected[label]
    ]
    return lines


def _present(label: str) -> bool:
    """Whether the corpus a label comes from is on this machine (``real/`` may be absent)."""
    prefix = label.split("/", 1)[0]
    return prefix not in FOLDERS or FOLDERS[prefix].is_dir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help=f"compare with {OUT.name} instead of writing it")
    parser.add_argument("--dump", type=Path, help="also write every edit in full to this JSON-lines file")
    parser.add_argument("--only", default="", help="only documents whose label starts with this (with --check)")
    args = parser.parse_args(argv)
    if args.only and not args.check:
        parser.error("--only needs --check: the stored file always covers every document")
    got = fingerprints(args.only, args.dump)
    if args.check:
        expected = {k: v for k, v in json.loads(OUT.read_text(encoding="utf-8")).items() if k.startswith(args.only)}
        lines = compare(expected, got)
        for line in lines:
            print(line)
        print(f"{len(got)} documents, {len(lines)} differ")
        return 1 if lines else 0
    OUT.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(got)} documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
