import pytest

from pipeline import extract, normalize
from pipeline.ingest import build_document
from pipeline.models import SourceMeta


def facts(text: str, name: str = "doc.md", kind: str | None = None) -> set[tuple]:
    """(exercise, field, value) facts extracted from one document."""
    doc = build_document(text.encode(), doc_id=name, path=f"raw/{name}", meta=SourceMeta(kind=kind))
    result = extract.extract_document(doc, normalize.normalize_document(doc))
    out = set()
    for item in result.claims:
        c = item.claim
        ex = item.exercise_id or f"?{c.name_as_written}"
        out.add((ex, "exercise", None))
        for field in ("hold_seconds", "reps", "sets"):
            value = getattr(c, field)
            if value is not None:
                out.add((ex, field, (value.min, value.max)))
        if c.per_side is not None:
            out.add((ex, "per_side", c.per_side))
    return out


CASES = [
    (
        "heading article",
        "## Bird dog\n\nKneel on all fours with your knees under your hips. Reach one arm and the opposite "
        "leg out. Hold for 5 seconds. Do 10 on each side.\n",
        {
            ("bird-dog", "exercise", None),
            ("bird-dog", "hold_seconds", (5, 5)),
            ("bird-dog", "reps", (10, 10)),
            ("bird-dog", "per_side", True),
        },
    ),
    (
        "spoken cues attach values to the exercise just introduced",
        "Hey everybody, today I'm going to show you two exercises for your hips. Let's get started. "
        "Lie on your back with your knees bent. Now we're going to do a bridge. Lift your hips and hold "
        "for 3 seconds, and do 12 of these. Next you're going to do a clamshell, 15 on each side.",
        {
            ("bridge", "exercise", None),
            ("bridge", "hold_seconds", (3, 3)),
            ("bridge", "reps", (12, 12)),
            ("clamshell", "exercise", None),
            ("clamshell", "reps", (15, 15)),
            ("clamshell", "per_side", True),
        },
    ),
    (
        "a comparison names an exercise without introducing it",
        "## Single-leg bridge\n\nThis is the same as the glute bridge, but with one foot lifted off the "
        "floor. Hold for 5 seconds and switch legs.\n",
        {
            ("single-leg-bridge", "exercise", None),
            ("single-leg-bridge", "hold_seconds", (5, 5)),
            ("single-leg-bridge", "per_side", True),
        },
    ),
    (
        "document-wide guidance fills what an exercise does not state",
        "Hold each stretch for 30 seconds.\n\n## Cobra\n\nLie on your stomach with your hands under your "
        "shoulders and press your chest up.\n\n## Sphinx\n\nProp yourself up on your forearms with your "
        "elbows under your shoulders. Hold for 60 seconds.\n",
        {
            ("cobra", "exercise", None),
            ("cobra", "hold_seconds", (30, 30)),
            ("sphinx", "exercise", None),
            ("sphinx", "hold_seconds", (60, 60)),
        },
    ),
    (
        "a lost heading name is inferred from the description",
        "## 2. Stretch:\n\nStart on your hands and knees in a tabletop position. Round your back up "
        "toward the ceiling, then let your belly drop and arch your back as you look up. Repeat 6 times.\n",
        {("cat-cow", "exercise", None), ("cat-cow", "reps", (6, 6))},
    ),
    (
        "tempo and rest are not values",
        "## Squat\n\nStand with your feet hip-width apart and bend your knees. Lower for 3 seconds, pause, "
        "and stand up. Do 10 reps. Rest 60 seconds between sets.\n",
        {("squat", "exercise", None), ("squat", "reps", (10, 10))},
    ),
    (
        "a list of names is an overview: no values attach to it",
        "Today: the bridge, the plank and the clamshell.\n\n## Bridge\n\nLie on your back and lift your "
        "hips. Hold 5 seconds.\n\n## Plank\n\nHold your body straight on your forearms for 20 seconds.\n\n"
        "## Clamshell\n\nLie on your side with your knees bent and open the top knee 10 times.\n",
        {
            ("bridge", "exercise", None),
            ("bridge", "hold_seconds", (5, 5)),
            ("plank", "exercise", None),
            ("plank", "hold_seconds", (20, 20)),
            ("clamshell", "exercise", None),
        },
    ),
    (
        "a table row is an exercise with its fields",
        "| Exercise | Sets | Reps | Rest |\n|---|---|---|---|\n| Dead bug | 2 | 8 per side | 30 s |\n"
        "| Plank | 3 | - | 60 s |\n\nKeep your lower back on the floor and your knees over your hips.\n",
        {
            ("dead-bug", "exercise", None),
            ("dead-bug", "sets", (2, 2)),
            ("dead-bug", "reps", (8, 8)),
            ("dead-bug", "per_side", True),
            ("plank", "exercise", None),
            ("plank", "sets", (3, 3)),
        },
    ),
    (
        "instruction bullets under a heading stay with its exercise",
        "## Sphinx\n\n- Lie on your stomach and prop yourself on your elbows.\n- Keep your hips down.\n"
        "- Hold for 45 seconds.\n- Do it 3 times.\n\n"
        "## Superman\n\n- Lie face down.\n- Lift your arms and legs. Repeat 10 times.\n",
        {
            ("sphinx", "exercise", None),
            ("sphinx", "hold_seconds", (45, 45)),
            ("sphinx", "reps", (3, 3)),
            ("superman", "exercise", None),
            ("superman", "reps", (10, 10)),
        },
    ),
    (
        "a terse list of specific names is exercise text even without body words",
        "**Bird dog:** 8 reps per side.\n\n**Glute bridge:** 3 sets of 15.\n\n**Dead bug** - 2 x 10.\n",
        {
            ("bird-dog", "exercise", None),
            ("bird-dog", "reps", (8, 8)),
            ("bird-dog", "per_side", True),
            ("bridge", "exercise", None),
            ("bridge", "sets", (3, 3)),
            ("bridge", "reps", (15, 15)),
            ("dead-bug", "exercise", None),
            ("dead-bug", "sets", (2, 2)),
            ("dead-bug", "reps", (10, 10)),
        },
    ),
    (
        "single and double knee to chest stay apart",
        "## Knee to chest\n\nLie on your back and pull one knee to your chest for 20 seconds.\n\n"
        "## Double knee to chest\n\nPull both knees to your chest together for 30 seconds.\n",
        {
            ("knee-to-chest", "exercise", None),
            ("knee-to-chest", "hold_seconds", (20, 20)),
            ("double-knee-to-chest", "exercise", None),
            ("double-knee-to-chest", "hold_seconds", (30, 30)),
            ("double-knee-to-chest", "per_side", False),
        },
    ),
]


