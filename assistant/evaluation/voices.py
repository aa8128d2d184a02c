"""Voice by example, scored: for each gold speaker of a suite, an example clip of their
voice (words they never say in the archive) should find every recording where ingest
heard them. Recall@k counts (asset, speaker label) pairs: a voice heard in three files
is three pairs to find among the first k matches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.archive import Archive
from assistant.enrich.voice_search import find_by_example
from assistant.evaluation.speakers import Turn, dominant_speaker
from assistant.models.speaker import SpeakerEncoder
from assistant.store.catalog import Catalog
from assistant.store.voices import VoiceStore

Pair = tuple[str, str]  # (asset_id, the asset's speaker label)


def voice_members(catalog: Catalog, gold: dict[str, list[Turn]]) -> dict[str, set[Pair]]:
    """Gold speaker -> the asset speakers whose stored turns are mostly that speaker's."""
    by_path = {asset.rel_path: asset.asset_id for asset in catalog.assets()}
    store = VoiceStore(catalog)
    members: dict[str, set[Pair]] = {}
    for file, turns in gold.items():
        asset_id = by_path.get(file)
        for turn in store.turns(asset_id) if asset_id else []:
            who = dominant_speaker(turns, turn.start_s, turn.end_s)
            if who is not None:
                members.setdefault(who, set()).add((asset_id, turn.speaker))  # type: ignore[arg-type]
    return members


def voice_recall(
    archive: Archive,
    gold: dict[str, list[Turn]],
    examples: dict[str, Path],
    encoder: SpeakerEncoder,
    k: int = 5,
) -> dict[str, Any]:
    """Recall@k over all gold speakers with an example clip, and per speaker: how many
    of their recordings were found, and whether the best match is one of them."""
    members = voice_members(archive.catalog, gold)
    voices: dict[str, dict[str, Any]] = {}
    for who, clip in sorted(examples.items()):
        matches = find_by_example(archive, clip, encoder, k)
        found = {(m.asset_id, m.speaker) for m in matches}
        wanted = members.get(who, set())
        voices[who] = {
            "relevant": len(wanted),
            "found": len(wanted & found),
            "best_is_right": bool(matches) and (matches[0].asset_id, matches[0].speaker) in wanted,
            "similarities": [m.similarity for m in matches],
        }
    relevant = sum(v["relevant"] for v in voices.values())
    recall = sum(v["found"] for v in voices.values()) / relevant if relevant else 0.0
    return {"k": k, "recall": round(recall, 4), "relevant": relevant, "voices": voices}
