"""Music attributes on synthesised tracks of known tempo, key and mode, and the
music/speech decision on real espeak-ng speech."""

from __future__ import annotations

from pathlib import Path

import librosa
import numpy as np
import pytest
import soundfile

from assistant.enrich.music import looks_like_music, music_metadata
from assistant.models.base import SpeechSegment, Transcript, Word
from assistant.schemas import Filters
from assistant.store.catalog import Catalog
from samples.media import ffmpeg, speak, synth_music
from samples.music_corpus import TrackSpec, write_track
from tests.helpers.builders import asset_row

# (bpm, tonic, mode): slow and fast, both modes, sharps included.
TRACKS = [(72.0, "A", "minor"), (96.0, "F#", "major"), (128.0, "G", "major"), (110.0, "C", "minor")]


def _load_16k(path: Path) -> np.ndarray:
    samples, _ = librosa.load(str(path), sr=16_000, mono=True)
    return samples


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[float, str, str], dict]:
    folder = tmp_path_factory.mktemp("music")
    results = {}
    for bpm, tonic, mode in TRACKS:
        path = synth_music(
            folder / f"{bpm:.0f}_{tonic}_{mode}.wav", bpm=bpm, key=tonic, mode=mode, seconds=10.0
        )
        values = music_metadata(_load_16k(path))
        results[(bpm, tonic, mode)] = {v.field: v for v in values}
    return results


def test_slow_track_in_noise_through_mp3(tmp_path: Path) -> None:
    """Broadband noise once doubled a slow tempo; a poor MP3 recording must still read."""
    clean, rate = librosa.load(
        str(synth_music(tmp_path / "slow.wav", bpm=72, key="A", mode="minor", seconds=10.0)),
        sr=None,
    )
    noise = np.random.default_rng(0).normal(0, 10 ** (-26 / 20), clean.size)
    soundfile.write(str(tmp_path / "noisy.wav"), (clean + noise).astype(np.float32), rate)
    ffmpeg("-i", str(tmp_path / "noisy.wav"), "-b:a", "64k", str(tmp_path / "noisy.mp3"))
    values = {v.field: v.value for v in music_metadata(_load_16k(tmp_path / "noisy.mp3"))}
    assert values["key"] == "A minor"
    # Under the noise every onset contrast shrinks; read against the mean (not the noise
    # floor) they once lost to the tempo prior and this read as 144, its double.
    assert abs(float(values["tempo"]) - 72.0) <= 2.0, values["tempo"]  # type: ignore[arg-type]


def _is_clean_multiple(measured: float, true: float) -> bool:
    return any(abs(measured - true * factor) <= 2.0 * factor for factor in (0.5, 1.0, 2.0))


@pytest.mark.parametrize("track", TRACKS, ids=lambda t: f"{t[0]:.0f}-{t[1]}-{t[2]}")
def test_tempo_key_and_mode_of_synthesised_tracks(analysed: dict, track: tuple) -> None:
    bpm, tonic, mode = track
    values = analysed[track]
    assert _is_clean_multiple(float(values["tempo"].value), bpm), values["tempo"]
    assert values["mode"].value == mode
    assert values["key"].value == f"{tonic} {mode}"
    assert all(v.source == "analysis" for v in values.values())
    assert 0.0 <= values["tempo"].confidence <= 1.0
    assert values["duration_s"].value == pytest.approx(10.0, abs=0.05)
    assert -40.0 < float(values["loudness_db"].value) < 0.0


def test_slow_minor_track_is_found_by_tempo_and_mode_filters(
    analysed: dict, tmp_path: Path
) -> None:
    catalog = Catalog(tmp_path / "catalog.db")
    for n, (_track, values) in enumerate(analysed.items()):
        asset_id = f"{n:016x}"
        catalog.put_asset(asset_row("/m", f"{n}.wav", "audio", asset_id, is_music=True))
        catalog.set_metadata(asset_id, values.values())
    found = catalog.filter_assets(Filters(mode="minor", tempo_max=100))
    slow_minor = [f"{n:016x}" for n, t in enumerate(analysed) if t == (72.0, "A", "minor")]
    assert found == set(slow_minor)


def test_quiet_audio_gets_no_tempo_or_key() -> None:
    values = {v.field for v in music_metadata(np.zeros(16_000 * 5, dtype=np.float32))}
    assert values == {"duration_s", "loudness_db"}


def _transcript(text: str, duration_s: float, probability: float) -> Transcript:
    words = text.split()
    step = duration_s / max(len(words), 1)
    timed = tuple(Word(i * step, (i + 1) * step, w, probability) for i, w in enumerate(words))
    return Transcript("en", duration_s, (SpeechSegment(0.0, duration_s, text, timed),))


def test_music_is_music_and_speech_is_not(tmp_path: Path) -> None:
    music = _load_16k(synth_music(tmp_path / "m.wav", bpm=90, key="D", mode="minor", seconds=8.0))
    sentence = (
        "The commissioner said on Tuesday that energy prices would rise again "
        "this winter and that the council would meet to discuss the budget."
    )
    speech = _load_16k(speak(sentence, tmp_path / "s.wav"))
    speech_s = speech.size / 16_000

    assert looks_like_music(music, Transcript("en", 8.0, ()))
    # Whisper often hallucinates a few low-confidence words over music.
    assert looks_like_music(music, _transcript("la la thank you", 8.0, probability=0.2))
    assert not looks_like_music(speech, _transcript(sentence, speech_s, probability=0.9))
    assert not looks_like_music(np.zeros(16_000 * 8, dtype=np.float32), Transcript("en", 8.0))


@pytest.mark.parametrize(("bpm", "tonic"), [(128.0, "A"), (140.0, "D"), (142.0, "B")])
def test_fast_harmonic_minor_tracks_keep_their_tempo_and_mode(
    tmp_path: Path, bpm: float, tonic: str
) -> None:
    """The tracks of issue 13: i-iv-V-i piano triads in harmonic minor, bass on the
    root, a kick on every beat were stored at half tempo and in major."""
    spec = TrackSpec(
        name=f"issue_{bpm:.0f}",
        bpm=bpm,
        tonic=tonic,
        mode="minor",
        progression=0,
        timbre="piano",
        comp="block",
        bass="roots",
        drums="quarters",
        melody=False,
        reverb_s=0.0,
        noise_db=None,
        mp3=False,
        seconds=12.0,
    )
    values = {v.field: v for v in music_metadata(_load_16k(write_track(spec, tmp_path)))}
    assert abs(float(values["tempo"].value) - bpm) / bpm <= 0.04, values["tempo"]  # type: ignore[arg-type]
    assert values["key"].value == f"{tonic} minor"
    assert 0.0 <= values["key"].confidence <= 1.0