@pytest.mark.parametrize("label, text, expected", CASES, ids=[c[0] for c in CASES])
def test_extract_attaches_values(label, text, expected):
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Not about exercise: no exercise, however many durations and ambiguous names.
        "Simmer the sauce for 10 minutes, then rest the dough for 30 seconds. Repeat 3 times. "
        "Cross the bridge and turn left at the plank walkway; it is crunch time for the bakers.",
        "Meeting notes: hold the badge against the reader for 2 seconds. We have 2 sets of keys. "
        "Run 5 minutes, walk 1 minute, repeat 6 times, 3 times a week.",
        "The squat team held the lead for 30 seconds before the bridge collapsed in the second half.",
        "Council news: a lost bird dog was found near the bridge after 2 days. It is crunch time for the "
        "plank road repairs, which take 3 sets of crews working 10 hours.",
    ],
)
def test_extract_non_exercise_text_yields_nothing(text):
    assert facts(text, "notes.txt") == set()


@pytest.mark.parametrize(
    "heading, lost",
    [
        ("1. stretch:", True),
        ("4. pose exercise for back pain relief:", True),
        ("Exercise 3:", True),
        ("Exercise three [fig. 2]", True),
        ("3. Thoracic opener:", False),
        ("Bridge", False),
    ],
)
def test_extract_lost_name(heading, lost):
    assert extract.lost_name(extract.heading_name(heading) or heading) is lost


def test_extract_evidence_quotes_are_raw_slices(seed_runs):
    """Every evidence quote equals the raw text at its offsets, even where text was repaired."""
    checked = 0
    for run in seed_runs:
        for item in run.result.claims:
            for ev in item.claim.evidence:
                assert run.document.raw_text[ev.start : ev.end] == ev.quote
                checked += 1
    assert checked > 50
