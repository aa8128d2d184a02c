"""Media kinds, segment kinds, and the groups of segment kinds the rooms act on.

A new segment kind goes into `SegmentKind` and into each group it belongs to;
tests/unit/test_vocabulary.py checks that every kind but "visual" is a text kind."""

from __future__ import annotations

from typing import Literal, get_args

MediaKind = Literal["image", "video", "audio", "document"]
MEDIA_KINDS: tuple[str, ...] = get_args(MediaKind)

# visual: an image or a video keyframe (CLIP space); speech: timed transcript text;
# text: a document chunk; ocr / caption: text read or generated from a picture;
# translation: Whisper's English rendering of non-English speech (asr.translate);
# sound: sound events heard in a time window (YAMNet); label: objects seen in a picture.
SegmentKind = Literal["visual", "speech", "text", "ocr", "caption", "translation", "sound", "label"]
SEGMENT_KINDS: tuple[str, ...] = get_args(SegmentKind)

# Kinds whose text is embedded in the "text" space, FTS-indexed and shown as a snippet.
TEXT_KINDS = frozenset({"speech", "text", "ocr", "caption", "translation", "sound", "label"})
# Kinds in the asset's own words (labels and sound tags are our English descriptions, a
# translation is Whisper's English): their language is the asset's, a follow-up reads them.
OWN_WORDS_KINDS = frozenset({"speech", "text", "ocr", "caption"})
# Written text (not speech): document chunks, text read on screen, captions.
WRITTEN_KINDS = frozenset({"text", "ocr", "caption"})
# Kinds whose words a citation quotes (speech, what is on screen, sounds heard).
QUOTED_KINDS = frozenset({"speech", "translation", "ocr", "caption", "sound"})
# Passages that identify one speech or document when they recur in another asset.
PASSAGE_KINDS: tuple[str, ...] = ("speech", "text")
# Asset kinds that have a soundtrack.
SPOKEN_MEDIA: tuple[str, ...] = ("audio", "video")
