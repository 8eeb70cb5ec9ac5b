"""Build the shipped exercise lexicon, ``pipeline/data/exercises.jsonl``.

Two sources:

* ``lexicon/curated/*.yaml``: entries the team writes (rehabilitation, physiotherapy, yoga, Pilates,
  and the plain names of common gym lifts). They win over generated entries.
* the public-domain free-exercise-db (``../shared/vocab/free-exercise-db/exercises.json``): one
  entry per record, built from its facts (category, equipment, primary muscles, force, mechanic,
  level) by the rules in ``lexicon/free-exercise-db.yaml``; never from its instruction sentences.

Catalogue titles become the names people write ("Barbell Bench Press - Medium Grip" → "Barbell
bench press"); a name that differs from a known one only by equipment, grip or modifier words
points to it with ``variant_of``, and a base shared by several records that no entry names yet is
created. A record whose name or alias a curated entry already has is skipped; every skipped
record and dropped alias is printed with the reason. Output: sorted by id, one JSON object a line.

Usage: python scripts/build_lexicon.py [--db PATH] [--out PATH] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml
from pydantic import ValidationError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the package is the repository's

from pipeline.errors import DataError, data_error  # noqa: E402
from pipeline.models import LexiconEntry, LexiconRules  # noqa: E402
from pipeline.names import name_key, singular  # noqa: E402
from pipeline.resources import check_lexicon  # noqa: E402

CURATED_DIR = ROOT / "lexicon" / "curated"
RULES_FILE = ROOT / "lexicon" / "free-exercise-db.yaml"
DB_FILE = ROOT.parent / "shared" / "vocab" / "free-exercise-db" / "exercises.json"
OUT_FILE = ROOT / "pipeline" / "data" / "exercises.jsonl"
DB_SOURCE = "free-exercise-db"

Log = Callable[[str], None]


# --------------------------------------------------------------------------- reading


class _LineLoader(yaml.SafeLoader):
    """Safe YAML loader that records each mapping's line as ``__line__``."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def load_rules(path: Path = RULES_FILE) -> LexiconRules:
    """The generation rules, validated."""
    try:
        return LexiconRules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as err:
        first = err.errors()[0]
        what = f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
        raise data_error(_rel(path), None, what, "Correct the rules, then run make lexicon") from None


def load_curated(folder: Path = CURATED_DIR) -> list[LexiconEntry]:
    """Every curated entry, validated; ``equipment`` and ``variant_of`` may be left out."""
    entries = []
    for path in sorted(folder.glob("*.yaml")):
        items = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or []
        for item in items:
            line = item.pop("__line__")
            item.setdefault("equipment", [])
            item.setdefault("variant_of", None)
            item.setdefault("source", "curated")
            try:
                entries.append(LexiconEntry.model_validate(item))
            except ValidationError as err:
                first = err.errors()[0]
                field = ".".join(map(str, first["loc"]))
                what = f"{item.get('id')}: {field + ': ' if field else ''}{first['msg']}"
                raise data_error(_rel(path), line, what, "Correct the entry, then run make lexicon") from None
    return entries


# --------------------------------------------------------------------------- names


def _words(text: str) -> str:
    """Lower-case words with hyphens as spaces, padded, for phrase tests: ' one arm row '."""
    return " " + " ".join(re.sub(r"[^a-z0-9']+", " ", text.lower()).split()) + " "


def has_any(name: str, phrases: Iterable[str]) -> bool:
    """True when one of the phrases occurs in the name as whole words (hyphens as spaces)."""
    padded = _words(name)
    return any(_words(p) in padded for p in phrases)


def strip_words(name: str, phrases: Iterable[str]) -> str:
    """The name without the given words or phrases (longest first), hyphens as spaces."""
    padded = _words(name)
    for phrase in sorted(phrases, key=len, reverse=True):
        target = _words(phrase)
        while target in padded:
            padded = padded.replace(target, " ")
    return " ".join(padded.split())


_PREPOSITIONS = frozenset(
    "with without from off on onto to over against behind between in at above below into for and".split()
)
"""Words after which a title's words no longer belong to its head noun ('push-ups with feet elevated')."""


