"""Shared fixtures: paths, a document factory, the blank-English pipeline (no downloaded model)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pipeline.ingest import build_document
from pipeline.models import Document, LexiconEntry

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Property-based tests: `make test` runs a fixed, modest set of examples (derandomized, so a run
# is reproducible and fast); HYPOTHESIS_PROFILE=explore searches further with fresh random input.
settings.register_profile(
    "default",
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("explore", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import build_nlp

    return build_nlp()


def records(docs, results=()):
    """The records the merge reads, of Documents and their results (matched by doc_id)."""
    from pipeline.stages import record

    by_id = {r.doc_id: r for r in results}
    unknown = set(by_id) - {d.doc_id for d in docs}
    assert not unknown, f"results without a document: {sorted(unknown)}"
    return [record(d, result=by_id.get(d.doc_id)) for d in docs]


def make_document(text: str, name: str = "doc.txt", kind: str | None = None) -> Document:
    """A Document built from text by the real ingest stage."""
    from pipeline.models import SourceMeta

    return build_document(text.encode("utf-8"), doc_id=name, path=f"raw/{name}", meta=SourceMeta(kind=kind))


@pytest.fixture
def document():
    return make_document


@pytest.fixture(scope="session")
def seed_runs():
    """The seeds through ingest, normalize and extract: (Document, DocumentResult) pairs."""
    from pipeline import workflow

    docs = list(workflow.stage_records(ROOT / "raw", root=ROOT, upto="ingest"))
    results = list(workflow.stage_records(ROOT / "raw", root=ROOT, upto="extract"))
    assert len(docs) == len(results) == 5
    return list(zip(docs, results, strict=True))


# --------------------------------------------------------------------------- browser

#: Flags for headless Chromium on a machine without network or display (as root).
CHROMIUM_FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser is downloaded); the test is
    skipped, with the reason, when the chromium package is not installed."""
    import shutil

    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium package is not installed (apt-get install -y chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser):
    """``open_page(path)``: the page at ``path`` loaded from file://, and the list of problems it
    reported (console errors, uncaught exceptions, dialogs such as an injected alert)."""
    pages = []

    def load(path: Path):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        pages.append(page)
        problems: list[str] = []
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda err: problems.append(f"uncaught: {err}"))
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("request", lambda r: problems.append(f"request: {r.url}") if not r.url.startswith("file:") else None)
        page.goto(Path(path).resolve().as_uri())
        page.wait_for_load_state("load")
        return page, problems

    yield load
    for page in pages:
        page.close()


# --------------------------------------------------------------------------- normalize

#: A small lexicon for the repair tests: names and aliases as curators write them.
NORMALIZE_NAMES = [
    "Knee to chest stretch",
    "knee to chest",
    "knees to chest",
    "double knee to chest stretch",
    "Pelvic tilt",
    "pelvic tilting",
    "Hamstring stretch",
    "hamstring stretch with towel",
    "Glute bridge",
    "bridge",
    "Child's pose",
    "balasana",
    "Cat cow",
    "Legs up the wall",
    "Hip flexor stretch",
    "psoas stretch",
    "Piriformis stretch",
    "figure four stretch",
    "Pigeon pose",
    "Downward dog",
    "adho mukha svanasana",
    "Clamshell",
    "Side plank",
    "Seated twist",
    "Calf stretch",
    "Thread the needle",
]
#: Domain terms by kind, as in ``pipeline/data/domain_terms.json``.
NORMALIZE_TERMS = {
    "body_parts": """knee knees chest spine glute glutes hamstring hamstrings pelvis hip hips back
        leg legs arm arms calf calves shoulder shoulders neck psoas thigh thighs heel heels foot feet
        toes ankle wrist core tailbone forearm forearms""".split()
    + ["lower back"],
    "equipment": "towel strap block chair mat cushion band bolster wall".split(),
    "positions": "supine prone kneeling seated standing".split(),
    "movement_words": "stretch hold bend lift tilt twist rotate squeeze".split(),
}


