"""Text the scorer needs from the ingested archive: a retrieved passage's full text (for
`contains`) and what the transcript says over a gold time range (for word error rate)."""

from __future__ import annotations

from assistant.evaluation.matching import normalise_file
from assistant.evaluation.suite import RelevantItem
from assistant.schemas import Asset, Clip, Segment
from assistant.store.catalog import Catalog


class ArchiveText:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._by_file: dict[str, Asset] | None = None

    def text_of(self, clip: Clip) -> str:
        """The clip's segments' text (a snippet may be cut short for display) and its snippet."""
        segments = self.catalog.segments_by_id(clip.segment_ids)
        texts = [segments[i].text for i in clip.segment_ids if i in segments]
        return " ".join([*texts, clip.snippet])

    def transcript_of(self, item: RelevantItem) -> str | None:
        asset = self._assets().get(normalise_file(item.file))
        if asset is None:
            return None
        speech = self.catalog.segments(asset.asset_id, kind="speech")
        if item.start_s is None or item.end_s is None:
            return " ".join(segment.text for segment in speech)
        return transcript_between(speech, item.start_s, item.end_s)

    def _assets(self) -> dict[str, Asset]:
        if self._by_file is None:
            self._by_file = {normalise_file(a.rel_path): a for a in self.catalog.assets()}
        return self._by_file


# ASR word times drift at the edges of speech (Whisper stretches a line's first word back
# into the silence before it), so the gold range is widened by this much on both sides.
WORD_SLACK_S = 1.0


def transcript_between(
    speech: list[Segment], start_s: float, end_s: float, slack_s: float = WORD_SLACK_S
) -> str:
    """Words whose middle lies in [start_s - slack_s, end_s + slack_s]; segments without
    word timings count when their middle does."""
    start_s, end_s = start_s - slack_s, end_s + slack_s
    words: list[str] = []
    for segment in sorted(speech, key=lambda s: s.start_s or 0.0):
        if segment.words:
            words.extend(
                w.text.strip()
                for w in segment.words
                if start_s <= (w.start_s + w.end_s) / 2 <= end_s
            )
        elif (
            segment.start_s is not None
            and segment.end_s is not None
            and start_s <= (segment.start_s + segment.end_s) / 2 <= end_s
        ):
            words.append(segment.text.strip())
    return " ".join(word for word in words if word)
