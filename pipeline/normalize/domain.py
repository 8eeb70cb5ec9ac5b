"""Misheard, misspelt and truncated domain terms, repaired against a closed candidate set.

Candidates are lexicon names and aliases, body parts and equipment, the document's own repeated
words and the words of the heading above; each is scored by spelling and sound.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from ..models import Document, Edit
from .chain import Chain
from .ngrams import pair_logp
from .splitting import SPLIT_PART_MIN_ZIPF, TYPO_EDIT_COST, _split_options
from .text import (
    GLUE_WORDS,
    NEXT_WORD,
    WORD,
    Spans,
    Token,
    is_name,
    make_edit,
    match_case,
    non_overlapping,
    segments,
    sentence_initial,
    word_tokens,
    wordset,
)
from .vocabulary import (
    Vocabulary,
    is_known,
    is_sanskrit_pose,
    morph_variant,
    nearest_words,
    skeleton,
    sound_similarity,
    spelling_similarity,
    word_tuple,
    zipf,
)

#: Two candidates whose scores differ by less than this are a tie: no edit.
AMBIGUITY_MARGIN = 0.08
#: A title-line word rarer than this may be a misspelt domain term ("Gluts" 1.6 for "Glutes").
TITLE_TYPO_MAX_ZIPF = 2.5

#: Words that start a verb's object: a name followed by one of these is read as a verb phrase.
OBJECT_STARTERS = wordset("""
    the a an your my his her their our its this that these those it them him me you us
    one both each some any out up down off through into across along over
""")
#: Words after which a noun phrase ends: "pelvic tilt is", "hamstring stretch for".
NOUN_FOLLOWERS = wordset("""
    is are was were will can should may might helps help works targets for with and or
    exercise exercises pose position variation on in
""")
#: Words that open a noun phrase: "the pelvic tilt".
NP_STARTERS = wordset("a the this each one")
#: Prepositions that put a noun phrase after them: "the same as the knee to chest stretch".
PREPOSITIONS = wordset("as like of for with than after before from in on into during between")
#: Conjunctions that may follow a noun phrase.
CONJUNCTIONS = wordset("but and or so then while")
#: Verbs after a subject noun phrase: "Pelvic tilt is ...".
COPULAS = wordset("is are was were helps works targets can should will")
#: Possessives that, in exercise instructions, are almost always followed by a body part.
POSSESSIVES = wordset("your my his her their our")
#: Verbs whose object is a body part: "release the glutes", "lengthen your spine".
BODY_VERBS = wordset("""
    release relax stretch squeeze engage activate tighten lengthen loosen open soften
    contract strengthen target work fire lift raise lower bend straighten rotate tuck
    curl arch round extend press
""")
#: Words before a possessive or article that make the next word a body part: verbs that move one
#: and prepositions of place ("bend your _", "toward the _").
SLOT_HEADS = wordset("""
    bend straighten lift raise lower hug pull tuck cross drop twist roll clasp tilt sink rock squeeze
    tighten relax stretch lengthen rotate curl arch extend press
    toward towards over under between behind across around against onto beside
""")
#: A heard word in a body slot must sound at least this much like the body part (metaphone), and
#: be spelt like it within this slack ("needs" 0.6 / "knees", "jest" 0.6 / "chest").
SLOT_SOUND_MIN = 0.65
SLOT_SPELLING_SLACK = 0.1
#: Exercise-instruction nouns that are never misheard body parts.
COMMON_NOUNS = wordset("""
    breath breathing tension weight pose position posture movement motion count rep reps set
    sets side time way hold grip form range pain edge mind focus body balance mat floor
    ground wall rest stretch stretches practice routine session
