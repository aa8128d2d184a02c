"""Clip export on the e2e conftest's real ingested archive: the cut is the asked span of
the real media, and its provenance sidecar quotes what is said in that span."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.errors import AssistantError
from assistant.export.clip import export_clip
from tests.e2e.conftest import LiveApp

pytestmark = pytest.mark.e2e


def _probe(path: Path) -> tuple[float, set[str]]:
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration:stream=codec_type",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out)
    return float(data["format"]["duration"]), {s["codec_type"] for s in data["streams"]}


def test_video_clip_and_its_provenance(live_app: LiveApp, tmp_path: Path) -> None:
    target = tmp_path / "out" / "flood.mp4"
    provenance = export_clip(live_app.archive.catalog, "video/street_news.mp4", 7.0, 13.0, target)
    duration, streams = _probe(target)
    assert duration == pytest.approx(6.0, abs=0.35) and streams == {"video", "audio"}
    sidecar = json.loads((tmp_path / "out" / "flood.mp4.json").read_text())
    assert sidecar["source_file"] == "video/street_news.mp4"
    assert (sidecar["start_s"], sidecar["end_s"]) == (7.0, 13.0)
    said = " ".join(line["text"] for line in sidecar["lines"]).lower()
    assert "flooding" in said and "budget" not in said  # the 1 s line is outside the span
    assert "flooding" in provenance.citation.lower() and "00:07–00:13" in provenance.citation
    assert not list((tmp_path / "out").glob(".*part*"))  # no half-written file left


def test_audio_clip_by_cli(live_app: LiveApp, tmp_path: Path) -> None:
    from assistant.cli import app

    data = tmp_path / "data"
    shutil.copytree(live_app.archive.settings.data_dir, data)
    target = tmp_path / "fire.mp3"
    result = CliRunner().invoke(
        app,
        [
            "--profile",
            "test",
            "--data-dir",
            str(data),
            "export",
            "clip",
            "audio/radio_bulletin.mp3",
            "--start",
            "4.5",
            "--end",
            "11",
            "-o",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    duration, streams = _probe(target)
    assert duration == pytest.approx(6.5, abs=0.35) and streams == {"audio"}
    sidecar = json.loads(Path(f"{target}.json").read_text())
    assert "fire near the northern forest" in sidecar["citation"].lower()


@pytest.mark.parametrize(
    ("file", "start", "end", "name", "message"),
    [
        ("photos/messi5.jpg", 0.0, 1.0, "x.mp4", "only video and audio"),
        ("video/street_news.mp4", 9.0, 3.0, "x.mp4", "empty or reversed"),
        ("video/street_news.mp4", 1.0, 3.0, "x.docx", "Cannot write a clip"),
        ("video/street_news.mp4", 999.0, 1000.0, "x.mp4", "long"),
        ("nowhere/missing.mp4", 1.0, 3.0, "x.mp4", "not in the archive"),
    ],
)
def test_bad_requests_say_what_to_do(
    live_app: LiveApp, tmp_path: Path, file: str, start: float, end: float, name: str, message: str
) -> None:
    with pytest.raises(AssistantError, match=message):
        export_clip(live_app.archive.catalog, file, start, end, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_cards_offer_a_clip_download_the_api_cuts(live_app: LiveApp, tmp_path: Path) -> None:
    import httpx

    from assistant.api.routes import clip_link

    video = next(
        a for a in live_app.archive.catalog.assets() if a.rel_path == "video/street_news.mp4"
    )
    link = clip_link(video.asset_id, 7.0, 13.0)
    with httpx.Client(base_url=live_app.url, timeout=120) as http:
        cut = http.get(link.lstrip("/"))
        sidecar = http.get(link.lstrip("/") + "&provenance=true")
        reversed_span = http.get(clip_link(video.asset_id, 9.0, 3.0).lstrip("/"))
    assert cut.status_code == 200, cut.text
    assert cut.headers["content-disposition"].startswith("attachment")
    (tmp_path / "c.mp4").write_bytes(cut.content)
    assert _probe(tmp_path / "c.mp4")[0] == pytest.approx(6.0, abs=0.35)
    assert "flooding" in sidecar.json()["citation"].lower()
    assert reversed_span.status_code == 400
    assert "reversed" in reversed_span.json()["detail"]["error"]
