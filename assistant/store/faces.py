"""Faces and people in the catalog (SQLite), with the encodings searchable as one matrix.

Tables (created here, beside the catalog's own; same connection, same transactions):
- `faces`: one row per face found in a photo or video keyframe: its segment, box, the
  128-d encoding (float32 BLOB), the thumbnail, and the person it was clustered into.
  Deleting an asset cascades to its faces, so a crashed ingest's `pending` leftovers and
  removed files take their faces with them.
- `people`: one row per cluster of faces, with the name given to it (by a user, or from a
  sidecar that names the one person in a one-face photo).

Search and clustering compare a query encoding with every stored one in a single numpy
pass over an in-memory matrix (128 float32 = 512 bytes a face: a million faces is 512 MB),
rebuilt when the faces table changed (rowids only grow, so count + max rowid tell).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from assistant.store.blobs import blob_vector, vector_blob
from assistant.store.catalog import Catalog

SCHEMA = """
CREATE TABLE IF NOT EXISTS people (
    person_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT,
    name_source  TEXT,            -- user | sidecar
    named_from   TEXT,            -- asset id whose sidecar named it
    created_at   TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS faces (
    face_rowid   INTEGER PRIMARY KEY AUTOINCREMENT,
    face_id      TEXT NOT NULL UNIQUE,   -- {asset_id}:face:{n}
    asset_id     TEXT NOT NULL REFERENCES assets(asset_id) ON DELETE CASCADE,
    segment_id   TEXT NOT NULL,
    box          TEXT NOT NULL,          -- JSON [left, top, right, bottom], pixels
    score        REAL NOT NULL,
    encoding     BLOB NOT NULL,          -- 128 float32
    thumbnail    TEXT,
    person_id    INTEGER REFERENCES people(person_id) ON DELETE SET NULL,
    distance     REAL                    -- to the nearest face of its person when it joined
);
CREATE INDEX IF NOT EXISTS faces_asset ON faces(asset_id);
CREATE INDEX IF NOT EXISTS faces_person ON faces(person_id);
"""

_COLUMNS = "face_id, asset_id, segment_id, box, score, thumbnail, person_id, distance, encoding"


@dataclass
class StoredFace:
    face_id: str
    asset_id: str
    segment_id: str
    box: tuple[int, int, int, int]
    score: float
    thumbnail: str | None
    person_id: int | None
    distance: float | None
    encoding: np.ndarray


@dataclass
class Person:
    person_id: int
    name: str | None
    name_source: str | None
    named_from: str | None
    faces: int
    assets: int
    # Thumbnail of its clearest face (highest detector score).
    thumbnail: str | None


def _face(row: tuple) -> StoredFace:
    face_id, asset_id, segment_id, box, score, thumb, person, distance, blob = row
    return StoredFace(
        face_id,
        asset_id,
        segment_id,
        tuple(json.loads(box)),
        float(score),
        thumb,
        person,
        distance,
        blob_vector(blob),
    )


class FaceStore:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        with catalog.transaction() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
        self._lock = threading.Lock()
        self._version: tuple[int, int] | None = None
        self._ids: list[str] = []
        self._assets = np.zeros(0, dtype=object)
        self._matrix = np.zeros((0, 128), dtype=np.float32)

    def _read(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        # The catalog's own locked read (same package): no write transaction for a read.
        return [tuple(row) for row in self.catalog._rows(sql, params)]

    # --- faces ----------------------------------------------------------------------------
    def replace_faces(self, asset_id: str, faces: list[StoredFace]) -> None:
        """The asset's faces, replacing any stored before (re-ingest)."""
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM faces WHERE asset_id=?", (asset_id,))
            db.executemany(
                f"INSERT INTO faces ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        f.face_id,
                        asset_id,
                        f.segment_id,
                        json.dumps(list(f.box)),
                        f.score,
                        f.thumbnail,
                        f.person_id,
                        f.distance,
                        vector_blob(f.encoding),
                    )
                    for f in faces
                ],
            )

    def faces(
        self,
        *,
        asset_id: str | None = None,
        person_id: int | None = None,
        face_ids: Iterable[str] | None = None,
    ) -> list[StoredFace]:
        sql, params = f"SELECT {_COLUMNS} FROM faces WHERE 1=1", list[object]()
        if asset_id is not None:
            sql, params = sql + " AND asset_id=?", [*params, asset_id]
        if person_id is not None:
            sql, params = sql + " AND person_id=?", [*params, person_id]
        if face_ids is not None:
            sql += " AND face_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(face_ids)))
        return [_face(row) for row in self._read(sql + " ORDER BY face_rowid", params)]

    def count(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM faces")[0][0])

    def set_person(self, face_id: str, person_id: int, distance: float | None) -> None:
        with self.catalog.transaction() as db:
            db.execute(
                "UPDATE faces SET person_id=?, distance=? WHERE face_id=?",
                (person_id, distance, face_id),
            )

    # --- the matrix -----------------------------------------------------------------------
    def _refresh(self) -> None:
        version = self._read("SELECT COUNT(*), COALESCE(MAX(face_rowid), 0) FROM faces")[0]
        if self._version == (int(version[0]), int(version[1])):
            return
        rows = self._read("SELECT face_id, asset_id, encoding FROM faces ORDER BY face_rowid")
        self._ids = [row[0] for row in rows]
        self._assets = np.array([row[1] for row in rows], dtype=object)
        self._matrix = (
            np.frombuffer(b"".join(row[2] for row in rows), dtype=np.float32).reshape(
                len(rows), 128
            )
            if rows
            else np.zeros((0, 128), np.float32)
        )
        self._version = (int(version[0]), int(version[1]))

    def nearest(
        self,
        encoding: np.ndarray,
        k: int,
        max_distance: float,
        asset_ids: AbstractSet[str] | None = None,
        exclude: set[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Faces within max_distance of `encoding`, nearest first: (face_id, distance).
        Allowed assets are applied before the cut (a mask over the matrix)."""
        with self._lock:
            self._refresh()
            ids, assets, matrix = self._ids, self._assets, self._matrix
        if not ids or (asset_ids is not None and not asset_ids):
            return []
        diff = matrix - np.asarray(encoding, dtype=np.float32)[None, :]
        found = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        if asset_ids is not None:
            found = np.where(np.isin(assets, list(asset_ids)), found, np.inf)
        order = np.argsort(found, kind="stable")
        hits: list[tuple[str, float]] = []
        for i in order:
            if found[i] > max_distance or len(hits) >= k:
                break
            if exclude and ids[i] in exclude:
                continue
            hits.append((ids[i], float(found[i])))
        return hits

    # --- people ---------------------------------------------------------------------------
    def new_person(self) -> int:
        with self.catalog.transaction() as db:
            return int(db.execute("INSERT INTO people DEFAULT VALUES").lastrowid or 0)

    def person_of(self, face_ids: Iterable[str]) -> dict[str, int | None]:
        rows = self._read(
            "SELECT face_id, person_id FROM faces WHERE face_id IN "
            "(SELECT value FROM json_each(?))",
            [json.dumps(list(face_ids))],
        )
        return {row[0]: row[1] for row in rows}

    def people(self, person_ids: Iterable[int] | None = None) -> list[Person]:
        """People with at least one face, most faces first."""
        sql = (
            "SELECT p.person_id, p.name, p.name_source, p.named_from, COUNT(f.face_id), "
            "COUNT(DISTINCT f.asset_id), (SELECT thumbnail FROM faces b WHERE "
            "b.person_id = p.person_id ORDER BY b.score DESC LIMIT 1) "
            "FROM people p JOIN faces f ON f.person_id = p.person_id"
        )
        params: list[object] = []
        if person_ids is not None:
            sql += " WHERE p.person_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(person_ids)))
        sql += " GROUP BY p.person_id ORDER BY COUNT(f.face_id) DESC, p.person_id"
        return [Person(*row) for row in self._read(sql, params)]

    def person(self, person_id: int) -> Person | None:
        found = self.people([person_id])
        return found[0] if found else None

    def set_name(
        self, person_id: int, name: str, source: str, named_from: str | None = None
    ) -> None:
        with self.catalog.transaction() as db:
            db.execute(
                "UPDATE people SET name=?, name_source=?, named_from=? WHERE person_id=?",
                (name, source, named_from, person_id),
            )

    def move_faces(self, from_person: int, to_person: int) -> None:
        """Every face of one person becomes the other's; the emptied person goes."""
        with self.catalog.transaction() as db:
            db.execute("UPDATE faces SET person_id=? WHERE person_id=?", (to_person, from_person))
            db.execute("DELETE FROM people WHERE person_id=?", (from_person,))

    def delete_person(self, person_id: int) -> list[StoredFace]:
        """Remove the person and every face (encoding included) clustered into it; the
        removed faces are returned so their thumbnails can be deleted."""
        gone = self.faces(person_id=person_id)
        with self.catalog.transaction() as db:
            db.execute("DELETE FROM faces WHERE person_id=?", (person_id,))
            db.execute("DELETE FROM people WHERE person_id=?", (person_id,))
        return gone

    def drop_empty_people(self) -> None:
        with self.catalog.transaction() as db:
            db.execute(
                "DELETE FROM people WHERE person_id NOT IN "
                "(SELECT DISTINCT person_id FROM faces WHERE person_id IS NOT NULL)"
            )