""")


@dataclass
class _Context:
    """What a document says about itself: its words, phrases and section headings."""

    text: str
    counts: Counter[str]
    ngrams: Counter[tuple[str, ...]]
    heading_of: Callable[[int], tuple[tuple[str, ...], ...]] = lambda _pos: ()

    def phrase_count(self, phrase: tuple[str, ...]) -> int:
        return self.ngrams[phrase]


def _context(text: str, heading_of: Callable[[int], tuple[tuple[str, ...], ...]] | None = None) -> _Context:
    tokens = word_tokens(text)
    ngrams: Counter[tuple[str, ...]] = Counter()
    for seg in segments(text, tokens):
        lows = [t.lower for t in seg]
        for n in (2, 3, 4, 5):
            ngrams.update(tuple(lows[i : i + n]) for i in range(len(lows) - n + 1))
    ctx = _Context(text, Counter(t.lower for t in tokens), ngrams)
    if heading_of is not None:
        ctx.heading_of = heading_of
    return ctx


@cache
def _phrase_index(phrases: frozenset[tuple[str, ...]]) -> tuple[dict, dict]:
    """Lexicon phrases by one-word wildcard key, and by what is left without an inner word."""
    wild: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    trunc: dict[tuple[str, ...], list[tuple[tuple[str, ...], int]]] = {}
    for p in phrases:
        for i in range(len(p)):
            wild.setdefault((*p[:i], "*", *p[i + 1 :]), []).append(p)
        for j in range(1, len(p) - 1):
            if p[j] not in GLUE_WORDS and (p[j - 1] in GLUE_WORDS or p[j + 1] in GLUE_WORDS):
                trunc.setdefault((*p[:j], *p[j + 1 :]), []).append((p, j))
    return wild, trunc


@cache
def _phrase_words(phrases: frozenset[tuple[str, ...]]) -> frozenset[str]:
    return frozenset(w for p in phrases for w in p)


@lru_cache(maxsize=256)
def _words_of(phrases: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    return frozenset(w for p in phrases for w in p)


@lru_cache(maxsize=256)
def _wild_index(
    phrases: tuple[tuple[str, ...], ...],
) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    wild: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for p in phrases:
        for i in range(len(p)):
            wild.setdefault((*p[:i], "*", *p[i + 1 :]), []).append(p)
    return wild


def _protected(text: str, tok: Token, vocab: Vocabulary) -> bool:
    w = tok.lower
    return (
        w in vocab.words or is_name(text, tok.start, tok.text) or is_sanskrit_pose(w) or any(ch.isdigit() for ch in w)
    )


def _next_word(text: str, end: int) -> str | None:
    """The word right after ``end`` when only spaces come between; None at punctuation or EOL."""
    m = NEXT_WORD.match(text, end)
    return m.group(1).lower() if m and m.group(1).isalpha() else None


def _prev_words(seg_tokens: Sequence[Token], index: int, n: int) -> list[str]:
    return [t.lower for t in seg_tokens[max(0, index - n) : index]]


def repair_domain_terms(
    text: str,
    vocab: Vocabulary,
    *,
    heading_of: Callable[[int], tuple[tuple[str, ...], ...]] | None = None,
) -> list[Edit]:
    """Repair misheard, misspelt and truncated domain terms against a closed candidate set.

    ``heading_of(offset)`` gives the word tuples of the heading the offset is under.

    >>> v = Vocabulary.from_names(["pelvic tilt", "knee to chest stretch"],
    ...                           {"body_parts": ["spine", "knee", "chest", "pelvis"]})
    >>> t = "Knee to chest stretch. Hug the knee to stretch. Let your spin curve. Pelvis tilt is ok"
    >>> [(e.before, e.after) for e in repair_domain_terms(t, v)]
    [('', ' chest'), ('spin', 'spine'), ('Pelvis', 'Pelvic')]
    """
    ctx = _context(text, heading_of)
    wild, trunc = _phrase_index(vocab.phrases)
    edits: list[Edit] = []
    tokens = word_tokens(text)
    covered: set[int] = set()
    for seg in segments(text, tokens):
        edits.extend(_phrase_edits(text, seg, vocab, ctx, wild, trunc, covered))
    titles = title_lines(text)
    for seg in segments(text, tokens):
        edits.extend(_word_edits(text, seg, vocab, ctx, covered, titles))
    return non_overlapping(edits)


_TITLE_LINE = re.compile(
    r"(?m)^[ \t#*\-•]*(?:\d{1,2}[.)]?[ \t]*)?((?:[A-Z][\w'’-]*[ \t]+){1,6}[A-Z][\w'’-]*)[ \t]*:?[ \t]*$"
)


def title_lines(text: str) -> Spans:
    """Short lines in title case ("3. Static Glutes:", "## Knee To Chest"), where capitals are not names.

    >>> t = "Static Gluts:\\nBend the knee.\\nAsk Jo Kay\\n2. Heel Slides\\nlie down"
    >>> [t[s:e] for s, e in title_lines(t).spans]
    ['Static Gluts', 'Ask Jo Kay', 'Heel Slides']
    """
    return Spans((m.start(1), m.end(1)) for m in _TITLE_LINE.finditer(text))


def _title_word_edit(text, tok, vocab) -> Edit | None:
    """A rare word in a title line one letter from a body part or equipment term: "Static Gluts"."""
    w = tok.lower
    if zipf(w) >= TITLE_TYPO_MAX_ZIPF:
        return None
    near = {
        lemma: [f for f in forms if OSA.distance(w, f) == 1 and zipf(f) > zipf(w) and not morph_variant(w, f)]
        for lemma, forms in vocab.targets.items()
        if lemma[0] == w[0]
    }
    near = {lemma: forms for lemma, forms in near.items() if forms}
    if len(near) != 1:
        return None  # no candidate, or two body parts as close
    [forms] = near.values()
    form = max(forms, key=lambda f: f.endswith("s") == w.endswith("s"))  # "Gluts": glutes, not glute
    return _replace_word(
        text,
        tok,
        form,
        "domain.title_typo",
        0.75,
        f"{tok.text!r} in a title is one letter from the domain term {form!r}",
    )


def _replace_word(text: str, tok: Token, word: str, rule: str, score: float, reason: str) -> Edit:
    """An edit replacing one token by ``word`` in the token's case."""
    return make_edit(text, tok.start, tok.end, match_case(tok.text, word), rule, score, reason)


