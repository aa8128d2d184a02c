"""Voices across the archive: each asset's speakers (diarization/speakers.py) join the voice
of their nearest neighbour in the "speaker" vector space when it is close enough, else
start a new voice. Naming a voice (the CLI, the app, or a sidecar naming the single
speaker of a file) proposes `people` metadata for every other asset where that voice
speaks, through the review flow (catalog.add_proposal → enrich/review.py).
"""

from __future__ import annotations

import numpy as np

from assistant.archive import Archive
from assistant.diarization.speakers import Diarization
from assistant.errors import AssistantError
from assistant.schemas import MetadataValue, Provenance
from assistant.store.vectors.base import VectorIndex
from assistant.store.voices import (
    SPEAKER_SPACE,
    AssetSpeaker,
    Voice,
    VoiceStore,
    find_voice,
    speaker_key,
    speaker_vector_id,
)

# Mean-embedding cosine at or above which two speakers are one voice. Same espeak voice
# across files scores 0.9+, different voices 0.5-0.75 (tests/integration/test_voices.py).
VOICE_MATCH = 0.8
# name_source of a voice whose files' sidecars name different people (_name_from_sidecar).
SIDECARS_DISAGREE = "sidecars disagree"
NEIGHBOURS = 10
METHOD = "voice-match"


def store_speakers(
    archive: Archive,
    asset_id: str,
    found: Diarization | None,
    sidecar_people: list[str] | None = None,
    *,
    vectors_cleared: bool = False,
) -> list[AssetSpeaker]:
    """Write an asset's turns and speakers, each speaker joined to a voice; name the voice
    from the sidecar when it names the file's only speaker; propose known voices' names."""
    store = VoiceStore(archive.catalog)
    if not vectors_cleared:  # a batch writer (ingest/store.py) deleted them for all at once
        archive.vectors.delete_assets(SPEAKER_SPACE, [asset_id])
    if found is None or not found.turns:
        store.replace_asset(asset_id, [], [])
        return []
    speakers = _assign(archive.vectors, store, asset_id, found)
    store.replace_asset(asset_id, found.turns, speakers)
    ids = [speaker_vector_id(asset_id, s.speaker) for s in speakers]
    archive.vectors.upsert(
        SPEAKER_SPACE, ids, np.stack([s.embedding for s in speakers]), [asset_id] * len(ids)
    )
    if sidecar_people and len(sidecar_people) == 1 and len(speakers) == 1:
        _name_from_sidecar(store, speakers[0].voice_id, sidecar_people[0], asset_id)
    for speaker in speakers:
        _propose_for(store, speaker)
    return speakers


def _name_from_sidecar(store: VoiceStore, voice_id: int, person: str, asset_id: str) -> None:
    """The file's only speaker is the one person its sidecar names, unless the voice's
    other files' sidecars name someone else: a newsreader's voice reads bulletins whose
    sidecars each name the minister they are about, so a voice named that way put the
    first minister's name on every bulletin the newsreader read ("Voice 1 (Jonas Berg)
    says: the strike ..."). Such a voice is no one's: its sidecar name is withdrawn, and
    kept withdrawn for later files, and the `people` it proposed are rejected. A name a
    person gave (the CLI, the app) stands."""
    naming = store.naming(voice_id)
    if naming is None or naming[1] == SIDECARS_DISAGREE:
        return
    name, source, note = naming
    if name is None:
        store.set_name(voice_id, person, "sidecar", f"sidecar of {asset_id}")
    elif source == "sidecar" and name.casefold() != person.casefold():
        note = f"{note} names {name}; sidecar of {asset_id} names {person}"
        store.set_name(voice_id, None, SIDECARS_DISAGREE, note)
        # What that name proposed for the voice's other files goes with it.
        heard_in = sorted({member.asset_id for member in store.members(voice_id)} | {asset_id})
        store.catalog.reject_pending("people", [name], METHOD, heard_in)


