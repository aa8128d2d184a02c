"""'What did he say before that?' reads the line just before the cited one (passages.py)."""

from __future__ import annotations

from pathlib import Path

from assistant.agent.passages import passage_clip
from assistant.archive import Archive
from assistant.schemas import Segment
from tests.helpers.builders import asset_row


def test_before_that_reads_the_sentence_just_before_not_the_programmes_start(
    test_settings, tmp_path: Path
) -> None:
    lines = [
        "Minister, thank you for joining us.",
        "The election will be held on the ninth of June next year.",
        "Yes.",
        "We will hire two thousand new teachers before the autumn.",
    ]
    archive = Archive.open(test_settings)
    try:
        asset = asset_row(tmp_path, "v.mp4", "video", "v" * 16, duration_s=30.0, status="indexed")
        archive.catalog.put_asset(asset)
        segments = [
            Segment.of(asset.asset_id, "speech", i, start_s=i * 5.0, end_s=i * 5.0 + 4.0, text=t)
            for i, t in enumerate(lines)
        ]
        archive.catalog.replace_segments(asset.asset_id, segments)
        before_election = passage_clip(archive, asset.asset_id, before_s=5.0)
        assert before_election is not None and before_election.snippet == lines[0]
        # A one-word reply right before is read with the statement before it.
        before_teachers = passage_clip(archive, asset.asset_id, before_s=15.0)
        assert before_teachers is not None
        assert before_teachers.snippet == f"{lines[1]} {lines[2]}"
        assert lines[0] not in before_teachers.snippet
    finally:
        archive.close()