def _noun_slot(text: str, end: int) -> bool:
    nxt = _next_word(text, end)
    return nxt is None or nxt in NOUN_FOLLOWERS


def _phrase_edits(text, seg, vocab, ctx, wild, trunc, covered) -> list[Edit]:
    """Windows that differ from a lexicon or heading phrase by one word, or miss one inner word."""
    edits: list[Edit] = []
    lows = [t.lower for t in seg]
    phrase_words = _phrase_words(vocab.phrases)
    known_spans = set()
    for n in (5, 4, 3, 2):
        for s in range(len(seg) - n + 1):
            if tuple(lows[s : s + n]) in vocab.phrases:
                known_spans.update(range(s, s + n))
    for s in range(len(seg)):
        heading_phrases = ctx.heading_of(seg[s].start)
        local_wild = _wild_index(heading_phrases)
        heading_words = _words_of(heading_phrases)
        for n in (2, 3, 4):
            if s + n > len(seg):
                break
            window = tuple(lows[s : s + n])
            if sum(w not in phrase_words and w not in heading_words for w in window) > 1:
                continue  # a candidate phrase differs from the window in one word only
            if window in vocab.phrases or window in heading_phrases:
                continue
            best = _best_phrase(text, seg, s, n, window, vocab, ctx, wild, local_wild, heading_phrases, known_spans)
            if best:
                edits.append(best)
        for n in (2, 3, 4):
            if s + n > len(seg) or any(k in known_spans for k in range(s, s + n)):
                continue
            window = tuple(lows[s : s + n])
            for phrase, j in trunc.get(window, ()):
                edit = _truncation_edit(text, seg, s, n, phrase, j, ctx, heading_phrases)
                if edit:
                    edits.append(edit)
    for e in edits:
        covered.update(range(e.start, e.end))
    return edits


def _best_phrase(text, seg, s, n, window, vocab, ctx, wild, local_wild, heading_phrases, known_spans) -> Edit | None:
    scored: list[tuple[float, tuple[str, ...], int]] = []
    for i in range(n):
        if s + i in known_spans:
            continue  # part of a lexicon name as written ("spine twist stretch")
        key = (*window[:i], "*", *window[i + 1 :])
        tok = seg[s + i]
        w = window[i]
        if len(w) < 3 or w in GLUE_WORDS or all(x in GLUE_WORDS for j, x in enumerate(window) if j != i):
            continue
        for phrase in {*wild.get(key, ()), *local_wild.get(key, ())}:
            c = phrase[i]
            if c == w or morph_variant(w, c) or (c in GLUE_WORDS):
                continue
            prev = seg[s - 1].lower if s > 0 else None
            score = _phrase_word_score(
                text,
                tok,
                w,
                c,
                phrase,
                seg[s],
                prev,
                seg[s + n - 1].end,
                vocab,
                ctx,
                heading_phrases,
            )
            if score > 0:
                scored.append((score, phrase, i))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    score, phrase, i = scored[0]
    if len(scored) > 1 and scored[1][1] != phrase and score - scored[1][0] < AMBIGUITY_MARGIN:
        return None
    tok = seg[s + i]
    return _replace_word(
        text,
        tok,
        phrase[i],
        "domain.phrase",
        score,
        f"{tok.text!r} in {' '.join(window)!r} is likely {' '.join(phrase)!r}",
    )


