"""Speaker turns, each asset's speakers and the archive's voices, in the catalog's SQLite
(tables in store/schema.sql). The logic that decides them lives in enrich/voices.py."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np

from assistant.diarization.speakers import SpeakerTurn
from assistant.errors import AssistantError
from assistant.store.blobs import blob_vector, vector_blob
from assistant.store.catalog import Catalog
from assistant.vocabulary.values import value_items

# The vector space of asset speakers: one mean voice embedding per (asset, speaker label),
# written by enrich/voices.py and read by voice search (enrich) and audio queries
# (retrieval), so its id format lives here, below both.
SPEAKER_SPACE = "speaker"


def speaker_vector_id(asset_id: str, speaker: str) -> str:
    return f"{asset_id}:speaker:{speaker}"


def speaker_key(vector_id: str) -> tuple[str, str]:
    """(asset_id, speaker label) of a "speaker" space vector id."""
    asset_id, _, speaker = vector_id.split(":", 2)
    return asset_id, speaker


@dataclass(frozen=True)
class AssetSpeaker:
    asset_id: str
    speaker: str  # the asset's label: S1, S2, ...
    voice_id: int
    seconds: float
    similarity: float  # to the voice it joined (1.0 for a voice's first speaker)
    embedding: np.ndarray


@dataclass(frozen=True)
class Voice:
    voice_id: int
    name: str | None
    name_source: str | None
    name_note: str
    files: int
    seconds: float

    @property
    def label(self) -> str:
        """ "Voice 2", or "Voice 2 (Paul Okafor)" once named."""
        return voice_label(self.voice_id, self.name)


@dataclass(frozen=True)
class VoiceSample:
    """How often a voice speaks, and its longest turn: the one to play as its sample."""

    voice_id: int
    turns: int
    asset_id: str
    speaker: str
    start_s: float
    end_s: float


def name_fits(name: str, people: list[str]) -> bool:
    """May a recording's turns carry this voice's name? Not when the recording's own record
    names other people and not this one: a voice matched across files (espeak reads every
    part alike, and two real voices can be close) must not put a name on words the record
    gives to someone else. With no people on record the voice match is all there is."""
    return not people or name.casefold() in {p.casefold() for p in people}


def voice_label(voice_id: int, name: str | None) -> str:
    return f"Voice {voice_id} ({name})" if name else f"Voice {voice_id}"


def _speaker(row: dict[str, object]) -> AssetSpeaker:
    return AssetSpeaker(
        str(row["asset_id"]),
        str(row["speaker"]),
        int(row["voice_id"]),  # type: ignore[call-overload]
        float(row["seconds"]),  # type: ignore[arg-type]
        float(row["similarity"]),  # type: ignore[arg-type]
        blob_vector(row["embedding"]),  # type: ignore[arg-type]
    )


class VoiceStore:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def _rows(self, sql: str, params: list[object] | tuple[object, ...] = ()) -> list[dict]:
        return [dict(row) for row in self.catalog._rows(sql, params)]

    # --- turns and an asset's speakers -----------------------------------------------------
    def replace_asset(
        self, asset_id: str, turns: list[SpeakerTurn], speakers: list[AssetSpeaker]
    ) -> None:
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM speaker_turns WHERE asset_id=?", (asset_id,))
            db.execute("DELETE FROM asset_speakers WHERE asset_id=?", (asset_id,))
            db.executemany(
                "INSERT INTO speaker_turns (asset_id, idx, start_s, end_s, speaker) "
                "VALUES (?,?,?,?,?)",
                [(asset_id, i, t.start_s, t.end_s, t.speaker) for i, t in enumerate(turns)],
            )
            db.executemany(
                "INSERT INTO asset_speakers (asset_id, speaker, voice_id, seconds, similarity,"
                " embedding) VALUES (?,?,?,?,?,?)",
                [
                    (
                        asset_id,
                        s.speaker,
                        s.voice_id,
                        s.seconds,
                        s.similarity,
                        vector_blob(s.embedding),
                    )
                    for s in speakers
                ],
            )

    def turns(self, asset_id: str) -> list[SpeakerTurn]:
        rows = self._rows(
            "SELECT start_s, end_s, speaker FROM speaker_turns WHERE asset_id=? ORDER BY idx",
            [asset_id],
        )
        return [SpeakerTurn(r["start_s"], r["end_s"], r["speaker"]) for r in rows]

    def asset_speakers(self, asset_id: str) -> list[AssetSpeaker]:
        rows = self._rows(
            "SELECT * FROM asset_speakers WHERE asset_id=? ORDER BY speaker", [asset_id]
        )
        return [_speaker(row) for row in rows]

    def has_speakers(self) -> bool:
        """Whether any asset has a stored speaker (so the "speaker" space has vectors: both
        are written together by enrich/voices.py). One row read, not a count."""
        return bool(self._rows("SELECT 1 FROM asset_speakers LIMIT 1"))

    def speakers_by_key(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], AssetSpeaker]:
        """(asset_id, speaker) -> its row, for vector hits on the "speaker" space."""
        if not keys:
            return {}
        rows = self._rows(
            "SELECT s.* FROM asset_speakers s JOIN json_each(?) k "
            "ON s.asset_id = json_extract(k.value, '$[0]') "
            "AND s.speaker = json_extract(k.value, '$[1]')",
            [json.dumps(keys)],
        )
        return {(row["asset_id"], row["speaker"]): _speaker(row) for row in rows}

    def labels(self, asset_ids: list[str], check_record: bool = True) -> dict[tuple[str, str], str]:
        """(asset_id, speaker) -> "Voice 2 (Name)" for the given assets; "Voice 2" where
        the asset's record names other people (name_fits), unless `check_record` is off
        (the Voices tab, which shows the voice itself, not who the record says speaks)."""
        if not asset_ids:
            return {}
        rows = self._rows(
            "SELECT s.asset_id, s.speaker, v.voice_id, v.name FROM asset_speakers s "
            "JOIN voices v USING (voice_id) WHERE s.asset_id IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(set(asset_ids)))],
        )
        named = {r["asset_id"] for r in rows if r["name"]}
        people = {asset_id: self._people(asset_id) for asset_id in named}  # once an asset
        return {
            (r["asset_id"], r["speaker"]): voice_label(
                r["voice_id"],
                r["name"]
                if r["name"] and (not check_record or name_fits(r["name"], people[r["asset_id"]]))
                else None,
            )
            for r in rows
        }

    def _people(self, asset_id: str) -> list[str]:
        """The people the asset's own record names (its effective `people` value)."""
        found = self.catalog.effective_metadata(asset_id).get("people")
        return [str(v) for v in value_items(found.value if found else None)]

    # --- voices --------------------------------------------------------------------------
    def new_voice(self) -> int:
        with self.catalog.transaction() as db:
            return int(db.execute("INSERT INTO voices DEFAULT VALUES").lastrowid or 0)

    def voices(self) -> list[Voice]:
        """Voices heard in at least one indexed asset, most speech first."""
        rows = self._rows(
            "SELECT v.voice_id, v.name, v.name_source, v.name_note, "
            "COUNT(DISTINCT s.asset_id) AS files, SUM(s.seconds) AS seconds "
            "FROM voices v JOIN asset_speakers s USING (voice_id) "
            "JOIN assets a ON a.asset_id = s.asset_id WHERE a.status='indexed' "
            "GROUP BY v.voice_id ORDER BY seconds DESC, v.voice_id"
        )
        return [
            Voice(
                r["voice_id"],
                r["name"],
                r["name_source"],
                r["name_note"],
                r["files"],
                round(r["seconds"] or 0.0, 1),
            )
            for r in rows
        ]

    def samples(self) -> dict[int, VoiceSample]:
        """voice_id -> its turn count over indexed assets and its longest turn (one query:
        the Voices view lists every voice with a sample to play)."""
        rows = self._rows(
            "SELECT voice_id, turns, asset_id, speaker, start_s, end_s FROM ("
            "SELECT s.voice_id, t.asset_id, t.speaker, t.start_s, t.end_s, "
            "COUNT(*) OVER (PARTITION BY s.voice_id) AS turns, ROW_NUMBER() OVER ("
            "PARTITION BY s.voice_id ORDER BY t.end_s - t.start_s DESC, t.asset_id, t.idx) AS n "
            "FROM speaker_turns t JOIN asset_speakers s USING (asset_id, speaker) "
            "JOIN assets a ON a.asset_id = t.asset_id WHERE a.status='indexed') WHERE n = 1"
        )
        return {
            r["voice_id"]: VoiceSample(
                r["voice_id"], r["turns"], r["asset_id"], r["speaker"], r["start_s"], r["end_s"]
            )
            for r in rows
        }

    def voice(self, voice_id: int) -> Voice | None:
        return next((v for v in self.voices() if v.voice_id == voice_id), None)

    def members(self, voice_id: int) -> list[AssetSpeaker]:
        rows = self._rows(
            "SELECT s.* FROM asset_speakers s JOIN assets a USING (asset_id) "
            "WHERE s.voice_id=? AND a.status='indexed' ORDER BY s.asset_id",
            [voice_id],
        )
        return [_speaker(row) for row in rows]

    def set_name(self, voice_id: int, name: str | None, source: str, note: str = "") -> None:
        """Name the voice; None leaves it unnamed, `source` saying why (enrich/voices.py)."""
        with self.catalog.transaction() as db:
            db.execute(
                "UPDATE voices SET name=?, name_source=?, name_note=? WHERE voice_id=?",
                (name, source, note, voice_id),
            )

    def naming(self, voice_id: int) -> tuple[str | None, str | None, str] | None:
        """The voice's (name, name_source, name_note), also before any of its assets is
        indexed (`voice` lists only voices heard in an indexed asset); None if no voice."""
        rows = self._rows(
            "SELECT name, name_source, name_note FROM voices WHERE voice_id=?", [voice_id]
        )
        return (rows[0]["name"], rows[0]["name_source"], rows[0]["name_note"]) if rows else None

    def voice_ids_named(self, name: str) -> list[int]:
        rows = self._rows("SELECT voice_id FROM voices WHERE lower(name)=lower(?)", [name])
        return [int(r["voice_id"]) for r in rows]

    def speakers_of_voices(self, voice_ids: list[int]) -> dict[str, set[str]]:
        """asset_id -> the asset's speaker labels that are one of `voice_ids`."""
        rows = self._rows(
            "SELECT asset_id, speaker FROM asset_speakers "
            "WHERE voice_id IN (SELECT value FROM json_each(?))",
            [json.dumps(voice_ids)],
        )
        found: dict[str, set[str]] = {}
        for row in rows:
            found.setdefault(row["asset_id"], set()).add(row["speaker"])
        return found


def find_voice(catalog: Catalog, text: str) -> list[int]:
    """Voice ids meant by "2", "Voice 2", "v2" or a name (case-insensitive)."""
    store = VoiceStore(catalog)
    match = re.fullmatch(r"\s*(?:voice\s*|v)?(\d+)\s*", text, flags=re.IGNORECASE)
    ids = [int(match.group(1))] if match else store.voice_ids_named(text.strip())
    known = {v.voice_id for v in store.voices()}
    found = [i for i in ids if i in known]
    if not found:
        raise AssistantError(
            f"No voice '{text}' in the archive.",
            hint="List voices with `assistant voices list`; give a number (2, 'Voice 2') "
            "or a name given with `assistant voices name`.",
        )
    return found
