"""Record a curator's decision in ``reports/resolutions.yaml`` from the command line.

``python -m pipeline decide CONFLICT_ID --value 20-30 --note "..."`` (or ``--accept-suggestion``)
writes the conflict's entry, or updates it when the conflict is decided already, with the
conflict's current fingerprint from ``reports/conflicts.json``. The file is edited with
ruamel.yaml's round-trip mode, so every other entry, the comments and the layout stay as the
curators wrote them. Nothing is written unless the new file reads back, through the same reader
the pipeline uses (``merge.parse_resolutions``), as exactly the old decisions with this one
added or replaced.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from . import merge, paths, publish
from .errors import ResolutionError
from .models import CONFLICT_ID, Conflict, ConflictReport, FieldName, Frequency, Range, Resolution

Value = Range | bool | Frequency

HEADER = (
    "Curators' decisions on conflicts, one entry per conflict. Written by `python -m pipeline decide`\n"
    "(see README: Reviewing); entries and comments written by hand are kept."
)
"""The comment a new resolutions file starts with."""

_RANGE = re.compile(r"(\d+)(?:\s*-\s*(\d+))?")
_FREQUENCY = re.compile(r"(\d+)(?:\s*-\s*(\d+))?\s*x\s*/\s*(day|week|month)")
_YES = {"yes", "true"}
_NO = {"no", "false"}
_NONE = {"none", "null"}
_FORMS: dict[str, str] = {
    "hold_seconds": "a number of seconds or a range (30, 20-30)",
    "reps": "a number or a range (10, 8-12)",
    "sets": "a number or a range (3, 2-3)",
    "per_side": "yes or no",
    "frequency": "times per day, week or month (2x/day, 1-2x/week)",
}


@dataclass(frozen=True)
class Decided:
    """What ``decide`` wrote."""

    resolution: Resolution
    conflict: Conflict
    replaced: bool
    """True when an entry for the conflict was already in the file (and was updated)."""
    where: str
    """'file:line' of the entry."""


def parse_value(field: FieldName, text: str) -> Value | None:
    """A value for ``field`` as ``decide --value`` takes it: the form the reports show.

    >>> parse_value("hold_seconds", "20-30"), parse_value("per_side", "no"), parse_value("sets", "none")
    (Range(min=20, max=30), False, None)
    >>> parse_value("frequency", "2x/day")
    Frequency(times=Range(min=2, max=2), period='day')

    Raises:
        ResolutionError: the text is not a value of that field, saying which forms are.
    """
    given = " ".join(text.split()).lower()
    if given in _NONE:
        return None
    if field == "per_side" and given in _YES | _NO:
        return given in _YES
    if field == "frequency" and (m := _FREQUENCY.fullmatch(given)):
        times = _range(m.group(1), m.group(2), text, field)
        return Frequency(times=times, period=m.group(3))  # type: ignore[arg-type]
    if field in ("hold_seconds", "reps", "sets") and (m := _RANGE.fullmatch(given)):
        return _range(m.group(1), m.group(2), text, field)
    raise ResolutionError(
        f"--value {text!r} is not a value for {field}",
        fix=f"Give {_FORMS[field]}, or none for no value",
    )


def value_arg(value: Value | None) -> str:
    """A value as ``decide --value`` takes it (``format_value``'s form; 'none' for no value).

    >>> value_arg(Range(min=20, max=30)), value_arg(False), value_arg(None)
    ('20-30', 'no', 'none')
    """
    return "none" if value is None else merge.format_value(value)


def _range(low: str, high: str | None, text: str, field: FieldName) -> Range:
    try:
        return Range(min=int(low), max=int(high if high is not None else low))
    except ValidationError:
        raise ResolutionError(
            f"--value {text!r} is not a value for {field}: the first number is larger than the second",
            fix=f"Give {_FORMS[field]}, smaller number first",
        ) from None


def find_conflict(report: ConflictReport, conflict_id: str) -> Conflict:
    """The conflict with this id in the last run's report.

    Raises:
        ResolutionError: the id is malformed, names a decision that no longer applies, or is unknown.
    """
    if not re.fullmatch(CONFLICT_ID, conflict_id):
        raise ResolutionError(
            f"{conflict_id!r} is not a conflict id", fix="Copy the id ('c-' and 10 hex digits) from reports/review.html"
        )
    for conflict in report.conflicts:
        if conflict.id == conflict_id:
            return conflict
    for o in report.orphaned:
        if o.resolution.conflict == conflict_id:
            raise ResolutionError(
                f"conflict {conflict_id} no longer exists ({o.reason}), so there is nothing to decide",
                fix="Delete its entry from reports/resolutions.yaml, or keep it for when the conflict returns",
            )
    raise ResolutionError(
        f"no conflict {conflict_id} in the last run's reports/conflicts.json",
        fix="Copy the id from reports/review.html; if the sources changed, run `make extract` first",
    )


def decide(
    out_dir: str | Path,
    conflict_id: str,
    *,
    value: str | None = None,
    accept_suggestion: bool = False,
    note: str | None = None,
) -> Decided:
    """Write the decision on ``conflict_id`` into ``out_dir``'s ``reports/resolutions.yaml``.

    out_dir (Path): The output folder of the last run (holding ``reports/conflicts.json``).
    value (str): The decided value in the form the reports show ('20-30', 'yes', '2x/day', 'none').
    accept_suggestion (bool): Decide the conflict's suggested value instead.
    note (str): Why. Defaults to the note of the entry being updated, or none.
    RETURNS (Decided): The entry written, and where.

    Raises:
        ResolutionError: no last run, an unknown conflict, a value that does not fit the field, a
            resolutions file that is malformed now, or an edit that would not read back as meant.
    """
    out = Path(out_dir)
    conflicts_path = out / paths.REPORTS / "conflicts.json"
    if not conflicts_path.exists():
        raise ResolutionError(
            f"there is no {paths.shown(conflicts_path)} to decide on",
            fix="Run `make extract` (or python -m pipeline extract --out ...) first",
        )
    conflict = find_conflict(ConflictReport.model_validate_json(conflicts_path.read_bytes()), conflict_id)
    if (value is None) == (not accept_suggestion):
        raise ResolutionError("give --value or --accept-suggestion", fix="Use just one of them")
    if accept_suggestion:
        if conflict.suggested is None:
            raise ResolutionError(f"conflict {conflict.id} has no suggested value", fix="Give the value with --value")
        chosen: Value | None = conflict.suggested
    else:
        chosen = parse_value(conflict.field, value or "")

    path = out / paths.REPORTS / paths.RESOLUTIONS
    before = path.read_bytes() if path.exists() else b""
    old = merge.parse_resolutions(before, path)  # a file broken now is reported, not rewritten
    previous = next((r for r in old.entries if r.conflict == conflict.id), None)
    if note is None:
        note = previous.note if previous is not None else ""
    resolution = Resolution(conflict=conflict.id, value=chosen, note=note, fingerprint=conflict.fingerprint)

    after = edited(before.decode("utf-8-sig"), resolution).encode("utf-8")
    new = merge.parse_resolutions(after, path)
    merge.check_resolutions(new, [conflict.exercise_id])
    expected = [resolution if r.conflict == conflict.id else r for r in old.entries]
    if previous is None:
        expected.append(resolution)
    if list(new.entries) != expected:
        raise ResolutionError(
            "the edited file would not read back as the decisions it holds now plus this one, so it was not written",
            where=paths.shown(path),
            fix="Report it with the file; meanwhile paste the entry from reports/review.html by hand",
        )
    publish.write_bytes(path, after)
    return Decided(resolution, conflict, previous is not None, new.where[conflict.id])


# --------------------------------------------------------------------------- YAML round trip


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: comments, order and quoting of what is there are kept
    yaml.width = 4096  # never fold a long note onto several lines
    yaml.preserve_quotes = True
    yaml.representer.add_representer(type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def _node(value: Value | None) -> object:
    """A value as the YAML the resolutions reader takes, in flow style: {min: 20, max: 30}."""
    from ruamel.yaml.comments import CommentedMap

    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Frequency):
        pairs = [("times", _node(value.times)), ("period", value.period)]
    else:
        pairs = [("min", value.min), ("max", value.max)]
    node = CommentedMap(pairs)
    node.fa.set_flow_style()
    return node


def _entry(r: Resolution) -> object:
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return CommentedMap(
        [
            ("conflict", r.conflict),
            ("value", _node(r.value)),
            ("note", DoubleQuotedScalarString(r.note)),
            ("fingerprint", r.fingerprint),
        ]
    )


def edited(text: str, r: Resolution) -> str:
    """The resolutions file ``text`` with the entry for ``r.conflict`` written or replaced by
    ``r``; everything else as it was (entries, comments, indentation).

    >>> print(edited("# mine\\n", Resolution(conflict="c-0123456789", value=None, fingerprint="0" * 16)), end="")
    # mine
    - conflict: c-0123456789
      value: null
      note: ""
      fingerprint: '0000000000000000'
    """
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString
    from ruamel.yaml.util import load_yaml_guess_indent

    yaml = _yaml()
    _, indent, offset = load_yaml_guess_indent(text) if text.strip() else (None, 2, 0)
    yaml.indent(mapping=indent - offset if offset else indent, sequence=indent, offset=offset)
    data = yaml.load(text) if text.strip() else None
    if data is None:  # no entries yet: keep what the file holds (comments), add the entry below
        entries = CommentedSeq([_entry(r)])
        if not text.strip():
            entries.yaml_set_start_comment(HEADER)
        return (text.rstrip("\n") + "\n" if text.strip() else "") + _dump(yaml, entries)
    for entry in data:
        if entry.get("conflict") == r.conflict:
            entry["value"] = _node(r.value)
            if "note" in entry:
                entry["note"] = DoubleQuotedScalarString(r.note)
            else:
                entry.insert(list(entry).index("value") + 1, "note", DoubleQuotedScalarString(r.note))
            entry["fingerprint"] = r.fingerprint
            break
    else:
        data.append(_entry(r))
    return _dump(yaml, data)


def _dump(yaml, data: object) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()