def _phrase_word_score(text, tok, w, c, phrase, first, prev, end, vocab, ctx, heading_phrases) -> float:
    """Confidence that word ``w`` is a mishearing of ``c`` inside ``phrase``; 0 when no case."""
    if is_name(text, tok.start, tok.text):
        return 0.0
    spell = spelling_similarity(w, c)
    sound = sound_similarity(w, c)
    if not (is_known(c) or c in vocab.words):
        return 0.0
    in_heading = phrase in heading_phrases
    in_doc = ctx.phrase_count(phrase) > 0
    known = is_known(w) or w in vocab.words
    if w in vocab.words or is_sanskrit_pose(w):
        # protected: only a near-identical form in a noun slot, with the document's own evidence
        # or a name-like position ("Pelvis tilt is ..." at the start of a sentence)
        if spell < 0.8 or w[0] != c[0] or not _noun_slot(text, end):
            return 0.0
        if in_heading or in_doc:
            return 0.8
        starts_np = sentence_initial(text, first.start) or prev in NP_STARTERS
        if starts_np and _next_word(text, end) in COPULAS:
            return 0.75
        return 0.55
    if not known:
        if spell >= 0.7:
            return 0.75 + 0.2 * spell + (0.03 if in_doc or in_heading else 0.0) - 0.1
        return 0.0
    if w in COMMON_NOUNS:
        return 0.0
    close = spell >= 0.75 and sound >= 0.75
    if close and (in_doc or in_heading):
        return 0.85
    # a heading right above names the phrase: a looser sound-alike will do ("harm stretch")
    rare_here = w[0] == c[0] and ctx.counts[w] <= 2
    partial = fuzz.partial_ratio(w, c, processor=str.lower) if rare_here else 0.0
    if in_heading and partial >= 75:
        return 0.75
    if close or (in_doc and partial >= 85):
        return 0.6  # suggestion only
    return 0.0


