"""Voice as a query signal (issue 15): an uploaded clip's voice counts inside audio
ranking. Two espeak-ng recordings hold the same sentence in different voices; a clip of one
of those voices saying it ranks that voice's recording first, the other one still found by
its words. Real voice encoder (Resemblyzer), Whisper and the text encoder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.archive import Archive
from assistant.config import load_settings
from assistant.ingest.pipeline import ingest_folder
from assistant.retrieval.engine import search_engine
from assistant.schemas import SearchQuery
from samples import media as samples

pytestmark = pytest.mark.slow
SAID = "Will the ferries run while the bridge is closed?"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, Path]]:
    from assistant.models.provider import ModelProvider

    base = tmp_path_factory.mktemp("voice-query")
    root = base / "archive"
    root.mkdir()
    voices = samples.INTERVIEW_VOICES
    samples.interview([("reporter", SAID)], voices, root / "reporter.wav")
    samples.interview(
        [("official", SAID), ("official", "Two extra ferries will run every hour.")],
        voices,
        root / "official.wav",
    )
    query = samples.interview([("official", SAID)], voices, base / "query.wav")[0]
    settings = load_settings("test", data_dir=base / "data")
    provider = ModelProvider(settings.models)
    models: dict[str, Any] = {"text": provider.text(), "asr": provider.asr()}
    opened = Archive.open(settings, model_overrides=models)
    assert ingest_folder(opened, root).counts_by_status.get("indexed") == 2
    yield opened, query
    opened.close()


def test_the_same_words_by_the_same_voice_rank_first(archive: tuple[Archive, Path]) -> None:
    opened, query = archive
    clips = search_engine(opened).search(SearchQuery(media={"audio": query}, k=10))
    files = [clip.file for clip in clips]
    assert files[0] == "official.wav", [(c.file, c.snippet, c.why) for c in clips]
    assert any("same voice" in why for why in clips[0].why), clips[0].why
    assert "reporter.wav" in files  # the same words by another voice are still found
    first = {clip.file: clip.score for clip in reversed(clips)}
    assert first["official.wav"] > first["reporter.wav"]
