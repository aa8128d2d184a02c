"""The rendered chorales the music bench scores: key and mode from the score, and the
tempo written into the MIDI is the one the recording plays at."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile

from samples import score_corpus

pytestmark = pytest.mark.skipif(
    not score_corpus.available(), reason="music21, fluidsynth or fluid-soundfont-gm missing"
)


def test_a_rendered_chorale_plays_at_its_tempo_in_its_stated_key(tmp_path: Path) -> None:
    (track, score), *_ = score_corpus.draw_tracks(seed=3, count=2)
    assert track.mode in ("major", "minor") and track.meter in ("4/4", "3/4")
    assert 60.0 <= track.bpm <= 120.0  # the first of two tempo bands over 60-180
    wav = score_corpus.write_track(track, score, tmp_path)
    quarters = float(score.highestTime)  # type: ignore[attr-defined]
    played = soundfile.info(str(wav)).duration
    # The recording lasts the score's quarter notes at that tempo (plus the last note's
    # release tail of at most a few seconds).
    assert quarters * 60.0 / track.bpm <= played <= quarters * 60.0 / track.bpm + 4.0


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        # Written with no sharps ("C major"), but opens and closes on G: a G Mixolydian tune.
        ("bach/bwv296", ("G major",)),
        # Stated F# minor, opens on it, closes with a cadence in A major: in both.
        ("bach/bwv244.40", ("A major", "F# minor")),
        # A minor chorale ending on a Picardy third stays minor.
        ("bach/bwv74.8", ("A minor",)),
    ],
)
def test_a_chorale_is_in_the_key_of_its_final_cadence(name: str, keys: tuple[str, ...]) -> None:
    from music21 import corpus

    tonic, mode, opening = score_corpus.chorale_key(corpus.parse(name))  # type: ignore[misc]
    assert (f"{tonic} {mode}", *([opening] if opening else [])) == keys
