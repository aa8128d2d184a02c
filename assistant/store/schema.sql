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
    language     TEXT,            -- ISO 639-1 or NULL (added by a migration to old catalogs)
    speaker      TEXT             -- speech: the asset's speaker label (speaker_turns)
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

-- Each asset's effective metadata in filterable form (store/filter_sql.py), rewritten with
-- metadata_text in every metadata write: filters run here in SQL, over indexes, instead of
-- reading every asset's metadata into Python. Text facets are lower-cased, multiple values
-- joined by newlines; facets_fts (trigram) makes "contains" filters use an index.
CREATE TABLE IF NOT EXISTS asset_facets (
    rowid        INTEGER PRIMARY KEY,
    asset_id     TEXT NOT NULL UNIQUE REFERENCES assets(asset_id) ON DELETE CASCADE,
    date_int     INTEGER,         -- YYYYMMDD
    tempo        REAL,
    mode         TEXT,
    key_norm     TEXT,            -- "a minor"
    key_first    TEXT,            -- "a"
    place        TEXT,
    source       TEXT,
    people       TEXT,
    topics       TEXT,
    language     TEXT             -- "|fr|de|": normalised codes between bars
);
CREATE INDEX IF NOT EXISTS asset_facets_date ON asset_facets(date_int);
CREATE INDEX IF NOT EXISTS asset_facets_tempo ON asset_facets(tempo);
CREATE INDEX IF NOT EXISTS asset_facets_mode ON asset_facets(mode);
CREATE INDEX IF NOT EXISTS asset_facets_key ON asset_facets(key_first, key_norm);
CREATE VIRTUAL TABLE IF NOT EXISTS facets_fts USING fts5(
    place, source, people, topics, language, content='asset_facets', content_rowid='rowid',
    tokenize='trigram case_sensitive 1'
);
CREATE TRIGGER IF NOT EXISTS asset_facets_ai AFTER INSERT ON asset_facets BEGIN
    INSERT INTO facets_fts(rowid, place, source, people, topics, language)
    VALUES (new.rowid, new.place, new.source, new.people, new.topics, new.language);
END;
CREATE TRIGGER IF NOT EXISTS asset_facets_ad AFTER DELETE ON asset_facets BEGIN
    INSERT INTO facets_fts(facets_fts, rowid, place, source, people, topics, language)
    VALUES ('delete', old.rowid, old.place, old.source, old.people, old.topics, old.language);
END;
CREATE TRIGGER IF NOT EXISTS asset_facets_au AFTER UPDATE ON asset_facets BEGIN
    INSERT INTO facets_fts(facets_fts, rowid, place, source, people, topics, language)
    VALUES ('delete', old.rowid, old.place, old.source, old.people, old.topics, old.language);
    INSERT INTO facets_fts(rowid, place, source, people, topics, language)
    VALUES (new.rowid, new.place, new.source, new.people, new.topics, new.language);
END;

-- Assets whose metadata gist changed since it was last embedded into the index's
-- metadata space (retrieval/metadata_space.py): filled by triggers, emptied by the sync.
-- (NOT EXISTS, not OR IGNORE: an outer statement's conflict policy overrides a trigger's.)
CREATE TABLE IF NOT EXISTS meaning_stale (
    asset_id     TEXT PRIMARY KEY
);
CREATE TRIGGER IF NOT EXISTS metadata_text_gist_ai AFTER INSERT ON metadata_text BEGIN
    INSERT INTO meaning_stale(asset_id) SELECT new.asset_id
    WHERE NOT EXISTS (SELECT 1 FROM meaning_stale WHERE asset_id = new.asset_id);
END;
CREATE TRIGGER IF NOT EXISTS metadata_text_gist_au AFTER UPDATE OF gist ON metadata_text
WHEN old.gist IS NOT new.gist BEGIN
    INSERT INTO meaning_stale(asset_id) SELECT new.asset_id
    WHERE NOT EXISTS (SELECT 1 FROM meaning_stale WHERE asset_id = new.asset_id);
END;
CREATE TRIGGER IF NOT EXISTS metadata_text_gist_ad AFTER DELETE ON metadata_text BEGIN
    INSERT INTO meaning_stale(asset_id) SELECT old.asset_id
    WHERE NOT EXISTS (SELECT 1 FROM meaning_stale WHERE asset_id = old.asset_id);
END;
-- Browsing by filter walks assets in path order; visual segments are scanned for pHashes.
CREATE INDEX IF NOT EXISTS assets_status_path ON assets(status, rel_path);
CREATE INDEX IF NOT EXISTS assets_status_kind ON assets(status, kind);
-- A trigram filter's matches are checked by asset id (status, kind) from this index alone,
-- not each asset's row: 29 -> 23 ms for a 1 % place filter at 10^6 assets.
CREATE INDEX IF NOT EXISTS assets_state ON assets(asset_id, status, kind);
CREATE INDEX IF NOT EXISTS segments_kind ON segments(kind, rowid);

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

-- Voices (enrich/voices.py): one row per voice recognised across the archive; a name
-- once someone (user) or a sidecar naming a file's single speaker (sidecar) gives one.
CREATE TABLE IF NOT EXISTS voices (
    voice_id     INTEGER PRIMARY KEY,
    name         TEXT,
    name_source  TEXT,            -- user | sidecar | sidecars disagree (name NULL)
    name_note    TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL DEFAULT (datetime('now'))
);

-- Who spoke when in each audio/video asset (enrich/speakers.py). `speaker` is the
-- asset's own label (S1, S2, ...), also kept on its speech segments.
CREATE TABLE IF NOT EXISTS speaker_turns (
    asset_id     TEXT NOT NULL REFERENCES assets(asset_id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,
    start_s      REAL NOT NULL,
    end_s        REAL NOT NULL,
    speaker      TEXT NOT NULL,
    PRIMARY KEY (asset_id, idx)
);

-- Each asset's speakers: their voice, how much they speak, how close they are to the
-- voice, and their mean voice embedding (float32 bytes; also in the "speaker" vectors).
CREATE TABLE IF NOT EXISTS asset_speakers (
    asset_id     TEXT NOT NULL REFERENCES assets(asset_id) ON DELETE CASCADE,
    speaker      TEXT NOT NULL,
    voice_id     INTEGER NOT NULL REFERENCES voices(voice_id),
    seconds      REAL NOT NULL,
    similarity   REAL NOT NULL,
    embedding    BLOB NOT NULL,
    PRIMARY KEY (asset_id, speaker)
);
CREATE INDEX IF NOT EXISTS asset_speakers_voice ON asset_speakers(voice_id);
