"""The UI's pure views: times, citation links, clip cards (escaping, playback fragments)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.retrieval.outcome import SearchOutcome
from assistant.schemas import Answer, Citation, Clip
from assistant.ui.answer_view import evidence_html, link_citations
from assistant.ui.cards import clip_card, metadata_html
from assistant.vocabulary.timefmt import clock, span
from tests.helpers.builders import clip_of
from tests.helpers.fake_links import FakeLinks


def _clip(**update: object) -> Clip:
    why = ["speech: 'flooding'"]
    base = clip_of("video/news.mp4", "video", 41.0, 58.4, root="/arch", score=0.734, why=why)
    return base.model_copy(update={"snippet": "flooding", **update})


def _whole_file(kind: str, file: str, **update: object) -> Clip:
    """A clip on a whole file under /arch (a document or picture: no times)."""
    return _clip(kind=kind, file=file, path=f"/arch/{file}", start_s=None, end_s=None, **update)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, ""),
        (0, "00:00"),
        (5.4, "00:05"),
        (65, "01:05"),
        (599.6, "09:59"),
        (3723, "1:02:03"),
        (-3, "00:00"),
        (7.9999999, "00:08"),
    ],
)
def test_clock(seconds: float | None, text: str) -> None:
    assert clock(seconds) == text


def test_span() -> None:
    assert span(41.0, 58.4) == "00:41–00:59"  # the shown span contains the clip
    assert span(7.64, 11.66) == "00:07–00:12"
    assert span(12.0, 12.2) == "00:12"
    assert span(None, None) == ""
    assert span(3.0, None) == "00:03"


def test_link_citations_only_links_existing_citations() -> None:
    text = "Flooding [1] and fire [2]; see also [7]."
    linked = link_citations(text, turn=3, count=2)
    assert "[[1]](#clip-3-1)" in linked
    assert "[[2]](#clip-3-2)" in linked
    assert "[7]" in linked and "#clip-3-7" not in linked


def test_video_card_seeks_to_clip_and_shows_times() -> None:
    html = clip_card(_clip(), links=FakeLinks(), element_id="clip-1-1", badge="[1]")  # type: ignore[arg-type]
    assert 'src="/f/arch/video/news.mp4#t=41.00,58.40"' in html
    assert 'data-start="41.00"' in html and 'data-end="58.40"' in html
    assert "00:41–00:59" in html
    assert "0.73" in html
    assert 'id="clip-1-1"' in html


def test_card_escapes_archive_text() -> None:
    clip = _clip(
        snippet="<script>alert(1)</script>",
        file="<b>x</b>.mp4",
        metadata={"place": "<img onerror=x>"},
    )
    html = clip_card(clip, links=FakeLinks(), element_id="c", badge="[1]")  # type: ignore[arg-type]
    assert "<script>" not in html and "<img onerror" not in html
    assert "&lt;script&gt;" in html


def test_document_card_highlights_passage_with_page() -> None:
    clip = _whole_file("document", "docs/e.pdf", snippet="green party doubled its seats", page=2)
    html = clip_card(clip, links=FakeLinks(), element_id="c")  # type: ignore[arg-type]
    assert "<mark>green party doubled its seats</mark>" in html
    assert "page 2" in html
    assert "<video" not in html and "#t=" not in html


def test_unplayable_media_says_so() -> None:
    html = clip_card(_clip(kind="audio"), links=FakeLinks(play_as=None), element_id="c")  # type: ignore[arg-type]
    assert "cannot be played in the browser" in html
    assert "<audio" not in html


def test_excerpt_playback_counts_from_the_excerpt_start() -> None:
    clip = _clip(start_s=2480.0, end_s=2510.5)
    html = clip_card(
        clip, links=FakeLinks(play_as=("/f/previews/x_2450_2540.mp4", 2450.0)), element_id="c"
    )  # type: ignore[arg-type]
    assert 'src="/f/previews/x_2450_2540.mp4#t=30.00,60.50"' in html
    assert 'data-start="30.00"' in html and 'data-end="60.50"' in html
    assert "41:20–41:51" in html and "Excerpt from 40:50" in html


def test_metadata_shows_values_and_their_source() -> None:
    html = metadata_html(
        {
            "people": {"value": ["Ann", "Bo"], "source": "sidecar"},
            "tempo": 120.0,
            "date": "2021-03-15",
        }
    )
    assert "Ann, Bo" in html and "(sidecar)" in html and "120.0" in html
    assert html.index("date") < html.index("people") < html.index("tempo")


def test_abstained_answer_shows_nearest_labelled() -> None:
    answer = Answer(
        question="unicorns?", text="Not in the archive.", abstained=True, nearest=[_clip()]
    )
    html = evidence_html(answer, 1, FakeLinks())  # type: ignore[arg-type]
    assert "Not in the archive" in html and "nearest" in html
    assert 'id="near-1-1"' in html


def test_cited_answer_shows_one_card_per_citation() -> None:
    clips = [_clip(), _clip(kind="image", start_s=None, end_s=None, path="/arch/p.jpg")]
    answer = Answer(
        question="q",
        text="a [1] b [2]",
        citations=[Citation(n=i, clip=c) for i, c in enumerate(clips, start=1)],
    )
    html = evidence_html(answer, 4, FakeLinks())  # type: ignore[arg-type]
    assert html.count('class="aa-card"') == 2
    assert 'id="clip-4-1"' in html and 'id="clip-4-2"' in html
    assert '<img class="aa-media" src="/f/arch/p.jpg"' in html


def test_static_assets_ship_with_package() -> None:
    from assistant.ui import server

    assert "clip-" in server._static("app.js")
    assert ".aa-card" in server._static("app.css")
    assert Path(server.__file__).parent.joinpath("static", "app.js").is_file()


def test_active_archive_files_are_downloaded_not_opened() -> None:
    page = _whole_file("document", "docs/b.html", snippet="railway strike")
    html = clip_card(page, links=FakeLinks(), element_id="c")  # type: ignore[arg-type]
    assert 'href="/f/arch/docs/b.html" download' in html and 'target="_blank"' not in html
    svg = _whole_file("image", "p/logo.svg")
    html = clip_card(svg, links=FakeLinks(), element_id="c")  # type: ignore[arg-type]
    assert '<img class="aa-media" src="/f/arch/p/logo.svg"' in html
    assert 'target="_blank"' not in html
    pdf = _whole_file("document", "d/e.pdf")
    assert "open file" in clip_card(pdf, links=FakeLinks(), element_id="c")  # type: ignore[arg-type]


class _FixedEngine:
    def __init__(self, scores: list[float]) -> None:
        self.scores = scores

    def search(self, query: object) -> list[Clip]:
        return [_clip(asset_id=f"{i:016d}", score=s) for i, s in enumerate(self.scores)]

    def run(self, query: object) -> SearchOutcome:
        return SearchOutcome(clips=self.search(query))


def _search_view(scores: list[float]) -> tuple[str, str]:
    from assistant.schemas import Filters
    from assistant.ui.search_tab import SearchHandler

    handler = SearchHandler(_FixedEngine(scores), FakeLinks(), max_upload_mb=10)  # type: ignore[arg-type]
    return handler.search("flooding", {}, 10, Filters())


def test_weak_search_results_are_folded_below_the_real_matches() -> None:
    summary, html = _search_view([0.9, 0.31, 0.02, 0.0])
    assert summary == "2 clips, best first (+2 weaker below)."
    shown, folded = html.split('<details class="aa-weak">')
    assert shown.count('id="result-') == 2 and folded.count('id="result-') == 2
    assert "2 weaker matches (score under 0.05)" in folded


def test_only_weak_results_are_shown_open_and_labelled() -> None:
    summary, html = _search_view([0.01])
    assert summary == "No strong matches; 1 weak one, best first."
    assert '<details class="aa-weak" open>' in html and "1 weaker match (" in html
    assert _search_view([0.5])[1].count("<details") == 0


def test_card_names_the_passage_language_and_the_asset_languages() -> None:
    clip = _clip(language="fr", metadata={"language": ["fr", "en"]})
    html = clip_card(clip, links=FakeLinks(), element_id="c")  # type: ignore[arg-type]
    assert '<span class="aa-lang" title="language of this passage">French</span>' in html
    assert "<dt>language</dt><dd>French, English</dd>" in html
    assert "aa-lang" not in clip_card(_clip(), links=FakeLinks(), element_id="c")  # type: ignore[arg-type]
