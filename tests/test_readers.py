"""PDF and DOCX readers, and the caption exports: fixtures are rendered in the test from text
written for it (conftest: the handout)."""

import io
import zipfile

import pytest
from conftest import HANDOUT_FOOTER, handout_docx, handout_pdf, handout_text
from hypothesis import given
from hypothesis import strategies as st

from pipeline import alignment, ingest, readers
from pipeline.errors import InputError


def build(data: bytes, name: str):
    return ingest.build_document(data, doc_id=name, path=f"raw/{name}")


@pytest.fixture(scope="module")
def pdf_doc():
    return build(handout_pdf(), "handout.pdf")


def values(doc) -> dict:
    """Exercise id → (hold, reps, sets, per_side) as the extract stage reads ``doc``."""
    from pipeline import extract, normalize

    result = extract.extract_document(doc, normalize.normalize_document(doc))
    out = {}
    for item in result.claims:
        c = item.claim
        for ev in c.evidence:
            assert doc.raw_text[ev.start : ev.end] == ev.quote
            assert (ev.page is not None) == (doc.format == "pdf")
        out[item.exercise_id] = tuple(
            None if v is None else (v.min, v.max) for v in (c.hold_seconds, c.reps, c.sets)
        ) + (c.per_side,)
    return out


def test_readers_pdf_and_docx_give_what_the_text_gives(pdf_doc):
    text = values(build(handout_text().encode(), "handout.txt"))
    assert text == {
        "bird-dog": (None, (8, 8), (2, 2), True),
        "bridge": ((5, 5), (10, 10), None, False),
        "cat-cow": (None, None, None, False),
        "clamshell": (None, (15, 15), None, True),
        "dead-bug": (None, (12, 12), (3, 3), True),
    }
    assert values(pdf_doc) == text
    assert values(build(handout_docx(), "handout.docx")) == text


def test_readers_pdf_reads_two_columns_column_by_column(pdf_doc):
    raw = pdf_doc.raw_text
    order = ["1. Bridge", "Do 10 repe-\ntitions.", "2. Clamshell", "Do 15 on\neach side", "| Bird dog | 2 | 8 |"]
    positions = [raw.index(part) for part in order]
    assert positions == sorted(positions)


def test_readers_pdf_structure_for_the_layout_reader(pdf_doc):
    raw, text = pdf_doc.raw_text, pdf_doc.text
    assert "# Home exercises for a stiff lower back\n" in raw  # large type: a heading
    assert "| Exercise | Sets | Reps |\n| --- | --- | --- |\n| Bird dog | 2 | 8 |\n| Dead bug | 3 | 12 |" in raw
    kinds = {text[s.start : s.end]: s.kind for s in pdf_doc.sections}
    assert kinds["1. Bridge"] == "item" and kinds["# Home exercises for a stiff lower back"] == "heading"
    assert [k for k in kinds.values() if k == "row"] == ["row", "row"]


def test_readers_pdf_undoes_hyphens_and_drops_running_lines_in_the_clean_view(pdf_doc):
    raw, text = pdf_doc.raw_text, pdf_doc.text
    assert "Do 10 repe-\ntitions." in raw and "Do 10 repetitions." in text
    for page in (1, 2):
        assert HANDOUT_FOOTER.format(page=page) in raw and HANDOUT_FOOTER.format(page=page) not in text
    assert raw.count("Riverside Physio\n") == 2 and "Riverside Physio" not in text
    running = [raw[ln.start : ln.end] for p in pdf_doc.pages for ln in p.lines if ln.running]
    assert running == [
        "Riverside Physio",
        HANDOUT_FOOTER.format(page=1),
        "Riverside Physio",
        HANDOUT_FOOTER.format(page=2),
    ]
    s = text.index("repetitions")  # the clean view maps back onto the hyphenated word
    assert raw.__getitem__(slice(*alignment.to_source(pdf_doc.alignment, s, s + 11))) == "repe-\ntitions"


def test_readers_pdf_pages_and_line_positions(pdf_doc):
    assert [p.number for p in pdf_doc.pages] == [1, 2]
    assert pdf_doc.raw_text[pdf_doc.pages[1].start :].startswith("Riverside Physio\n\n3. Cat-cow")
    assert ingest.page_of(pdf_doc, pdf_doc.raw_text.index("Cat-cow")) == 2
    assert ingest.page_of(pdf_doc, pdf_doc.raw_text.index("Clamshell")) == 1
    for page in pdf_doc.pages:
        for ln in page.lines:
            assert 0 <= ln.x0 < ln.x1 <= page.width and 0 <= ln.top < ln.bottom <= page.height
            assert page.start <= ln.start < ln.end <= page.end
    left = next(ln for ln in pdf_doc.pages[0].lines if pdf_doc.raw_text[ln.start : ln.end] == "1. Bridge")
    right = next(ln for ln in pdf_doc.pages[0].lines if pdf_doc.raw_text[ln.start : ln.end] == "2. Clamshell")
    assert left.top == right.top and left.x1 < right.x0


def test_readers_docx_without_a_document_part_is_an_error():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(InputError, match=r"^raw/empty.docx: the file cannot be read as a Word document"):
        build(out.getvalue(), "empty.docx")


def test_readers_pdf_with_only_an_owner_password_is_read():
    assert "Do 10 repe-\ntitions." in build(handout_pdf(owner_only=True), "owner.pdf").raw_text


