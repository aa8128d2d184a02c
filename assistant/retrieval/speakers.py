"""Speakers in search: the `speaker` filter (a voice number or name) and the speaker
label on every clip that holds speech.

The filter narrows the allowed assets to those where the voice speaks (one SQL query on
asset_speakers), and drops speech hits said by someone else in those assets, so "what
did the official answer" finds the answer, not the reporter's question.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from assistant.schemas import Clip, Filters, Hit
from assistant.store.catalog import Catalog
from assistant.store.lookup import SegmentLookup
from assistant.store.voices import VoiceStore, find_voice


@dataclass(frozen=True)
class SpeakerScope:
    # asset_id -> the asset's speaker labels (S1, ...) that are the wanted voice
    speakers: dict[str, set[str]]

    def allowed(self, allowed: AbstractSet[str] | None) -> set[str]:
        mine = set(self.speakers)
        return mine if allowed is None else mine & allowed

    def keep(self, rankings: dict[str, list[Hit]], lookup: SegmentLookup) -> dict[str, list[Hit]]:
        """Speech hits only where the wanted voice speaks; other hits stay."""
        ids = [
            hit.segment_id
            for hits in rankings.values()
            for hit in hits
            if hit.segment_kind == "speech"
        ]
        segments = lookup.segments(ids)

        def said_by_voice(hit: Hit) -> bool:
            if hit.segment_kind != "speech":
                return True
            segment = segments.get(hit.segment_id)
            return segment is not None and segment.speaker in self.speakers.get(hit.asset_id, set())

        return {signal: [h for h in hits if said_by_voice(h)] for signal, hits in rankings.items()}

    def retarget(self, clips: list[Clip], lookup: SegmentLookup) -> None:
        """A clip of an allowed asset that holds none of the voice's speech (one found by
        the filter alone starts where the asset does) moves to the voice's first words."""
        for clip in clips:
            wanted = self.speakers.get(clip.asset_id, set())
            found = lookup.segments(clip.segment_ids).values()
            if any(s.kind == "speech" and s.speaker in wanted for s in found):
                continue
            theirs = [
                s for s in lookup.asset_segments(clip.asset_id, "speech") if s.speaker in wanted
            ]
            if not theirs:
                continue
            first = min(theirs, key=lambda s: s.start_s or 0.0)
            clip.segment_ids = [first.segment_id]
            clip.start_s, clip.end_s, clip.snippet = first.start_s, first.end_s, first.text


def speaker_scope(catalog: Catalog, filters: Filters) -> SpeakerScope | None:
    """None without a speaker filter; AssistantError naming the fix for an unknown voice."""
    if not filters.speaker:
        return None
    voice_ids = find_voice(catalog, filters.speaker)
    return SpeakerScope(VoiceStore(catalog).speakers_of_voices(voice_ids))


def label_speakers(clips: list[Clip], lookup: SegmentLookup, catalog: Catalog) -> None:
    """Set `Clip.speaker` from the clip's best speech segment ("Voice 2 (Name)")."""
    speakers: dict[int, tuple[str, str]] = {}
    for n, clip in enumerate(clips):
        segments = lookup.segments(clip.segment_ids)
        spoken = [
            segments[i]
            for i in clip.segment_ids
            if i in segments and segments[i].kind == "speech" and segments[i].speaker
        ]
        if spoken:
            speakers[n] = (clip.asset_id, str(spoken[0].speaker))
    if not speakers:
        return
    labels = VoiceStore(catalog).labels([a for a, _ in speakers.values()])
    for n, key in speakers.items():
        clips[n].speaker = labels.get(key)
