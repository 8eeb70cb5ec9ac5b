"""Source families: near-duplicate documents (two transcripts of one video, an edited copy).

Documents whose texts share at least ``FAMILY_CONTAINMENT`` of the word ``SHINGLE_SIZE``-grams of
the shorter one, and at least ``FAMILY_MIN_SHARED`` of them, form a family; its id is the smallest
member doc_id, and a family votes once in the merge.

Each document's shingles are hashed once (``shingle_hashes``, kept in its cached record), and pairs
are not all compared. Documents with the same shingles are one family outright. The others become
candidates only through a *distinctive* shingle: one found in at most ``DISTINCTIVE_DF`` distinct
documents. A copy or a second transcript of one video shares dozens of those; two articles on one
topic share only common phrasing ("for 30 seconds", "on your back"), which is not evidence of
copying. Each candidate pair is then counted exactly. The work is sorting the hashes once plus the
candidates, never the square of the corpus.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence

import numpy as np

SHINGLE_SIZE = 3
"""Words per shingle for near-duplicate detection."""
FAMILY_CONTAINMENT = 0.30
"""Share of the shorter text's shingles found in the other text that makes two documents one family.
An edited transcript of the same video scores ~0.5; different articles on the same topic ~0.1."""
FAMILY_MIN_SHARED = 8
"""Fewest shared shingles for a family link, so two tiny texts never join by accident."""
DISTINCTIVE_DF = 16
"""A shingle found in more distinct documents than this is common phrasing and proposes no pair."""

_CONTRACTIONS = [
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"\b(it|that|what|there|here|he|she|who)'s\b"), r"\1 is"),
    (re.compile(r"\blet's\b"), "let us"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'s\b"), ""),
    (re.compile(r"\bgonna\b"), "going to"),
    (re.compile(r"\bwanna\b"), "want to"),
]
_WORD = re.compile(r"[a-z0-9]+")


def text_words(text: str) -> list[str]:
    """Words of a text for comparison: lower-case, contractions expanded, punctuation dropped.

    >>> text_words("You're going to hold it.\\nLet's go")
    ['you', 'are', 'going', 'to', 'hold', 'it', 'let', 'us', 'go']
    """
    text = text.lower().replace("’", "'").replace("‘", "'")
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    return _WORD.findall(text)


def shingle_hashes(text: str, size: int = SHINGLE_SIZE) -> np.ndarray:
    """The sorted distinct 32-bit hashes of a text's word ``size``-grams (line breaks and
    punctuation do not matter), as a ``uint32`` array.

    >>> list(shingle_hashes("Hold it. Hold it!")) == list(shingle_hashes("hold it hold it"))
    True
    >>> len(shingle_hashes("one two three four"))
    2
    """
    words = text_words(text)
    grams = {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
    return np.array(sorted(zlib.crc32(g.encode()) for g in grams), dtype=np.uint32)


def pack(hashes: np.ndarray) -> bytes:
    """``shingle_hashes`` as bytes for a record (little-endian uint32)."""
    return hashes.astype("<u4").tobytes()


def unpack(data: bytes) -> np.ndarray:
    """The hashes ``pack`` stored."""
    return np.frombuffer(data, dtype="<u4")


class _UnionFind:
    def __init__(self, ids: Sequence[str]) -> None:
        self.parent = {x: x for x in ids}

    def root(self, x: str) -> str:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def families(sources: Iterable[tuple[str, np.ndarray]]) -> dict[str, str]:
    """Family id of every document, from (doc_id, ``shingle_hashes``) pairs: near-duplicates share
    the smallest member doc_id."""
    by_set: dict[bytes, list[str]] = {}
    hashes: dict[bytes, np.ndarray] = {}
    ids = []
    for doc_id, h in sources:
        ids.append(doc_id)
        key = pack(h)
        by_set.setdefault(key, []).append(doc_id)
        hashes.setdefault(key, np.asarray(h))
    uf = _UnionFind(sorted(ids))
    reps: list[str] = []
    rep_hashes: list[np.ndarray] = []
    for key, members in by_set.items():
        members.sort()
        if len(hashes[key]) >= FAMILY_MIN_SHARED:
            for m in members[1:]:
                uf.union(members[0], m)  # the same shingles: a copy
            reps.append(members[0])
            rep_hashes.append(hashes[key])
    for a, b in _candidates(rep_hashes):
        ra, rb = reps[a], reps[b]
        if uf.root(ra) != uf.root(rb) and related(rep_hashes[a], rep_hashes[b]):
            uf.union(ra, rb)
    return {doc_id: uf.root(doc_id) for doc_id in ids}


def _candidates(sets: Sequence[np.ndarray]) -> list[tuple[int, int]]:
    """Index pairs (i < j) of sets sharing a distinctive hash, each once, sorted."""
    if len(sets) < 2:
        return []
    values = np.concatenate(sets)
    owners = np.repeat(np.arange(len(sets), dtype=np.int64), [len(s) for s in sets])
    order = np.argsort(values, kind="stable")
    values, owners = values[order], owners[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    counts = np.diff(np.r_[starts, len(values)])
    distinctive = (counts >= 2) & (counts <= DISTINCTIVE_DF)
    pairs: set[tuple[int, int]] = set()
    for start, count in zip(starts[distinctive].tolist(), counts[distinctive].tolist(), strict=True):
        group = owners[start : start + count].tolist()  # ascending: the sort was stable
        pairs.update((a, b) for i, a in enumerate(group) for b in group[i + 1 :])
    return sorted(pairs)


def related(a: np.ndarray, b: np.ndarray) -> bool:
    """The family rule, counted exactly on two sorted hash arrays."""
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared >= FAMILY_MIN_SHARED and shared / min(len(a), len(b)) >= FAMILY_CONTAINMENT


def all_pairs(sources: Iterable[tuple[str, np.ndarray]]) -> dict[str, str]:
    """The family rule over every pair (quadratic; for tests and small sets)."""
    members = sorted((doc_id, np.asarray(h)) for doc_id, h in sources)
    uf = _UnionFind([m[0] for m in members])
    for i, (a, ha) in enumerate(members):
        for b, hb in members[i + 1 :]:
            if len(ha) and len(hb) and related(ha, hb):
                uf.union(a, b)
    return {doc_id: uf.root(doc_id) for doc_id, _ in members}
