"""A new user's flows in real headless Chromium (issue #19), each leaving a screenshot:

- after a citation is clicked, the chat, the input box and the cited card all stay on
  screen, the page does not jump, and the footer is not drawn over the clips;
- "download clip" on a card gives a real cut of the cited span;
- an editor's ingest shows live progress (files done of total, the file being worked on,
  each stage) in the Archive view, then the report;
- each metadata proposal is accepted or rejected on its own row.

Screenshots go to $ASSISTANT_SCREENSHOTS, or tests/e2e/screenshots/ (gitignored).
The ingest runs on its own archive (a fresh data dir) so the shared app stays as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(os.environ.get("ASSISTANT_SCREENSHOTS") or Path(__file__).parent / "screenshots")
EDITOR_PASSWORD = "3ditor-desk"
# Copied from the shared test archive into a fresh one: speech to transcribe, a video, a
# photo with its sidecar and a re-encoded copy of it (which then gets proposals).
INCOMING = [
    "audio/radio_bulletin.mp3",
    "video/street_news.mp4",
    "photos/messi5.jpg",
    "photos/messi5.jpg.json",
    "photos/messi5_copy_small.jpg",
    "docs/harbour_report.md",
]


def _shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path))
    print(f"SCREENSHOT {path}")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("needs the Debian chromium package")
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _page(browser: Any, width: int, height: int) -> Any:
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    page.set_default_timeout(120_000)
    return page


# --- the Ask tab after a citation click, and clip download ------------------------------
BOXES = """() => {
  const box = e => { const r = e.getBoundingClientRect();
                     return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  const page = [...document.querySelectorAll('footer')]
    .find(f => !f.closest('#aa-evidence, #aa-search-results'));
  return {scrollY: window.scrollY, height: window.innerHeight,
          chat: box(document.querySelector('#aa-chat')),
          input: box(document.querySelector('#aa-ask-box')),
          evidence: box(document.querySelector('#aa-evidence')),
          footer: page ? box(page) : null};
}"""


@pytest.fixture(scope="module")
def asked(browser: Any, live_app: Any) -> Iterator[Any]:
    """A laptop-sized window after two questions (the second answer's clips above the
    first's, folded), so the clips column is taller than the window."""
    page = _page(browser, 1280, 720)
    page.goto(live_app.url)
    page.wait_for_selector("#aa-ask-box textarea")
    for question in ("What closed the river road after the flooding?", "Tell me more about it"):
        page.fill("#aa-ask-box textarea", question)
        page.keyboard.press("Enter")
        page.get_by_text(question).last.wait_for()
        page.wait_for_function(
            "document.querySelector('#aa-ask-box textarea') &&"
            " !document.querySelector('#aa-ask-box textarea').disabled"
        )
    page.wait_for_selector("#aa-evidence details.aa-earlier")
    yield page
    page.close()


def _inside(inner: dict[str, float], height: float) -> bool:
    return inner["top"] >= -1 and inner["bottom"] <= height + 1


def test_citation_click_keeps_chat_input_and_clips_in_view(asked: Any) -> None:
    page = asked
    before = page.evaluate(BOXES)
    link = page.locator('#aa-chat a[href^="#clip-"]').first  # the first answer's [1]
    card_id = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_timeout(1200)  # the smooth scroll inside the clips column
    after = page.evaluate(BOXES)
    card = page.locator(f"#{card_id}").bounding_box()
    shot = _shot(page, "ask_after_citation_click.png")
    print("LAYOUT", json.dumps({"before": before, "after": after, "card": card}))

    assert after["scrollY"] == before["scrollY"], "the page jumped"
    assert _inside(after["chat"], after["height"]) and _inside(after["input"], after["height"])
    assert _inside(after["evidence"], after["height"])
    # the cited card, in a folded earlier answer, was opened and scrolled into the column
    assert card is not None
    top, bottom = card["y"], card["y"] + card["height"]
    assert top < after["evidence"]["bottom"] and bottom > after["evidence"]["top"], card
    assert 0 <= top < after["height"], card
    # the column scrolls inside itself, and the page footer sits below it, not over it
    clipped = page.evaluate(
        "(() => { const e = document.querySelector('#aa-evidence');"
        " return [e.scrollHeight, e.clientHeight, e.scrollTop]; })()"
    )
    assert clipped[0] > clipped[1] and clipped[2] > 0, clipped
    if after["footer"] is not None:
        assert after["footer"]["top"] >= after["evidence"]["bottom"] - 1, after
    assert shot.is_file()


def _duration(path: Path) -> float:
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(probe.stdout.strip())


def test_download_clip_from_a_card_gives_the_cited_span(asked: Any, tmp_path: Path) -> None:
    page = asked
    card = page.locator("#aa-evidence article.aa-card:has(a.aa-clip-download)").first
    card.scroll_into_view_if_needed()
    player = card.locator("video, audio").first
    start = float(player.get_attribute("data-start"))
    end = float(player.get_attribute("data-end"))
    _shot(page, "ask_card_download_clip.png")
    with page.expect_download() as pending:
        card.locator("a.aa-clip-download").click()
    download = pending.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix in (".mp4", ".m4a"), saved
    assert abs(_duration(saved) - (end - start)) < 1.0, (start, end)


# --- ingest with live progress, then proposals row by row (own archive) ---------------------
@dataclass
class Desk:
    url: str
    archive: Any
    incoming: Path


@pytest.fixture(scope="module")
def desk(live_app: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """A signed-in desk over a fresh, empty archive, with one folder it may ingest."""
    from conftest import free_port

    from assistant.archive import Archive
    from assistant.config import load_settings
    from assistant.ui.app import build_app
    from assistant.ui.server import launch_app

    base = tmp_path_factory.mktemp("desk")
    incoming = base / "incoming"
    for rel in INCOMING:
        (incoming / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(live_app.root / rel, incoming / rel)
    settings = load_settings("test", data_dir=base / "data")
    serve = settings.serve.model_copy(
        update={"port": free_port(), "password": EDITOR_PASSWORD, "ingest_roots": [incoming]}
    )
    settings = settings.model_copy(update={"serve": serve})
    archive = Archive.open(settings)
    blocks = build_app(archive, object(), lambda: None)
    launch_app(blocks, settings, block=False)
    try:
        yield Desk(f"http://127.0.0.1:{serve.port}/", archive, incoming)
    finally:
        blocks.close()
        archive.close()


def _signed_in(browser: Any, desk: Desk) -> Any:
    page = _page(browser, 1440, 960)
    page.goto(desk.url)
    page.fill("#u", "archive")  # one password: the editor
    page.fill("#p", EDITOR_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#aa-ask-box textarea")
    return page


# Every state the progress panel shows, recorded as the page redraws it.
WATCH_PROGRESS = """() => {
  window.aaSeen = [];
  new MutationObserver(() => {
    const panel = document.querySelector('#aa-ingest-progress');
    if (!panel) return;
    const now = panel.querySelector('.aa-now');
    const state = [panel.dataset.done, panel.dataset.total, now ? now.textContent : '',
                   panel.querySelectorAll('.aa-stages li').length].join('|');
    if (window.aaSeen[window.aaSeen.length - 1] !== state) window.aaSeen.push(state);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_ingest_shows_live_progress_then_the_report(browser: Any, desk: Desk) -> None:
    page = _signed_in(browser, desk)
    page.get_by_role("tab", name="Archive").click()
    page.fill("#aa-ingest-folder textarea", str(desk.incoming))
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Ingest", exact=True).click()
    page.wait_for_selector("#aa-ingest-progress:not([data-total='0']) .aa-now")
    panel = page.locator("#aa-ingest-progress")
    assert int(panel.get_attribute("data-done")) < int(panel.get_attribute("data-total"))
    assert "files done" in panel.inner_text() and "Now:" in panel.inner_text()
    _shot(page, "archive_ingest_progress.png")
    page.wait_for_selector("#aa-ingest-report h3:has-text('Ingested')", timeout=600_000)
    _shot(page, "archive_ingest_report.png")
    seen = [state.split("|") for state in page.evaluate("window.aaSeen")]
    print("PROGRESS STATES", seen)
    total = len([rel for rel in INCOMING if not rel.endswith(".json")])
    counts = [int(done) for done, shown_total, *_ in seen if int(shown_total) == total]
    assert len(set(counts)) >= 2 and counts == sorted(counts), seen  # it moved, forwards
    assert any(int(stages) >= 2 for *_, stages in seen), seen  # stages were listed
    assert desk.archive.catalog.counts()["by_kind"].get("audio") == 1
    page.close()


def test_each_proposal_is_accepted_or_rejected_on_its_own_row(browser: Any, desk: Desk) -> None:
    from assistant.ingest.pipeline import ingest_folder

    if not desk.archive.catalog.counts().get("by_kind"):  # the ingest test did not run
        ingest_folder(desk.archive, desk.incoming)
    page = _signed_in(browser, desk)
    page.get_by_role("tab", name="Metadata review").click()
    page.get_by_role("button", name="Find proposals").click()
    page.get_by_text("waiting for review").wait_for()
    rows = page.locator(".aa-proposal-row")
    rows.first.wait_for()
    before = rows.count()
    assert before >= 2
    _shot(page, "review_rows.png")
    first_id = int(rows.nth(0).get_attribute("id").rsplit("-", 1)[1])
    second_id = int(rows.nth(1).get_attribute("id").rsplit("-", 1)[1])

    rows.nth(0).get_by_role("button", name="Accept").click()
    page.get_by_text("Accepted 1 proposal(s).").wait_for()
    page.wait_for_selector(f"#aa-proposal-{first_id}", state="detached")
    page.locator(f"#aa-proposal-{second_id}").get_by_role("button", name="Reject").click()
    page.get_by_text("Rejected 1 proposal(s).").wait_for()
    page.wait_for_selector(f"#aa-proposal-{second_id}", state="detached")
    assert page.locator(".aa-proposal-row").count() == before - 2
    _shot(page, "review_after_row_decisions.png")
    status = {p["proposal_id"]: p["status"] for p in desk.archive.catalog.proposals(None)}
    assert status[first_id] == "accepted" and status[second_id] == "rejected"
    page.close()
