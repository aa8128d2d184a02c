"""The app in real headless Chromium: ask a question, see an answer with citations, open
the cited video clip and check it plays from the clip's second and stops near its end.
Screenshots go to tests/e2e/screenshots/ (gitignored) for a human to look at.

The LLM is scripted (see conftest): this checks the UI plumbing, not answer quality."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def page(app_page: Any) -> Any:
    return app_page


def _video_time(page: Any, card_id: str) -> float:
    return float(page.evaluate(f"document.querySelector('#{card_id} video').currentTime"))


def test_cited_video_plays_from_the_clip_second(page: Any) -> None:
    page.fill("#aa-ask-box textarea", "What closed the river road after the flooding?")
    page.keyboard.press("Enter")
    page.wait_for_selector("#aa-evidence article.aa-card")
    links = page.locator('#aa-chat a[href^="#clip-"]')
    links.first.wait_for()
    assert links.count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "01_answer_with_citations.png"))

    video_card = page.locator("#aa-evidence article.aa-card:has(video)").first
    card_id = video_card.get_attribute("id")
    video = video_card.locator("video")
    start = float(video.get_attribute("data-start"))
    end = float(video.get_attribute("data-end"))
    assert start < end

    page.locator(f'#aa-chat a[href="#{card_id}"]').first.click()
    page.wait_for_function(
        f"(() => {{ const v = document.querySelector('#{card_id} video');"
        f" return v && !v.paused && v.currentTime > {start} + 0.3; }})()"
    )
    playing_at = _video_time(page, card_id)
    assert start <= playing_at <= start + 3.0, (start, playing_at)
    page.screenshot(path=str(SCREENSHOTS / "02_cited_video_playing.png"))

    # The clip stops near its end instead of running on through the file.
    page.wait_for_function(
        f"document.querySelector('#{card_id} video').paused", timeout=(end - start + 10) * 1000
    )
    stopped_at = _video_time(page, card_id)
    assert abs(stopped_at - end) < 1.0, (end, stopped_at)


def test_photo_question_shows_the_upload_and_cards(page: Any, live_app: Any) -> None:
    photo = live_app.root / "photos" / "messi5_copy_small.jpg"
    page.set_input_files("#aa-ask-box input[type=file]", str(photo))
    page.wait_for_selector("#aa-ask-box img")  # the attachment preview
    page.fill("#aa-ask-box textarea", "Where else does this photo appear?")
    page.keyboard.press("Enter")
    page.wait_for_selector("#aa-chat img")  # the photo shown in the user's turn
    page.get_by_text("Where else does this photo appear?").last.wait_for()
    page.wait_for_function(
        "document.querySelectorAll('#aa-evidence h3.aa-heading').length > 0 &&"
        " document.querySelector('#aa-evidence h3.aa-heading').textContent.includes('photo')"
    )
    assert page.locator("#aa-evidence article.aa-card").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "03_photo_question.png"))


def test_search_tab_shows_playable_results(page: Any) -> None:
    page.get_by_role("tab", name="Search").click()
    page.fill("#aa-search-text textarea", "flooding river road")
    page.click("#aa-search-go")
    page.wait_for_selector("#aa-search-results article.aa-card")
    assert page.locator("#aa-search-results .aa-score").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "04_search_results.png"), full_page=True)


def test_archive_and_review_tabs_render(page: Any) -> None:
    page.get_by_role("tab", name="Archive").click()
    page.wait_for_selector("#aa-models table")
    page.screenshot(path=str(SCREENSHOTS / "05_archive.png"), full_page=True)
    page.get_by_role("tab", name="Metadata review").click()
    page.get_by_role("button", name="Find proposals").click()
    page.get_by_text("waiting for review").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "06_metadata_review.png"), full_page=True)
