import os

import pytest
from conftest import DOCUMENT_NAMES, any_document_text, blank_pdf, handout_pdf
from hypothesis import given
from hypothesis import strategies as st

from pipeline import alignment, ingest
from pipeline.errors import InputError
from pipeline.models import SourceMeta


def build(data: bytes, name: str = "doc.txt", meta: SourceMeta | None = None):
    return ingest.build_document(data, doc_id=name, path=f"raw/{name}", meta=meta)


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "empty.txt", "raw/empty.txt: the file is empty"),
        (b"   \n\n", "blank.txt", "raw/blank.txt: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt", "raw/image.txt: the file is binary"),
        ("Hold for 30 seconds – each side".encode("cp1252"), "win.txt", "not valid UTF-8"),
        (b"Hold for 30 seconds.\n" * 500 + b"\x00\x00end\n", "nul.txt", "NUL characters (the first on line 501)"),
        (b"Hold\x00 for 30 seconds", "nul.md", "the file is binary"),
        ("Hold 5 s".encode("utf-16-le")[:-1], "odd.txt", "the file is binary"),  # odd length: not UTF-16
        (b"Hold for 30 seconds", "notes.odt", "unknown file type '.odt'"),
        (b"Hold for 30 seconds", "README", "unknown file type '(no extension)'"),
        (b"<html><script>x</script></html>", "page.html", "no text after removing markup"),
        (b"1\nnot a timestamp\nhello\n", "bad.srt", "malformed SRT file: no caption timing found"),
        (blank_pdf(), "scan.pdf", "the PDF has no text layer (1 page(s) of images, e.g. a scan)"),
        (handout_pdf(password="letmein"), "locked.pdf", "the PDF is encrypted with a password"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "broken.pdf", "the file cannot be read as a PDF"),
        (b"PK\x03\x04 not really a zip", "broken.docx", "the file cannot be read as a Word document"),
        (b'{"events": []}', "clip.json3", "malformed JSON3 file: no caption text"),
        (b'{"events": [', "clip.json3", "malformed JSON3 file"),
        (b"<html><body>x</body></html>", "clip.xml", "is not TTML (<tt>) or YouTube timedtext"),
        (b"<tt><body><p>unclosed</body></tt>", "clip.ttml", "malformed TTML file: not well-formed XML"),
    ],
)
def test_ingest_bad_input_names_file_and_fix(data, name, message):
    with pytest.raises(InputError) as info:
        build(data, name)
    text = str(info.value)
    assert message in text
    assert text.startswith(f"raw/{name}:")
    assert len(text.splitlines()) == 1


def test_ingest_cp1252_error_says_how_to_convert():
    with pytest.raises(InputError, match="iconv -f CP1252 -t UTF-8"):
        build("caf\xe9".encode("cp1252"))


def test_ingest_too_large(monkeypatch):
    monkeypatch.setattr(ingest, "MAX_BYTES", 10)
    with pytest.raises(InputError, match="over the 10 byte limit"):
        build(b"Hold for 30 seconds please")


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"\xef\xbb\xbfBridge: hold 5 seconds.", "Bridge: hold 5 seconds."),  # BOM dropped
        (b"Line one of a paragraph.\r\nLine two.\r\n", "Line one of a paragraph.\nLine two.\n"),  # CRLF
        ("Bridge: hold 5 seconds – each side.".encode("utf-16"), "Bridge: hold 5 seconds – each side."),
        ("Bridge: hold 5 seconds – each side.".encode("utf-16-le"), "Bridge: hold 5 seconds – each side."),
        ("Bridge: hold 5 seconds – each side.".encode("utf-16-be"), "Bridge: hold 5 seconds – each side."),
        ("Brücke: 5 Sekunden halten.".encode("utf-16-le"), "Brücke: 5 Sekunden halten."),
    ],
)
def test_ingest_decodes(data, expected):
    assert build(data).text == expected


