"""From one sniffed file to an asset, its segments, its metadata and what still needs a
vector (pictures for CLIP; text is embedded from the segments). Nothing is stored here.

Errors a bad file causes surface as ExtractError with the reason shown to users.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from assistant.config import Settings
from assistant.enrich.faces import FoundFace, faces_in_pictures
from assistant.ingest import senses
from assistant.ingest.encoders import encode_pictures
from assistant.ingest.speech_timing import tighten
from assistant.media import documents, images
from assistant.media.decode import DecodedMedia, MediaDecodeError, decode_media
from assistant.media.keyframes import KeyframeSelector, keyframe_spans
from assistant.media.sniff import Sniffed
from assistant.models.asr_language import transcribe_in
from assistant.models.base import ImageTextEncoder, SpeechSegment, Transcriber, Transcript
from assistant.models.faces import FaceModel
from assistant.models.object_labels import ObjectLabeler
from assistant.models.sound_events import SoundTagger
from assistant.schemas import Asset, MetadataValue, Segment, WordTiming

# Below this peak level a track is silence: Whisper would only hallucinate on it.
if TYPE_CHECKING:
    from assistant.diarization.speakers import Diarization
    from assistant.ingest.picture_text import PictureText
    from assistant.models.speaker import SpeakerEncoder

SILENT_PEAK = 1e-3
SPEECH_RATE = 16_000


class ExtractError(ValueError):
    """The file cannot be ingested; the message is the reason."""


@dataclass
class Extracted:
    asset: Asset
    segments: list[Segment] = field(default_factory=list)
    metadata: list[MetadataValue] = field(default_factory=list)
    # segment_id -> picture still to encode with CLIP
    pictures: dict[str, Image.Image] = field(default_factory=dict)
    # segment_id -> CLIP vector already computed (video keyframes, while speech is heard)
    visual_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    # Faces found in the pictures (thumbnails written), stored and clustered with the asset.
    faces: list[FoundFace] = field(default_factory=list)
    # Who spoke when (audio and video sound), stored with voices by ingest/store.py.
    speakers: Diarization | None = None
    # segment_id -> sound profile of a "sound" segment (the "sound" space, by example)
    sound_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    # segment_id -> text vector already computed (a Ray ingest node embeds its own files)
    text_vectors: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class ExtractContext:
    settings: Settings
    # Returns the transcriber (loaded lazily: a photo-only archive never loads Whisper),
    # or None when no speech model is available.
    transcriber: Callable[[], Transcriber | None]
    pool: Executor
    # stage name -> context manager timing it (ReportBuilder.stage)
    stage: Callable[[str], Any]
    # CLIP when available: video keyframes are encoded while the sound is transcribed.
    clip: ImageTextEncoder | None = None
    # OCR and captions of pictures, when settings turn them on.
    picture_text: PictureText | None = None
    # The face model (loaded on first use), or None when faces are off (ingest.faces).
    faces: Callable[[], FaceModel | None] | None = None
    # Sound-event tagger and object labeler, built on first use (None: off or no weights).
    sound: Callable[[], SoundTagger | None] | None = None
    labeler: Callable[[], ObjectLabeler | None] | None = None
    # The voice encoder for speaker turns (lazy, like the transcriber); None: no turns.
    speaker_encoder: Callable[[], SpeakerEncoder | None] | None = None


def thumbnail_dir(settings: Settings, asset_id: str) -> Path:
    return settings.thumbnails_dir / asset_id


def extract(asset: Asset, path: Path, sniffed: Sniffed, ctx: ExtractContext) -> Extracted:
    try:
        if sniffed.kind == "image":
            return extract_image(asset, path, ctx)
        if sniffed.kind == "document":
            return extract_document(asset, path, sniffed.mime, ctx)
        return extract_av(asset, path, ctx)
    except (images.ImageError, documents.DocumentError, MediaDecodeError) as exc:
        raise ExtractError(str(exc)) from exc


def _visual_segment(
    asset_id: str,
    index: int,
    picture: Image.Image,
    ctx: ExtractContext,
    span: tuple[float, float] | None = None,
) -> Segment:
    thumb = images.save_thumbnail(
        picture,
        thumbnail_dir(ctx.settings, asset_id) / f"{index}.jpg",
        ctx.settings.ingest.thumbnail_px,
    )
    return Segment.of(
        asset_id,
        "visual",
        index,
        start_s=span[0] if span else None,
        end_s=span[1] if span else None,
        thumbnail=str(thumb),
        phash=images.phash_hex(picture),
        embedded=False,
    )


def extract_image(asset: Asset, path: Path, ctx: ExtractContext) -> Extracted:
    with ctx.stage("decode"):
        loaded = images.open_image(path, ctx.settings.ingest.max_image_pixels)
    asset = asset.model_copy(update={"width": loaded.width, "height": loaded.height})
    _reset_thumbnails(ctx.settings, asset.asset_id)
    with ctx.stage("visual"):
        segment = _visual_segment(asset.asset_id, 0, loaded.image, ctx)
    pictures = {segment.segment_id: loaded.image}
    read = _picture_text(asset, [segment], pictures, ctx)
    read += senses.picture_labels(asset, [segment], pictures, ctx.labeler, ctx.stage)
    return Extracted(
        asset,
        [segment, *read],
        images.exif_metadata(loaded.exif),
        pictures,
        faces=_faces(asset.asset_id, pictures, ctx),
    )


def extract_document(asset: Asset, path: Path, mime: str, ctx: ExtractContext) -> Extracted:
    with ctx.stage("decode"):
        pages = documents.read_pages(path, mime)
    chunks = documents.chunk_pages(
        pages, ctx.settings.ingest.chunk_chars, ctx.settings.ingest.chunk_overlap
    )
    segments = [
        Segment.of(
            asset.asset_id,
            "text",
            i,
            text=c.text,
            char_start=c.char_start,
            char_end=c.char_end,
            page=c.page,
        )
        for i, c in enumerate(chunks)
    ]
    return Extracted(asset, segments)


def extract_av(asset: Asset, path: Path, ctx: ExtractContext) -> Extracted:
    cfg = ctx.settings.ingest
    selector = KeyframeSelector(cfg.shot_threshold, cfg.max_keyframe_gap_s, cfg.scan_fps)
    with ctx.stage("decode"):
        decoded = decode_media(path, selector if asset.kind == "video" else None)
    # A container sniffed as video may hold only sound (an .mp4 podcast): it is audio.
    kind = "video" if decoded.has_video else "audio"
    asset = asset.model_copy(
        update={
            "kind": kind,
            "duration_s": decoded.duration_s,
            "width": decoded.width,
            "height": decoded.height,
        }
    )
    speech = ctx.pool.submit(_transcribe, decoded.audio_16k, ctx)
    turns = ctx.pool.submit(_diarize, decoded.audio_16k, ctx)
    visual: list[Segment] = []
    pictures: dict[str, Image.Image] = {}
    if kind == "video":
        _reset_thumbnails(ctx.settings, asset.asset_id)
        with ctx.stage("visual"):
            times = [k.time_s for k in decoded.keyframes]
            for i, (key, span) in enumerate(
                zip(decoded.keyframes, keyframe_spans(times, decoded.duration_s), strict=True)
            ):
                visual.append(_visual_segment(asset.asset_id, i, key.image, ctx, span))
                pictures[visual[-1].segment_id] = key.image
    read = _picture_text(asset, visual, pictures, ctx)
    faces = _faces(asset.asset_id, pictures, ctx)
    read += senses.picture_labels(asset, visual, pictures, ctx.labeler, ctx.stage)
    sounds, sound_vectors = senses.sound_events(asset, decoded.audio_16k, ctx.sound, ctx.stage)
    read += sounds
    vectors: dict[str, np.ndarray] = {}
    if pictures and ctx.clip is not None:
        with ctx.stage("embed visual"):
            encoded = encode_pictures(ctx.clip, list(pictures.values()), cfg.batch_size)
        vectors = dict(zip(pictures, encoded, strict=True))
        pictures = {}
    transcript = speech.result()
    speakers = turns.result()
    metadata = container_metadata(decoded)
    speech_segments = speech_to_segments(asset.asset_id, transcript, speakers)
    if kind == "audio" and decoded.audio_16k is not None and transcript is not None:
        is_music, music_values = _music(decoded.audio_16k, transcript, ctx)
        if is_music:
            asset = asset.model_copy(update={"is_music": True})
            metadata += music_values
            speech_segments, speakers = [], None  # words "heard" in music are hallucinated
    if speech_segments:
        from assistant.ingest.translation import translation_segments

        speech_segments += translation_segments(asset.asset_id, decoded.audio_16k, transcript, ctx)
    return Extracted(
        asset,
        visual + read + speech_segments,
        metadata,
        pictures,
        vectors,
        faces,
        speakers=speakers,
        sound_vectors=sound_vectors,
    )


def _picture_text(
    asset: Asset, visual: list[Segment], pictures: dict[str, Image.Image], ctx: ExtractContext
) -> list[Segment]:
    if ctx.picture_text is None or not ctx.picture_text.active:
        return []
    return ctx.picture_text.segments(asset, visual, pictures, ctx.stage)


def _faces(
    asset_id: str,
    pictures: dict[str, Image.Image],
    ctx: ExtractContext,
) -> list[FoundFace]:
    model = ctx.faces() if ctx.faces is not None and pictures else None
    if model is None:
        return []
    with ctx.stage("faces"):
        return faces_in_pictures(model, asset_id, pictures, thumbnail_dir(ctx.settings, asset_id))


def _reset_thumbnails(settings: Settings, asset_id: str) -> None:
    shutil.rmtree(thumbnail_dir(settings, asset_id), ignore_errors=True)


def _transcribe(samples: np.ndarray | None, ctx: ExtractContext) -> Transcript | None:
    if samples is None or samples.size == 0 or float(np.max(np.abs(samples))) < SILENT_PEAK:
        return None
    transcriber = ctx.transcriber()
    if transcriber is None:
        return None
    with ctx.stage("transcribe"):
        return tighten(samples, transcribe_in(transcriber, samples, ctx.settings.asr.languages))


def _diarize(samples: np.ndarray | None, ctx: ExtractContext) -> Diarization | None:
    if samples is None or samples.size == 0 or float(np.max(np.abs(samples))) < SILENT_PEAK:
        return None
    encoder = ctx.speaker_encoder() if ctx.speaker_encoder is not None else None
    if encoder is None:
        return None
    from assistant.diarization.speakers import diarize

    with ctx.stage("speakers"):
        return diarize(samples, encoder)


def speech_to_segments(
    asset_id: str, transcript: Transcript | None, speakers: Diarization | None = None
) -> list[Segment]:
    """Speech segments, split where the speaker changes and labelled with the speaker."""
    if transcript is None:
        return []
    from assistant.enrich.speaker_words import split_by_speaker

    language = transcript.language or None
    parts = split_by_speaker(transcript.segments, speakers.turns if speakers else [])
    return [_speech_segment(asset_id, i, s, language, who) for i, (s, who) in enumerate(parts)]


def _speech_segment(
    asset_id: str,
    index: int,
    speech: SpeechSegment,
    language: str | None,
    speaker: str | None,
) -> Segment:
    words = [
        WordTiming(start_s=w.start_s, end_s=max(w.start_s, w.end_s), text=w.text)
        for w in speech.words
    ]
    # Whisper often starts a segment at its 30 s window's start, before the voice does;
    # the word timings are tighter, so the segment spans its first to last word.
    start = words[0].start_s if words else speech.start_s
    end = words[-1].end_s if words else speech.end_s
    return Segment.of(
        asset_id,
        "speech",
        index,
        start_s=start,
        end_s=max(start, end),
        text=speech.text,
        words=words,
        language=language,
        speaker=speaker,
    )


def _music(
    samples: np.ndarray, transcript: Transcript, ctx: ExtractContext
) -> tuple[bool, list[MetadataValue]]:
    from assistant.enrich import music

    with ctx.stage("music"):
        if not music.looks_like_music(samples, transcript):
            return False, []
        return True, music.music_metadata(samples)


# Container tag -> metadata field.
CONTAINER_TAGS = {
    "title": "title",
    "creation_time": "date",
    "date": "date",
    "artist": "artist",
    "album": "album",
    "genre": "genre",
    "comment": "description",
    "description": "description",
    "copyright": "rights",
    "location": "gps",
}


def container_metadata(decoded: DecodedMedia) -> list[MetadataValue]:
    values: dict[str, MetadataValue] = {}
    for tag, name in CONTAINER_TAGS.items():
        raw = decoded.tags.get(tag, "").strip()
        if raw and name not in values:
            values[name] = MetadataValue(field=name, value=raw, source="container")
    if decoded.duration_s:
        values["duration"] = MetadataValue(
            field="duration", value=decoded.duration_s, source="container"
        )
    return list(values.values())