def peel(name: str, phrases: Iterable[str]) -> list[str]:
    """The name with its modifier phrases removed one more at a time, left to right.

    'alternate incline hammer curl' → ['incline hammer curl', 'hammer curl'] when 'alternate' and
    'incline' are modifiers: the nearest base is tried first.
    """
    padded = _words(name)
    spans: list[tuple[int, int]] = []
    for phrase in sorted(phrases, key=len, reverse=True):
        inner = _words(phrase).strip()
        start = padded.find(f" {inner} ") + 1
        end = start + len(inner)
        if start > 0 and not any(start < e and s < end for s, e in spans):
            spans.append((start, end))
    out = []
    for start, end in sorted(spans):
        padded = padded[:start] + " " * (end - start) + padded[end:]
        out.append(" ".join(padded.split()))
    return out


def clean_title(title: str, rules: LexiconRules, log: Log = print) -> tuple[str, list[str]]:
    """A catalogue title as people write it, lower-case, and aliases it names ('(or hurdle hops)').

    'Barbell Bench Press - Medium Grip' → 'barbell bench press'; 'Pushups' → 'push-up'.
    """
    text = " ".join(title.lower().split())
    template, extra = "{}", []
    tail = re.search(r"\s*(?:-\s+|\s-|\()\s*([^()]*?)\)?\s*$", text)
    if tail and tail.group(1) in rules.suffixes:
        template = rules.suffixes[tail.group(1)]
        text = text[: tail.start()]
    elif tail and tail.group(1).startswith("or "):
        extra.append(clean_title(tail.group(1)[3:], rules, log)[0])
        text = text[: tail.start()]
    elif tail:
        log(f"title  {title!r}: tail {tail.group(1)!r} kept; add it to suffixes or rename the record")
    for pattern, replacement in rules.rewrites:
        text = re.sub(pattern, replacement, text)
    words = text.split()
    head = next((i for i, w in enumerate(words) if w in _PREPOSITIONS and i > 0), len(words)) - 1
    if head >= 0:
        words[head] = _singular_head(words[head], rules)
    return " ".join(template.format(" ".join(words)).split()), extra


def _singular_head(word: str, rules: LexiconRules) -> str:
    head, dash, last = word.rpartition("-")
    last = rules.singulars.get(last) or singular(last)
    return f"{head}{dash}{last}"


def display_name(name: str, rules: LexiconRules) -> str:
    """Sentence case, with proper words ('Arnold', 'EZ-bar') kept as written in the rules."""
    proper = {w.lower(): w for w in rules.proper_words}
    words = [proper.get(w, w) for w in name.split()]
    if words and words[0] == words[0].lower():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def slug(name: str) -> str:
    """Kebab-case id of a name: 'Farmer's walk' → 'farmers-walk'."""
    return "-".join(re.sub(r"[^a-z0-9]+", " ", name.lower().replace("'", "")).split())


def is_single_word(alias: str) -> bool:
    return len(alias.replace("-", " ").split()) == 1


def single_word_allowed(alias: str, rules: LexiconRules) -> bool:
    return alias in rules.single_words or alias.endswith("asana")


# --------------------------------------------------------------------------- facts


def first_rule(name: str, table, default):
    for rule in table:
        if has_any(name, rule.words):
            return rule.value
    return default


def derive(record: dict, name: str, rules: LexiconRules) -> dict:
    """Lexicon facts of one database record, from its fields and its cleaned name."""
    muscles = list(dict.fromkeys(record["primaryMuscles"]))
    equipment = list(rules.equipment.get(record.get("equipment") or "none", []))
    for word, implied in rules.equipment_words.items():
        if has_any(name, [word]):
            equipment.extend(implied)
    region: list[str] = []
    for muscle in muscles:
        region.extend(rules.muscle_regions[muscle])
        if record.get("mechanic") == "compound":
            region.extend(rules.compound_regions.get(muscle, []))
    region.extend(rules.category_regions.get(record["category"], []))
    category = rules.categories[record["category"]]
    laterality = first_rule(name, rules.laterality, None)
    if laterality is None:
        limb = set(muscles) <= set(rules.unilateral_stretch_muscles)
        laterality = "unilateral" if category == "stretch" and muscles and limb else "bilateral"
    return {
        "category": category,
        "position": first_rule(name, rules.positions, None),
        "laterality": laterality,
        "region": list(dict.fromkeys(region)),
        "equipment": list(dict.fromkeys(equipment)),
        "muscles": muscles,
    }


