"""The pieces of speaker turns that need no model: splitting transcript segments at a
change of speaker, subtitle cues and their SRT/WebVTT text, voice-activity regions on
real espeak-ng speech, clustering of window embeddings, DER, voice names in filters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.diarization.speaker_clusters import cluster, cluster_bounded, merge_groups
from assistant.diarization.speakers import SpeakerTurn, fold_small, speech_windows
from assistant.enrich.speaker_words import speaker_at, split_by_speaker
from assistant.evaluation.speakers import diarization_error, read_gold_turns
from assistant.export.subtitles import Cue, cues, to_srt, to_vtt
from assistant.models.base import SpeechSegment, Word
from assistant.schemas import Filters, Segment, WordTiming
from tests.helpers.builders import clip_of

TURNS = [SpeakerTurn(0.0, 3.0, "S1"), SpeakerTurn(3.5, 8.0, "S2")]


def _words(*spec: tuple[float, float, str]) -> tuple[Word, ...]:
    return tuple(Word(a, b, text) for a, b, text in spec)


def test_a_segment_spanning_a_change_of_speaker_is_split_at_the_word() -> None:
    segment = SpeechSegment(
        0.2,
        6.0,
        " Is it safe? Not yet, no.",
        _words(
            (0.2, 0.6, " Is"),
            (0.6, 0.9, " it"),
            (0.9, 2.8, " safe?"),
            (3.6, 4.0, " Not"),
            (4.0, 4.5, " yet,"),
            (4.6, 6.0, " no."),
        ),
    )
    parts = split_by_speaker([segment], TURNS)
    assert [(p.text, who) for p, who in parts] == [("Is it safe?", "S1"), ("Not yet, no.", "S2")]
    assert parts[1][0].start_s == 3.6 and parts[1][0].end_s == 6.0


def test_one_word_blurred_across_a_boundary_stays_with_its_neighbours() -> None:
    # "the" overlaps S2's turn a little more, but sits between two S1 words
    segment = SpeechSegment(
        1.0,
        3.9,
        " over the bridge",
        _words((1.0, 2.9, " over"), (2.9, 3.6, " the"), (3.0, 3.2, " bridge")),
    )
    assert [who for _, who in split_by_speaker([segment], TURNS)] == ["S1"]


def test_without_turns_segments_keep_no_speaker_and_wordless_use_their_span() -> None:
    segment = SpeechSegment(4.0, 5.0, "later")
    assert split_by_speaker([segment], []) == [(segment, None)]
    assert split_by_speaker([segment], TURNS) == [(segment, "S2")]
    assert speaker_at(TURNS, 3.1, 3.2) == "S1"  # in the gap: the nearest turn


def test_windows_cover_each_region_and_end_with_it() -> None:
    windows = speech_windows([(0.0, 1.0), (2.0, 5.0)], 1.6, 0.75)
    assert windows[0] == (0.0, 1.0, 0)
    rest = [w for w in windows if w[2] == 1]
    assert rest[0][0] == 2.0 and rest[-1][1] == 5.0
    assert all(round(b - a, 3) == 1.6 for a, b, _ in rest)


def test_clustering_separates_two_directions_and_folds_a_stray_window() -> None:
    rng = np.random.default_rng(0)
    a, b = np.eye(8)[0], np.eye(8)[1]
    rows = (
        [a + rng.normal(0, 0.05, 8) for _ in range(6)]
        + [b + rng.normal(0, 0.05, 8) for _ in range(6)]
        + [np.eye(8)[2] + 0.4 * a]
    )
    vectors = np.stack(rows) / np.linalg.norm(np.stack(rows), axis=1, keepdims=True)
    labels = cluster(vectors, 0.3)
    assert len(set(labels[:6])) == 1 and len(set(labels[6:12])) == 1
    assert labels[0] != labels[6]
    windows = [(i * 1.0, i * 1.0 + 1.6, i) for i in range(13)]
    folded = fold_small(labels, vectors, windows, min_s=2.0)
    assert folded[12] == folded[0]  # the stray window joins the voice it is closest to
    assert set(folded) == {folded[0], folded[6]}


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to renaming the labels."""
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def test_merging_groups_is_average_linkage_on_their_members() -> None:
    # Singletons merged by (sum, count) end where scipy's average linkage cuts.
    rng = np.random.default_rng(3)
    centres = np.eye(16)[:4]
    vectors = _unit(np.repeat(centres, 10, axis=0) + rng.normal(0, 0.25, (40, 16)))
    owner, sums, counts = merge_groups(vectors, np.ones(40), 0.6)
    assert _same_partition(owner, cluster(vectors, 0.6))
    assert counts.sum() == 40 and len(sums) == len(set(owner.tolist()))