def test_readers_docx_styles_become_markdown_lines():
    raw = build(handout_docx(), "handout.docx").raw_text
    assert raw.startswith("# Home exercises for a stiff lower back\n\nDo this program once a day.")
    assert "\n\n1. Bridge\n\n" in raw and "\n\n2. Clamshell\n\n" in raw and "\n\n3. Cat-cow\n\n" in raw
    assert "| Exercise | Sets | Reps |\n| --- | --- | --- |\n| Bird dog | 2 | 8 |" in raw


@given(data=st.binary(max_size=300), name=st.sampled_from(["a.pdf", "a.docx"]))
def test_readers_any_bytes_give_a_document_or_an_input_error(data, name):
    try:
        doc = build(data, name)
    except InputError as err:
        assert str(err).startswith(f"raw/{name}:") and "\n" not in str(err)
        return
    assert doc.text.strip()


@given(cut=st.integers(0, 4000))
def test_readers_truncated_pdf_gives_a_document_or_an_input_error(cut):
    data = handout_pdf()
    try:
        build(data[: len(data) * cut // 4000], "cut.pdf")
    except InputError as err:
        assert str(err).startswith("raw/cut.pdf:") and "\n" not in str(err)


# --------------------------------------------------------------------------- reading order


def frag(text: str, x0: float, top: float, width: float | None = None, size: float = 10.0) -> readers.Fragment:
    return readers.Fragment(text, x0, top, x0 + (width or 5.0 * len(text)), top + size, size)


def test_readers_reading_order_reads_a_table_row_by_row():
    rows = [("Exercise", "Sets"), ("Side plank", "3"), ("Bridge", "2")]
    frags = [frag(t, x, 100 + 14 * k) for k, row in enumerate(rows) for t, x in zip(row, (50, 300), strict=True)]
    order = readers.reading_order(frags)
    assert [[f.text for f in r] for r in order] == [list(r) for r in rows]


def test_readers_reading_order_ends_columns_at_a_spanning_line():
    prose = "lie on your back and lift"
    frags = [frag("Title across the whole page of the handout", 50, 50, width=450)]
    frags += [frag(f"left {k} {prose}", 50, 80 + 14 * k) for k in range(4)]
    frags += [frag(f"right {k} {prose}", 300, 80 + 14 * k) for k in range(4)]
    frags += [frag("A closing line across the whole page of text", 50, 150, width=450)]
    texts = [" ".join(f.text for f in r) for r in readers.reading_order(frags)]
    assert [t.split()[0] for t in texts] == ["Title"] + ["left"] * 4 + ["right"] * 4 + ["A"]


# --------------------------------------------------------------------------- caption exports

JSON3 = (
    '{"wireMagic": "pb3", "events": [{"tStartMs": 0, "segs": [{"utf8": ">> COACH: now a"}, {"utf8": " glute"}, '
    '{"utf8": " bridge"}]}, {"tStartMs": 900, "aAppend": 1, "segs": [{"utf8": "\\n"}]}, '
    '{"tStartMs": 1000, "segs": [{"utf8": "hold it for five seconds,\\nten times \\u2013 \\"slowly\\""}]}]}'
)
SRV3 = (
    '<?xml version="1.0" encoding="utf-8" ?><timedtext format="3"><head><pen id="1"/></head><body>\n'
    '<p t="0" d="900"><s>now a</s><s t="300"> glute bridge</s></p>\n'
    '<p t="1000" d="900">hold it for five seconds,<br/>ten times &amp;amp; &quot;slowly&quot;</p>\n</body></timedtext>'
)
SRV1 = (
    '<?xml version="1.0" encoding="utf-8" ?><transcript><text start="0" dur="1">now a glute bridge</text>'
    '<text start="1" dur="1">hold it for five seconds, ten times &amp;#39;slowly&amp;#39;</text></transcript>'
)
TTML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="en"><head><metadata>'
    '<ttm:title xmlns:ttm="http://www.w3.org/ns/ttml#metadata">Glute video</ttm:title></metadata></head>\n'
    '<body><div>\n  <p begin="00:00:00.000" end="00:00:01.000">COACH: now a\n    glute bridge</p>\n'
    '  <p begin="00:00:01.000" end="00:00:02.000">hold it for five seconds,<br/>ten times</p>\n</div></body></tt>'
)


@pytest.mark.parametrize(
    "data, name, fmt, text",
    [
        (JSON3, "clip.json3", "json3", 'now a glute bridge hold it for five seconds, ten times – "slowly"'),
        (SRV3, "clip.srv3", "srv3", 'now a glute bridge hold it for five seconds, ten times & "slowly"'),
        (SRV1, "clip.xml", "srv3", "now a glute bridge hold it for five seconds, ten times 'slowly'"),
        (TTML, "clip.ttml", "ttml", "now a glute bridge hold it for five seconds, ten times"),
        (TTML, "clip.xml", "ttml", "now a glute bridge hold it for five seconds, ten times"),
    ],
)
def test_readers_caption_exports_become_running_speech(data, name, fmt, text):
    doc = build(data.encode(), name)
    assert (doc.format, doc.kind, doc.text) == (fmt, "transcript", text)
    s = doc.text.index("five")
    assert doc.raw_text.__getitem__(slice(*alignment.to_source(doc.alignment, s, s + 4))) == "five"
