"""SearchEngine: one query (text, any uploads, or a mix) -> ranked, playable clips.

The text part runs here; each upload runs its modality's ranking (retrieval/modalities.py:
image_query.py, audio_query.py) through a QueryRun. Signals per query part (each a
ranking of segments, calibrated to [0, 1]):
- text  -> `keyword` (FTS5) + `text_vector` (sentence meaning) over speech, documents,
           OCR and captions; `metadata` (FTS5) + `metadata_meaning` over each asset's
           titles, people, places, topics, music words (metadata_match.py); `clip_text`
           (CLIP text tower) over images and video frames when CLIP weights exist.
- image -> `phash` near duplicates (always) + `clip_image` (when CLIP weights exist) +
           `face` (the same person's face, when faces were indexed; retrieval/faces.py).
- audio -> transcribed, then `text_vector` + `keyword` over speech, and `speech_align`
           placing the excerpt on the archive's word timestamps; the transcript also
           runs the text part's signals over the written text (document chunks, OCR,
           captions) and the metadata, so a document saying the same thing is found too;
           and `sound_example` (retrieval/sound_example.py): the clip's YAMNet class
           profile against the archive's "sound" segments, so a bell finds bells.
All rankings are fused (fusion.py), grouped into clips (clips.py). Filters become a set
of allowed asset ids passed into every index query, never applied after a top-k cut;
assets passing the filters that nothing matched follow the matches (filter_matches.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.models.base import ImageTextEncoder
from assistant.models.provider import ModelProvider
from assistant.models.sound_events import SoundTagger
from assistant.retrieval.clips import assemble
from assistant.retrieval.filter_matches import with_filter_matches
from assistant.retrieval.fusion import fuse
from assistant.retrieval.in_place import InPlace
from assistant.retrieval.keywords import keyword_hits
from assistant.retrieval.meaning import CLIP_TEXT_SIGNAL, TEXT_SIGNAL, vector_hits
from assistant.retrieval.metadata_match import MEANING_SIGNAL as META_MEANING_SIGNAL
from assistant.retrieval.metadata_match import SIGNAL as METADATA_SIGNAL
from assistant.retrieval.metadata_match import MetadataMeaning, metadata_hits
from assistant.retrieval.modalities import ordered
from assistant.retrieval.music_words import with_music_filters, worded
from assistant.retrieval.outcome import SearchOutcome
from assistant.retrieval.query_run import QueryRun
from assistant.retrieval.sound_example import query_tagger
from assistant.retrieval.speakers import label_speakers, speaker_scope
from assistant.retrieval.warm_up import warm_up
from assistant.schemas import Clip, Filters, Hit, SearchQuery
from assistant.similarity import calibration
from assistant.similarity.hash_index import HashIndex
from assistant.store.catalog import Catalog
from assistant.store.lookup import SegmentLookup
from assistant.store.text_space import TextSpace
from assistant.store.vectors.base import VectorIndex

if TYPE_CHECKING:
    from assistant.archive import Archive
    from assistant.store.faces import FaceStore

# Query vectors kept by one engine (a few MB at most).
QUERY_VECTORS_KEPT = 256
CLIP_OFF = "visual similarity is off: no CLIP weights (set models.clip.path to enable it)"


class SearchEngine:
    def __init__(
        self,
        settings: Settings,
        catalog: Catalog,
        vectors: VectorIndex,
        models: ModelProvider,
        faces: Callable[[], FaceStore],
    ) -> None:
        """The pieces it searches: `faces` gives the face store on a picture query's
        first use (opening it writes its tables). `search_engine(archive)` builds one."""
        self.config = settings
        self.settings = settings.search
        self.catalog = catalog
        self.vectors = vectors
        self.models = models
        self.faces = faces
        self._tagger: SoundTagger | None = None
        self.metadata_meaning = MetadataMeaning()
        self._space_checked = False
        # Every stored pHash in one array, read once and then appended to (hash_index.py).
        self.hashes = HashIndex()
        self._vectors: dict[str, np.ndarray] = {}  # query text -> its text vector
        self._workers: Executor | None = None  # _pool()
        self._workers_made = threading.Lock()  # concurrent first queries make one pool

    def search(self, query: SearchQuery) -> list[Clip]:
        return self.run(query).clips

    def run(self, query: SearchQuery) -> SearchOutcome:
        started = time.perf_counter()
        outcome = SearchOutcome(clips=[])
        # "slow music in a minor key" -> tempo/mode filters (said in a notice).
        filters = with_music_filters(query.text, query.filters)
        if filters != query.filters:
            outcome.notices.append(f"Read as music filters: {worded(filters, query.filters)}.")
            query = query.model_copy(update={"filters": filters})
        uploads = ordered(query.media)  # an unknown modality name is the user's error
        uses_text = query.text.strip() or any("text" in m.spaces for m, _ in uploads)
        if uses_text and not self._space_checked:
            # Vectors of another encoder: say how to fix (check() never embeds: batch 1).
            TextSpace(self.catalog, self.vectors, self.models.text, 1).check()
            self._space_checked = True
        allowed = self._filtered_while_encoding(query)
        voice = speaker_scope(self.catalog, query.filters)
        if voice is not None:
            allowed = voice.allowed(allowed)
        if allowed is not None and not allowed:
            outcome.notices.append("No asset in the archive matches these filters.")
            return outcome
        lookup = SegmentLookup(self.catalog)
        rankings: dict[str, list[Hit]] = {}
        if query.text.strip():
            rankings.update(self.text_rankings(lookup, query.text, allowed, outcome))
        run = QueryRun(self, lookup, query, allowed, outcome)
        for modality, path in uploads:
            self._merge(rankings, modality.rank(run, path), modality.name)
        outcome.timings["signals"] = time.perf_counter() - started
        if voice is not None:
            rankings = voice.keep(rankings, lookup)
        fused = fuse(rankings, self.settings.rrf_k)
        root = self.config.data_dir
        outcome.clips = assemble(fused, lookup, self.settings, root, query.k)
        if allowed is not None:
            outcome.clips = with_filter_matches(
                outcome.clips, fused, query.filters, lookup, self.settings, root, query.k
            )
        self._mark_clip_off(outcome)
        if voice is not None:
            voice.retarget(outcome.clips, lookup)
        label_speakers(outcome.clips, lookup, self.catalog)
        outcome.timings["total"] = time.perf_counter() - started
        return outcome

    def _filtered_while_encoding(self, query: SearchQuery) -> AbstractSet[str] | None:
        """The assets passing the query's filters, read on a worker while this thread
        encodes the query text (the filter is SQL, the encoder torch: both let go of the
        GIL): 54 + 21 ms one after the other for a 1 % place filter at 10^6 assets."""
        if query.filters.is_empty() or not query.text.strip():
            return self.catalog.filter_assets(query.filters)
        passing = self._pool().submit(self.catalog.filter_assets, query.filters)
        self.query_vector(query.text)
        return passing.result()

    @staticmethod
    def _merge(into: dict[str, list[Hit]], more: dict[str, list[Hit]], part: str) -> None:
        """A combined query keeps each part's rankings separate, so RRF fuses them."""
        for signal, hits in more.items():
            into[f"{part}:{signal}" if signal in into else signal] = hits

    # --- query parts ----------------------------------------------------------------------
    def text_rankings(
        self,
        lookup: SegmentLookup,
        text: str,
        allowed: AbstractSet[str] | None,
        outcome: SearchOutcome,
        kinds: set[str] | None = None,
        *,
        visual: bool = True,
    ) -> dict[str, list[Hit]]:
        """The text signals; `kinds` keeps only those segment kinds (metadata is about
        whole assets, so it is kept either way); `visual=False` skips CLIP text."""
        n = self.settings.candidates
        # Segment kinds are picked after the index's top-k cut: dig deeper when picking,
        # so the other kinds do not crowd the wanted ones out.
        depth = n if kinds is None else n * 2
        # The full-text rankings run on a worker while this thread encodes and searches
        # the vector index (store/catalog.py reads on a connection per thread).
        full_text = self._pool().submit(
            lambda: {
                "keyword": keyword_hits(lookup, text, depth, allowed, kinds)[:n],
                METADATA_SIGNAL: metadata_hits(lookup, text, n, allowed),
            }
        )
        encoder = self.models.text()
        vector = self.query_vector(text)
        rankings = {
            TEXT_SIGNAL: vector_hits(
                lookup,
                self.vectors,
                "text",
                vector,
                depth,
                allowed,
                TEXT_SIGNAL,
                kinds,
                text_scale=calibration.text_scale(encoder),
            )[:n],
            META_MEANING_SIGNAL: self.metadata_meaning.hits(
                lookup, encoder, vector, n, allowed, self.vectors
            ),
        }
        rankings = {**full_text.result(), **rankings}
        if not visual:
            return rankings
        clip = self.clip_model(outcome)
        if clip is not None:
            # Only images and video frames live in the visual space: no kind filter needed.
            vector = clip.encode_texts([text])[0]
            rankings[CLIP_TEXT_SIGNAL] = self.visual_hits(
                lookup, vector, n, allowed, CLIP_TEXT_SIGNAL
            )
        return rankings

    def _pool(self) -> Executor:
        """The signals' worker threads (made on first use; with one thread, a stand-in
        that runs each call where it is submitted)."""
        with self._workers_made:
            if self._workers is None:
                threads = self.settings.signal_threads
                self._workers = (
                    ThreadPoolExecutor(threads - 1, thread_name_prefix="signals")
                    if threads > 1
                    else InPlace()
                )
            return self._workers

    # --- helpers (also what modalities use: query_run.Ranker) ---------------------------
    def query_vector(self, text: str) -> np.ndarray:
        """The text encoder's query vector, encoded once per text (an audio query's
        transcript serves the written and the spoken rankings; a repeated query)."""
        # One read, never "in" then "[]": another request's clear() may come between.
        vector = self._vectors.get(text)
        if vector is None:
            vector = self.models.text().encode_queries([text])[0]
            if len(self._vectors) >= QUERY_VECTORS_KEPT:
                self._vectors.clear()
            self._vectors[text] = vector
        return vector

    def visual_hits(
        self,
        lookup: SegmentLookup,
        vector: np.ndarray,
        n: int,
        allowed: AbstractSet[str] | None,
        signal: str,
    ) -> list[Hit]:
        """Nearest images and video frames to a CLIP vector (text or image tower)."""
        return vector_hits(lookup, self.vectors, "visual", vector, n, allowed, signal)

    def restrict(
        self, filters: Filters, allowed: AbstractSet[str] | None, kinds: tuple[str, ...]
    ) -> AbstractSet[str] | None:
        """Allowed assets narrowed to some media kinds, in SQL (never a listing of the
        archive). None when that excludes nothing, or when no filter was given: the
        speech rankings keep only speech segments, which only these kinds have."""
        if allowed is None:
            return None
        narrowed = [kind for kind in (filters.kind or kinds) if kind in kinds]
        if not narrowed:
            return set()
        return self.catalog.filter_assets(filters.model_copy(update={"kind": narrowed}))

    def sound_tagger(self) -> SoundTagger | None:
        """YAMNet for sound-by-example, built on the first audio query that can use it."""
        if self._tagger is None:
            self._tagger = query_tagger(self.vectors, self.config.models)
        return self._tagger

    def clip_model(self, outcome: SearchOutcome) -> ImageTextEncoder | None:
        """The CLIP encoder, or None with a notice when there are no weights."""
        models = self.models
        try:
            if models.available("clip"):
                return models.clip()
        except AssistantError as exc:
            outcome.notices.append(f"visual similarity is off: {exc.message}")
            return None
        if CLIP_OFF not in outcome.notices:
            outcome.notices.append(CLIP_OFF)
        return None

    @staticmethod
    def _mark_clip_off(outcome: SearchOutcome) -> None:
        """Pictures and video frames found without CLIP say what was not checked."""
        if CLIP_OFF not in outcome.notices:
            return
        for clip in outcome.clips:
            if clip.kind == "image" or any(":visual:" in s for s in clip.segment_ids):
                clip.why.append("(visual similarity off: no CLIP weights)")


def search_engine(archive: Archive) -> SearchEngine:
    """The engine over an opened archive's pieces (what entry points and tests build)."""
    warm_up(archive)  # the text and meta graphs load meanwhile (a cold disk reads ahead)
    return SearchEngine(
        archive.settings, archive.catalog, archive.vectors, archive.models, lambda: archive.faces
    )