@pytest.fixture(scope="session")
def vocab():
    """The repair vocabulary of the small test lexicon."""
    from pipeline.normalize import Vocabulary

    return Vocabulary.from_names(NORMALIZE_NAMES, NORMALIZE_TERMS)


@pytest.fixture(scope="session")
def rules():
    """The shipped confusion table."""
    from pipeline import resources

    return resources.confusions()


def apply_edits(text: str, edits) -> str:
    """``text`` with the edits (in its offsets) applied."""
    from pipeline import alignment

    return alignment.apply(text, [(e.start, e.end, e.after) for e in edits])[0]


@pytest.fixture(scope="session")
def edited():
    """``edited(text, edits)``: the text with the edits applied."""
    return apply_edits


def plain_document(text: str, *, doc_id: str = "t.txt", sections=None, raw: str | None = None, pieces=None) -> Document:
    """A Document without ingest: ``text`` is the clean text (and the raw text unless ``raw`` is given)."""
    return Document(
        doc_id=doc_id,
        path=f"raw/{doc_id}",
        sha256="0" * 64,
        format="text",
        kind="article",
        kind_reason="test",
        title=None,
        raw_text=text if raw is None else raw,
        text=text,
        alignment=pieces or [],
        sections=sections or [],
    )


@pytest.fixture(scope="session")
def text_document():
    """``text_document(text, doc_id=, sections=, raw=, pieces=)``: a Document without ingest (text is the input)."""
    return plain_document


def lexicon_entry(exercise_id: str, name: str, aliases: list[str] | None = None, **facts) -> LexiconEntry:
    """A curated lexicon entry for tests: ``aliases`` default to the name in lower case; ``facts``
    override the other fields (a supine, bilateral lower-back stretch)."""
    fields = {
        "category": "stretch",
        "position": "supine",
        "laterality": "bilateral",
        "region": ["lower back"],
        "equipment": [],
        "muscles": [],
        "description": "test entry",
        "variant_of": None,
        "source": "curated",
    }
    return LexiconEntry(id=exercise_id, name=name, aliases=aliases or [name.lower()], **{**fields, **facts})


# --------------------------------------------------------------------------- hostile text
# Strategies for the property-based tests: random, truncated and hostile input for every stage.
# Written for these tests; no sentence comes from a real document.

from hypothesis import strategies as st  # noqa: E402

WORDS = (
    "bridge clamshell plank bird dog cat cow knee to chest hold for seconds second reps repetitions "
    "sets set times each side per leg both sides twice a day daily lie on your back lift hips slowly "
    "and then repeat rest 30 10 5 3 1 0 -5 ten twenty thirty-five one-hundred 10-15 5–10 2x10 3 x 12 "
    "1,000 99999999999999999999 1e9 ½ ¾ 10s 30sec 5min minutes minute hour to or - – — : ; . , ! ? "
    "( ) [ ] # ## - * 1. 2) | --- hold: sets: reps: Exercise 1: stretch pose you're going to let's "
    "okay so now next um uh like"
).split()
MARKUP = [
    "<p>",
    "</p>",
    "<li>",
    "</li>",
    "<ul>",
    "</ol>",
    "<h2>",
    "</h3>",
    "<br>",
    "<script>",
    "</script>",
    "<style>",
    "<!--",
    "-->",
    "&amp;",
    "&#99999999;",
    "&#x110000;",
    "&nbsp;",
    "&bogus;",
    "<img src=x>",
    "<",
    ">",
    "&",
    "```",
    "`",
    "|",
    "\\",
    "<i>",
    "</b>",
    "WEBVTT",
    "NOTE",
    "-->",
]
CONTROLS = [
    "\x00",
    "\x01",
    "\x07",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\u200b",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffd",
    "\r",
    "\r\n",
    "\n",
    "\n\n",
    "\t",
    "\u0301",
    "\U0001f600",
    "ﬁ",
    "İ",
    "ß",
]
HUGE_NUMBERS = ["9" * 30, "1" + "0" * 400, "9" * 5000, "-1", "0", "00", "4294967296", "1e308"]

