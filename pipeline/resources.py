"""Package data: lexicon, patterns and confusion rules, loaded once and validated on load."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .errors import data_error
from .models import ConfusionRule, LexiconEntry, PatternEntry

M = TypeVar("M", bound=BaseModel)


def read_text(package: str, name: str) -> str:
    """Text of a data file inside ``pipeline.<package>``."""
    return files(f"pipeline.{package}").joinpath(name).read_text(encoding="utf-8")


def read_jsonl(package: str, name: str, model: type[M]) -> list[M]:
    """Validate every line of a JSONL data file; an error names the file and line."""
    resource = f"pipeline/{package}/{name}"
    records: list[M] = []
    for lineno, line in enumerate(read_text(package, name).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            records.append(model.model_validate_json(line))
        except ValidationError as err:
            first = err.errors()[0]
            loc = ".".join(str(x) for x in first["loc"])
            raise data_error(resource, lineno, f"{loc}: {first['msg']}") from None
    return records


LEXICON = "pipeline/data/exercises.jsonl"


@cache
def exercises() -> tuple[LexiconEntry, ...]:
    """The exercise lexicon, checked by ``check_lexicon``."""
    entries = read_jsonl("data", "exercises.jsonl", LexiconEntry)
    check_lexicon(entries)
    return tuple(entries)


def check_lexicon(entries: Sequence[LexiconEntry], resource: str = LEXICON) -> None:
    """Ids unique, every ``variant_of`` chain ends at a base, and every spelling the span ruler
    matches (each alias with its hyphen, plural and '&' variants) names one entry only."""
    from .nlp import alias_variants  # nlp builds on this module

    ids = {e.id: e for e in entries}
    if len(ids) != len(entries):
        raise data_error(resource, None, "duplicate exercise id")
    owner: dict[str, str] = {}
    for entry in entries:
        seen, parent = {entry.id}, entry.variant_of
        while parent is not None:
            if parent not in ids or parent in seen:
                raise data_error(resource, None, f"{entry.id}: variant_of {parent!r} is unknown or circular")
            seen.add(parent)
            parent = ids[parent].variant_of
        for alias in sorted({entry.name.lower(), *entry.aliases}):
            for variant in alias_variants(alias):
                other = owner.setdefault(variant, entry.id)
                if other != entry.id:
                    raise data_error(
                        resource,
                        None,
                        f"alias {variant!r} is used by both {other} and {entry.id}",
                        "Give each alias to one exercise only (lexicon/), then run make lexicon",
                    )


@cache
def exercise_index() -> dict[str, LexiconEntry]:
    """Lexicon entries by id."""
    return {e.id: e for e in exercises()}


@cache
def patterns(name: str) -> tuple[PatternEntry, ...]:
    """spaCy patterns from ``pipeline/patterns/<name>.jsonl``, ids unique."""
    entries = read_jsonl("patterns", f"{name}.jsonl", PatternEntry)
    return tuple(entries)


@cache
def confusions() -> tuple[ConfusionRule, ...]:
    """Real-word confusion rules from ``pipeline/data/confusions.jsonl``."""
    rules = read_jsonl("data", "confusions.jsonl", ConfusionRule)
    for rule in rules:
        if not 0 <= rule.target < len(rule.pattern):
            raise data_error("pipeline/data/confusions.jsonl", None, f"{rule.id}: target out of range")
    return tuple(rules)


@cache
def domain_terms() -> dict[str, frozenset[str]]:
    """Closed sets of domain words by kind (body_parts, equipment, positions, movement_words)."""
    raw = json.loads(read_text("data", "domain_terms.json"))
    return {k: frozenset(w.lower() for w in v) for k, v in raw.items()}


@cache
def variants() -> dict[str, tuple[LexiconEntry, ...]]:
    """Lexicon entries by the id of the base they are a variant of."""
    out: dict[str, list[LexiconEntry]] = {}
    for entry in exercises():
        if entry.variant_of is not None:
            out.setdefault(entry.variant_of, []).append(entry)
    return {k: tuple(v) for k, v in out.items()}
