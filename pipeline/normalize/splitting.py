"""Run-together words: "legstogether", "ifyou're", "many ofthe videos", "stretchesaren't".

A token is split when the split is the more probable reading. Two cases:

- the joined form has a web frequency of its own ("ifyou", "kindof", "atleast", because people
  type them): split only when the bigram of the parts is listed and at least
  :data:`SPLIT_MARGIN` orders of magnitude more probable than the joined form;
- the joined form is unknown ("legstogether"): split into parts that are words of their own,
  unless a typo of one word explains the token as well ("forard" is "forward", not "for ard").

Protected words never split: dictionary words ("anew", "cannot", "workout", "alongside"),
lexicon and domain words, Sanskrit pose names, names (capitalized mid-sentence), acronyms, and
anything inside a URL, e-mail address or file name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from ..models import Edit
from .ngrams import in_dictionary, pair_logp, sequence_logp, word_logp
from .text import SHORT_WORDS, make_edit, match_case, protected_spans, sentence_initial, word_tokens
from .vocabulary import (
    LONG_WORD_LETTERS,
    Vocabulary,
    is_sanskrit_pose,
    is_word,
    morph_variant,
    nearest_words_in,
    zipf,
)

#: Every part of a split must be at least this common an English word.
SPLIT_PART_MIN_ZIPF = 3.0
#: A 3-letter split part that is not a function or domain word must be at least this common.
SHORT_PART_MIN_ZIPF = 4.5
#: Every part of a three-way split must be at least this common.
THREE_PART_MIN_ZIPF = 4.0
#: Cost (Zipf units) of each extra edit when a typo competes with a split.
TYPO_EDIT_COST = 4.0
#: A joined form the web knows (and the dictionary does not) is split only when the split is this
#: many orders of magnitude (log10) more probable: "ifyou" 2.9, "atleast" 1.4, "ofthe" 3.1 split;
#: names ("avery" 1.07, "ashe" 1.18), "alot" (0.9) and "bodyweight" (0.5) stay.
SPLIT_MARGIN = 1.2


class Split(NamedTuple):
    """A split of one token, with its confidence and the probabilities that decided it."""

    parts: tuple[str, ...]
    score: float
    reason: str


def _part_ok(part: str, words: frozenset[str]) -> float | None:
    """Zipf of a split part, or None when the part may not stand alone.

    Short parts must be function words or common words: wordfreq also counts fragments such as
    "ard" or "res", which would otherwise turn typos ("forard") into splits. A part with an
    apostrophe must be a common contraction ("aren't", "you're").
    """
    if len(part) == 1:
        return zipf(part) if part == "a" else None
    if len(part) == 2 and part not in SHORT_WORDS:
        return None
    z = zipf(part)
    if len(part) == 3 and part not in SHORT_WORDS and part not in words and z < SHORT_PART_MIN_ZIPF:
        return None
    if z >= SPLIT_PART_MIN_ZIPF:
        return z
    if "'" in part:
        return None
    if (part in words and len(part) >= 4) or (len(part) >= LONG_WORD_LETTERS and is_word(part)):
        return SPLIT_PART_MIN_ZIPF
    return None


def _split_options(w: str, words: frozenset[str]) -> list[tuple[float, float, tuple[str, ...]]]:
    """Splits of ``w`` as (log10 probability, weakest part Zipf, parts), best first.

    An apostrophe stays inside one part ("stretches" + "aren't").
    """
    options: list[tuple[float, float, tuple[str, ...]]] = []
    for i in range(1, len(w)):
        a, b = w[:i], w[i:]
        if a.endswith("'") or b.startswith("'"):
            continue
        za, zb = _part_ok(a, words), _part_ok(b, words)
        if za is not None and zb is not None:
            logp = sequence_logp((a, b))
            options.append((za + zb - 18 if logp is None else logp, min(za, zb), (a, b)))
    if not options and "'" not in w:  # three words: rarer, so every part must be a common word of 3+ letters
        for i in range(3, len(w) - 5):
            for j in range(i + 3, len(w) - 2):
                parts = (w[:i], w[i:j], w[j:])
                zs = [_part_ok(p, words) for p in parts]
                if all(z is not None and z >= THREE_PART_MIN_ZIPF for z in zs):
                    options.append((sum(zs) - 27, min(zs) - 0.5, parts))  # type: ignore[arg-type]
    return sorted(options, key=lambda o: -o[0])


def _typo_logp(w: str, words: frozenset[str], parts: tuple[str, ...] = ()) -> float | None:
    """Log-probability of the best typo reading of ``w`` (a missing space costs one edit)."""
    # a typo that is a split part or its inflection ("tilts" for "tiltis" = "tilt is") is no rival
    near = [n for n in nearest_words_in(w, words) if not any(n[0] == p or morph_variant(n[0], p) for p in parts)]
    if not near:
        return None
    typo, dist = near[0]
    return max(zipf(typo), SPLIT_PART_MIN_ZIPF) - 9 - TYPO_EDIT_COST * (dist - 1)


def split_word(word: str, vocab: Vocabulary | None = None) -> Split | None:
    """Best split of a lower-case token into words, when the split is the more probable reading.

    >>> split_word("legstogether")[:2], split_word("ifyou")[:2], split_word("tiltis").parts
    ((('legs', 'together'), 0.917), (('if', 'you'), 0.884), ('tilt', 'is'))
    >>> [split_word(w) for w in ("cannot", "workout", "tadasana", "vinyasa", "forard")]
    [None, None, None, None, None]
    """
    return _split(word.lower().replace("’", "'"), vocab.words if vocab else frozenset())


@lru_cache(maxsize=1 << 16)
def _split(w: str, words: frozenset[str]) -> Split | None:
    """``split_word`` of a lower-case word with plain apostrophes, kept: texts repeat their words."""
    letters = w.replace("'", "")
    if len(letters) < 4 or w in words or is_sanskrit_pose(w) or w.count("'") > 1 or in_dictionary(w):
        return None
    options = _split_options(w, words)
    if not options:
        return None
    logp, weakest, parts = options[0]
    if "'" in w:
        # the web counts drop apostrophes ("you're" counts as "youre"): ask wordfreq alone
        joined = zipf(w) - 9 if zipf(w) > 0 else None
        pair = sum(zipf(p) - 9 for p in parts)
    else:
        joined = word_logp(w)
        pair = pair_logp(*parts) if len(parts) == 2 else None
    if joined is not None:
        # the web knows the joined form: the bigram of the parts must be far more probable
        if pair is None or pair - joined < SPLIT_MARGIN:
            return None
        score = min(0.95, 0.8 + 0.05 * (pair - joined - SPLIT_MARGIN))
        reason = f"run-together words: {' + '.join(parts)} (log10 P {pair:.1f} as two words, {joined:.1f} as one)"
        return Split(parts, round(score, 3), reason)
    typo_logp = _typo_logp(w, words, parts)
    if typo_logp is not None and logp < typo_logp + 0.5:
        return None  # a typo explains the token as well or better
    score = min(0.95, 0.75 + 0.1 * (weakest - SPLIT_PART_MIN_ZIPF))
    if len(options) > 1 and logp - options[1][0] < 1.0:
        score = min(score, 0.55)  # another split nearly as likely: suggest only
    reason = f"run-together words: {' + '.join(parts)} (unknown as one word, log10 P {logp:.1f} as {len(parts)})"
    return Split(parts, round(score, 3), reason)


def split_run_together(text: str, vocab: Vocabulary | None = None) -> list[Edit]:
    """Split run-together words against web unigram and bigram frequencies.

    >>> text = "Keep your legstogether ifyou can. Savasana, Jo. See example.com/warmupstretches"
    >>> [(e.before, e.after) for e in split_run_together(text)]
    [('legstogether', 'legs together'), ('ifyou', 'if you')]
    """
    words = vocab.words if vocab else frozenset()
    tokens = word_tokens(text)
    splits = {w: found for w in set(tokens.texts) if (found := _split(w.lower().replace("’", "'"), words))}
    if not splits:
        return []
    edits: list[Edit] = []
    protected = protected_spans(text)
    for k, word in enumerate(tokens.texts):
        found = splits.get(word)
        if found is None:
            continue
        tok = tokens[k]
        if not tok.text.replace("'", "").replace("’", "").isalpha() or tok.text[1:] != tok.text[1:].lower():
            continue
        if tok.text[0].isupper() and not sentence_initial(text, tok.start):
            continue
        if protected.covers(tok.start, tok.end):
            continue
        # the token's own apostrophe (typographic or not) is kept
        after = " ".join(found.parts)
        if "’" in tok.text:
            after = after.replace("'", "’")
        edits.append(
            make_edit(
                text, tok.start, tok.end, match_case(tok.text, after), "split.run_together", found.score, found.reason
            )
        )
    return edits
