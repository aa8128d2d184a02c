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


def test_a_follow_up_reads_on_from_the_cited_line_the_answer_quoted() -> None:
    """The answer cites the interview's opening for the minister's name and the promise
    it reports: "before that" is before the promise, whichever is cited last."""
    from assistant.agent.planner import anchor_clip
    from assistant.schemas import Answer, Citation
    from tests.helpers.clips import passage

    opening = passage(
        "video/okafor.mp4", "video", "Minister Okafor, thank you for joining us.", 0.4, 5.0
    )
    promise = passage(
        "video/okafor.mp4",
        "video",
        "We will hire 2,000 new teachers before the autumn.",
        10.0,
        15.0,
    )
    text = "Minister Okafor promised to hire 2,000 new teachers before the autumn [1][2]."
    for cited in ([promise, opening], [opening, promise]):
        answer = Answer(
            question="What did Minister Okafor promise about teachers?",
            text=text,
            citations=[Citation(n=n, clip=clip) for n, clip in enumerate(cited, start=1)],
        )
        assert anchor_clip([answer]) is promise
