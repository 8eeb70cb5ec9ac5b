"""Measure transcription repair: ``python -m pipeline.repair_bench``.

Runs :func:`pipeline.normalize.normalize_document` on the clean corpus (``tests/corpus/clean``),
where every edit is a false alarm and the count must be zero, and on noisy copies made by
:func:`pipeline.noise.inject` with several seeds. An edit is correct when it restores the clean
text at the spot it touches; recall counts injected errors fully restored. Edits are compared in
raw-text offsets (through ``to_corrections``), so ingest's alignment is exercised too.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import noise, normalize, resources
from .models import Correction, Document

ROOT = Path(__file__).resolve().parent.parent
CLEAN_DIR = ROOT / "tests" / "corpus" / "clean"
SEEDS = (1, 2, 3, 4, 5, 6, 7, 8)
RATE = 0.03


@dataclass
class Tally:
    """Counts of one benchmark run."""

    clean_words: int = 0
    clean_edits: list[str] = field(default_factory=list)
    edits: int = 0
    correct: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    restored: Counter[str] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    kilobytes: float = 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.edits if self.edits else 1.0

    @property
    def recall(self) -> float:
        total = sum(self.injected.values())
        return sum(self.restored.values()) / total if total else 1.0

    @property
    def repairable_recall(self) -> float:
        """Recall over the kinds normalize sets out to repair (a dropped word is beyond repair)."""
        total = sum(n for k, n in self.injected.items() if k not in noise.BEYOND_REPAIR)
        restored = sum(n for k, n in self.restored.items() if k not in noise.BEYOND_REPAIR)
        return restored / total if total else 1.0


def make_document(text: str, doc_id: str) -> Document:
    """A Document for ``text`` through ingest (sections, alignment), or a plain one without it."""
    try:
        from .ingest import build_document

        return build_document(text.encode("utf-8"), doc_id=doc_id, path=f"bench/{doc_id}")
    except ImportError:  # pragma: no cover - ingest is another stage's module
        return Document(
            doc_id=doc_id,
            path=f"bench/{doc_id}",
            sha256="",
            format="text",
            kind="article",
            kind_reason="bench",
            title=None,
            raw_text=text,
            text=text,
            alignment=[],
            sections=[],
        )


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _restores(noisy: str, clean_by_error: Sequence[noise.InjectedError], edits: Sequence[Correction]) -> bool:
    """Do ``edits`` turn the noisy region they share with ``errors`` back into the clean text?"""
    lo = min([e.start for e in clean_by_error] + [c.start for c in edits])
    hi = max([e.end for e in clean_by_error] + [c.end for c in edits])
    lo, hi = max(0, lo - 1), min(len(noisy), hi + 1)

    def rebuild(reps: list[tuple[int, int, str]]) -> str:
        out, pos = [], lo
        for s, e, new in sorted(reps):
            out.append(noisy[pos:s])
            out.append(new)
            pos = e
        out.append(noisy[pos:hi])
        return "".join(out)

    clean = rebuild([(e.start, e.end, e.clean) for e in clean_by_error])
    repaired = rebuild([(c.start, c.end, c.after) for c in edits])
    return _squash(clean) == _squash(repaired)


def _touches(c: Correction, e: noise.InjectedError) -> bool:
    return c.start <= e.end and e.start <= c.end


def score_document(
    noisy: str,
    errors: Sequence[noise.InjectedError],
    edits: Sequence[Correction],
    tally: Tally,
    label: str,
) -> None:
    """Add one noisy document's edits and errors to ``tally``."""
    for c in edits:
        tally.edits += 1
        hit = [e for e in errors if _touches(c, e)]
        if hit and _restores(noisy, hit, [c]):
            tally.correct += 1
        else:
            what = ", ".join(f"{e.kind}:{e.clean!r}->{e.noisy!r}" for e in hit) or "no injected error"
            tally.wrong.append(f"{label}: {c.before!r} -> {c.after!r} [{c.rule}] ({what})")
    for e in errors:
        tally.injected[e.kind] += 1
        mine = [c for c in edits if _touches(c, e)]
        if mine and _restores(noisy, [e], mine):
            tally.restored[e.kind] += 1
        else:
            tally.missed.append(f"{label}: {e.kind} {e.clean!r} -> {e.noisy!r}")


