"""What the app serves (only archive roots, thumbnails and its own playable copies), which
uploads it takes, and browser-playable copies of media browsers cannot play."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.errors import AssistantError
from assistant.store.catalog import Catalog
from assistant.ui.media import FILE_ROUTE, PlayableCopies, ServedFiles, browser_plays
from assistant.ui.uploads import check_upload, split_uploads
from samples.media import ffmpeg
from tests.helpers.builders import asset_row

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")


@pytest.fixture
def served(test_settings, tmp_path: Path) -> tuple[ServedFiles, Path]:
    root = tmp_path / "archive"
    (root / "photos").mkdir(parents=True)
    photo = root / "photos" / "a.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0fake")
    catalog = Catalog(test_settings.catalog_path)
    catalog.put_asset(asset_row(root, "photos/a.jpg", "image", "0" * 16))
    return ServedFiles(test_settings, catalog), root


def test_serves_files_inside_ingested_roots(served: tuple[ServedFiles, Path]) -> None:
    files, root = served
    url = files.url(root / "photos" / "a.jpg")
    assert url is not None and url.startswith(FILE_ROUTE) and url.endswith("photos/a.jpg")
    assert str(root.resolve()) in files.paths()
    assert str(files.settings.thumbnails_dir.resolve()) in files.paths()


def test_refuses_traversal_and_outside_files(
    served: tuple[ServedFiles, Path], tmp_path: Path
) -> None:
    files, root = served
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    assert files.url(root / "photos" / ".." / ".." / "secret.txt") is None
    assert files.url(secret) is None
    assert files.url("/etc/passwd") is None
    assert files.url(root / "photos" / "missing.jpg") is None
    link = root / "photos" / "escape.jpg"
    link.symlink_to(secret)
    assert files.url(link) is None  # resolves outside the root


def test_new_root_is_published_to_blocks(served: tuple[ServedFiles, Path], tmp_path: Path) -> None:
    files, _ = served
    newer = tmp_path / "new"
    newer.mkdir()
    (newer / "b.jpg").write_bytes(b"\xff\xd8\xff\xe0fake")
    assert files.url(newer / "b.jpg") is None
    files.catalog.put_asset(asset_row(newer, "b.jpg", "image", "1" * 16))

    class Blocks:
        def __init__(self) -> None:
            self.allowed_paths: list[str] = []

    blocks = Blocks()
    files.sync(blocks)
    assert str(newer.resolve()) in blocks.allowed_paths
    assert files.url(newer / "b.jpg") is not None


def _tone(out: Path, codec: list[str], video: bool = False) -> Path:
    inputs = ["-f", "lavfi", "-i", "sine=frequency=440:duration=1"]
    if video:
        inputs = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1", *inputs]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *inputs, *codec, str(out)], check=True
    )
    return out


@needs_ffmpeg
def test_browser_plays_mp4_but_not_avi(tmp_path: Path) -> None:
    mp4 = _tone(
        tmp_path / "a.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"], video=True
    )
    avi = _tone(tmp_path / "a.avi", ["-c:v", "mpeg4", "-c:a", "mp3"], video=True)
    assert browser_plays(mp4)
    assert not browser_plays(avi)
    assert not browser_plays(tmp_path / "missing.mp4")


@needs_ffmpeg
def test_playable_copy_is_made_once_and_keeps_the_timeline(tmp_path: Path) -> None:
    avi = _tone(tmp_path / "a.avi", ["-c:v", "mpeg4", "-c:a", "mp3"], video=True)
    copies = PlayableCopies(tmp_path / "previews")
    first = copies.get(avi, "abc", "video", 0.2, 0.8)
    assert first is not None and first.offset_s == 0.0
    assert first.path.suffix == ".mp4" and browser_plays(first.path)
    assert 0.8 < _seconds(first.path) < 1.3
    mtime = first.path.stat().st_mtime_ns
    assert copies.get(avi, "abc", "video") == first
    assert first.path.stat().st_mtime_ns == mtime
    wav = _tone(tmp_path / "t.wav", [])
    played = copies.get(wav, "w", "audio")
    assert played is not None and played.path == wav  # browsers play WAV as is


@needs_ffmpeg
def test_long_file_gets_an_excerpt_around_the_clip(tmp_path: Path) -> None:
    long_avi = tmp_path / "long.avi"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=64x48:rate=5:duration=12",
        "-c:v",
        "mpeg4",
        str(long_avi),
    )
    copies = PlayableCopies(tmp_path / "previews", whole_file_s=5.0, margin_s=2.0)
    excerpt = copies.get(long_avi, "long", "video", 6.0, 7.0)
    assert excerpt is not None and excerpt.offset_s == 4.0
    assert 4.5 < _seconds(excerpt.path) < 5.5  # 4..9 s of the file


def _seconds(path: Path) -> float:
    import av

    with av.open(str(path)) as container:
        assert container.duration is not None
        return float(container.duration / 1_000_000)


def test_unconvertible_file_has_no_playable_copy(tmp_path: Path) -> None:
    junk = tmp_path / "junk.avi"
    junk.write_bytes(b"not a video")
    assert PlayableCopies(tmp_path / "previews").get(junk, "j", "video") is None


@needs_ffmpeg
def test_uploads_checked_by_content_and_size(tmp_path: Path) -> None:
    from PIL import Image

    photo = tmp_path / "p.png"
    Image.new("RGB", (8, 8)).save(photo)
    wav = _tone(tmp_path / "clip.wav", [])
    assert split_uploads([str(photo), str(wav)], max_mb=5) == {"image": photo, "audio": wav}
    renamed = tmp_path / "fake.png"
    renamed.write_bytes(b"MZ executable, not a picture" * 10)
    with pytest.raises(AssistantError, match="not an image"):
        check_upload(renamed, "image", max_mb=5)
    with pytest.raises(AssistantError, match="Cannot use"):
        split_uploads([str(renamed)], max_mb=5)
    with pytest.raises(AssistantError, match="Only one image"):
        split_uploads([str(photo), str(photo)], max_mb=5)
    big = tmp_path / "big.wav"
    big.write_bytes(wav.read_bytes()[:44] + b"\0" * 2_100_000)
    with pytest.raises(AssistantError, match="limited to 1 MB"):
        check_upload(big, "audio", max_mb=1)
