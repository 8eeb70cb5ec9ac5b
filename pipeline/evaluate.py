"""``make eval``: precision and recall per field against hand-made gold files.

Besides the team's own corpora, ``make eval`` scores ``../shared/corpus/real/`` (real documents of
the whole field, third-party text kept outside the repository) with the project's judging scorer,
``../shared/tools/score.py``: the pipeline runs on it uncached into a temporary folder and the
scorer's figures (detection, values, per_side, repairs) are printed as it prints them, followed by
repair recall and precision on those real documents and, beside them, the noise benchmark's
(``pipeline.repair_bench``).

Gold format (``tests/corpus/*/gold.json``): ``{"documents": {file: {"exercises": [{"exercise",
"hold_seconds", "reps", "sets", "per_side"}]}}}``. An exercise is right when the document and
the canonical id match; a value is right when document, exercise and value all match.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import cache, merge, paths, workflow
from .executors import default_jobs

FIELDS = ("exercise", "hold_seconds", "reps", "sets", "per_side")
CORPORA = {
    "seeds": (paths.RAW_DIR, paths.ROOT / "tests/corpus/seeds/gold.json"),
    "dev": (paths.ROOT / "tests/corpus/dev/raw", paths.ROOT / "tests/corpus/dev/gold.json"),
    # Written blind to the rules, after tuning on dev: the honest measure of generalization.
    "holdout": (paths.ROOT / "tests/corpus/holdout/raw", paths.ROOT / "tests/corpus/holdout/gold.json"),
}


SHARED = paths.ROOT.parent / "shared"
REAL = SHARED / "corpus" / "real"
SCORER = SHARED / "tools" / "score.py"


@dataclass(frozen=True)
class Score:
    """Counts and ratios for one field."""

    true_pos: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.true_pos / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_pos / self.gold if self.gold else 1.0


def _value(v: object) -> object:
    if isinstance(v, dict):
        return (v["min"], v["max"])
    if v is not None and hasattr(v, "min"):
        return (v.min, v.max)  # type: ignore[attr-defined]
    return v


def facts(rows: Iterable[tuple[str, str, dict]]) -> dict[str, set[tuple]]:
    """(doc, exercise[, value]) facts per field from (doc, exercise id, values) rows."""
    out: dict[str, set[tuple]] = {f: set() for f in FIELDS}
    for doc, ex, values in rows:
        out["exercise"].add((doc, ex))
        for f in FIELDS[1:]:
            v = _value(values.get(f))
            if v is not None:
                out[f].add((doc, ex, v))
    return out


def score(pred: dict[str, set[tuple]], gold: dict[str, set[tuple]]) -> dict[str, Score]:
    """Precision and recall per field.

    ``per_side`` is counted only where the gold says something about sides, as the judging scorer
    counts it: a side flag the pipeline derives from the lexicon for an exercise whose text is
    silent about sides (a bridge is bilateral: false) is no error where the gold says nothing.
    """
    pred = judged(pred, gold)
    return {f: Score(len(pred[f] & gold[f]), len(pred[f]), len(gold[f])) for f in FIELDS}


def judged(pred: dict[str, set[tuple]], gold: dict[str, set[tuple]]) -> dict[str, set[tuple]]:
    """The predicted facts a gold file can judge: ``per_side`` only where the gold has a value."""
    sided = {fact[:2] for fact in gold["per_side"]}
    return {**pred, "per_side": {fact for fact in pred["per_side"] if fact[:2] in sided}}


def predict(raw_dir: Path) -> list[tuple[str, str, dict]]:
    """Run the pipeline (cached) and list (doc, exercise id, claim values)."""
    store = cache.StageCache(paths.ROOT / paths.CACHE)
    options = workflow.Options(jobs=default_jobs())
    batch = workflow.process_documents(raw_dir, root=raw_dir.resolve().parent, store=store, options=options)
    dataset, _ = merge.merge(batch.records)
    return [(c.doc_id, ex.id, c.model_dump()) for ex in dataset.exercises for c in ex.claims]


def gold_rows(path: Path) -> list[tuple[str, str, dict]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(doc, e["exercise"], e) for doc, body in data["documents"].items() for e in body["exercises"]]


def evaluate(raw_dir: Path, gold_path: Path) -> tuple[dict[str, Score], dict[str, set[tuple]], dict[str, set[tuple]]]:
    """Scores plus the predicted and gold facts (for listing the differences)."""
    gold = facts(gold_rows(gold_path))
    pred = judged(facts(predict(raw_dir)), gold)
    return score(pred, gold), pred, gold


def score_real(*, verbose: bool = False, raw_dir: Path = REAL / "raw", gold: Path = REAL / "gold.score.json") -> str:
    """Run the pipeline on the real corpus (no cache); the judging scorer's output and repair figures."""
    from .workflow import run_all

    if not (raw_dir.is_dir() and gold.is_file() and SCORER.is_file()):
        return f"real: skipped ({REAL} or {SCORER} not found beside the repository)"
    with tempfile.TemporaryDirectory(prefix="eval-real-") as tmp:
        out = Path(tmp)
        run_all(raw_dir, out, use_cache=False)
        cmd = [sys.executable, str(SCORER), "--out", str(out), "--gold", str(gold), "--raw", str(raw_dir)]
        cmd += ["--label", "real", *(["-v"] if verbose else [])]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        edits = len(json.loads((out / "reports" / "corrections.json").read_text(encoding="utf-8"))["corrections"])
    printed = (done.stdout + done.stderr).rstrip()
    return printed + "\n" + repair_line(printed, edits)