def evaluate(clean_dir: Path = CLEAN_DIR, *, seeds: Sequence[int] = SEEDS, rate: float = RATE) -> Tally:
    """Run the clean-corpus check and the noise benchmark; return the counts."""
    vocab = normalize.default_vocabulary()
    names = [n for e in resources.exercises() for n in (e.name, *e.aliases)]
    domain = sorted(w for w in vocab.words if len(w) >= 6)
    tally = Tally()
    files = sorted(clean_dir.glob("*.txt"))
    if files:  # warm the caches (vocabulary, spaCy, word lists) before timing
        normalize.normalize_document(make_document(files[0].read_text(encoding="utf-8"), files[0].name))
    for path in files:
        text = path.read_text(encoding="utf-8")
        tally.clean_words += len(text.split())
        doc = make_document(text, path.name)
        t0 = time.perf_counter()
        ndoc = normalize.normalize_document(doc)
        tally.seconds += time.perf_counter() - t0
        tally.kilobytes += len(text.encode("utf-8")) / 1024
        applied, _ = normalize.to_corrections(doc, ndoc)
        tally.clean_edits += [f"{path.name}: {c.before!r} -> {c.after!r} [{c.rule}]" for c in applied]
    for seed in seeds:
        for path in files:
            text = path.read_text(encoding="utf-8")
            # caption artefacts happen in captions: a repeated line in a handout is deliberate
            is_captions = make_document(text, path.name).kind == "transcript"
            kinds = noise.KINDS if is_captions else tuple(k for k in noise.KINDS if k != "repeated_run")
            noisy, errors = noise.inject(text, seed=seed, rate=rate, names=names, domain=domain, kinds=kinds)
            doc = make_document(noisy, path.name)
            errors = [e for e in errors if doc.raw_text[e.start : e.end] == e.noisy]
            ndoc = normalize.normalize_document(doc)
            applied, _ = normalize.to_corrections(doc, ndoc)
            score_document(doc.raw_text, errors, applied, tally, f"{path.name}#{seed}")
    return tally


def main(argv: Sequence[str] | None = None) -> int:
    """Print the repair figures; exit 1 when the clean corpus got any edit."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.repair_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--clean-dir", type=Path, default=CLEAN_DIR, help="folder of clean .txt files")
    parser.add_argument("--seeds", type=int, default=len(SEEDS), help="number of noise seeds")
    parser.add_argument("--rate", type=float, default=RATE, help="injected errors per word")
    parser.add_argument("-v", "--verbose", action="store_true", help="list wrong edits and missed errors")
    args = parser.parse_args(argv)
    tally = evaluate(args.clean_dir, seeds=tuple(range(1, args.seeds + 1)), rate=args.rate)
    print(f"clean corpus: {tally.clean_words} words, {len(tally.clean_edits)} edits")
    for line in tally.clean_edits:
        print(f"  FALSE ALARM {line}")
    speed = tally.seconds / tally.kilobytes * 10 if tally.kilobytes else 0.0
    print(f"speed: {speed:.3f} s per 10 KB (normalize only)")
    print(
        f"noise benchmark: {tally.edits} edits, {tally.correct} correct, "
        f"precision {tally.precision:.3f}, recall {tally.recall:.3f} "
        f"({tally.repairable_recall:.3f} without {', '.join(noise.BEYOND_REPAIR)})"
    )
    for kind in noise.KINDS:
        if tally.injected[kind]:
            print(f"  {kind:<13} restored {tally.restored[kind]:>3} / {tally.injected[kind]:<3}")
    if args.verbose or tally.wrong:
        for line in tally.wrong:
            print(f"  WRONG {line}")
    if args.verbose:
        for line in tally.missed:
            print(f"  MISSED {line}")
    if tally.clean_edits:
        print(
            "Error: the clean corpus must get no edits; see the FALSE ALARM lines above.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