CAPTION_LINES = [
    "so today we are",
    "going to lie on",
    "your back and",
    "pull one knee",
    "up to your chest",
    "and hold that",
    "for thirty seconds",
    "then switch",
    "sides okay",
]
CAPTIONS = "My Stretch Video\n\n" + "\n\n".join(CAPTION_LINES) + "\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            CAPTIONS,
            "My Stretch Video\n\nso today we are going to lie on your back and pull one knee up to your chest "
            "and hold that for thirty seconds then switch sides okay\n",
        ),
        # Ordinary paragraphs keep their breaks.
        ("Bridge\n\nLie on your back.\n\nLift your hips.\n", "Bridge\n\nLie on your back.\n\nLift your hips.\n"),
    ],
)
def test_ingest_unwraps_caption_lines(text, expected):
    assert build(text.encode()).text == expected


def test_ingest_srt_and_vtt():
    srt = (
        "1\n00:00:01,000 --> 00:00:03,000\nlie on your back\n\n"
        "2\n00:00:03,000 --> 00:00:05,000\nlie on your back\nand <i>hug</i> one knee\n"
    )
    doc = build(srt.encode(), "clip.srt")
    assert doc.text == "lie on your back and hug one knee"
    assert doc.kind == "transcript"
    vtt = (
        "WEBVTT\n\nNOTE made by hand\n\n00:01.000 --> 00:02.000 align:start\n<v Jo>hold it\n\n"
        "id-2\n00:02.000 --> 00:03.000\nfor 5 seconds\n"
    )
    doc = build(vtt.encode(), "clip.vtt")
    assert doc.text == "hold it for 5 seconds"
    s, e = alignment.to_source(doc.alignment, doc.text.index("5 sec"), doc.text.index("5 sec") + 5)
    assert doc.raw_text[s:e] == "5 sec"


@pytest.mark.parametrize(
    "captions, name, text, warnings",
    [
        (
            "1\n00:00:01,000 --> 00:00:04,000\nlie on your back\n\n"
            "2\n00:00:04,000 -> 00:00:08,000\nand hold the bridge for five seconds\n\n"
            "3\n00:00:08,000 --> 00:00:10,000\nthen lower slowly\n",
            "clip.srt",
            "lie on your back and hold the bridge for five seconds then lower slowly",
            [(6, "malformed caption timing '00:00:04,000 -> 00:00:08,000'; the cue's text is kept")],
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:04.000\nlie on your back\n\ncue-2\n00:04.000 — 00:08.000\nhold it\n",
            "clip.vtt",
            "lie on your back hold it",
            [(7, "malformed caption timing '00:04.000 — 00:08.000'; the cue's text is kept")],
        ),
        (  # a blank line inside a cue: the second half has no timing of its own
            "1\n00:00:01,000 --> 00:00:04,000\nlie on your back\n\nand bend your knees\n",
            "clip.srt",
            "lie on your back and bend your knees",
            [(5, "caption cue without a timing line; its text is kept")],
        ),
        (  # negative row: a bare cue number is dropped without a warning
            "1\n00:00:01,000 --> 00:00:04,000\nlie on your back\n\n2\n",
            "clip.srt",
            "lie on your back",
            [],
        ),
    ],
)
def test_ingest_bad_caption_timing_keeps_text_and_warns(captions, name, text, warnings):
    doc = build(captions.encode(), name)
    assert doc.text == text
    assert [(w.line, w.what) for w in doc.warnings] == warnings
    assert all(w.fix.startswith("Write the timing as") for w in doc.warnings)


def test_ingest_html():
    page = (
        "<html><head><title>Back &amp; Hips</title><style>p{}</style></head><body>"
        "<h2>Bird dog</h2><p>Hold for&nbsp;5&nbsp;seconds.</p><ul><li>Keep your back flat</li><li>Breathe</li></ul>"
        "</body></html>"
    )
    doc = build(page.encode(), "page.html")
    assert doc.title == "Back & Hips"
    assert doc.text == "## Bird dog\n\nHold for 5 seconds.\n\n- Keep your back flat\n- Breathe\n\n"
    kinds = [(s.kind, doc.text[s.start : s.end]) for s in doc.sections]
    assert kinds == [
        ("heading", "## Bird dog"),
        ("paragraph", "Hold for 5 seconds."),
        ("item", "- Keep your back flat"),
        ("item", "- Breathe"),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("# Title\n\nIntro text here.\n", [("heading", "# Title"), ("paragraph", "Intro text here.")]),
        ("1. Bridge:\n\nLift your hips.\n", [("item", "1. Bridge:"), ("paragraph", "Lift your hips.")]),
        ("Knee Rolls\n\nRoll your knees.\n", [("heading", "Knee Rolls"), ("paragraph", "Roll your knees.")]),
        ("Sets: 3\nReps: 10\n", [("field", "Sets: 3"), ("field", "Reps: 10")]),
        ("- one\n- two\n", [("item", "- one"), ("item", "- two")]),
        # A sentence standing alone is a paragraph, not a heading.
        ("Lie on your back.\n\nHold it.\n", [("paragraph", "Lie on your back."), ("paragraph", "Hold it.")]),
    ],
)
def test_ingest_sections(text, expected):
    doc = build(text.encode(), "doc.md")
    assert [(s.kind, doc.text[s.start : s.end]) for s in doc.sections] == expected


