"""``make bench``: speed and memory of each stage, as ratios against baselines run in-process.

Baselines: spaCy's bare tokenizer over the same texts (what any spaCy pass must pay) and a
cold full run; the figures are ratios, so they hold across machines.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import extract, ingest, normalize, paths, workflow
from .nlp import build_nlp


def _timed(fn, *args, **kwargs):
    gc.collect()
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def _peak_rss() -> int:
    """Peak resident memory of this process in bytes (Linux reports kB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _corpus(copies: int, into: Path) -> Path:
    """The seed and development documents, copied ``copies`` times (distinct names)."""
    sources = [
        p
        for d in (paths.RAW_DIR, paths.ROOT / "tests/corpus/dev/raw")
        for p in sorted(d.iterdir())
        if p.is_file() and p.suffix in ingest.FORMATS
    ]
    raw = into / "raw"
    raw.mkdir(parents=True)
    for i in range(copies):
        for p in sources:
            # Trailing newlines make every copy a distinct document (no cache sharing) in any format.
            (raw / f"{i:03d}_{p.name}").write_bytes(p.read_bytes() + b"\n" * (i + 1))
    return raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4, help="copies of the seed+dev corpus (default 4)")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        raw = _corpus(args.copies, tmp)
        files = ingest.discover(raw, tmp).files
        n_bytes = sum(f.path.stat().st_size for f in files)
        nlp, t_build = _timed(build_nlp)

        docs, t_ingest = _timed(lambda: [ingest.ingest_file(f) for f in files])
        texts = [d.text for d in docs]
        _, t_tok = _timed(lambda: [nlp.make_doc(t) for t in texts])
        normalize.normalize_document(docs[0])  # warm caches (vocabulary, matchers)
        norm, t_norm = _timed(lambda: [normalize.normalize_document(d) for d in docs])
        extract.extract_document(docs[0], norm[0])
        _, t_extract = _timed(lambda: [extract.extract_document(d, n) for d, n in zip(docs, norm, strict=True)])

        rss_loaded = _peak_rss()
        out = tmp / "out"
        cold, t_cold = _timed(workflow.run_all, raw, out)
        rss_peak = _peak_rss()
        warm, t_warm = _timed(workflow.run_all, raw, out)

        print(f"corpus: {len(files)} documents, {n_bytes / 1000:.0f} kB ({args.copies} copies of seeds + dev corpus)")
        print(f"baseline: spaCy tokenizer alone {t_tok * 1000:.0f} ms = 1.0x")
        for name, t in (("ingest", t_ingest), ("normalize", t_norm), ("extract", t_extract)):
            print(f"  {name:<10} {t / t_tok:6.1f}x tokenizer   ({1000 * t / len(files):6.1f} ms/doc)")
        print(f"full run, cold cache: {t_cold / t_tok:6.1f}x tokenizer ({len(files) / t_cold:.1f} docs/s)")
        print(
            f"full run, warm cache: {t_warm / t_cold:6.3f}x the cold run "
            f"({warm.cache_hits} hits, {warm.cache_misses} misses)"
        )
        print(f"pipeline build (once per process): {t_build / t_tok:.1f}x tokenizer")
        print(f"peak RSS: {rss_peak / 1e6:.0f} MB = {rss_peak / rss_loaded:.2f}x the process with the pipeline loaded")
        del cold
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