hostile_token = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(MARKUP),
    st.sampled_from(CONTROLS),
    st.sampled_from(HUGE_NUMBERS),
    st.text(min_size=1, max_size=8),
)
hostile_text = st.one_of(
    st.text(max_size=300),
    st.lists(hostile_token, max_size=80).map(" ".join),
    st.lists(hostile_token, max_size=80).map("".join),
)
"""Random unicode, exercise words, huge numbers, markup fragments and control characters."""

SAMPLE_ARTICLE = (
    "# Morning routine\n\n1. Bridge\n\nLie on your back with knees bent. Lift your hips and hold for "
    "5 seconds. Repeat 10 times, 2 sets.\n\n2. Clamshell\n\nLie on your side. Open the top knee, "
    "15 reps on each side.\n\n| Exercise | Sets | Hold |\n|---|---|---|\n| Plank | 3 | 20-30 s |\n"
)
SAMPLE_SRT = (
    "1\n00:00:01,000 --> 00:00:03,500\nso now we're going to do a bridge\n\n"
    "2\n00:00:03,500 --> 00:00:06,000\nhold it for <i>five</i> seconds\n\n"
    "3\n00:00:06,000 --> 00:00:09,000\nand do ten of those each side\n"
)
SAMPLE_HTML = (
    "<html><head><title>Hips</title></head><body><h2>Bird dog</h2><p>Hold for&nbsp;5 seconds."
    "</p><ol><li>Reach out</li><li>10 reps each side</li></ol></body></html>"
)


@st.composite
def truncated(draw, text: str) -> str:
    """``text`` cut at a random point, with a random piece of hostile text spliced in."""
    cut = draw(st.integers(0, len(text)))
    at = draw(st.integers(0, cut))
    return text[:at] + draw(hostile_text) + text[at:cut]


@st.composite
def broken_captions(draw, fmt: str = "srt") -> str:
    """A caption file with random cues, some with malformed timings or missing parts."""
    blocks = ["WEBVTT"] if fmt == "vtt" else []
    for i in range(draw(st.integers(0, 6))):
        a, b = draw(st.integers(0, 5999)), draw(st.integers(0, 5999))
        sep = "," if fmt == "srt" else "."
        good = f"00:{a // 100:02d}:{a % 60:02d}{sep}{a % 1000:03d} --> 00:{b // 100:02d}:{b % 60:02d}{sep}000"
        timing = draw(
            st.sampled_from(
                [
                    good,
                    good,
                    good.replace("-->", "->"),
                    good.replace("-->", "—>"),
                    good[:12],
                    "",
                    "--> ",
                    good.replace(":", ";", 1),
                    f"{good} align:start position:10%",
                    good + " -->",
                ]
            )
        )
        lines = [str(i + 1)] if fmt == "srt" and draw(st.booleans()) else []
        lines += [timing] if timing else []
        lines += draw(st.lists(hostile_text.filter(lambda t: "\n\n" not in t), max_size=3))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + draw(st.sampled_from(["", "\n", "\n\n"]))


any_document_text = st.one_of(
    hostile_text,
    truncated(SAMPLE_ARTICLE),
    truncated(SAMPLE_HTML),
    truncated(SAMPLE_SRT),
    broken_captions("srt"),
    broken_captions("vtt"),
)
"""Text for a raw file of any format: hostile, truncated samples, caption files with broken timings."""
DOCUMENT_NAMES = st.sampled_from(["a.txt", "a.md", "a.html", "a.srt", "a.vtt"])


# --------------------------------------------------------------------------- binary formats
# One handout, written for these tests, rendered as plain text, as a PDF (fpdf2) and as a Word
# document (python-docx): the three must give the same exercises and values.

HANDOUT_TITLE = "Home exercises for a stiff lower back"
HANDOUT_INTRO = "Do this program once a day. Stop any exercise that causes sharp pain."
HANDOUT_ITEMS = [
    (
        "Bridge",
        "Lie on your back with your knees bent and your feet flat on the floor. Lift your hips and "
        "hold for 5 seconds. Do 10 repetitions.",
    ),
    ("Clamshell", "Lie on your side with your knees bent. Open the top knee and close it slowly. Do 15 on each side."),
]
HANDOUT_TABLE = [("Exercise", "Sets", "Reps"), ("Bird dog", "2", "8"), ("Dead bug", "3", "12")]
HANDOUT_LAST = ("Cat-cow", "On your hands and knees, arch and round your back 10 times.")
HANDOUT_FOOTER = "Riverside Physio - home program - page {page} of 2"


