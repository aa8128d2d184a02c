"""Search by face: the faces in an uploaded picture against every stored face.

The query's faces (largest first, at most QUERY_FACES) are encoded with the same model
as at ingest; each is compared with all stored encodings in one numpy pass
(store/faces.py), filters applied before the cut. A stored face within enrich.faces.MATCH
makes its photo or video keyframe a hit, scored by enrich.faces.match_score (0.5 at the
clustering threshold), with the person's name when one was given.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PIL import Image

from assistant.enrich.faces import MATCH, find_faces, match_score
from assistant.schemas import Hit
from assistant.store.lookup import SegmentLookup

if TYPE_CHECKING:  # both are opened only when a picture query meets stored faces
    from assistant.models.faces import FaceModel
    from assistant.store.faces import FaceStore

SIGNAL = "face"
QUERY_FACES = 3
NO_FACE = "no face was found in the query picture (face search needs a visible face)"
FACES_OFF = "face search is off: the face models are not installed"


@dataclass
class FaceSearch:
    hits: list[Hit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def face_hits(
    store: FaceStore,
    face_model: Callable[[], FaceModel | None],
    lookup: SegmentLookup,
    image: Image.Image,
    k: int,
    asset_ids: AbstractSet[str] | None,
) -> FaceSearch:
    """Photos and keyframes showing a person whose face is in `image`, best first.
    `face_model` gives the model (None: not installed) only when faces are indexed."""
    if store.count() == 0:
        return FaceSearch()  # nothing indexed: do not load the model for nothing
    model = face_model()
    if model is None:
        return FaceSearch(notices=[FACES_OFF])
    query = find_faces(model, image)[:QUERY_FACES]
    if not query:
        return FaceSearch(notices=[NO_FACE])
    best: dict[str, float] = {}  # face_id -> nearest distance to any query face
    for face in query:
        for face_id, distance in store.nearest(face.encoding, k, MATCH, asset_ids):
            best[face_id] = min(distance, best.get(face_id, distance))
    scored = sorted(_by_segment(store, best).items(), key=lambda item: item[1][0])[:k]
    return FaceSearch(
        hits=lookup.hits(
            [
                (segment_id, match_score(distance), detail)
                for segment_id, (distance, detail) in scored
            ],
            SIGNAL,
        )
    )


def _by_segment(store: FaceStore, best: dict[str, float]) -> dict[str, tuple[float, str]]:
    """The nearest face per picture, with the words shown in `why`."""
    faces = store.faces(face_ids=best)
    names = {
        p.person_id: p.name
        for p in store.people({f.person_id for f in faces if f.person_id is not None})
    }
    out: dict[str, tuple[float, str]] = {}
    for face in faces:
        distance = best[face.face_id]
        if face.segment_id in out and out[face.segment_id][0] <= distance:
            continue
        name = names.get(face.person_id) if face.person_id is not None else None
        who = f" as {name}" if name else ""
        out[face.segment_id] = (distance, f"same face{who} (distance {distance:.2f})")
    return out