_CATEGORY_PHRASES = {
    "strength": "Strength exercise",
    "stretch": "Stretch",
    "mobility": "Mobility exercise",
    "stability": "Stability exercise",
    "balance": "Balance exercise",
    "relaxation": "Relaxation exercise",
    "conditioning": "Conditioning exercise",
    "plyometric": "Plyometric drill",
    "power": "Olympic-style power lift",
}
_FORCE = {"push": "pushing", "pull": "pulling", "static": "static"}


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe(facts: dict, record: dict | None = None) -> str:
    """One line composed from the facts: category, equipment, mechanic, force, muscles, level."""
    text = _CATEGORY_PHRASES[facts["category"]]
    equipment = facts["equipment"]
    text += f" with {_listing(equipment)}" if equipment else " with body weight or no equipment"
    record = record or {}
    kind = " ".join(x for x in (record.get("mechanic"), _FORCE.get(record.get("force") or "")) if x)
    verb = "stretching" if facts["category"] == "stretch" else "working"
    muscles = facts["muscles"]
    text += f": a {kind} movement" if kind else ""
    if muscles:
        text += f"{',' if kind else ','} {verb} the {_listing(muscles)}"
    secondary = [m for m in record.get("secondaryMuscles", []) if m not in muscles]
    if secondary:
        text += f"; also the {_listing(secondary)}"
    if record.get("level"):
        text += f" ({record['level']} level)"
    return text + "."


# --------------------------------------------------------------------------- building


class Aliases:
    """Which entry owns each alias key; the first owner keeps it."""

    def __init__(self) -> None:
        self.owner: dict[str, str] = {}

    def owner_of(self, alias: str) -> str | None:
        return self.owner.get(name_key(alias))

    def claim(self, entry_id: str, aliases: Iterable[str]) -> None:
        for alias in aliases:
            self.owner.setdefault(name_key(alias), entry_id)


def generate(
    records: list[dict], rules: LexiconRules, curated: list[LexiconEntry], log: Log
) -> list[LexiconEntry]:
    """Entries generated from database records, curated names and aliases taken first."""
    owners = Aliases()
    ids = {e.id for e in curated}
    for entry in curated:
        owners.claim(entry.id, [entry.name, *entry.aliases])
    out: list[LexiconEntry] = []
    for record in sorted(records, key=lambda r: r["id"]):
        rid = record["id"]
        if rid in rules.skip:
            log(f"skip   {rid}: {rules.skip[rid]}")
            continue
        name, extra = (rules.rename[rid], []) if rid in rules.rename else clean_title(record["name"], rules, log)
        if record["category"] == "stretching" and not has_any(name, rules.stretch_words):
            name += " stretch"
        owner = owners.owner_of(name)
        if owner is not None:
            log(f"skip   {rid}: its name {name!r} is {owner}'s")
            continue
        if is_single_word(name) and not single_word_allowed(name, rules):
            log(f"skip   {rid}: single-word name {name!r} would match anywhere in prose; rename it in the rules")
            continue
        entry_id = slug(name)
        if entry_id in ids:
            log(f"skip   {rid}: id {entry_id} is taken")
            continue
        aliases = []
        for alias in [name, *extra, *rules.aliases.get(rid, [])]:
            alias = " ".join(alias.lower().split())
            taken = owners.owner_of(alias)
            if taken is not None and taken != entry_id:
                log(f"alias  {rid}: {alias!r} dropped, it is {taken}'s")
            elif is_single_word(alias) and not single_word_allowed(alias, rules):
                log(f"alias  {rid}: {alias!r} dropped, a single common word")
            elif alias not in aliases:
                aliases.append(alias)
        facts = derive(record, name, rules)
        override = rules.overrides.get(rid)
        if override is not None:
            facts.update({k: getattr(override, k) for k in override.model_fields_set if k != "variant_of"})
        entry = LexiconEntry(
            id=entry_id,
            name=display_name(name, rules),
            aliases=aliases,
            description=describe(facts, record),
            variant_of=override.variant_of if override and "variant_of" in override.model_fields_set else None,
            source=DB_SOURCE,
            **facts,
        )
        owners.claim(entry_id, aliases)
        ids.add(entry_id)
        out.append(entry)
    return out