def _truncation_edit(text, seg, s, n, phrase, j, ctx, heading_phrases) -> Edit | None:
    end_tok = seg[s + n - 1]
    if any(is_name(text, t.start, t.text) for t in seg[s : s + n]):
        return None
    nxt = _next_word(text, end_tok.end)
    if nxt in OBJECT_STARTERS:
        return None
    in_context = ctx.phrase_count(phrase) > 0 or phrase in heading_phrases
    line_start = text.rfind("\n", 0, seg[s].start) + 1
    line_end = text.find("\n", end_tok.end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    whole_line = re.sub(r"^[\s#*\-\d.)]*|[\s:.]*$", "", line) == text[seg[s].start : end_tok.end]
    # a noun-phrase slot ("as the knee to stretch but"), not a verb ("pull the knee to stretch")
    before = WORD.findall(text[max(0, seg[s].start - 40) : seg[s].start])[-2:]
    before = [b.lower() for b in before]
    np_slot = (
        len(before) == 2
        and before[1] in NP_STARTERS
        and before[0] in PREPOSITIONS
        and (nxt is None or nxt in NOUN_FOLLOWERS or nxt in CONJUNCTIONS)
        and ctx.counts[phrase[j]] > 0
    )
    score = 0.8 if in_context or whole_line else 0.75 if np_slot else 0.55
    gap_tok = seg[s + j - 1]
    missing = phrase[j]
    return make_edit(
        text,
        gap_tok.end,
        gap_tok.end,
        f" {missing}",
        "domain.truncated",
        score,
        f"{' '.join(phrase)!r} is missing {missing!r}",
    )


def _word_edits(text, seg, vocab, ctx, covered, titles: Spans) -> list[Edit]:
    """Single misheard or misspelt words repaired to a body part, equipment or a document word.

    In a title-case line capitals are not names ("Static Gluts"), so its words are not protected.
    """
    edits: list[Edit] = []
    for k, tok in enumerate(seg):
        w = tok.lower
        if tok.start in covered or len(w) < 3 or not w.isalpha():
            continue
        if _protected(text, tok, vocab) and not (titles.covers(tok.start, tok.end) and w not in vocab.words):
            continue
        if text[tok.end : tok.end + 1] == "-" or text[tok.start - 1 : tok.start] == "-":
            continue  # part of a hyphenated compound ("nick-name")
        if w in COMMON_NOUNS or w in GLUE_WORDS:
            continue
        if not is_known(w):
            edit = _typo_edit(text, tok, vocab, ctx)
        elif titles.covers(tok.start, tok.end):
            edit = _title_word_edit(text, tok, vocab)
        else:
            edit = _misheard_edit(text, seg, k, tok, vocab, ctx)
        if edit:
            edits.append(edit)
    return edits


def _rank(w: str, cands: Mapping[str, tuple[str, str]], score: Callable[[str, str], float]):
    """Best form per candidate lemma, best lemma first."""
    ranked = []
    for forms in cands.values():
        form = max(forms, key=lambda f: (score(w, f), f.endswith("s") == w.endswith("s")))
        ranked.append((score(w, form), form))
    ranked.sort(key=lambda x: -x[0])
    return ranked


def _typo_edit(text, tok, vocab, ctx) -> Edit | None:
    """A non-word one edit (two if long) from a domain or common word: "hamstirng", "forard"."""
    w = tok.lower
    if len(w) < 5:
        return None
    limit = 1 if len(w) <= 7 else 2
    near = nearest_words(w, vocab)
    seen = {n[0] for n in near}
    for word, count in ctx.counts.items():  # the document's own repeated words are candidates too
        if count >= 2 and word[:1] == w[:1] and word not in seen and len(word) >= 5 and zipf(word) >= 1.0:
            dist = OSA.distance(w, word)
            if dist <= limit:
                near.append((word, dist))
    near.sort(key=lambda f: (f[1], -zipf(f[0]), f[0]))
    if not near:
        return None
    dist = near[0][1]
    best: list[str] = []
    for word, d in near:
        if d != dist:
            continue
        twin = next((b for b in best if morph_variant(b, word)), None)
        if twin is None:
            best.append(word)
        elif ctx.counts[word] == ctx.counts[twin]:
            return None  # exercise/exercises, neither preferred by the document
        elif ctx.counts[word] > ctx.counts[twin]:
            best[best.index(twin)] = word  # knee/knees: the form the document uses
    if len(best) > 1:
        # "brige": bridge (a domain word the document uses) over bride (not a domain word)
        used = [b for b in best if b in vocab.words and ctx.counts[b] > 0]
        if len(used) != 1 or any(b in vocab.words for b in best if b != used[0]):
            return None
        best = used
    form = best[0]
    split = _split_options(w, vocab.words)
    if split and split[0][0] > max(zipf(form), SPLIT_PART_MIN_ZIPF) - 9 - TYPO_EDIT_COST * (dist - 1) - 3.0:
        return None  # "sitand": "sit and" or "stand"
    domain = form in vocab.words or ctx.counts[form] > 0
    if not domain and len(w) < 6:
        return None
    score = (0.85 if domain else 0.75) - 0.15 * (dist - 1)
    what = "domain term" if domain else "common word"
    return _replace_word(text, tok, form, "domain.typo", score, f"{tok.text!r} is not a word; nearest {what} {form!r}")


def _misheard_edit(text, seg, k, tok, vocab, ctx) -> Edit | None:
    """A real word where a body part is expected: "your spin", "release the gills"."""
    w = tok.lower
    prev = _prev_words(seg, k, 2)
    if not prev or prev[-1] not in POSSESSIVES | {"the", "both"}:
        return None
    slot = _body_slot_form(w, prev, _next_word(text, tok.end), vocab, ctx)
    if slot is not None:
        reason = f"{tok.text!r} after {' '.join(prev)!r} is a body slot and sounds like {slot!r}"
        return _replace_word(text, tok, slot, "domain.misheard", 0.72, reason)
    cands = {lemma: forms for lemma, forms in vocab.targets.items() if lemma[0] == w[0]}
    if not cands:
        return None

    def combined(a: str, b: str) -> float:
        return min(spelling_similarity(a, b), sound_similarity(a, b))

    ranked = _rank(w, cands, combined)
    sim, form = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    if sim >= 0.75 and sim - second >= AMBIGUITY_MARGIN and prev[-1] in POSSESSIVES:
        score = 0.8
    elif sim >= 0.75 and sim - second >= AMBIGUITY_MARGIN and ctx.counts[form] + ctx.counts[form.rstrip("s")] >= 1:
        score = 0.72
    else:
        # ASR weak path: a body verb, the target named elsewhere in the document, consonants kept.
        # Only terms the document uses compete, so spelling variants ("gluteus") cannot tie.
        cands = {lemma: forms for lemma, forms in cands.items() if any(ctx.counts[f] for f in forms)}
        if not cands:
            return None
        ranked = _rank(w, cands, lambda a, b: Levenshtein.normalized_similarity(skeleton(a), skeleton(b)))
        sim, form = ranked[0]
        second = ranked[1][0] if len(ranked) > 1 else 0.0
        in_doc = sum(ctx.counts[f] for f in cands[_lemma_of(form, cands)])
        if not (
            sim >= 0.75
            and sim - second >= AMBIGUITY_MARGIN
            and len(prev) == 2
            and prev[0] in BODY_VERBS
            and in_doc >= 1
            and ctx.counts[w] == 1
        ):
            return None
        score = 0.72
    return _replace_word(
        text,
        tok,
        form,
        "domain.misheard",
        score,
        f"{tok.text!r} after {prev[-1]!r} sounds like the domain term {form!r}",
    )


def _body_slot_form(w: str, prev: Sequence[str], nxt: str | None, vocab: Vocabulary, ctx: _Context) -> str | None:
    """The body part a real word in a body slot sounds like: "bend your needs", "lift your hits".

    A body slot is a possessive or article right after a verb that moves a body part or a
    preposition of place ("bend your _", "toward the _"). Only body parts the document names
    elsewhere compete, ranked by sound (metaphone), and the web must know the determiner before
    the body part ("your knees"); the heard word must be rare in the document, and must be the
    head of its phrase (in "lift the top knee" the body part comes next).
    """
    if len(prev) < 2 or prev[0] not in SLOT_HEADS or ctx.counts[w] > 2 or nxt in vocab.words:
        return None
    ranked = sorted(
        (
            (min(sound_similarity(w, f), spelling_similarity(w, f) + SLOT_SPELLING_SLACK), f)
            for f in vocab.body_parts
            if ctx.counts[f] and abs(len(f) - len(w)) <= 2 and f != w
        ),
        reverse=True,
    )
    if not ranked:
        return None
    sim, form = ranked[0]
    rival = next((r for r, f in ranked[1:] if not morph_variant(f, form)), 0.0)
    if sim < SLOT_SOUND_MIN or sim - rival < AMBIGUITY_MARGIN or pair_logp(prev[-1], form) is None:
        return None
    if form.endswith("s") != w.endswith("s"):  # "needs" is "knees", not "knee"
        twin = next((f for _, f in ranked if morph_variant(f, form) and f.endswith("s") == w.endswith("s")), None)
        form = twin or form
    return form


def _lemma_of(form: str, cands: Mapping[str, tuple[str, str]]) -> str:
    for lemma, forms in cands.items():
        if form in forms:
            return lemma
    return form


_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.+)$", re.M)
_SHORT_LINE = re.compile(r"^[ \t]*(?:\d{1,2}[.)][ \t]*)?([A-Z][^\n.!?;,:]{2,60})[ \t]*:?[ \t]*$", re.M)


