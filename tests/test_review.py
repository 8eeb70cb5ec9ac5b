"""Tests for pipeline.review: quotes in context, the page's content, escaping, and the page in
headless Chromium (filters, no console error, hostile sources shown as text)."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import lexicon_entry, plain_document, records
from hypothesis import given
from hypothesis import strategies as st

from pipeline import decide, review, workflow
from pipeline.merge import merge
from pipeline.models import (
    Claim,
    CorrectionReport,
    DocumentResult,
    Evidence,
    ExerciseClaims,
    Range,
    Resolution,
)
from pipeline.review import in_context, render_review

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus" / "real" / "raw"

# --------------------------------------------------------------------------- factories


LEXICON = [lexicon_entry("bridge", "Bridge"), lexicon_entry("bird-dog", "Bird dog")]


def evidence(text: str, quote: str, field: str) -> Evidence:
    start = text.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote), field=field, rule="test")


def named_claim(doc_id: str, text: str, name: str, hold: tuple[str, int] | None = None) -> ExerciseClaims:
    """A claim on the exercise named ``name`` in ``text``: matched by alias when it holds a
    ``hold`` (quote, seconds), else unmatched with no value."""
    quote, seconds = hold or (None, None)
    return ExerciseClaims(
        exercise_id=None,
        claim=Claim(
            doc_id=doc_id,
            name_as_written=name,
            mapping="alias" if hold else "unmatched",
            mapping_score=100.0 if hold else 0.0,
            hold_seconds=Range(min=seconds, max=seconds) if hold else None,
            reps=None,
            sets=None,
            per_side=None,
            evidence=[evidence(text, name, "name")] + ([evidence(text, quote, "hold_seconds")] if hold else []),
        ),
    )


def build(sources: dict[str, tuple[str, str, str, int]], resolutions=(), unmatched: dict[str, str] | None = None):
    """Merge ``doc_id → (text, name, hold quote, seconds)``, plus ``unmatched`` names (doc_id → name)."""
    docs, results = [], []
    for doc_id, (text, name, quote, seconds) in sources.items():
        claims = [named_claim(doc_id, text, name, (quote, seconds))]
        if unmatched and doc_id in unmatched:
            claims.append(named_claim(doc_id, text, unmatched[doc_id]))
        docs.append(plain_document(text, doc_id=doc_id))
        results.append(DocumentResult(doc_id=doc_id, claims=claims, unnamed=[]))
    dataset, conflicts = merge(records(docs, results), lexicon=LEXICON, resolutions=resolutions)
    texts = {d.doc_id: d.raw_text for d in docs}
    return dataset, conflicts, texts


HOSTILE = "<script>alert('x')</script><img src=x onerror=\"alert('img')\">"
TWO_SOURCES = {
    "a.txt": ("Bridge. Lie down. Hold for 30 seconds. Rest.", "Bridge", "Hold for 30 seconds", 30),
    "b.txt": (f"Bridge {HOSTILE}: hold it 8 seconds & then rest.", "Bridge", "hold it 8 seconds", 8),
}


class Tags(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


# --------------------------------------------------------------------------- quotes in context

SENTENCES = "Lie on your back. Bend both knees. Lift your hips and hold for 5 seconds. Lower slowly. Rest."


@pytest.mark.parametrize(
    "text, quote, before, after",
    [
        # The sentence around the quote, and its neighbour when the quote fills most of it.
        (SENTENCES, "hold for 5 seconds", "Bend both knees. Lift your hips and ", ". Lower slowly."),
        (SENTENCES, "Lie on your back.", "", " Bend both knees."),
        (SENTENCES, "Rest.", "Lower slowly. ", ""),
        # A blank line ends a sentence too; whitespace runs show as one space.
        ("Bridge\n\nHold for\n  30 seconds", "30 seconds", "Bridge Hold for ", ""),
        # Caption timing lines are not shown around the words.
        (
            "1\n00:00:01,000 --> 00:00:02,000\nnow hold\n\n2\n00:00:02,000 --> 00:00:04,000\nfor ten seconds\n",
            "for ten seconds",
            "now hold ",
            "",
        ),
    ],
)
def test_review_in_context_shows_the_sentence_around_a_quote(text, quote, before, after):
    start = text.index(quote)
    snippet = in_context(text, start, start + len(quote), quote)
    assert (snippet.before, snippet.quote, snippet.after) == (before, " ".join(quote.split()), after)
    assert snippet.found and not snippet.clipped_before and not snippet.clipped_after


@pytest.mark.parametrize(
    "text, start, end, quote",
    [
        (SENTENCES, 0, 3, "Sit"),  # the text does not hold the quote there
        (SENTENCES, 500, 503, "Lie"),  # offsets past the end
        (None, 0, 3, "Lie"),  # no text for the source
    ],
)
def test_review_in_context_without_the_quote_shows_it_alone(text, start, end, quote):
    snippet = in_context(text, start, end, quote)
    assert (snippet.before, snippet.quote, snippet.after, snippet.found) == ("", quote, "", False)


def test_review_in_context_clips_long_text_at_words():
    text = " ".join(f"word{i}" for i in range(200))
    quote = "word100"
    start = text.index(quote)
    snippet = in_context(text, start, start + len(quote), quote, reach=40)
    assert snippet.clipped_before and snippet.clipped_after
    assert snippet.before.split()[0] in text.split() and snippet.after.split()[-1] in text.split()
    assert len(snippet.before) <= 41 and len(snippet.after) <= 41


@given(st.text(max_size=400), st.integers(0, 420), st.integers(0, 60))
def test_review_in_context_on_any_text(text, start, length):
    end = start + length
    quote = text[start:end]
    snippet = in_context(text, start, end, quote, reach=80)
    assert snippet.found == (end <= len(text))
    if snippet.found:
        shown = " ".join(f"{snippet.before}{snippet.quote}{snippet.after}".split())
        assert " ".join(quote.split()) in shown
        assert len(snippet.before) <= 81 and len(snippet.after) <= 81


# --------------------------------------------------------------------------- the page's content


def test_review_page_escapes_source_text():
    dataset, conflicts, texts = build(TWO_SOURCES, unmatched={"b.txt": "Bridge <script>"})
    page = render_review(dataset, conflicts, CorrectionReport(corrections=[], suggestions=[]), texts.get)
    found = tags(page)
    assert [t for t, _ in found].count("script") == 1  # the page's own
    assert not [t for t, _ in found if t == "img"]
    assert not [a for _, attrs in found for a in attrs if a.startswith("on")]
    assert (
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=&#34;alert(&#39;img&#39;)&#34;&gt;"
        in page
    )
    assert "hold it 8 seconds &amp; then rest." in page


def test_review_page_allows_only_its_own_script_and_style():
    dataset, conflicts, texts = build(TWO_SOURCES)
    page = render_review(dataset, conflicts, CorrectionReport(corrections=[], suggestions=[]), texts.get)
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    for element, directive in (("script", "script-src"), ("style", "style-src")):
        body = re.search(rf"<{element}>(.*?)</{element}>", page, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp
    assert "http://" not in page and "https://" not in page  # nothing to fetch


def test_review_page_groups_a_long_conflict_by_value():
    sources = {
        f"s{i:02}.txt": (f"Bridge. Hold for {s} seconds, text {i}.", "Bridge", f"Hold for {s} seconds", s)
        for i, s in enumerate([30] * 7 + [8] * 2)
    }
    dataset, conflicts, texts = build(sources)
    page = review.build_page(dataset, conflicts, CorrectionReport(corrections=[], suggestions=[]), texts.get)
    (view,) = page.conflicts
    assert [(g.value, len(g.rows), len(g.shown), len(g.folded)) for g in view.groups] == [
        ("30", 7, 3, 4),
        ("8", 2, 2, 0),
    ]
    assert view.groups[0].suggested and not view.groups[1].suggested
    html = render_review(dataset, conflicts, CorrectionReport(corrections=[], suggestions=[]), texts.get)
    assert "4 more sources" in html and "7 sources" in html


def test_review_page_lists_unmatched_exercises_with_their_evidence():
    dataset, conflicts, texts = build(TWO_SOURCES, unmatched={"a.txt": "Lie down"})
    page = review.build_page(dataset, conflicts, CorrectionReport(corrections=[], suggestions=[]), texts.get)
    (item,) = page.unmatched
    assert (item.exercise_id, item.doc_id, item.mapping) == ("lie-down", "a.txt", "unmatched")
    (quote,) = item.quotes
    assert (quote.snippet.before, quote.snippet.quote, quote.snippet.after) == (
        "Bridge. ",
        "Lie down",
        ". Hold for 30 seconds.",
    )


@pytest.mark.parametrize("decided_value, status", [(Range(min=20, max=20), "resolved"), (Range(min=9, max=9), "stale")])
def test_review_page_shows_the_decision_and_its_command(decided_value, status):
    dataset, conflicts, _ = build(TWO_SOURCES)
    (conflict,) = conflicts.conflicts
    fingerprint = conflict.fingerprint if status == "resolved" else "0" * 16
    decision = Resolution(conflict=conflict.id, value=decided_value, note="clinic's call", fingerprint=fingerprint)
    dataset, conflicts, texts = build(TWO_SOURCES, resolutions=[decision])
    (view,) = review.build_page(
        dataset, conflicts, CorrectionReport(corrections=[], suggestions=[]), texts.get
    ).conflicts
    assert view.conflict.status == status
    value = decided_value.min
    assert view.commands[0] == f"python -m pipeline decide {conflict.id} --value {value} --note 'clinic'\"'\"'s call'"
    assert view.commands[1] == f"python -m pipeline decide {conflict.id} --accept-suggestion"
    assert f"value: {{min: {value}, max: {value}}}" in view.snippet


def test_review_page_is_deterministic():
    dataset, conflicts, texts = build(TWO_SOURCES)
    corrections = CorrectionReport(corrections=[], suggestions=[])
    assert render_review(dataset, conflicts, corrections, texts.get) == render_review(
        dataset, conflicts, corrections, dict(texts).get
    )


# --------------------------------------------------------------------------- in the browser

HOSTILE_SOURCES = {
    "handout.txt": "Bridge\n\nLie on your back <script>alert('script')</script> and hold for 30 seconds. "
    "Repeat 10 times.\n\nBird dog\n\nHold for 5 seconds <img src=x onerror=\"alert('img')\">, 8 reps.\n",
    "video.srt": "1\n00:00:01,000 --> 00:00:04,000\nokay so lie on your back now we're going to do a bridge\n\n"
    "2\n00:00:04,000 --> 00:00:07,000\nlift your hips and hold that for ten seconds <script>alert('srt')</script>\n\n"
    "3\n00:00:07,000 --> 00:00:10,000\nand do twelve of those\n",
    "page.html": "<html><body><h2>Bird dog</h2><p>Hold for 12 seconds &lt;img src=x onerror=alert(1)&gt;.</p>"
    "<img src=x onerror=\"alert('html')\"><p>Do 8 reps.</p></body></html>\n",
    "<img src=x onerror=alert(9)>.md": "# Bridge\n\nHold for 20 seconds, 10 reps.\n",
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """The whole pipeline on sources written to attack the page, then once more after a decision."""
    folder = tmp_path_factory.mktemp("hostile")
    raw = folder / "raw"
    raw.mkdir()
    for name, text in HOSTILE_SOURCES.items():
        (raw / name).write_text(text, encoding="utf-8")
    out = folder / "out"
    workflow.run_all(raw, out, use_cache=False)
    return raw, out


@pytest.mark.slow
def test_review_page_in_the_browser_shows_hostile_sources_as_text(hostile_run, open_page):
    _, out = hostile_run
    page, problems = open_page(out / "reports/review.html")
    assert problems == []
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1
    text = page.inner_text("main")
    assert "<script>alert('script')</script>" in text
    assert "<img src=x onerror=\"alert('html')\">" in text  # the HTML source's own markup, as text
    assert "<img src=x onerror=alert(9)>.md" in text  # a file name
    assert page.locator("article.conflict").count() >= 2


@pytest.mark.slow
def test_review_page_in_the_browser_filters(hostile_run, open_page):
    _, out = hostile_run
    page, problems = open_page(out / "reports/review.html")
    articles = page.locator("article.conflict")
    total = articles.count()
    exercises = set(articles.evaluate_all("els => els.map(e => e.dataset.exercise)"))
    assert exercises == {"bridge", "bird-dog"}

    page.select_option("select[name=exercise]", "bird-dog")
    visible = page.locator("article.conflict:visible")
    assert 0 < visible.count() < total
    assert set(visible.evaluate_all("els => els.map(e => e.dataset.exercise)")) == {"bird-dog"}
    assert "exercise=bird-dog" in page.evaluate("location.hash")

    page.select_option("select[name=exercise]", "")
    page.select_option("select[name=source]", "video.srt")
    rows = page.locator("article.conflict:visible [data-row-source]:visible")
    assert rows.count() > 0
    assert set(rows.evaluate_all("els => els.map(e => e.dataset.rowSource)")) == {"video.srt"}
    assert page.locator("#shown").inner_text().endswith("items shown")

    page.click("button[type=reset]")
    page.wait_for_function(f"() => document.querySelectorAll('article.conflict:not([hidden])').length === {total}")
    assert problems == []

    # A link with a filter in it opens filtered.
    page.goto((out / "reports/review.html").resolve().as_uri() + "#severity=nonsense&exercise=bird-dog")
    page.wait_for_load_state("load")
    assert page.locator("select[name=exercise]").input_value() == "bird-dog"
    assert page.locator("select[name=severity]").input_value() == ""
    assert problems == []


@pytest.mark.slow
def test_review_page_in_the_browser_shows_a_decision(hostile_run, open_page, tmp_path):
    raw, out = hostile_run
    decided_out = tmp_path / "out"
    shutil.copytree(out / "reports", decided_out / "reports")
    page, _ = open_page(out / "reports/review.html")
    conflict_id = page.locator("article.conflict").first.get_attribute("id")
    decide.decide(decided_out, conflict_id, value="15", note="<b>our</b> call")
    workflow.run_all(raw, decided_out, use_cache=False)

    page, problems = open_page(decided_out / "reports/review.html")
    page.select_option("select[name=status]", "resolved")
    visible = page.locator("article.conflict:visible")
    assert visible.count() == 1
    assert visible.get_attribute("id") == conflict_id
    assert "Decision: 15 (<b>our</b> call)." in visible.inner_text()
    assert problems == []


@pytest.mark.slow
def test_review_committed_page_renders(open_page):
    page, problems = open_page(ROOT / "reports/review.html")
    assert problems == []
    assert page.locator("article.conflict").count() > 0


@pytest.mark.slow
@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus/real is not beside the repository")
def test_review_page_renders_on_the_real_corpus(tmp_path, open_page):
    """The page on real third-party documents (read here, never copied into the repository)."""
    workflow.run_all(REAL, tmp_path, use_cache=False)
    page, problems = open_page(tmp_path / "reports/review.html")
    assert problems == []
    assert page.locator("#unmatched [data-filter]").count() > 0
    page.select_option("select[name=status]", "open")
    assert page.locator("article.conflict:visible").count() == page.locator("article.conflict").count()
    assert problems == []