def test_ingest_spoken_cues_split_transcripts():
    text = (
        "Hey everybody, today I'm going to show you some stretches. Let's get started. "
        "Lie on your back and hold it. Next you're going to do a bridge. Lift up. "
        "After you do those, then you're going to do a clamshell. You're going to love it."
    )
    doc = build(text.encode())
    assert doc.kind == "transcript"
    cues = [doc.text[s.start : s.end].split(".")[0] for s in doc.sections if s.kind == "cue"]
    assert cues == ["Next you're going to do a bridge", "After you do those, then you're going to do a clamshell"]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("# Stretches\n\n1. Bridge\n\nLift.\n\n2. Plank\n\nHold.\n", "article"),
        (
            "So today I'm going to show you a stretch. You're going to lie down and you're going to breathe. "
            "Now we're going to do the next one, okay so you're going to lift.",
            "transcript",
        ),
        ("The bridge strengthens the glutes. It is done lying down.", "article"),
        (
            "alright so first up we’re doing a bridge so lie on your back and we’ll do twelve of those "
            "okay now roll onto your side and let’s go",
            "transcript",
        ),
        ("Let’s consider a few options. You’ll feel the stretch in your hip.", "article"),
    ],
)
def test_ingest_detects_kind(text, kind):
    assert build(text.encode(), "doc.md").kind == kind


def test_ingest_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("Hold 5 seconds.")
    (tmp_path / "a.txt.meta.json").write_text('{"title": "A", "kind": "transcript", "url": "https://example.org/a"}')
    (tmp_path / "b.txt").write_text("Hold 5 seconds.")
    (tmp_path / "b.txt.meta.json").write_text('{"title": "B", "colour": "red"}')
    files = {f.doc_id: f for f in ingest.discover(tmp_path, tmp_path.parent).files}
    assert sorted(files) == ["a.txt", "b.txt"]
    doc = ingest.ingest_file(files["a.txt"])
    assert (doc.title, doc.kind, doc.url, doc.kind_reason) == ("A", "transcript", "https://example.org/a", "metadata")
    with pytest.raises(InputError, match=r"b.txt.meta.json: malformed metadata \(colour: Extra inputs"):
        ingest.ingest_file(files["b.txt"])


def test_ingest_discover_skips_hidden(tmp_path):
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git/notes.txt").write_text("x")
    (tmp_path / "x.md").write_text("# X")
    assert [f.doc_id for f in ingest.discover(tmp_path, tmp_path).files] == ["x.md"]


@pytest.mark.parametrize("meta", [b'\xef\xbb\xbf{"title": "A"}', b'{"title": "A"}'])
def test_ingest_metadata_with_a_bom(tmp_path, meta):
    (tmp_path / "a.txt").write_text("Hold 5 seconds.")
    (tmp_path / "a.txt.meta.json").write_bytes(meta)
    [file] = ingest.discover(tmp_path, tmp_path.parent).files
    assert ingest.ingest_file(file).title == "A"


def test_ingest_metadata_not_utf8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("Hold 5 seconds.")
    (tmp_path / "a.txt.meta.json").write_bytes('{"title": "Caf\xe9"}'.encode("cp1252"))
    [file] = ingest.discover(tmp_path, tmp_path.parent).files
    with pytest.raises(InputError, match=r"^a.txt.meta.json: metadata is not valid UTF-8 \(byte 14\)"):
        ingest.ingest_file(file)


