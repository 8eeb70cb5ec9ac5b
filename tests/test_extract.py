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
        stated_side = any(ev.field == "per_side" and ev.rule != "lexicon:laterality" for ev in c.evidence)
        if c.per_side is not None and stated_side:
            out.add((ex, "per_side", c.per_side))  # the text's own word on sides (laterality: below)
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
    (
        "a numbered handout: names the lexicon does not know, Repeat fields, a repeated label",
        "1. Sofa Edge Knee Glides:\n\nSit on the sofa edge and slide one heel toward the sofa, then back out.\n\n"
        "Repeat: 15 times\n\nKnee exercises\n2. Glute Bridge:\n\nLie on your back with knees bent and lift "
        "your hips. Hold for 4 seconds.\n\nRepeat: 8 times\n\nKnee exercises\n",
        {
            ("?Sofa Edge Knee Glides", "exercise", None),
            ("?Sofa Edge Knee Glides", "reps", (15, 15)),
            ("bridge", "exercise", None),
            ("bridge", "hold_seconds", (4, 4)),
            ("bridge", "reps", (8, 8)),
        },
    ),
    (
        "field labels glued together, a hold field without a unit, frequency fields",
        "Doorframe Chest Opener\n\nREPS: 12SETS: 2HOLD: 3DAILY: 1WEEKLY: 4\n\nSetup\n\nStand in a doorway with your "
        "forearms on the frame at shoulder height.\n\nMovement\n\nStep through until you feel it in your chest.\n",
        {
            ("?Doorframe Chest Opener", "exercise", None),
            ("?Doorframe Chest Opener", "reps", (12, 12)),
            ("?Doorframe Chest Opener", "sets", (2, 2)),
            ("?Doorframe Chest Opener", "hold_seconds", (3, 3)),
        },
    ),
    (
        "a checklist: dosage after the name, cardio and rest are no exercises",
        "- [ ] Warm up (5 min): light jogging\n  - [x] _Bird dog_ 3x8\n  - [x] Dead bug — 10 each side\n"
        "- [ ] Stationary bike: pedal easy for 10 minutes\n- [ ] Rest 2 minutes\n",
        {
            ("bird-dog", "exercise", None),
            ("bird-dog", "sets", (3, 3)),
            ("bird-dog", "reps", (8, 8)),
            ("dead-bug", "exercise", None),
            ("dead-bug", "reps", (10, 10)),
            ("dead-bug", "per_side", True),
        },
    ),
    (
        "table rows: the name column by its header, a rest row holds no value for its neighbour",
        "| Reps | Exercise |\n|---|---|\n| 8 | Cat-cow |\n| 60s | Rest |\n| 30s | Side plank |\n\n"
        "Keep your back long and your core braced in every exercise.\n",
        {
            ("cat-cow", "exercise", None),
            ("cat-cow", "reps", (8, 8)),
            ("side-plank", "exercise", None),
            ("side-plank", "hold_seconds", (30, 30)),
        },
    ),
    (
        "numbers under Progression and Rest are no values",
        "## Bird dog\nSets: 2\nRepetitions: 10\nRest: 45 seconds between sets\nDescription: Kneel on all fours "
        "and reach one arm and the opposite leg out.\nProgression: hold each reach for 5 seconds, or do 3 sets.\n",
        {("bird-dog", "exercise", None), ("bird-dog", "sets", (2, 2)), ("bird-dog", "reps", (10, 10))},
    ),
    (
        "a group heading's dosage reaches the exercises under it (section scope)",
        "## Circuit: 3 rounds\n\n- Squats: 12 reps\n- Plank: hold 30 seconds\n\nKeep your knees over your "
        "toes and your hips level.\n",
        {
            ("squat", "exercise", None),
            ("squat", "sets", (3, 3)),
            ("squat", "reps", (12, 12)),
            ("plank", "exercise", None),
            ("plank", "sets", (3, 3)),
            ("plank", "hold_seconds", (30, 30)),
        },
    ),
    (
        "a subtitle under an exercise heading does not end it",
        "Child's pose\n\nA gentle resting stretch for the back\n\n- Kneel and sit back on your heels with your "
        "arms long.\n- Hold 30 seconds.\n",
        {("childs-pose", "exercise", None), ("childs-pose", "hold_seconds", (30, 30))},
    ),
    (
        "a block of nothing but values by level is read as one range",
        "Shoulder blade squeeze\n\n- Pull your shoulder blades together and hold 2 seconds.\n\n"
        "Easy Medium Hard\n1 set\n8 reps\n2 sets\n10 reps\n3 sets\n12 reps\n",
        {
            ("shoulder-blade-squeeze", "exercise", None),
            ("shoulder-blade-squeeze", "hold_seconds", (2, 2)),
            ("shoulder-blade-squeeze", "sets", (1, 3)),
            ("shoulder-blade-squeeze", "reps", (8, 12)),
        },
    ),
    (
        "a heading that names nothing does not swallow the exercises its items name",
        "## With a barbell\n\nIt works as follows:\n\n* On Mondays you swap the hinge work for "
        "romanian deadlifts, 3 sets of 8 reps.\n* On Fridays you do goblet squats instead, 4 sets of 6 reps.\n",
        {
            ("romanian-deadlift", "exercise", None),
            ("romanian-deadlift", "sets", (3, 3)),
            ("romanian-deadlift", "reps", (8, 8)),
            ("goblet-squat", "exercise", None),
            ("goblet-squat", "sets", (4, 4)),
            ("goblet-squat", "reps", (6, 6)),
        },
    ),
    (
        "a heading that lost its name keeps its body, named positions included",
        "## 2. Stretch:\n\n- Lie on your back as for a bridge and hug one knee to your chest.\n"
        "- Hold 20 seconds, 3 times.\n",
        {
            ("knee-to-chest", "exercise", None),
            ("knee-to-chest", "hold_seconds", (20, 20)),
            ("knee-to-chest", "reps", (3, 3)),
        },
    ),
    (
        "a heading the lexicon does not know, among exercises, with instructions, is an exercise",
        "Bridge\nLie on your back with knees bent and lift your hips. Hold 5 seconds.\n\n"
        "Garden Gate\nOn your back, knees bent, let both knees fall to one side. Hold 10 seconds each side.\n\n"
        "Clamshell\nLie on your side with knees bent and open the top knee. Do 10 times.\n\n"
        "Rest\nRest 60 seconds before the next round.\n",
        {
            ("bridge", "exercise", None),
            ("bridge", "hold_seconds", (5, 5)),
            ("?Garden Gate", "exercise", None),
            ("?Garden Gate", "hold_seconds", (10, 10)),
            ("?Garden Gate", "per_side", True),
            ("clamshell", "exercise", None),
            ("clamshell", "reps", (10, 10)),
        },
    ),
    (
        "one exercise among headings makes no list of exercises",
        "Bridge\nLie on your back with knees bent and lift your hips. Hold 5 seconds.\n\n"
        "Good Morning Routine\nOn waking, sit on the edge of the bed with your feet flat and breathe for 30 seconds.\n\n"
        "Garden Gate\nOn your back, knees bent, let both knees fall to one side. Hold 10 seconds.\n",
        {("bridge", "exercise", None), ("bridge", "hold_seconds", (5, 5))},
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
        # A device manual: numbered steps, seconds on each side.
        "Quick start\n1. Charge the unit for 8 hours before first use.\n2. Press the power button for 3 seconds.\n"
        "3. Brush 15 seconds on each side of the mouth.\n",
        # A recipe: 'stretch and fold' in sets, rest times.
        "- Mix the flour and water and let it rest for 30 minutes.\n- Stretch and fold the dough: this is 1 set. "
        "Do at least 4 sets, one every half hour.\n- Bake for 40 minutes.\n",
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
    for document, result in seed_runs:
        for item in result.claims:
            for ev in item.claim.evidence:
                assert document.raw_text[ev.start : ev.end] == ev.quote
                checked += 1
    assert checked > 50


def test_extract_separately_named_sections_of_one_exercise_stay_apart():
    """Two numbered sections that map to the same lexicon id are two claims, each with its values."""
    text = (
        "1. Neck retraction\nSit tall and draw your chin straight back. Repeat 5 times.\n"
        "2. Chin tuck\nLying on your back, nod your chin gently. Hold 5 seconds.\n"
    )
    doc = build_document(text.encode(), doc_id="neck.txt", path="raw/neck.txt")
    result = extract.extract_document(doc, normalize.normalize_document(doc))
    claims = sorted((c.claim.name_as_written, c.exercise_id, c.claim.reps, c.claim.hold_seconds) for c in result.claims)
    assert [(n, i) for n, i, *_ in claims] == [("Chin tuck", "chin-tuck"), ("Neck retraction", "chin-tuck")]
    assert claims[0][3] is not None and claims[0][2] is None  # the tuck holds
    assert claims[1][2] is not None and claims[1][3] is None  # the retraction repeats


def test_extract_evidence_says_where_each_value_was_given():
    text = "Hold each stretch for 20 seconds.\n\n## Circuit: 2 rounds\n\n- Cobra: 8 reps\n"
    doc = build_document(text.encode(), doc_id="scope.md", path="raw/scope.md")
    (item,) = extract.extract_document(doc, normalize.normalize_document(doc)).claims
    scopes = {(ev.field, ev.scope) for ev in item.claim.evidence if ev.field not in ("name", "per_side")}
    assert scopes == {("reps", "stated"), ("sets", "section"), ("hold_seconds", "document")}
    assert item.claim.scopes == {"reps": "stated", "sets": "section", "hold_seconds": "document", "per_side": "stated"}


@pytest.mark.parametrize(
    "text, per_side, rule",
    [
        # Silent on sides: the lexicon's laterality decides, under its own rule.
        ("## Glute bridge\n\nLie on your back and lift your hips. Hold 5 seconds.\n", False, "lexicon:laterality"),
        ("## Clamshell\n\nLie on your side, knees bent, and open the top knee. 12 reps.\n", True, "lexicon:laterality"),
        # The text's own word wins over the lexicon.
        (
            "## Clamshell\n\nLie on your side and open the top knee 12 times; do not switch sides.\n",
            False,
            "both.do_not_switch_sides",
        ),
        ("## Glute bridge\n\nLift your hips, 10 reps, then switch sides.\n", True, "side.switch_sides"),
    ],
)
def test_extract_per_side_from_text_then_lexicon(text, per_side, rule):
    doc = build_document(text.encode(), doc_id="side.md", path="raw/side.md")
    (item,) = extract.extract_document(doc, normalize.normalize_document(doc)).claims
    assert item.claim.per_side is per_side
    assert {ev.rule for ev in item.claim.evidence if ev.field == "per_side"} == {rule}


def test_extract_document_side_phrase_reaches_only_one_sided_exercises():
    """'30 seconds on each side' said for every stretch does not make a bilateral pose per side."""
    text = (
        "Hold each stretch for 30 seconds on each side.\n\n## Clamshell\n\nLie on your side and open the top "
        "knee.\n\n## Glute bridge\n\nLie on your back and lift your hips.\n"
    )
    doc = build_document(text.encode(), doc_id="doc.md", path="raw/doc.md")
    sides = {
        c.exercise_id: c.claim.per_side for c in extract.extract_document(doc, normalize.normalize_document(doc)).claims
    }
    assert sides == {"clamshell": True, "bridge": False}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Now you're going to do wrist circles, ten each way.", [("wrist circles", "exercise", "intro.going_to_do")]),
        (
            "I want you to do some ankle exercises before bed.",
            [("ankle exercises", "exercise", "intro.want_you_to_do")],
        ),
        ("Let's start with toe taps for a minute.", [("toe taps", "exercise", "intro.lets_do")]),
        (
            "The next one is called the shoulder roll, and it is easy.",
            [("shoulder roll", "exercise", "intro.next_one_is")],
        ),
        ("This one is called a doorway glide so stand tall.", [("doorway glide", "exercise", "intro.is_called")]),
        ("We are demonstrating the seated march today.", [("seated march", "exercise", "intro.demonstrating")]),
        (
            "The muscle we're going to target is the upper trapezius and then the neck.",
            [("upper trapezius", "muscle", "target.muscle_we_target")],
        ),
        ("We're going to stretch your calves now.", [("calves", "muscle", "target.going_to_stretch")]),
        # No name after the cue, a number, an activity, a topic: nothing.
        ("You're going to do three sets of this.", []),
        ("We're going to do some light jogging first.", []),
        ("Let's do this together.", []),
        ("We're going to do our warm up routine.", []),
    ],
)
def test_extract_introductions(nlp, text, expected):
    from pipeline.extract.introductions import introductions

    found = [(x.text, x.kind, x.rule) for x in introductions(nlp(text))]
    assert found == expected


