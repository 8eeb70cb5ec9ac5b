"""``make bench``: throughput, reruns, workers and memory, as ratios measured in one run.

Corpus: the project's own documents (raw/, the dev and holdout corpora) copied until there are
``size`` of them, each copy made unique (a numbered sentence appended to text formats, trailing
blank lines to the others), so no two share a cache entry.

Each figure is the command a user runs, timed as a fresh process (``python -m pipeline extract``):

* **reference**: spaCy at the same depth, timed in this process over the same texts: blank
  English tokenizer, sentencizer, lookup lemmatizer, a PhraseMatcher of 200 exercise names on
  LOWER and a Matcher of 30 number/unit patterns, ``nlp.pipe(batch_size=256)``.
* **cold**: ``extract --no-cache`` at each ``--jobs``; words/s and the ratio to the reference;
  the outputs must be byte-identical across job counts.
* **no-op**: a rerun with nothing changed; **one change**: a rerun after one file is edited;
  both against the cold run at the most jobs.
* **peak RSS** of the ``--jobs 1`` cold run at the smallest and the largest size, and their ratio.
* **long document**: one handout of ``--long`` characters against its sections as short
  documents: time per word must not grow with a document's length.

The figures are printed and written as JSON (``--json``) to compare across commits.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import ingest, paths

SOURCES = (paths.RAW_DIR, paths.ROOT / "tests/corpus/dev/raw", paths.ROOT / "tests/corpus/holdout/raw")
TEXT_SUFFIXES = {".txt", ".md"}
UNITS = ("seconds", "second", "secs", "minutes", "minute", "mins", "reps", "rep", "times", "sets")
_RUN = """
import json, resource, sys, time
from pipeline.cli import main
t0 = time.perf_counter()
code = main(sys.argv[1:])
wall = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"code": code, "in_process": wall, "rss": peak, "worker_rss": workers}), file=sys.stderr)
"""


def corpus(size: int, into: Path) -> Path:
    """``size`` unique documents made from the project's own documents."""
    sources = [
        p for d in SOURCES if d.is_dir() for p in sorted(d.iterdir()) if p.is_file() and p.suffix in ingest.FORMATS
    ]
    raw = into / "raw"
    raw.mkdir(parents=True)
    for i in range(size):
        src = sources[i % len(sources)]
        data = src.read_bytes()
        tail = f"\n\nCopy number {i} of this page.\n".encode() if src.suffix in TEXT_SUFFIXES else b"\n" * (i + 1)
        (raw / f"{i:05d}_{src.name}").write_bytes(data + tail)
    return raw