def test_long_files_are_clustered_chunk_by_chunk_into_the_same_voices() -> None:
    # Three voices taking turns over 1,500 windows, clustered in chunks of 100: each voice
    # keeps one label across all chunks (also voices absent from a whole chunk).
    rng = np.random.default_rng(5)
    turns = rng.integers(0, 3, 150)
    turns[40:60] = 0  # the other two are silent for two chunks
    truth = np.repeat(turns, 10)
    vectors = _unit(np.eye(8)[truth] + rng.normal(0, 0.05, (len(truth), 8)))
    labels = cluster_bounded(vectors, 0.3, chunk=100)
    assert _same_partition(labels, truth)
    assert np.array_equal(cluster_bounded(vectors[:90], 0.3, chunk=100), cluster(vectors[:90], 0.3))


def test_vad_finds_the_spoken_lines(tmp_path: Path) -> None:
    from assistant.diarization.vad import speech_regions
    from assistant.media.decode import decode_media
    from samples import media as samples

    path, lines = samples.interview(
        [("a", "Good morning."), ("a", "The bridge is closed.")],
        {"a": samples.Voice("en-us")},
        tmp_path / "two.wav",
        gap_s=1.5,
    )
    audio = decode_media(path, None).audio_16k
    assert audio is not None
    regions = speech_regions(audio)
    assert len(regions) == 2
    for (start, end), line in zip(regions, lines, strict=True):
        assert abs(start - line.start_s) < 0.15 and abs(end - line.end_s) < 0.25


def test_subtitle_cues_are_cut_on_words_and_labelled() -> None:
    words = [WordTiming(start_s=i * 0.5, end_s=i * 0.5 + 0.4, text=f" word{i}") for i in range(20)]
    segment = Segment.of(
        "a",
        "speech",
        0,
        start_s=0.0,
        end_s=9.9,
        text="...",
        words=words,
        speaker="S1",
    )
    found = cues([segment], {"S1": "Voice 2"})
    assert len(found) == 2 and all(c.end_s - c.start_s <= 6.0 for c in found)
    assert found[0].speaker == "Voice 2" and found[0].text.startswith("word0 word1")
    srt = to_srt([Cue(61.5, 63.25, "Yes, <two> ferries.", "Voice 2")])
    assert srt == "1\n00:01:01,500 --> 00:01:03,250\n[Voice 2] Yes, <two> ferries.\n"
    vtt = to_vtt([Cue(3661.0, 3662.0, "a & b", "Paul Okafor")])
    assert vtt == "WEBVTT\n\n01:01:01.000 --> 01:01:02.000\n<v Paul Okafor>a &amp; b\n"


def test_der_counts_confusion_and_missed_speech(tmp_path: Path) -> None:
    gold = [(0.0, 4.0, "reporter"), (5.0, 9.0, "official")]
    assert diarization_error(gold, [(0.0, 4.0, "S2"), (5.0, 9.0, "S1")]) == 0.0
    assert diarization_error(gold, [(0.0, 9.0, "S1")]) == pytest.approx(5 / 8)
    assert diarization_error(gold, [(0.0, 4.0, "S1")]) == pytest.approx(0.5)
    (tmp_path / "speakers.jsonl").write_text(
        '{"file": "a.wav", "start_s": 0, "end_s": 4, "speaker": "reporter"}\n'
    )
    assert read_gold_turns(tmp_path) == {"a.wav": [(0.0, 4.0, "reporter")]}


def test_speaker_is_a_filter() -> None:
    assert Filters.parse({"speaker": "Paul Okafor"}).speaker == "Paul Okafor"
    assert not Filters.parse({"speaker": "2"}).is_empty()


def test_clip_cards_show_who_speaks() -> None:
    from assistant.ui.cards import clip_card

    class NoLinks:  # nothing playable: the card still says who speaks
        def play(self, *args: object, **kwargs: object) -> None:
            return None

        def file_url(self, path: object) -> None:
            return None

        def preview_url(self, path: object) -> None:
            return None

    clip = clip_of(
        "i.wav",
        "audio",
        1.0,
        5.0,
        root="/x",
        asset_id="a",
        score=0.5,
        snippet="Yes, two extra ferries.",
        speaker="Voice 2 (Paul <Okafor>)",
    )
    html = clip_card(clip, links=NoLinks(), element_id="c1")  # type: ignore[arg-type]
    assert '<span class="aa-speaker" title="who speaks here">Voice 2 (Paul &lt;Okafor&gt;)' in html
