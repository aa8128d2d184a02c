"""People: faces clustered across the archive, named once, the name proposed everywhere.

Clustering is incremental (ingest calls `store_faces` per asset): each new face joins the
person most of its nearest clustered faces (within enrich.faces.SAME_PERSON) belong to,
or starts a new person. Two faces of one picture are never the same person. Clusters are
not merged later: a join is never undone behind the user's back (see docs/internals.md).

Naming a person (`name_person`, or a sidecar that names the one person of a one-face
photo) proposes `people: [name]` for every other asset with a face of that person,
through the review flow (catalog.add_proposal, enrich/review.py), with provenance
(method "face-match", the distance, the video moments). Proposals never overwrite
curated values; an asset whose metadata already names the person gets none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.archive import Archive
from assistant.enrich.faces import SAME_PERSON, FoundFace, distances, match_score
from assistant.errors import AssistantError
from assistant.schemas import MetadataValue, Provenance
from assistant.store.catalog import Catalog
from assistant.store.faces import FaceStore, StoredFace
from assistant.vocabulary.sources import CURATED_SOURCES
from assistant.vocabulary.values import value_items

METHOD = "face-match"
# Nearest clustered faces that vote on a new face's person.
VOTERS = 10


@dataclass
class Naming:
    person_id: int
    name: str
    proposed: int  # proposals made


class People:
    """Faces and people over one catalog: built with the pieces it uses (the catalog and
    its face store), e.g. `People(archive.catalog, archive.faces)`."""

    def __init__(self, catalog: Catalog, faces: FaceStore) -> None:
        self.catalog, self.faces = catalog, faces

    def store_faces(self, asset_id: str, found: list[FoundFace]) -> list[int]:
        """Write an asset's faces, cluster them, name people from sidecars and propose known
        names for this asset. Returns the people the faces joined."""
        store = self.faces
        store.replace_faces(
            asset_id,
            [
                StoredFace(
                    f.face_id,
                    asset_id,
                    f.segment_id,
                    f.box,
                    f.score,
                    f.thumbnail,
                    None,
                    None,
                    f.encoding,
                )
                for f in found
            ],
        )
        if not found:
            return []
        joined = assign_people(store, store.faces(asset_id=asset_id))
        touched = sorted(set(joined))
        for person_id in touched:
            person = store.person(person_id)
            if person is None:
                continue
            if person.name is None:
                self.name_from_sidecar(person_id)
            else:
                self.propose_person(person_id, only_assets={asset_id})
        return touched

    def curated_people(self, asset_id: str) -> list[str] | None:
        value = self.catalog.effective_metadata(asset_id).get("people")
        if value is None or value.source not in CURATED_SOURCES:
            return None
        return [str(v) for v in value_items(value.value)]

    def name_from_sidecar(self, person_id: int) -> str | None:
        """Name an unnamed person from a photo with exactly one face whose curated `people`
        holds exactly one name; propose it for the person's other assets."""
        store = self.faces
        for face in store.faces(person_id=person_id):
            asset = self.catalog.get_asset(face.asset_id)
            if asset is None or asset.kind != "image":
                continue
            named = self.curated_people(face.asset_id)
            if not named or len(named) != 1 or len(store.faces(asset_id=face.asset_id)) != 1:
                continue
            store.set_name(person_id, named[0], "sidecar", face.asset_id)
            self.propose_person(person_id)
            return named[0]
        return None

    def name_person(self, person_id: int, name: str) -> Naming:
        """A user names a person: the name is proposed for every asset they appear in."""
        name = name.strip()
        if not name:
            raise AssistantError("The name is empty.", hint='Give a name, e.g. "Ada Lovelace".')
        store = self.faces
        if store.person(person_id) is None:
            raise AssistantError(
                f"No person {person_id}.", hint="List them with `assistant people list`."
            )
        store.set_name(person_id, name, "user")
        return Naming(person_id, name, self.propose_person(person_id))

    def merge_people(self, keep: int, other: int) -> Naming | None:
        """One person found as two (a hard photo, a face farther than SAME_PERSON): `other`'s
        faces join `keep`. The kept name wins (else `other`'s); a name is proposed for the
        merged faces. Returns the naming when there is a name."""
        store = self.faces
        first, second = store.person(keep), store.person(other)
        if first is None or second is None or keep == other:
            raise AssistantError(
                f"Cannot merge person {keep} with person {other}.",
                hint="Give two different ids from `assistant people list`.",
            )
        store.move_faces(other, keep)
        if first.name is None and second.name is not None:
            store.set_name(keep, second.name, second.name_source or "user", second.named_from)
        name = first.name or second.name
        return Naming(keep, name, self.propose_person(keep)) if name else None

    def propose_person(self, person_id: int, only_assets: set[str] | None = None) -> int:
        """Propose the person's name for each asset holding one of their faces (unless its
        metadata names them already). Confidence comes from the face's distance to the face
        that named the person (a sidecar), else to the nearest face of the person in another
        asset. Returns how many proposals were made."""
        store = self.faces
        person = store.person(person_id)
        if person is None or not person.name:
            return 0
        faces = store.faces(person_id=person_id)
        anchors = [f for f in faces if f.asset_id == person.named_from] or faces
        by_asset: dict[str, list[StoredFace]] = {}
        for face in faces:
            by_asset.setdefault(face.asset_id, []).append(face)
        made = 0
        for asset_id, own in by_asset.items():
            if asset_id == person.named_from or (only_assets and asset_id not in only_assets):
                continue
            if person.name in self._all_people(asset_id):
                continue
            distance = _distance_to(
                own, [a for a in anchors if a.asset_id != asset_id], single=len(by_asset) == 1
            )
            self.catalog.add_proposal(
                asset_id, self._proposal(person_id, person.name, own, distance, person.named_from)
            )
            made += 1
        return made

    def _all_people(self, asset_id: str) -> list[str]:
        value = self.catalog.effective_metadata(asset_id).get("people")
        return [str(v) for v in value_items(value.value if value else None)]

    def _proposal(
        self,
        person_id: int,
        name: str,
        own: list[StoredFace],
        distance: float,
        named_from: str | None,
    ) -> MetadataValue:
        segments = self.catalog.segments_by_id(f.segment_id for f in own)
        times = sorted({s.start_s for s in segments.values() if s.start_s is not None})
        moments = f"; seen at {', '.join(_clock(t) for t in times[:8])}" if times else ""
        return MetadataValue(
            field="people",
            value=[name],
            source="propagated",
            confidence=round(match_score(distance), 3),
            provenance=Provenance(
                source_assets=[named_from] if named_from else [],
                method=METHOD,
                similarity=round(match_score(distance), 3),
                note=f"person {person_id} '{name}': face match, distance {distance:.2f}{moments}",
            ),
        )

    def delete_person(self, person_id: int) -> int:
        """Forget a person: their faces' encodings and thumbnails, and the pending proposals
        naming them. Accepted metadata stays (a person decided it). Returns faces removed."""
        store = self.faces
        if store.person(person_id) is None:
            raise AssistantError(
                f"No person {person_id}.", hint="List them with `assistant people list`."
            )
        gone = store.delete_person(person_id)
        for face in gone:
            if face.thumbnail:
                Path(face.thumbnail).unlink(missing_ok=True)
        with self.catalog.transaction() as db:
            db.execute(
                "DELETE FROM proposals WHERE status='pending' AND "
                "json_extract(provenance, '$.method') = ? AND "
                "json_extract(provenance, '$.note') LIKE ?",
                (METHOD, f"person {person_id} %"),
            )
        return len(gone)

    def delete_all_people(self) -> int:
        """Forget every face and person (after switching ingest.faces off, say)."""
        removed = 0
        for person in self.faces.people():
            removed += self.delete_person(person.person_id)
        return removed