def long_handout(chars: int) -> tuple[str, dict[str, int]]:
    """A handout of about ``chars`` characters: one section per lexicon exercise (each named
    once, as a real long handout would), each with its own hold time. Returns the text and
    the hold stated for each exercise id."""
    from .resources import exercises

    filler = (
        "Start from a comfortable position, move slowly through the range you can manage without "
        "pain, and breathe out as you work. Stop if the movement makes your symptoms worse. "
    )
    entries = sorted(exercises(), key=lambda e: e.id)
    repeats = max(1, -(-chars // (len(entries) * len(filler))))  # sections long enough to reach chars
    parts, holds, size = ["# A long home programme\n\n"], {}, 0
    for i, entry in enumerate(entries):
        if size >= chars:
            break
        hold = 5 + i % 50
        part = f"## {entry.name}\n\n{filler * repeats}Hold for {hold} seconds.\n\n"
        parts.append(part)
        holds[entry.id] = hold
        size += len(part)
    return "".join(parts), holds


def texts_of(raw: Path) -> list[str]:
    found = ingest.discover(raw, raw.parent)
    return [ingest.decode(f.path.read_bytes(), f.rel_path) for f in found.files]


def reference(texts: list[str]) -> float:
    """Seconds the reference spaCy pipeline takes over ``texts`` (built beforehand, not timed)."""
    import spacy
    from spacy.matcher import Matcher, PhraseMatcher

    from .resources import exercises

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"}).initialize()
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    names = sorted({e.name.lower() for e in exercises()})[:200]
    phrases.add("EXERCISE", list(nlp.tokenizer.pipe(names)))
    matcher = Matcher(nlp.vocab)
    number, cue = {"LIKE_NUM": True}, {"LOWER": {"IN": ["for", "hold", "do", "repeat"]}}
    for unit in UNITS:  # 10 units x 3 shapes = 30 patterns
        for k, shape in enumerate(([number], [number, {"ORTH": "-"}, number], [cue, number])):
            matcher.add(f"{unit}-{k}", [[*shape, {"LOWER": unit}]])
    for _ in nlp.pipe(texts[:20]):  # warm
        pass
    t0 = time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=256):
        phrases(doc)
        matcher(doc)
    return time.perf_counter() - t0


def extract(raw: Path, out: Path, *args: str) -> dict:
    """One ``python -m pipeline extract`` in a fresh process: wall time and peak memory."""
    cmd = [sys.executable, "-c", _RUN, "extract", "--raw", str(raw), "--out", str(out), "--quiet", *args]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=paths.ROOT)
    wall = time.perf_counter() - t0
    try:
        stats = json.loads(proc.stderr.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise SystemExit(f"bench: the run failed:\n{proc.stderr}") from None
    return {"wall": wall, **stats}


def outputs_digest(out: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(out.rglob("*")):
        if p.is_file() and p.relative_to(out).parts[0] not in (paths.CACHE, ".publish"):
            h.update(p.relative_to(out).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def measure(size: int, jobs: list[int], tmp: Path) -> dict:
    raw = corpus(size, tmp / f"n{size}")
    texts = texts_of(raw)
    words = sum(len(t.split()) for t in texts)
    t_ref = reference(texts)
    row: dict = {"documents": size, "words": words, "reference_words_per_s": words / t_ref, "cold": {}}
    digests = set()
    for j in jobs:
        out = tmp / f"n{size}-cold{j}"
        run = extract(raw, out, "--no-cache", "--jobs", str(j))
        digests.add(outputs_digest(out))
        row["cold"][j] = {
            "seconds": run["wall"],
            "words_per_s": words / run["wall"],
            "ratio_to_reference": t_ref / run["wall"],
            "peak_rss_mb": run["rss"] / 1e6,
            "worker_peak_rss_mb": run["worker_rss"] / 1e6,
        }
        shutil.rmtree(out)
    row["identical_across_jobs"] = len(digests) == 1
    top = max(jobs)
    base = row["cold"][top]["seconds"]
    out = tmp / f"n{size}-cached"
    extract(raw, out, "--jobs", str(top))  # fills the cache
    noop = extract(raw, out, "--jobs", str(top))
    edited = sorted(raw.iterdir())[size // 2]
    edited.write_bytes(edited.read_bytes() + b"\nOne more line for the bench.\n")
    change = extract(raw, out, "--jobs", str(top))
    row["noop"] = {"seconds": noop["wall"], "ratio_to_cold": noop["wall"] / base}
    row["one_change"] = {"seconds": change["wall"], "ratio_to_cold": change["wall"] / base}
    shutil.rmtree(tmp / f"n{size}")
    shutil.rmtree(out)
    return row


def measure_long(chars: int, tmp: Path) -> dict:
    """One handout of ``chars`` characters against the same sections as short documents (about
    12 sections each), ``--jobs 1``: words per second of each, and their ratio."""
    text, _ = long_handout(chars)
    head, *sections = text.split("\n## ")
    one, many = tmp / "long" / "raw", tmp / "short" / "raw"
    one.mkdir(parents=True)
    many.mkdir(parents=True)
    (one / "long.md").write_text(text, encoding="utf-8")
    for i in range(0, len(sections), 12):
        body = "\n## ".join(sections[i : i + 12])
        (many / f"part{i:05d}.md").write_text(f"{head}\n## {body}", encoding="utf-8")
    words = len(text.split())
    long_run = extract(one, tmp / "long" / "out", "--no-cache", "--jobs", "1")
    short_run = extract(many, tmp / "short" / "out", "--no-cache", "--jobs", "1")
    shutil.rmtree(tmp / "long")
    shutil.rmtree(tmp / "short")
    return {
        "characters": len(text),
        "words": words,
        "long_words_per_s": words / long_run["wall"],
        "short_words_per_s": words / short_run["wall"],
        "ratio": short_run["wall"] / long_run["wall"],
    }


def report(rows: list[dict], jobs: list[int], long: dict | None) -> str:
    lines = [
        "| documents | words | reference w/s | "
        + " | ".join(f"cold --jobs {j} w/s (ratio)" for j in jobs)
        + " | identical | peak RSS (jobs 1) | no-op | one change |",
        "|---" * (7 + len(jobs)) + "|",
    ]
    for r in rows:
        colds = " | ".join(
            f"{r['cold'][j]['words_per_s'] / 1000:.1f}k ({r['cold'][j]['ratio_to_reference']:.2f})" for j in jobs
        )
        rss = r["cold"][min(jobs)]["peak_rss_mb"]
        lines.append(
            f"| {r['documents']:,} | {r['words'] / 1000:.0f}k | {r['reference_words_per_s'] / 1000:.0f}k | {colds} | "
            f"{'yes' if r['identical_across_jobs'] else 'NO'} | {rss:.0f} MB | "
            f"{r['noop']['seconds']:.2f} s ({r['noop']['ratio_to_cold']:.3f}) | "
            f"{r['one_change']['seconds']:.2f} s ({r['one_change']['ratio_to_cold']:.3f}) |"
        )
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        j = min(jobs)
        ratio = large["cold"][j]["peak_rss_mb"] / small["cold"][j]["peak_rss_mb"]
        lines.append(
            f"\npeak RSS at {large['documents']:,} documents = {ratio:.2f}x the peak at {small['documents']:,}"
        )
    for j in jobs[1:]:
        r = rows[-1]
        lines.append(
            f"speed-up at {r['documents']:,} documents, --jobs {j}: "
            f"{r['cold'][jobs[0]]['seconds'] / r['cold'][j]['seconds']:.2f}x --jobs {jobs[0]}"
        )
    lines.append("no-op and one change: a fresh process each, ratio = its time / the cold run at the most jobs")
    if long:
        lines.append(
            f"one document of {long['characters']:,} characters: {long['long_words_per_s'] / 1000:.1f}k words/s, "
            f"{long['ratio']:.2f}x the speed of the same sections as short documents "
            f"({long['short_words_per_s'] / 1000:.1f}k words/s)"
        )
    return "\n".join(lines)


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True, cwd=paths.ROOT
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,400", help="corpus sizes in documents (default 100,400)")
    parser.add_argument("--jobs", default="1,2,4", help="--jobs values for the cold run (default 1,2,4)")
    parser.add_argument(
        "--long", type=int, default=1_200_000, help="characters of the long-document run (0: skip; default 1.2M)"
    )
    parser.add_argument("--json", type=Path, help="write the figures here (default .bench/<commit>.json)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    jobs = sorted(int(j) for j in args.jobs.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        rows = [measure(size, jobs, tmp) for size in sizes]
        long = measure_long(args.long, tmp) if args.long else None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(report(rows, jobs, long))
    commit = _commit()
    target = args.json or paths.ROOT / ".bench" / f"{commit}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {"commit": commit, "cpus": os.cpu_count(), "sizes": sizes, "jobs": jobs, "rows": rows, "long": long}
    target.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {paths.shown(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