def repair_line(scorer_output: str, edits: int) -> str:
    """Repair recall (listed errors fixed) and precision (edits not outside them) from the scorer's figures.

    >>> repair_line("real: fixes=40/55 must_fix=0/0 false_edits=1", 100)
    'repair (real): recall 0.727 (40/55 listed errors fixed), precision 0.990 (1 of 100 edits outside them)'
    """
    fixes = re.search(r"\bfixes=(\d+)/(\d+)", scorer_output)
    false = re.search(r"\bfalse_edits=(\d+)", scorer_output)
    if not (fixes and false):
        return "repair (real): no repair figures in the scorer's output"
    fixed, listed, outside = int(fixes[1]), int(fixes[2]), int(false[1])
    recall = fixed / listed if listed else 1.0
    precision = (edits - outside) / edits if edits else 1.0
    return (
        f"repair (real): recall {recall:.3f} ({fixed}/{listed} listed errors fixed), "
        f"precision {precision:.3f} ({outside} of {edits} edits outside them)"
    )


def noise_line() -> str:
    """The repair benchmark's summary: injected noise restored, and edits on clean text."""
    from . import repair_bench

    tally = repair_bench.evaluate()
    return (
        f"repair (noise benchmark): recall {tally.recall:.3f} ({tally.repairable_recall:.3f} without dropped "
        f"words), precision {tally.precision:.3f} ({tally.edits} edits); clean corpus {len(tally.clean_edits)} edits"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "corpora", nargs="*", default=[*CORPORA, "real"], help="seeds, dev, holdout, real (default: all)"
    )
    parser.add_argument("--diff", action="store_true", help="list missed and spurious facts")
    args = parser.parse_args(argv)
    for name in args.corpora:
        if name == "real":
            print(f"\nreal: {REAL} (scored with {SCORER.name})")
            print(score_real(verbose=args.diff))
            print(noise_line())
            continue
        raw_dir, gold_path = CORPORA[name]
        scores, pred, gold = evaluate(raw_dir, gold_path)
        print(f"\n{name}: {raw_dir.relative_to(paths.ROOT)}")
        print(f"  {'field':<14}{'precision':>10}{'recall':>8}{'tp':>6}{'pred':>6}{'gold':>6}")
        for f, s in scores.items():
            print(f"  {f:<14}{s.precision:>10.3f}{s.recall:>8.3f}{s.true_pos:>6}{s.predicted:>6}{s.gold:>6}")
        if args.diff:
            for f in FIELDS:
                for fact in sorted(gold[f] - pred[f], key=str):
                    print(f"  missed   {f:<13} {fact}")
                for fact in sorted(pred[f] - gold[f], key=str):
                    print(f"  spurious {f:<13} {fact}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