def _assign(
    vectors: VectorIndex, store: VoiceStore, asset_id: str, found: Diarization
) -> list[AssetSpeaker]:
    """Each speaker joins the closest voice (not one already taken in this asset)."""
    taken: set[int] = set()
    out = []
    for speaker in sorted(found.speakers, key=lambda s: -found.seconds.get(s, 0.0)):
        vector = found.embeddings[speaker]
        voice_id, similarity = _nearest_voice(vectors, store, vector, taken)
        if voice_id is None:
            voice_id, similarity = store.new_voice(), 1.0
        taken.add(voice_id)
        out.append(
            AssetSpeaker(
                asset_id,
                speaker,
                voice_id,
                found.seconds.get(speaker, 0.0),
                round(similarity, 3),
                vector,
            )
        )
    return sorted(out, key=lambda s: s.speaker)


def _nearest_voice(
    vectors: VectorIndex, store: VoiceStore, vector: np.ndarray, taken: set[int]
) -> tuple[int | None, float]:
    hits = vectors.query(SPEAKER_SPACE, vector, NEIGHBOURS)
    rows = store.speakers_by_key([speaker_key(i) for i, _ in hits])
    for hit_id, similarity in hits:  # best first
        row = rows.get(speaker_key(hit_id))
        if row is None or row.voice_id in taken:
            continue
        return (row.voice_id, similarity) if similarity >= VOICE_MATCH else (None, 0.0)
    return None, 0.0


# --- naming -------------------------------------------------------------------------------
def name_voice(archive: Archive, voice: str, name: str) -> tuple[Voice, int]:
    """Name a voice (source user) and propose `people` for the assets it speaks in.
    Returns the voice and how many proposals were made."""
    name = " ".join(name.split())
    if not name:
        raise AssistantError("The name is empty.", hint='Give a name: voices name 2 "Ana Ruiz".')
    store = VoiceStore(archive.catalog)
    voice_id = find_voice(archive.catalog, voice)[0]
    store.set_name(voice_id, name, "user", "named by a user")
    made = sum(_propose_for(store, s) for s in store.members(voice_id))
    named = store.voice(voice_id)
    assert named is not None
    return named, made


def _propose_for(store: VoiceStore, speaker: AssetSpeaker) -> bool:
    """Propose the voice's name as `people` of the speaker's asset (unless it is there)."""
    voice = store.voice(speaker.voice_id)
    if voice is None or not voice.name:
        return False
    people = store.catalog.effective_metadata(speaker.asset_id).get("people")
    have = people.value if people and isinstance(people.value, list) else []
    if voice.name.lower() in (str(p).lower() for p in have):
        return False
    similarity = _similarity_to_voice(store, speaker)
    store.catalog.add_proposal(
        speaker.asset_id,
        MetadataValue(
            field="people",
            value=[voice.name],
            source="propagated",
            confidence=round(max(0.0, min(1.0, similarity)), 3),
            provenance=Provenance(
                source_assets=[
                    m.asset_id
                    for m in store.members(speaker.voice_id)
                    if m.asset_id != speaker.asset_id
                ][:10],
                method=METHOD,
                similarity=round(similarity, 3),
                note=f"{voice.label} speaks {speaker.seconds:.0f} s here ({speaker.speaker}); "
                f"named by {voice.name_source}",
            ),
        ),
    )
    return True


def _similarity_to_voice(store: VoiceStore, speaker: AssetSpeaker) -> float:
    """Cosine between the speaker and the mean of the voice's other members (1.0 alone)."""
    others = [
        m.embedding for m in store.members(speaker.voice_id) if m.asset_id != speaker.asset_id
    ]
    if not others:
        return 1.0
    centre = np.mean(others, axis=0)
    centre = centre / max(float(np.linalg.norm(centre)), 1e-9)
    return float(np.dot(centre, speaker.embedding))
