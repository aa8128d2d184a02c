"""The SQLite catalog: assets, segments (+ FTS5), metadata with provenance, proposals,
ingest runs and failures. One connection, serialised by a lock (the UI is threaded).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from assistant.schemas import (
    Asset,
    Filters,
    IngestReport,
    MetadataValue,
    Provenance,
    Segment,
    WordTiming,
)
from assistant.store import asset_scope, fts_bounded
from assistant.store.asset_scope import BroadFilter, ListedIds
from assistant.store.filter_sql import facet_row, facets_alone, filtered_from, filters_sql
from assistant.store.metadata_rules import effective_values
from assistant.store.metadata_text import gist, searchable_text

_SCHEMA = (Path(__file__).parent / "schema.sql").read_text()
# Word timings serialised in pydantic-core (a model_dump per word was a tenth of a build).
_WORDS = TypeAdapter(list[WordTiming])
# The text encoder of every profile before the `text` space's encoder was recorded.
LEGACY_TEXT_MODEL = "all-MiniLM-L6-v2"

_ASSET_COLUMNS = (
    "asset_id, path, root, rel_path, kind, mime, size_bytes, duration_s, width, height, "
    "status, error, is_music"
)
# A metadata value's columns, as _metadata reads them.
_METADATA_COLUMNS = "field, source, value, confidence, provenance"
_SEGMENT_COLUMNS = (
    "segment_id, asset_id, kind, idx, start_s, end_s, text, char_start, char_end, page, "
    "words, thumbnail, phash, embedded, language, speaker"
)


def _asset(row: sqlite3.Row) -> Asset:
    data = dict(row)
    data["is_music"] = bool(data["is_music"])
    return Asset.model_validate(data)


def _segment(row: sqlite3.Row) -> Segment:
    data = dict(row)
    data["index"] = data.pop("idx")
    # One validation from the JSON text (pydantic-core), not json.loads and a model per
    # word: a text query parses a few thousand word timings.
    data["words"] = _WORDS.validate_json(data["words"] or "[]")
    data["embedded"] = bool(data["embedded"])
    return Segment.model_validate(data)


def _metadata(row: sqlite3.Row) -> MetadataValue:
    provenance = json.loads(row["provenance"]) if row["provenance"] else None
    return MetadataValue(
        field=row["field"],
        value=json.loads(row["value"]),
        source=row["source"],
        confidence=row["confidence"],
        provenance=Provenance.model_validate(provenance) if provenance else None,
    )


def _effective_by_asset(
    rows: Iterable[sqlite3.Row], every: Iterable[str] = ()
) -> dict[str, dict[str, MetadataValue]]:
    """Metadata rows (with their asset_id) as each asset's effective metadata; each asset
    of `every` is there too, as {} when it has no metadata."""
    grouped: dict[str, list[MetadataValue]] = {asset_id: [] for asset_id in every}
    for row in rows:
        grouped.setdefault(row["asset_id"], []).append(_metadata(row))
    return {asset_id: effective_values(values) for asset_id, values in grouped.items()}


def fts_terms(text: str) -> list[str]:
    """Free text as FTS5-safe terms (letters and digits of each word), in query order."""
    terms = ["".join(ch for ch in word if ch.isalnum()) for word in text.split()]
    return [term for term in terms if term]


@dataclass(frozen=True)
class _FtsScope:
    """What one full-text query may return: rows of `table` (through its FTS5 index
    `fts`, keyed by `key`) of indexed assets, of some segment kinds, of allowed assets."""

    fts: str
    table: str
    key: str
    asset_ids: AbstractSet[str] | None
    kinds_list: list[str] | None

    @property
    def joins(self) -> str:
        joins = f"JOIN {self.table} t ON t.rowid = m.rowid JOIN assets a ON a.asset_id = t.asset_id"
        if self._condition() is not None:  # the condition reads the facets
            joins += " LEFT JOIN asset_facets f ON f.asset_id = a.asset_id"
        return joins

    @property
    def where(self) -> str:
        kinds = self.kinds_list or []
        return "WHERE a.status='indexed'" + (
            f" AND t.kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
        )

    @property
    def kinds(self) -> list[str]:
        return list(self.kinds_list or [])

    def allowed_sql(self) -> tuple[str, list[Any]]:
        if self.asset_ids is None:
            return "", []
        condition = self._condition()
        if condition is not None:
            return f" AND ({condition[0]})", list(condition[1])
        return " AND t.asset_id IN (SELECT value FROM json_each(?))", [
            asset_scope.as_json(self.asset_ids)
        ]

    def _condition(self) -> tuple[str, list[Any]] | None:
        """A broad filter's SQL condition, checked on each row instead of joining its ids
        (a few thousand ids, as a 1 % place filter at 10^6 assets, are a quick list,
        where a trigram condition reads its facet index again for every query)."""
        ids = self.asset_ids
        return ids.condition if isinstance(ids, BroadFilter) else None

    def kept(self, rows: list[sqlite3.Row]) -> list[sqlite3.Row]:
        """The rows of allowed assets (their assets checked in one go)."""
        allowed = asset_scope.passing(self.asset_ids, [row["asset"] for row in rows])
        return [row for row in rows if row["asset"] in allowed]


# Rows one full-text query ranks by bm25 at most (store/fts_bounded.py; settings:
# store.fts_rank_budget).
FTS_RANK_BUDGET = 10_000


class Catalog:
    def __init__(self, path: Path, fts_rank_budget: int = FTS_RANK_BUDGET) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.fts_rank_budget = fts_rank_budget
        self._lock = threading.RLock()
        self._writes = 0  # commits through this connection (data_version)
        self._depth = 0  # nesting of transaction() (inner ones join the outer)
        self._writer: int | None = None  # the thread inside transaction(), if any
        self._indexed: tuple[tuple[int, int], int] | None = None  # indexed_count's cache
        self._readers = threading.local()  # each thread's read connection (_rows)
        self._opened: list[sqlite3.Connection] = []  # every read connection, for close()
        # Its own lock: a reader opens beside a write transaction (which holds _lock).
        self._opening = threading.Lock()
        self._db = self._connect()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        had_spaces = self._has_table("vector_spaces")
        self._db.executescript(_SCHEMA)
        self._add_missing_columns()
        if not had_spaces:
            self._record_legacy_text_space()
        self._backfill_metadata_text()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            str(self.path), check_same_thread=False, isolation_level=None, timeout=30
        )
        db.row_factory = sqlite3.Row
        # 64 MB page cache: batched writes at 10^6 assets touch many index pages.
        db.execute("PRAGMA cache_size=-65536")
        return db

    def close(self) -> None:
        with self._lock, self._opening:
            self._db.close()
            for reader in self._opened:
                reader.close()
            self._opened.clear()

    def _has_table(self, name: str) -> bool:
        found = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)
        ).fetchone()
        return found is not None

    def _record_legacy_text_space(self) -> None:
        """A catalog made before encoders were recorded, holding text: its text vectors
        came from the only text encoder every profile had then."""
        has_text = self._db.execute(
            "SELECT 1 FROM segments WHERE kind != 'visual' AND trim(text) != '' LIMIT 1"
        ).fetchone()
        if has_text:
            self._db.execute(
                "INSERT OR IGNORE INTO vector_spaces (space, model) VALUES (?, ?)",
                ("text", LEGACY_TEXT_MODEL),
            )

    def _add_missing_columns(self) -> None:
        """Catalogs made before a column existed get it (CREATE IF NOT EXISTS does not)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(segments)")}
        if "language" not in columns:
            self._db.execute("ALTER TABLE segments ADD COLUMN language TEXT")
        if "speaker" not in columns:
            self._db.execute("ALTER TABLE segments ADD COLUMN speaker TEXT")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction. Inside another one (a batch of assets written by
        ingest/store.py's store_batch) it joins the outer transaction: the batch commits
        once, instead of once per row group (a commit per asset made builds crawl)."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth, self._writer = 1, threading.get_ident()
            try:
                yield self._db
            except BaseException:
                self._depth, self._writer = 0, None
                self._db.execute("ROLLBACK")
                raise
            self._depth, self._writer = 0, None
            self._db.execute("COMMIT")
            self._writes += 1

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """A read on this thread's own connection (WAL: readers run beside each other and
        beside a writer, so concurrent searches do not queue on one connection), except
        inside this thread's write transaction, which must read its own rows."""
        if self._writer == threading.get_ident():
            with self._lock:
                return self._db.execute(sql, tuple(params)).fetchall()
        return self._reader().execute(sql, tuple(params)).fetchall()

    def _reader(self) -> sqlite3.Connection:
        reader: sqlite3.Connection | None = getattr(self._readers, "db", None)
        if reader is None:
            reader = self._readers.db = self._connect()
            with self._opening:
                self._opened.append(reader)
        return reader

    # --- assets -------------------------------------------------------------------------
    def get_asset(self, asset_id: str) -> Asset | None:
        rows = self._rows(f"SELECT {_ASSET_COLUMNS} FROM assets WHERE asset_id=?", [asset_id])
        return _asset(rows[0]) if rows else None

    def get_assets(self, asset_ids: Iterable[str]) -> dict[str, Asset]:
        """Several assets by id in one query (unknown ids left out)."""
        rows = self._rows(
            f"SELECT {_ASSET_COLUMNS} FROM assets WHERE asset_id IN "
            "(SELECT value FROM json_each(?))",
            [asset_scope.as_json(asset_ids)],
        )
        return {row["asset_id"]: _asset(row) for row in rows}

    def assets_at_path(self, path: str) -> list[Asset]:
        rows = self._rows(f"SELECT {_ASSET_COLUMNS} FROM assets WHERE path=?", [path])
        return [_asset(row) for row in rows]

    def assets(self, status: str | None = "indexed", kind: str | None = None) -> list[Asset]:
        sql, params = f"SELECT {_ASSET_COLUMNS} FROM assets WHERE 1=1", list[str]()
        if status:
            sql, params = sql + " AND status=?", [*params, status]
        if kind:
            sql, params = sql + " AND kind=?", [*params, kind]
        return [_asset(row) for row in self._rows(sql + " ORDER BY rel_path", params)]

    def roots(self) -> list[str]:
        """Every ingested root folder (what the app may serve files from)."""
        return [row["root"] for row in self._rows("SELECT DISTINCT root FROM assets")]

    def put_asset(self, asset: Asset) -> None:
        """Insert or replace an asset row (segments and metadata are kept)."""
        data = asset.model_dump()
        data["is_music"] = int(data["is_music"])
        columns = [c.strip() for c in _ASSET_COLUMNS.split(",")]
        updates = ", ".join(f"{c}=excluded.{c}" for c in columns[1:])
        with self.transaction() as db:
            db.execute(
                f"INSERT INTO assets ({_ASSET_COLUMNS}) VALUES ({', '.join('?' * len(columns))})"
                f" ON CONFLICT(asset_id) DO UPDATE SET {updates}",
                [data[c] for c in columns],
            )

    def set_status(self, asset_id: str, status: str, error: str | None = None) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE assets SET status=?, error=?, ingested_at=datetime('now') WHERE asset_id=?",
                (status, error, asset_id),
            )

    def set_statuses(self, asset_ids: list[str], status: str) -> None:
        """set_status for many assets in one statement batch (ingest's batched writes)."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE assets SET status=?, error=NULL, ingested_at=datetime('now') "
                "WHERE asset_id=?",
                [(status, asset_id) for asset_id in asset_ids],
            )

    def move_asset(self, asset_id: str, path: str, root: str, rel_path: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE assets SET path=?, root=?, rel_path=? WHERE asset_id=?",
                (path, root, rel_path, asset_id),
            )

    def delete_asset(self, asset_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM assets WHERE asset_id=?", (asset_id,))

    def counts(self) -> dict[str, dict[str, int]]:
        rows = self._rows("SELECT kind, status, COUNT(*) AS n FROM assets GROUP BY kind, status")
        by_kind: dict[str, int] = {}
        by_status: dict[str, int] = {}
        for row in rows:
            by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
            by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        segments = self._rows("SELECT kind, COUNT(*) AS n FROM segments GROUP BY kind")
        return {
            "by_kind": by_kind,
            "by_status": by_status,
            "segments": {row["kind"]: row["n"] for row in segments},
        }

    # --- segments -----------------------------------------------------------------------
    def replace_segments(self, asset_id: str, segments: list[Segment]) -> None:
        """Replace all segments of an asset of the kinds present in `segments`."""
        kinds = sorted({segment.kind for segment in segments})
        with self.transaction() as db:
            for kind in kinds:
                db.execute("DELETE FROM segments WHERE asset_id=? AND kind=?", (asset_id, kind))
            db.executemany(
                f"INSERT INTO segments ({_SEGMENT_COLUMNS}) VALUES "
                "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        s.segment_id,
                        s.asset_id,
                        s.kind,
                        s.index,
                        s.start_s,
                        s.end_s,
                        s.text,
                        s.char_start,
                        s.char_end,
                        s.page,
                        _WORDS.dump_json(s.words).decode(),
                        s.thumbnail,
                        s.phash,
                        int(s.embedded),
                        s.language,
                        s.speaker,
                    )
                    for s in segments
                ],
            )

    def segments_of(self, asset_ids: Iterable[str]) -> dict[str, list[Segment]]:
        """Every segment of several assets in one query, each asset's in kind, idx order."""
        wanted = sorted(set(asset_ids))
        rows = self._rows(
            f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE asset_id IN "
            "(SELECT value FROM json_each(?)) ORDER BY asset_id, kind, idx",
            [json.dumps(wanted)],
        )
        found: dict[str, list[Segment]] = {asset_id: [] for asset_id in wanted}
        for row in rows:
            found[row["asset_id"]].append(_segment(row))
        return found

    def segments(self, asset_id: str, kind: str | None = None) -> list[Segment]:
        sql, params = f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE asset_id=?", [asset_id]
        if kind:
            sql, params = sql + " AND kind=?", [*params, kind]
        return [_segment(row) for row in self._rows(sql + " ORDER BY kind, idx", params)]

    def segments_by_id(self, segment_ids: Iterable[str]) -> dict[str, Segment]:
        ids = list(dict.fromkeys(segment_ids))
        found: dict[str, Segment] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._rows(
                f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE segment_id IN "
                f"({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update({row["segment_id"]: _segment(row) for row in rows})
        return found

    def mark_embedded(self, segment_ids: list[str]) -> None:
        with self.transaction() as db:
            db.executemany(
                "UPDATE segments SET embedded=1 WHERE segment_id=?", [(i,) for i in segment_ids]
            )

    def unembedded_visual_segments(self) -> list[Segment]:
        rows = self._rows(
            # A subquery, not a join: assets has a `kind` column too (ambiguous name).
            f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE kind='visual' AND embedded=0 "
            "AND asset_id IN (SELECT asset_id FROM assets WHERE status='indexed')"
        )
        return [_segment(row) for row in rows]

    def phashes(self, asset_ids: set[str] | None = None) -> list[tuple[str, str, str]]:
        """(segment_id, asset_id, phash hex) of indexed visual segments."""
        rows = self._rows(
            "SELECT segment_id, asset_id, phash FROM segments JOIN assets USING (asset_id) "
            "WHERE segments.kind='visual' AND phash IS NOT NULL AND assets.status='indexed'"
        )
        return [
            (row["segment_id"], row["asset_id"], row["phash"])
            for row in rows
            if asset_ids is None or row["asset_id"] in asset_ids
        ]

    def keyword_search(
        self,
        text: str,
        k: int,
        asset_ids: AbstractSet[str] | None = None,
        kinds: Iterable[str] | None = None,
    ) -> list[tuple[str, float]]:
        """FTS5 bm25 over text of indexed assets: (segment_id, score), higher is better.
        `kinds` keeps only those segment kinds (inside the query, before the LIMIT)."""
        return self._fts_ranked(
            "segments_fts",
            "segments",
            "segment_id",
            text,
            k,
            asset_ids,
            sorted(kinds) if kinds else None,
        )

    def _fts_ranked(
        self,
        fts: str,
        table: str,
        key: str,
        text: str,
        k: int,
        asset_ids: AbstractSet[str] | None,
        kinds: list[str] | None = None,
    ) -> list[tuple[str, float]]:
        """bm25 over one FTS5 index of indexed assets: (row key, score), higher is better.
        Filters never remove hits after a LIMIT has cut the ranking short: the best 4k
        rows by bm25 alone are joined and kept when k of them pass; else (or at once, for
        allowed assets too few to fill k of 4k) every ranked row is, with the allowed
        assets inside the query. Words held by more rows
        than the rank budget only fill up after the ranked rows (store/fts_bounded.py)."""
        terms = fts_terms(text)
        if not terms or (asset_ids is not None and not asset_ids):
            return []
        scope = _FtsScope(fts, table, key, asset_ids, kinds)
        split = fts_bounded.split_terms(self._rows, fts, terms, self.fts_rank_budget)
        found: list[tuple[str, float]] = []
        if split.rare:
            rare = set(split.rare)
            query = " OR ".join(fts_bounded.quoted(t) for t in terms if t in rare)
            looked = not self._too_few_pass(asset_ids, k * 4, k)
            if looked:
                found = self._fts_best(scope, query, k, k * 4)
            # Unless that look saw every ranked row and still found fewer than k.
            if len(found) < k and (not looked or k * 4 < split.rows):
                found = self._fts_best(scope, query, k, None)
        for fill in fts_bounded.fills(split):
            if len(found) >= k:
                break
            seen = {hit for hit, _ in found}
            # The allowed assets inside the query: only the rows kept reach Python (the
            # budget's 10k rows did, at 0.1-0.15 s for a 1 % filter at 10^5 assets).
            allowed_sql, allowed = scope.allowed_sql()
            rows = self._rows(
                f"SELECT t.{key} AS hit FROM {fts} m {scope.joins} {scope.where} "
                f"AND m.{fts} MATCH ? AND m.rowid >= ?{allowed_sql} "
                "ORDER BY m.rowid DESC LIMIT ?",
                [*scope.kinds, fill.expression, fill.floor, *allowed, k + len(seen)],
            )
            filled = [(row["hit"], 0.0) for row in rows if row["hit"] not in seen]
            found += filled[: k - len(found)]
        return found

    def _too_few_pass(self, asset_ids: AbstractSet[str] | None, depth: int, k: int) -> bool:
        """Whether the allowed assets are too small a share for the best `depth` rows
        to hold k of theirs: then that look is skipped for the allowed rows' own (a 1 %
        filter at 10^6 assets spent 30-65 ms a query on it, and then ran that anyway)."""
        if asset_ids is None:
            return False
        return depth * asset_scope.at_least(asset_ids) < k * self.indexed_count()

    def every_asset_indexed(self) -> bool:
        """No asset waiting, failed or gone: two ranges of the status index (`!=` walked
        all of it, 35 ms at 10^6 assets), read per call (an ingest may run beside)."""
        return not self._rows(
            "SELECT 1 FROM assets WHERE status < 'indexed' OR status > 'indexed' LIMIT 1"
        )

    def indexed_count(self) -> int:
        """Searchable assets, counted again only after a write (data_version)."""
        version = self.data_version()
        if self._indexed is None or self._indexed[0] != version:
            rows = self._rows("SELECT count(*) FROM assets WHERE status='indexed'")
            self._indexed = (version, int(rows[0][0]))
        return self._indexed[1]

    def _fts_best(
        self, scope: _FtsScope, query: str, k: int, depth: int | None
    ) -> list[tuple[str, float]]:
        """The k best rows by bm25 passing the scope: among the `depth` best overall
        (the allowed assets checked here), or among all matches (inside the query)."""
        fts, key = scope.fts, scope.key
        if depth is not None:
            rows = self._rows(
                f"SELECT t.{key} AS hit, t.asset_id AS asset, m.rank AS rank FROM "
                f"(SELECT rowid, bm25({fts}) AS rank FROM {fts} WHERE {fts} MATCH ? "
                f"ORDER BY rank LIMIT ?) m {scope.joins} {scope.where} ORDER BY m.rank",
                [query, depth, *scope.kinds],
            )
            return [(row["hit"], -float(row["rank"])) for row in scope.kept(rows)][:k]
        allowed_sql, allowed = scope.allowed_sql()
        rows = self._rows(
            f"SELECT t.{key} AS hit, m.rank AS rank FROM "
            f"(SELECT rowid, bm25({fts}) AS rank FROM {fts} WHERE {fts} MATCH ?) m "
            f"{scope.joins} {scope.where}{allowed_sql} ORDER BY m.rank LIMIT ?",
            [query, *scope.kinds, *allowed, k],
        )
        return [(row["hit"], -float(row["rank"])) for row in rows]

    # --- metadata -----------------------------------------------------------------------
    def set_metadata(self, asset_id: str, values: Iterable[MetadataValue]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO metadata (asset_id, field, source, value, confidence, provenance) "
                "VALUES (?,?,?,?,?,?) ON CONFLICT(asset_id, field, source) DO UPDATE SET "
                "value=excluded.value, confidence=excluded.confidence, "
                "provenance=excluded.provenance",
                [
                    (
                        asset_id,
                        v.field,
                        v.source,
                        json.dumps(v.value),
                        v.confidence,
                        v.provenance.model_dump_json() if v.provenance else None,
                    )
                    for v in values
                ],
            )
            self._refresh_metadata_text(db, asset_id)

    def clear_metadata(self, asset_id: str, sources: Iterable[str]) -> None:
        with self.transaction() as db:
            before = db.total_changes
            db.executemany(
                "DELETE FROM metadata WHERE asset_id=? AND source=?",
                [(asset_id, source) for source in sources],
            )
            # Nothing removed (a new asset, as every one of a bulk build): nothing to
            # rewrite (the refresh was a fifth of a build's catalog time).
            if db.total_changes != before:
                self._refresh_metadata_text(db, asset_id)

    # --- metadata as searchable text (kept in step with every metadata write) ----------
    @staticmethod
    def _refresh_metadata_text(db: sqlite3.Connection, asset_id: str) -> None:
        """Rewrite the asset's metadata_text row from its effective metadata (triggers
        keep metadata_fts in step; deleting the asset cascades)."""
        rows = db.execute(
            f"SELECT {_METADATA_COLUMNS} FROM metadata WHERE asset_id=?",
            (asset_id,),
        ).fetchall()
        effective = effective_values([_metadata(row) for row in rows])
        Catalog._refresh_facets(db, asset_id, effective)
        text = searchable_text(effective)
        if not text:
            db.execute("DELETE FROM metadata_text WHERE asset_id=?", (asset_id,))
            return
        db.execute(
            "INSERT INTO metadata_text (asset_id, text, gist) VALUES (?,?,?) "
            "ON CONFLICT(asset_id) DO UPDATE SET text=excluded.text, gist=excluded.gist",
            (asset_id, text, gist(effective)),
        )

    @staticmethod
    def _refresh_facets(
        db: sqlite3.Connection, asset_id: str, effective: dict[str, MetadataValue]
    ) -> None:
        """Rewrite the asset's asset_facets row (what filters read, store/filter_sql.py)."""
        if not effective:
            db.execute("DELETE FROM asset_facets WHERE asset_id=?", (asset_id,))
            return
        row = facet_row(effective)
        columns = ", ".join(row)
        updates = ", ".join(f"{c}=excluded.{c}" for c in row)
        db.execute(
            f"INSERT INTO asset_facets (asset_id, {columns}) VALUES "
            f"(?, {', '.join('?' * len(row))}) ON CONFLICT(asset_id) DO UPDATE SET {updates}",
            (asset_id, *row.values()),
        )

    def rebuild_metadata_text(self) -> None:
        """Rewrite every asset's metadata text and facets (for catalogs made before them)."""
        with self.transaction() as db:
            db.execute("DELETE FROM metadata_text")
            db.execute("DELETE FROM asset_facets")
            ids = [row[0] for row in db.execute("SELECT DISTINCT asset_id FROM metadata")]
            for asset_id in ids:
                self._refresh_metadata_text(db, asset_id)

    def _backfill_metadata_text(self) -> None:
        pending = self._rows(
            "SELECT EXISTS(SELECT 1 FROM metadata) AND (NOT EXISTS(SELECT 1 FROM metadata_text)"
            " OR NOT EXISTS(SELECT 1 FROM asset_facets))"
        )
        if pending[0][0]:
            self.rebuild_metadata_text()

    def metadata_search(
        self, text: str, k: int, asset_ids: AbstractSet[str] | None = None
    ) -> list[tuple[str, float]]:
        """FTS5 bm25 over indexed assets' metadata text: (asset_id, score), higher is
        better. Allowed assets go into the query, as in keyword_search."""
        return self._fts_ranked("metadata_fts", "metadata_text", "asset_id", text, k, asset_ids)

    def metadata_gists(self, asset_ids: set[str] | None = None) -> dict[str, str]:
        """asset_id -> the metadata passage embedded for meaning (indexed assets only)."""
        if asset_ids is not None and not asset_ids:
            return {}
        rows = self._rows(
            "SELECT t.asset_id, t.gist FROM metadata_text t JOIN assets a USING (asset_id) "
            "WHERE a.status='indexed' AND t.gist != ''"
        )
        return {
            row["asset_id"]: row["gist"]
            for row in rows
            if asset_ids is None or row["asset_id"] in asset_ids
        }

    def metadata(self, asset_id: str) -> list[MetadataValue]:
        rows = self._rows(
            f"SELECT {_METADATA_COLUMNS} FROM metadata WHERE asset_id=? ORDER BY field, source",
            [asset_id],
        )
        return [_metadata(row) for row in rows]

    def effective_metadata(self, asset_id: str) -> dict[str, MetadataValue]:
        return effective_values(self.metadata(asset_id))

    def effective_metadata_of(
        self, asset_ids: Iterable[str]
    ) -> dict[str, dict[str, MetadataValue]]:
        """Effective metadata of several assets in one query (a query's hits, not one
        query each); an asset without metadata maps to {}."""
        wanted = sorted(set(asset_ids))
        rows = self._rows(
            f"SELECT asset_id, {_METADATA_COLUMNS} FROM metadata "
            "WHERE asset_id IN (SELECT value FROM json_each(?)) ORDER BY field, source",
            [json.dumps(wanted)],
        )
        return _effective_by_asset(rows, wanted)

    def all_effective_metadata(self) -> dict[str, dict[str, MetadataValue]]:
        """Every indexed asset's effective metadata (reads the whole catalog: not for a
        query path; filters run in SQL, filter_assets)."""
        rows = self._rows(
            f"SELECT m.asset_id, {_METADATA_COLUMNS} FROM metadata m "
            "JOIN assets a USING (asset_id) WHERE a.status='indexed'"
        )
        return _effective_by_asset(rows)

    # --- filters (SQL over indexed columns: store/filter_sql.py) ------------------------
    def filter_assets(self, filters: Filters) -> ListedIds | BroadFilter | None:
        """Asset ids passing the filters (store/asset_scope.py): the ids when at most
        BROAD_FILTER_IDS pass, else the filter kept as its condition; None when there are
        no filters (everything)."""
        if filters.is_empty():
            return None
        condition, params = filters_sql(filters)
        found = self._passing_ids(condition, params, asset_scope.BROAD_FILTER_IDS + 1)
        if len(found) <= asset_scope.BROAD_FILTER_IDS:
            return ListedIds(found)
        return BroadFilter(
            (condition, params),
            lambda: set(self._passing_ids(condition, params, None)),
            lambda ids: set(self._passing_ids(condition, params, None, ids)),
            len(found),
        )

    def _passing_ids(
        self,
        condition: str,
        params: list[Any],
        limit: int | None,
        among: list[str] | None = None,
    ) -> list[str]:
        """Ids passing a filter's condition: the first `limit`, or only those `among`."""
        if among is None and facets_alone(condition, self.every_asset_indexed()):
            sql, args = f"SELECT f.asset_id AS id FROM asset_facets f WHERE {condition}", params
        elif among is None:
            sql, args = f"SELECT a.asset_id AS id {filtered_from(condition)}{condition}", params
        else:
            # Driven from the ids (CROSS JOIN keeps this order): a walk of the assets
            # checking each against the list read all 10^6 of them for 1,600 ids.
            sql = (
                "SELECT a.asset_id AS id FROM json_each(?) j CROSS JOIN assets a "
                "ON a.asset_id = j.value LEFT JOIN asset_facets f ON f.asset_id = a.asset_id "
                f"WHERE a.status='indexed' AND {condition}"
            )
            args = [json.dumps(among), *params]
        if limit is not None:
            sql, args = f"{sql} LIMIT ?", [*args, limit]
        # One JSON array, not a row object per asset: half of 10^5 assets came back as
        # 50k sqlite3.Row objects (most of a broad filter's cost).
        rows = self._rows(f"SELECT json_group_array(id) FROM ({sql})", args)
        return json.loads(rows[0][0]) if rows and rows[0][0] else []

    def filtered_assets(
        self, filters: Filters, limit: int, exclude: Iterable[str] = ()
    ) -> list[Asset]:
        """The first `limit` indexed assets passing the filters, in path order, leaving
        out `exclude` (browsing by filter: reads only the rows it returns)."""
        condition, params = filters_sql(filters)
        columns = ", ".join(f"a.{c.strip()}" for c in _ASSET_COLUMNS.split(","))
        rows = self._rows(
            f"SELECT {columns} {filtered_from(condition)}{condition} AND a.asset_id NOT IN "
            "(SELECT value FROM json_each(?)) ORDER BY a.rel_path LIMIT ?",
            [*params, json.dumps(sorted(set(exclude))), limit],
        )
        return [_asset(row) for row in rows]

    def has_assets_outside(self, kinds: Iterable[str]) -> bool:
        """Whether some indexed asset is of another media kind than `kinds`."""
        wanted = list(kinds)
        rows = self._rows(
            "SELECT EXISTS(SELECT 1 FROM assets WHERE status='indexed' AND kind NOT IN "
            f"({', '.join('?' * len(wanted))}))",
            wanted,
        )
        return bool(rows[0][0])

    # --- metadata meaning: which gists the vector index is behind on --------------------
    def stale_meaning(self, limit: int) -> list[tuple[str, str | None]]:
        """Up to `limit` (asset_id, gist) whose gist changed since it was embedded; gist
        None when the asset has none now (deleted, or metadata cleared)."""
        rows = self._rows(
            "SELECT s.asset_id, t.gist FROM meaning_stale s "
            "LEFT JOIN metadata_text t ON t.asset_id = s.asset_id LIMIT ?",
            [limit],
        )
        return [(row[0], row[1] or None) for row in rows]

    def clear_meaning_stale(self, asset_ids: list[str]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM meaning_stale WHERE asset_id=?", [(i,) for i in asset_ids])

    def mark_all_meaning_stale(self) -> None:
        """Every gist needs embedding again (an index made before the metadata space)."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO meaning_stale(asset_id) "
                "SELECT asset_id FROM metadata_text WHERE gist != ''"
            )

    # --- pHashes, read incrementally (similarity/hash_index.py) ---------------------------
    def visual_hashes(self, after_rowid: int = 0) -> list[tuple[int, str, str, str]]:
        """(rowid, segment_id, asset_id, phash hex) of visual segments with a hash, rowid
        after `after_rowid`, in rowid order, whatever their asset's status (callers check
        hits against the catalog, as for vector hits)."""
        rows = self._rows(
            "SELECT rowid, segment_id, asset_id, phash FROM segments "
            "WHERE kind='visual' AND rowid > ? AND phash IS NOT NULL ORDER BY rowid",
            [after_rowid],
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    def visual_hash_count(self) -> tuple[int, int]:
        """(count, max rowid) of visual segments with a hash: tells an in-memory copy
        whether rows were only added since it was read."""
        rows = self._rows(
            "SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM segments "
            "WHERE kind='visual' AND phash IS NOT NULL"
        )
        return int(rows[0][0]), int(rows[0][1])

    def data_version(self) -> tuple[int, int]:
        """Changes whenever this catalog was written, by this connection or another
        process (SQLite's data_version counts the others' commits)."""
        with self._lock:  # the writer's: it counts every other connection's commits
            rows = self._db.execute("PRAGMA data_version").fetchall()
        return self._writes, int(rows[0][0])

    def facet_values(self, field: str, limit: int = 50) -> list[tuple[str, int]]:
        """The commonest values of one metadata field over indexed assets, with how many
        assets carry each (list values count once per item), counted in SQL."""
        rows = self._rows(
            "SELECT MIN(item.value) AS value, COUNT(DISTINCT m.asset_id) AS n "
            "FROM metadata m JOIN assets a USING (asset_id), json_each(CASE WHEN "
            "json_type(m.value) = 'array' THEN m.value ELSE json_array(json(m.value)) END) item "
            "WHERE m.field = ? AND a.status = 'indexed' AND item.type = 'text' "
            "GROUP BY lower(trim(item.value)) ORDER BY n DESC, value LIMIT ?",
            [field, limit],
        )
        return [(str(row["value"]), int(row["n"])) for row in rows]

    # --- vector spaces ------------------------------------------------------------------
    def space_model(self, space: str) -> str | None:
        """The encoder recorded for a vector space, None when none was recorded."""
        rows = self._rows("SELECT model FROM vector_spaces WHERE space=?", [space])
        return str(rows[0]["model"]) if rows else None

    def set_space_model(self, space: str, model: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO vector_spaces (space, model) VALUES (?, ?) "
                "ON CONFLICT(space) DO UPDATE SET model=excluded.model",
                (space, model),
            )

    def text_segments(self) -> list[tuple[str, str, str]]:
        """(segment_id, asset_id, text) of every non-empty text-space segment of indexed
        or missing assets (what the `text` vector space holds)."""
        rows = self._rows(
            "SELECT s.segment_id, s.asset_id, s.text FROM segments s "
            "JOIN assets a ON a.asset_id = s.asset_id "
            "WHERE s.kind != 'visual' AND trim(s.text) != '' "
            "AND a.status IN ('indexed', 'missing') ORDER BY s.rowid"
        )
        return [(row["segment_id"], row["asset_id"], row["text"]) for row in rows]

    # --- proposals ----------------------------------------------------------------------
    def add_proposal(self, asset_id: str, value: MetadataValue) -> None:
        provenance = value.provenance or Provenance(method="unknown")
        with self.transaction() as db:
            db.execute(
                "INSERT INTO proposals (asset_id, field, value, confidence, provenance) "
                "VALUES (?,?,?,?,?) ON CONFLICT(asset_id, field, value) DO UPDATE SET "
                "confidence=max(confidence, excluded.confidence), "
                "provenance=CASE WHEN excluded.confidence > confidence "
                "THEN excluded.provenance ELSE provenance END",
                (
                    asset_id,
                    value.field,
                    json.dumps(value.value),
                    value.confidence,
                    provenance.model_dump_json(),
                ),
            )

    def proposals(self, status: str | None = "pending") -> list[dict[str, Any]]:
        sql = "SELECT * FROM proposals" + (" WHERE status=?" if status else "")
        rows = self._rows(sql + " ORDER BY confidence DESC", [status] if status else [])
        return [
            {
                **dict(row),
                "value": json.loads(row["value"]),
                "provenance": json.loads(row["provenance"]),
            }
            for row in rows
        ]

    def reject_pending(self, field: str, value: Any, method: str, asset_ids: list[str]) -> int:
        """Reject the pending proposals of `value` for `field` made by `method` on these
        assets (what was proposed from a name that has since been withdrawn); how many."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE proposals SET status='rejected' WHERE status='pending' AND field=? "
                "AND value=? AND json_extract(provenance, '$.method')=? "
                "AND asset_id IN (SELECT value FROM json_each(?))",
                (field, json.dumps(value), method, json.dumps(asset_ids)),
            )
            return cursor.rowcount

    def set_proposal_status(self, proposal_id: int, status: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE proposals SET status=? WHERE proposal_id=?", (status, proposal_id))

    # --- runs and failures --------------------------------------------------------------
    def start_run(self, root: str, started_at: str) -> int:
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (root, started_at) VALUES (?, ?)", (root, started_at)
            )
            return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, report: IngestReport) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at=datetime('now'), report=? WHERE run_id=?",
                (report.model_dump_json(), run_id),
            )

    def last_report(self) -> IngestReport | None:
        rows = self._rows(
            "SELECT report FROM runs WHERE report IS NOT NULL ORDER BY run_id DESC LIMIT 1"
        )
        return IngestReport.model_validate_json(rows[0]["report"]) if rows else None

    def record_failure(
        self, path: str, root: str, reason: str, content_hash: str | None, run_id: int | None
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO failures (path, root, content_hash, reason, run_id) "
                "VALUES (?,?,?,?,?) ON CONFLICT(path) DO UPDATE SET reason=excluded.reason, "
                "content_hash=excluded.content_hash, run_id=excluded.run_id, at=datetime('now')",
                (path, root, content_hash, reason, run_id),
            )

    def clear_failure(self, path: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM failures WHERE path=?", (path,))

    def failures(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self._rows("SELECT * FROM failures ORDER BY path")]