def link_variants(
    curated: list[LexiconEntry], generated: list[LexiconEntry], rules: LexiconRules, log: Log
) -> list[LexiconEntry]:
    """Point generated entries to their base exercise, creating bases several records share.

    Returns the generated entries (with ``variant_of``) followed by the created bases.
    """
    index: dict[str, str] = {}
    for entry in [*curated, *generated]:
        for alias in [entry.name, *entry.aliases]:
            index.setdefault(name_key(alias), entry.id)
    by_id = {e.id: e for e in generated}
    explicit = {e.id for e in generated if e.variant_of is not None}

    def lookup(name: str, self_id: str) -> str | None:
        target = rules.bases.get(name) or index.get(name_key(name)) if name else None
        return target if target != self_id else None

    def base_of(name: str, self_id: str) -> tuple[str | None, str]:
        plain = strip_words(name, rules.variant_words)
        for candidate in [plain, *peel(plain, rules.modifier_words), *peel(name, rules.modifier_words)]:
            if candidate and name_key(candidate) != name_key(name):
                target = lookup(candidate, self_id)
                if target is not None:
                    return target, plain
        return None, plain

    shared: dict[str, list[str]] = defaultdict(list)
    for entry in generated:
        if entry.id in explicit:
            continue
        target, plain = base_of(entry.name.lower(), entry.id)
        if target is not None:
            by_id[entry.id] = entry.model_copy(update={"variant_of": target})
        elif plain and name_key(plain) != name_key(entry.name):
            shared[plain].append(entry.id)

    bases: list[LexiconEntry] = []
    for plain, members in sorted(shared.items()):
        if len(members) < 2:
            continue
        if is_single_word(plain) and not single_word_allowed(plain, rules):
            log(f"base   {plain!r}: not created, a single common word ({', '.join(members)})")
            continue
        base = _shared_base(plain, [by_id[m] for m in members], rules)
        target, _ = base_of(plain, base.id)
        base = base.model_copy(update={"variant_of": target})
        log(f"base   {base.id}: created for {', '.join(members)}")
        bases.append(base)
        for member in members:
            by_id[member] = by_id[member].model_copy(update={"variant_of": base.id})
    return [by_id[e.id] for e in generated] + bases


def _shared_base(plain: str, members: list[LexiconEntry], rules: LexiconRules) -> LexiconEntry:
    """A base entry from what its variants share; position and laterality from its own name."""

    def common(field: str) -> list[str]:
        lists = [getattr(m, field) for m in members]
        return [v for v in lists[0] if all(v in other for other in lists[1:])]

    muscles = common("muscles") or [Counter(m.muscles[0] for m in members if m.muscles).most_common(1)[0][0]]
    category = Counter(m.category for m in members).most_common(1)[0][0]
    region = common("region") or list(dict.fromkeys(r for m in members for r in m.region))
    facts = {
        "category": category,
        "position": first_rule(plain, rules.positions, None),
        "laterality": first_rule(plain, rules.laterality, None) or "bilateral",
        "region": region,
        "equipment": common("equipment"),
        "muscles": muscles,
    }
    return LexiconEntry(
        id=slug(plain),
        name=display_name(plain, rules),
        aliases=[plain],
        description=describe(facts),
        variant_of=None,
        source=DB_SOURCE,
        **facts,
    )


def check(entries: list[LexiconEntry], rules: LexiconRules) -> None:
    """The package's own checks (``resources.check_lexicon``), and no common single word as a name."""
    check_lexicon(entries, resource="lexicon")
    for entry in entries:
        for alias in sorted({entry.name.lower(), *entry.aliases}):
            if is_single_word(alias) and not single_word_allowed(alias, rules):
                raise DataError(
                    f"{entry.id}: single-word alias {alias!r} would match anywhere in prose",
                    where="lexicon",
                    fix="Qualify it, or list it under single_words in lexicon/free-exercise-db.yaml",
                )


def build(db_file: Path = DB_FILE, log: Log = print) -> list[LexiconEntry]:
    """The whole lexicon, sorted by id."""
    rules = load_rules()
    curated = load_curated()
    records = json.loads(db_file.read_text(encoding="utf-8"))
    generated = link_variants(curated, generate(records, rules, curated, log), rules, log)
    entries = sorted([*curated, *generated], key=lambda e: e.id)
    check(entries, rules)
    counts = Counter(e.source for e in entries)
    log(f"wrote  {len(entries)} entries: {counts['curated']} curated, {counts[DB_SOURCE]} from {DB_SOURCE}")
    return entries


def render(entries: list[LexiconEntry]) -> str:
    """JSONL text: one entry a line, fields in model order."""
    return "".join(json.dumps(e.model_dump(mode="json"), ensure_ascii=False) + "\n" for e in entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=DB_FILE, help="free-exercise-db exercises.json")
    parser.add_argument("--out", type=Path, default=OUT_FILE, help="where to write the JSONL lexicon")
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"Error: {args.db} not found. Put the free-exercise-db beside the repository (../shared/vocab).")
        return 1
    try:
        entries = build(args.db, log=(lambda _line: None) if args.quiet else print)
    except DataError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    args.out.write_text(render(entries), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