def test_extract_introductions_every_pattern_fires():
    from pipeline import resources

    rules = {row[2] for case in test_extract_introductions.pytestmark[0].args[1] for row in case[1]}
    assert rules == {p.id for p in resources.patterns("introductions")}


@pytest.mark.parametrize(
    "text, expected",
    [
        # '2a' and '2b' under one name are two exercises.
        (
            "2a. Back extension\nLie face down on your forearms and lift your chest. Repeat 5 times.\n"
            "2b. Back extension\nLie face down, hands under your shoulders, and straighten your arms. "
            "Repeat 8 times.\n",
            [5, 8],
        ),
        # One numbered item named again by a heading right after it is one exercise.
        (
            "3. Bird dog:\n\nKneel on all fours, hands under your shoulders.\n\nTo perform bird dog:\n\n"
            "Reach one arm and the opposite leg out. Repeat 6 times.\n",
            [6],
        ),
    ],
)
def test_extract_instances_follow_the_numbering(text, expected):
    doc = build_document(text.encode(), doc_id="list.txt", path="raw/list.txt")
    claims = extract.extract_document(doc, normalize.normalize_document(doc)).claims
    assert sorted(c.claim.reps.min for c in claims if c.claim.reps) == expected
    assert len(claims) == len(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        # Equipment named after an exercise is no exercise.
        (
            "Equipment needed:\n\n1. Pull-up bar\n2. Resistance band\n\n## Row\n\n"
            "Pull the band to your ribs. 12 reps.\n",
            {"row"},
        ),
        # A paragraph that opens with a name is about it; a comparison inside it names nothing.
        (
            "The clamshell teaches you to control your hip.\n\n- It feels much like the side plank.\n"
            "- Do 12 on each side.\n",
            {"clamshell"},
        ),
    ],
)
def test_extract_names_that_are_no_exercise(text, expected):
    doc = build_document(text.encode(), doc_id="doc.md", path="raw/doc.md")
    found = {c.exercise_id for c in extract.extract_document(doc, normalize.normalize_document(doc)).claims}
    assert found == expected