def handout_text() -> str:
    """The handout as a plain-text file."""
    parts = [f"# {HANDOUT_TITLE}", "", HANDOUT_INTRO, ""]
    for k, (name, text) in enumerate(HANDOUT_ITEMS, start=1):
        parts += [f"{k}. {name}", text, ""]
    parts += ["| " + " | ".join(HANDOUT_TABLE[0]) + " |", "|---|---|---|"]
    parts += ["| " + " | ".join(row) + " |" for row in HANDOUT_TABLE[1:]]
    parts += ["", f"3. {HANDOUT_LAST[0]}", HANDOUT_LAST[1], ""]
    return "\n".join(parts)


def _pdf_lines(pdf, x: float, y: float, lines: list[str], height: float = 5.5) -> float:
    """Write ``lines`` one under the other from (x, y) in mm; the y below the last line."""
    for line in lines:
        pdf.set_xy(x, y)
        pdf.cell(0, height, line)
        y += height
    return y


def handout_pdf(*, password: str | None = None, owner_only: bool = False) -> bytes:
    """The handout as a two-page PDF: a title in large type, the first two exercises in two
    columns (one with a hyphenated line end), a ruled table, a repeated header and footer."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    if password or owner_only:
        pdf.set_encryption(owner_password="owner-secret", user_password=password or "")

    def margins(page: int) -> None:
        pdf.set_font("Helvetica", size=8)
        _pdf_lines(pdf, 10, 8, ["Riverside Physio"])
        _pdf_lines(pdf, 10, 285, [HANDOUT_FOOTER.format(page=page)])
        pdf.set_font("Helvetica", size=11)

    pdf.add_page()
    margins(1)
    pdf.set_font("Helvetica", "B", 18)
    _pdf_lines(pdf, 10, 20, [HANDOUT_TITLE], height=9)
    pdf.set_font("Helvetica", size=11)
    _pdf_lines(pdf, 10, 34, [HANDOUT_INTRO])
    left = [
        "1. Bridge",
        "Lie on your back with your knees bent and",
        "your feet flat on the floor. Lift your hips",
        "and hold for 5 seconds. Do 10 repe-",  # a hyphenated line end
        "titions.",
    ]
    right = [
        "2. Clamshell",
        "Lie on your side with your knees bent. Open",
        "the top knee and close it slowly. Do 15 on",
        "each side.",
    ]
    _pdf_lines(pdf, 10, 48, left)
    _pdf_lines(pdf, 110, 48, right)
    pdf.set_xy(10, 90)
    with pdf.table(col_widths=(60, 30, 30), width=120, align="LEFT") as table:
        for row in HANDOUT_TABLE:
            cells = table.row()
            for value in row:
                cells.cell(value)
    pdf.add_page()
    margins(2)
    _pdf_lines(pdf, 10, 20, [f"3. {HANDOUT_LAST[0]}", HANDOUT_LAST[1]])
    return bytes(pdf.output())


def blank_pdf() -> bytes:
    """A PDF with drawings and no text layer (as a scan is)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.line(20, 100, 180, 100)
    return bytes(pdf.output())


def handout_docx() -> bytes:
    """The handout as a Word document: heading and list styles, a table."""
    import io

    import docx

    document = docx.Document()
    document.add_heading(HANDOUT_TITLE, level=1)
    document.add_paragraph(HANDOUT_INTRO)
    for name, text in HANDOUT_ITEMS:
        document.add_paragraph(name, style="List Number")
        document.add_paragraph(text)
    table = document.add_table(rows=len(HANDOUT_TABLE), cols=3)
    for r, row in enumerate(HANDOUT_TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph(HANDOUT_LAST[0], style="List Number")
    document.add_paragraph(HANDOUT_LAST[1])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