# --- the doors callers use (the archive's catalog and face store) ------------------------
def store_faces(archive: Archive, asset_id: str, found: list[FoundFace]) -> list[int]:
    return People(archive.catalog, archive.faces).store_faces(asset_id, found)


def name_person(archive: Archive, person_id: int, name: str) -> Naming:
    return People(archive.catalog, archive.faces).name_person(person_id, name)


def merge_people(archive: Archive, keep: int, other: int) -> Naming | None:
    return People(archive.catalog, archive.faces).merge_people(keep, other)


def delete_person(archive: Archive, person_id: int) -> int:
    return People(archive.catalog, archive.faces).delete_person(person_id)


def delete_all_people(archive: Archive) -> int:
    return People(archive.catalog, archive.faces).delete_all_people()


def assign_people(store: FaceStore, faces: list[StoredFace]) -> list[int]:
    """Give each face a person (in order, so faces of one batch can join each other)."""
    people: list[int] = []
    taken: dict[str, set[int]] = {}  # segment_id -> people already in that picture
    for face in faces:
        near = store.nearest(face.encoding, VOTERS, SAME_PERSON, exclude={face.face_id})
        owners = store.person_of(face_id for face_id, _ in near)
        votes: dict[int, tuple[int, float]] = {}
        for face_id, gap in near:
            owner = owners.get(face_id)
            if owner is None or owner in taken.get(face.segment_id, set()):
                continue
            count, best = votes.get(owner, (0, gap))
            votes[owner] = (count + 1, min(best, gap))
        joined: float | None = None
        if votes:
            person_id = max(votes, key=lambda p: (votes[p][0], -votes[p][1]))
            joined = votes[person_id][1]
        else:
            person_id = store.new_person()
        store.set_person(face.face_id, person_id, joined)
        taken.setdefault(face.segment_id, set()).add(person_id)
        people.append(person_id)
    return people


def _distance_to(own: list[StoredFace], others: list[StoredFace], single: bool) -> float:
    """Nearest distance between this asset's faces and the others'; 0 when the person is
    in this asset only (the user named exactly these faces)."""
    if not others:
        return 0.0 if single else SAME_PERSON
    matrix = np.stack([o.encoding for o in others])
    return float(min(distances(face.encoding, matrix).min() for face in own))


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"
