-- The catalog: what is in the archive. Vectors live in the vector index (store/vectors/).
-- A segment is searchable only while its asset's status is 'indexed'; ingest writes
-- segments as 'pending', stores vectors, then flips the asset in one transaction.
PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS assets (
    asset_id     TEXT PRIMARY KEY,
    path         TEXT NOT NULL,
    root         TEXT NOT NULL,
    rel_path     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    mime         TEXT NOT NULL DEFAULT '',
    size_bytes   INTEGER NOT NULL DEFAULT 0,
    duration_s   REAL,
    width        INTEGER,
    height       INTEGER,
    status       TEXT NOT NULL DEFAULT 'pending',
    error        TEXT,
    is_music     INTEGER NOT NULL DEFAULT 0,
    ingested_at  TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS assets_path ON assets(path);
CREATE INDEX IF NOT EXISTS assets_status ON assets(status);

CREATE TABLE IF NOT EXISTS segments (
    rowid        INTEGER PRIMARY KEY,
    segment_id   TEXT NOT NULL UNIQUE,
    asset_id     TEXT NOT NULL REFERENCES assets(asset_id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    idx          INTEGER NOT NULL,
    start_s      REAL,
    end_s        REAL,
    text         TEXT NOT NULL DEFAULT '',
    char_start   INTEGER,
    char_end     INTEGER,
    page         INTEGER,
    words        TEXT NOT NULL DEFAULT '[]',
    thumbnail    TEXT,
    phash        TEXT,
    embedded     INTEGER NOT NULL DEFAULT 1,
    language     TEXT             -- ISO 639-1 or NULL (added by a migration to old catalogs)
);
CREATE INDEX IF NOT EXISTS segments_asset ON segments(asset_id, kind, idx);

CREATE VIRTUAL TABLE IF NOT EXISTS segments_fts USING fts5(
    text, content='segments', content_rowid='rowid', tokenize='porter unicode61'
);
CREATE TRIGGER IF NOT EXISTS segments_ai AFTER INSERT ON segments BEGIN
    INSERT INTO segments_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS segments_ad AFTER DELETE ON segments BEGIN
    INSERT INTO segments_fts(segments_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER IF NOT EXISTS segments_au AFTER UPDATE OF text ON segments BEGIN
    INSERT INTO segments_fts(segments_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO segments_fts(rowid, text) VALUES (new.rowid, new.text);
END;

-- One row per (asset, field, source): a sidecar value and a propagated value coexist,
-- and the effective value prefers curated sources (see catalog.effective_metadata).
CREATE TABLE IF NOT EXISTS metadata (
    asset_id     TEXT NOT NULL REFERENCES assets(asset_id) ON DELETE CASCADE,
    field        TEXT NOT NULL,
    source       TEXT NOT NULL,
    value        TEXT NOT NULL,   -- JSON
    confidence   REAL NOT NULL DEFAULT 1.0,
    provenance   TEXT,            -- JSON or NULL
    PRIMARY KEY (asset_id, field, source)
);
CREATE INDEX IF NOT EXISTS metadata_field ON metadata(field);

-- Each indexed asset's effective metadata as words (store/metadata_text.py), rebuilt by the
-- catalog whenever the asset's metadata changes, so curated titles, people, places and
-- music attributes are found by text search. `gist` is the part embedded for meaning.
CREATE TABLE IF NOT EXISTS metadata_text (
    rowid        INTEGER PRIMARY KEY,
    asset_id     TEXT NOT NULL UNIQUE REFERENCES assets(asset_id) ON DELETE CASCADE,
    text         TEXT NOT NULL,
    gist         TEXT NOT NULL DEFAULT ''
);
CREATE VIRTUAL TABLE IF NOT EXISTS metadata_fts USING fts5(
    text, content='metadata_text', content_rowid='rowid', tokenize='porter unicode61'
);
CREATE TRIGGER IF NOT EXISTS metadata_text_ai AFTER INSERT ON metadata_text BEGIN
    INSERT INTO metadata_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS metadata_text_ad AFTER DELETE ON metadata_text BEGIN
    INSERT INTO metadata_fts(metadata_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER IF NOT EXISTS metadata_text_au AFTER UPDATE OF text ON metadata_text BEGIN
    INSERT INTO metadata_fts(metadata_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO metadata_fts(rowid, text) VALUES (new.rowid, new.text);
END;

CREATE TABLE IF NOT EXISTS proposals (
    proposal_id  INTEGER PRIMARY KEY,
    asset_id     TEXT NOT NULL REFERENCES assets(asset_id) ON DELETE CASCADE,
    field        TEXT NOT NULL,
    value        TEXT NOT NULL,   -- JSON
    confidence   REAL NOT NULL,
    provenance   TEXT NOT NULL,   -- JSON
    status       TEXT NOT NULL DEFAULT 'pending',  -- pending | accepted | rejected
    created_at   TEXT NOT NULL DEFAULT (datetime('now')),
    UNIQUE (asset_id, field, value)
);

-- Which text encoder filled each vector space: vectors of another model (even of the same
-- dimension) are meaningless to a query, so a change is detected (store/text_space.py).
CREATE TABLE IF NOT EXISTS vector_spaces (
    space        TEXT PRIMARY KEY,
    model        TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
    run_id       INTEGER PRIMARY KEY,
    root         TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    report       TEXT             -- JSON IngestReport
);

-- Files that could not be ingested, keyed by path; cleared when the file later succeeds.
CREATE TABLE IF NOT EXISTS failures (
    path         TEXT PRIMARY KEY,
    root         TEXT NOT NULL,
    content_hash TEXT,
    reason       TEXT NOT NULL,
    run_id       INTEGER,
    at           TEXT NOT NULL DEFAULT (datetime('now'))
);
