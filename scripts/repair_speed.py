"""Time the repair stage (``normalize.normalize_document``) in microseconds per word.

The measured corpus is every document of ``raw/``, ``tests/corpus/dev/raw``,
``tests/corpus/holdout/raw`` and, when it is beside the repository, ``../shared/corpus/real/raw``
(ingested first; only normalize is timed). Three figures, in one process:

* first call: a fresh interpreter importing the stage and repairing one short text (loading the
  word lists, the vocabulary and the matchers), in a subprocess;
* cold corpus: one pass over the corpus after a warm-up on other text (the clean corpus and its
  noisy copies from the repair benchmark), so the word lists are loaded but the per-word caches
  hold little of the measured documents;
* warm corpus: the best of ``--repeat`` further passes over the same documents.

``--profile`` prints the top functions of one more pass (cProfile, cumulative time).

Usage: python scripts/repair_speed.py [--repeat N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the package is the repository's

from pipeline import ingest, noise, normalize, repair_bench  # noqa: E402

FOLDERS = (
    ROOT / "raw",
    ROOT / "tests" / "corpus" / "dev" / "raw",
    ROOT / "tests" / "corpus" / "holdout" / "raw",
    ROOT.parent / "shared" / "corpus" / "real" / "raw",
)
FIRST_CALL = """
import time
t0 = time.process_time()
from pipeline import normalize
from pipeline.repair_bench import make_document
doc = make_document("Lie to your back and hold the bridge for 10 seconds.", "first.txt")
normalize.normalize_document(doc)
print(time.process_time() - t0)
"""


def _pass(docs) -> float:
    """CPU seconds of one pass (the machine is shared: wall time would count other people's work)."""
    gc.collect()
    t0 = time.process_time()
    for doc in docs:
        normalize.normalize_document(doc)
    return time.process_time() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm passes (the best is reported)")
    parser.add_argument("--profile", action="store_true", help="profile one more warm pass")
    args = parser.parse_args(argv)
    first = float(subprocess.run([sys.executable, "-c", FIRST_CALL], cwd=ROOT, capture_output=True, check=True).stdout)
    docs = [ingest.ingest_file(f) for d in FOLDERS if d.is_dir() for f in ingest.discover(d, d.parent).files]
    words = sum(len(d.text.split()) for d in docs)
    clean = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(repair_bench.CLEAN_DIR.glob("*.txt"))]
    noisy = [(name, noise.inject(text, seed=1, rate=repair_bench.RATE)[0]) for name, text in clean]
    warmup = [repair_bench.make_document(text, name) for name, text in clean + noisy]
    _pass(warmup)
    cold = _pass(docs)
    warm = min(_pass(docs) for _ in range(args.repeat))
    print(f"corpus: {len(docs)} documents, {words} words")
    print(f"first call (fresh process, import + one short text): {first:.2f} s")
    print(f"cold corpus (after a warm-up on other text): {cold * 1e6 / words:.1f} us/word")
    print(f"warm corpus (best of {args.repeat}): {warm * 1e6 / words:.1f} us/word")
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(_pass, docs)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