def test_ingest_metadata_without_a_document_is_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw/a.txt").write_text("Hold 5 seconds.")
    (tmp_path / "raw/b.txt.meta.json").write_text('{"title": "B"}')
    found = ingest.discover(tmp_path / "raw", tmp_path)
    assert [f.doc_id for f in found.files] == ["a.txt"]
    assert [str(w) for w in found.warnings] == [
        "raw/b.txt.meta.json: metadata for 'b.txt', which is not in the raw folder. "
        "Rename it after its document (<file>.meta.json) or delete it."
    ]


def test_ingest_links_leaving_the_raw_folder_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    (tmp_path / "secret.txt").write_text("Hold 5 seconds.")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/more.txt").write_text("Hold 5 seconds.")
    (raw / "a.txt").write_text("Hold 5 seconds.")
    (raw / "out.txt").symlink_to(tmp_path / "secret.txt")
    (raw / "folder").symlink_to(tmp_path / "elsewhere")
    (raw / "same.txt").symlink_to(raw / "a.txt")  # inside the raw folder: fine
    (raw / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (raw / "b.txt").write_text("Hold 5 seconds.")
    (raw / "b.txt.meta.json").symlink_to(tmp_path / "secret.txt")
    os.mkfifo(raw / "pipe.txt")
    (raw / os.fsdecode(b"caf\xe9.txt")).write_text("Hold 5 seconds.")  # a Latin-1 file name
    found = ingest.discover(raw, tmp_path)
    assert [(f.doc_id, f.rel_path) for f in found.files] == [("a.txt", "raw/a.txt"), ("same.txt", "raw/same.txt")]
    assert sorted(str(e) for e in found.errors) == [
        "raw/b.txt.meta.json: is a link to secret.txt, outside the raw folder; links that leave it are refused. "
        "Copy the file into the raw folder instead of linking to it.",
        "raw/caf\\xe9.txt: its name is not valid UTF-8. Rename it (ids and reports are UTF-8 text).",
        "raw/folder: is a link to elsewhere, outside the raw folder; links that leave it are refused. "
        "Copy the file into the raw folder instead of linking to it.",
        "raw/gone.txt: is a broken link. Remove the link or restore its target.",
        "raw/out.txt: is a link to secret.txt, outside the raw folder; links that leave it are refused. "
        "Copy the file into the raw folder instead of linking to it.",
        "raw/pipe.txt: is not a regular file (a pipe, socket or device). Remove it from the raw folder.",
    ]


# --------------------------------------------------------------------------- hostile input


def check_document(data: bytes, name: str):
    """Build a document; unusable input may only raise InputError. RETURNS the Document or None."""
    try:
        doc = build(data, name)
    except InputError as err:
        assert str(err).startswith(f"raw/{name}:") and "\n" not in str(err)
        return None
    assert "\x00" not in doc.raw_text
    assert (
        alignment.apply(doc.raw_text, [(p.raw_start, p.raw_end, doc.text[p.start : p.end]) for p in doc.alignment])[0]
        == doc.text
    )
    for s in doc.sections:
        assert 0 <= s.start <= s.end <= len(doc.text)
    return doc


@given(data=st.binary(max_size=400), name=DOCUMENT_NAMES)
def test_ingest_any_bytes_give_a_document_or_an_input_error(data, name):
    check_document(data, name)


@given(
    text=any_document_text,
    name=DOCUMENT_NAMES,
)
def test_ingest_hostile_text_gives_a_document_or_an_input_error(text, name):
    check_document(text.encode("utf-8", "surrogatepass"), name)


@pytest.mark.parametrize(
    "text, name, headings",
    [
        ("# ", "a.txt", []),  # found by hypothesis: a heading mark with nothing after it heads nothing
        ("<h2> <i>", "a.html", []),  # found by hypothesis: the same through HTML
        ("#\tBridge\n\nHold 5 seconds.\n", "a.md", [("#\tBridge", 1)]),
        ("##\u00a0Bridge\n\nHold 5 seconds.\n", "a.md", [("## Bridge", 2)]),  # a no-break space reads as one
        ("### Bridge\n", "a.md", [("### Bridge", 3)]),
    ],
)
def test_ingest_heading_marks_without_a_space(text, name, headings):
    doc = check_document(text.encode(), name)
    assert [(doc.text[s.start : s.end], s.level) for s in doc.sections if s.kind == "heading"] == headings
