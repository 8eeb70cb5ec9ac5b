"""Repair what speech-to-text and fast typing break; never damage a correct word; explain edits.

Each mechanism is a small pure function ``(text, ...) -> list[Edit]`` on the text it is given:

- :mod:`.mojibake`: ftfy's repair of mis-decoded text, diffed into word edits;
- :mod:`.captions`: hesitation fillers, doubled words, repeated caption runs;
- :mod:`.glue`: tokens glued at punctuation, capitals and digits;
- :mod:`.splitting`: run-together words, decided by web unigram and bigram frequencies;
- :mod:`.confusions`: real-word errors from the data table ``pipeline/data/confusions.jsonl``;
- :mod:`.domain`: misheard, misspelt and truncated domain terms against a closed candidate set
  (lexicon names, body parts, equipment, the document's own headings and words).

:mod:`.text` holds the helpers they share (tokens, edits, names, protected URL and file-name
spans), :mod:`.vocabulary` the protected word sets and word similarity, :mod:`.ngrams` the web
unigram and bigram counts and the dictionary, :mod:`.chain` the composition of edits onto source
offsets.

:func:`normalize_document` runs them in that order. Each stage sees the text the earlier stages
repaired, and its edits are folded back onto ``Document.text`` offsets, so every edit reports the
exact text it replaced. Edits scoring below :data:`APPLY_THRESHOLD` are kept as suggestions.

Precision comes first: protected words (dictionary words for splitting, domain terms, names,
numbers, acronyms, Sanskrit pose names, URLs, e-mail addresses, file names) are never split or
rewritten by a single-word mechanism, and speech is not an error.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import alignment, resources
from ..models import CAPTION_FORMATS, ConfusionRule, Correction, Document, Edit, NormalizedDocument
from .captions import collapse_repeats, remove_fillers
from .chain import APPLY_THRESHOLD, Chain
from .confusions import apply_confusions
from .domain import heading_lookup, repair_domain_terms
from .glue import split_digits, split_glued
from .mojibake import fix_mojibake
from .splitting import split_run_together, split_word
from .vocabulary import Vocabulary, default_vocabulary, nearest_words

__all__ = [
    "APPLY_THRESHOLD",
    "Chain",
    "Vocabulary",
    "apply_confusions",
    "collapse_repeats",
    "default_vocabulary",
    "fix_mojibake",
    "nearest_words",
    "normalize_document",
    "remove_fillers",
    "repair_domain_terms",
    "split_digits",
    "split_glued",
    "split_run_together",
    "split_word",
    "to_corrections",
]


def normalize_document(
    doc: Document,
    *,
    vocab: Vocabulary | None = None,
    rules: Sequence[ConfusionRule] | None = None,
) -> NormalizedDocument:
    """Repair one document; every applied edit and suggestion is in ``doc.text`` offsets.

    vocab (Vocabulary): closed candidate sets. Defaults to the package data.
    rules (Sequence[ConfusionRule]): confusion table. Defaults to ``data/confusions.jsonl``.
    RETURNS (NormalizedDocument): repaired text, applied edits (sorted, non-overlapping) and
        suggestions.
    """
    vocab = default_vocabulary() if vocab is None else vocab
    rules = resources.confusions() if rules is None else tuple(rules)
    chain = Chain(doc.text)
    chain.add(fix_mojibake(chain.text))
    chain.add(remove_fillers(chain.text))
    chain.add(collapse_repeats(chain.text, line_breaks=_caption_breaks(doc, chain)))
    chain.add(split_glued(chain.text, vocab))
    chain.add(split_run_together(chain.text, vocab))
    chain.add(apply_confusions(chain.text, rules))
    chain.add(repair_domain_terms(chain.text, vocab, headings=heading_lookup(doc, chain)))
    suggestions = sorted(chain.suggestions, key=lambda e: (e.start, e.end))
    return NormalizedDocument(doc_id=doc.doc_id, text=chain.text, edits=chain.edits, suggestions=suggestions)


def _caption_breaks(doc: Document, chain: Chain) -> list[int] | None:
    """Offsets in the chain's text where a caption document's source broke a line; None otherwise."""
    if doc.kind != "transcript" and doc.format not in CAPTION_FORMATS:
        return None
    joins = (p.start for p in doc.alignment if "\n" in doc.raw_text[p.raw_start : p.raw_end])
    return sorted(chain.forward(pos) for pos in joins)


def to_corrections(doc: Document, ndoc: NormalizedDocument) -> tuple[list[Correction], list[Correction]]:
    """Applied edits and suggestions as corrections in raw-text offsets (``before`` is raw text)."""
    return [_correction(doc, e) for e in ndoc.edits], [_correction(doc, e) for e in ndoc.suggestions]


def _correction(doc: Document, e: Edit) -> Correction:
    start, end = alignment.to_source(doc.alignment, e.start, e.end)
    ts, te = e.start, e.end
    for p in doc.alignment:
        if p.start < e.end and e.start < p.end or (e.start == e.end and p.start < e.start < p.end):
            ts, te = min(ts, p.start), max(te, p.end)
    after = doc.text[ts : e.start] + e.after + doc.text[e.end : te]
    return Correction(
        doc_id=doc.doc_id,
        start=start,
        end=end,
        before=doc.raw_text[start:end],
        after=after,
        rule=e.rule,
        score=e.score,
        reason=e.reason,
    )