def _heading_spans(doc: Document) -> list[tuple[int, int]]:
    """Heading spans in ``doc.text``: ``Document.sections``, else markdown or short title lines."""
    spans = [(s.start, s.end) for s in doc.sections if s.kind == "heading"]
    if spans or doc.sections:
        return spans
    found = {(m.start(1), m.end(1)) for m in _MD_HEADING.finditer(doc.text)}
    for m in _SHORT_LINE.finditer(doc.text):
        if len(m.group(1).split()) <= 6:
            found.add((m.start(1), m.end(1)))
    return sorted(found)


def _heading_phrases(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    out = []
    for n in (2, 3, 4):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if gram[0] not in GLUE_WORDS and gram[-1] not in GLUE_WORDS:
                out.append(gram)
    return tuple(out)


def heading_lookup(doc: Document, chain: Chain) -> Callable[[int], tuple[tuple[str, ...], ...]]:
    """Map an offset of the chain's current text to the phrases of the heading above it.

    The heading above is the last one that ends before the offset, so a heading never supports
    its own words ("To perform the harm stretch:" under "Hamstring stretch"). Headings are found
    in ``doc.text`` and read from the current text, so a repaired heading offers repaired words.
    """
    spans = [(chain.forward(s, is_end=False), chain.forward(e, is_end=True)) for s, e in _heading_spans(doc)]
    ends = [e for _, e in spans]
    phrases = [_heading_phrases(word_tuple(chain.text[s:e])) for s, e in spans]

    def heading_of(pos: int) -> tuple[tuple[str, ...], ...]:
        idx = bisect_right(ends, pos) - 1
        return phrases[idx] if idx >= 0 else ()

    return heading_of
